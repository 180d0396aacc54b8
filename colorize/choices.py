"""What a model, its weights folder and its training can be, by name: light (no Keras), so that every
command's --help starts at once. The modules that use these names import them from here."""
ARCHITECTURES = ("unet", "seed")
HEADS = ("regression", "bins")
ENCODER_INITS = ("hed", "imagenet", "none")
VGG16_BLOCKS = 5  # VGG16's convolution blocks, of which fit --train-blocks N learns the last N
DEFAULT_TEMPERATURE = 0.38  # Zhang et al.'s annealed-mean temperature
TEMPERATURES = (0.01, 10.0)  # an annealed mean's temperature: below 0.01 its powers leave float range
CROP_SCALES = ("photo", "inference")  # how training crops are cut (see train.data.random_crop)
BEST_SUBFOLDER = "best"  # a training run's best epoch, itself a weights folder
