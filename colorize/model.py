"""The colorization networks: a VGG16 encoder fed the L channel, and a decoder that predicts ab.

`seed` is the student report's network; `unet` adds skip connections from the encoder's blocks so
that colour edges follow object edges. Both are fully convolutional: they are built for any input
size divisible by 32 (training crops and the 224x224 inference size share one set of weights).
"""
import keras
from keras import layers

from .ab_bins import ab_bin_centers
from .encoder import ENCODER_NAME, vgg16_encoder
from .layers import AnnealedMean, GrayToVGGInput

ARCHITECTURES = ("unet", "seed")
HEADS = ("regression", "bins")
DEFAULT_TEMPERATURE = 0.38  # Zhang et al.'s annealed-mean temperature
UNET_SKIPS = ("block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")


def _conv(x, filters, name, batch_norm=False):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=name)(x)
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def _head(x, head, temperature):
    """ab in [-1, 1]: tanh regression, or the annealed mean over quantised ab bins."""
    if head == "regression":
        return layers.Conv2D(2, 3, padding="same", activation="tanh", dtype="float32", name="ab")(x)
    logits = layers.Conv2D(len(ab_bin_centers()), 1, dtype="float32", name="ab_logits")(x)
    return AnnealedMean(temperature, dtype="float32", name="ab")(logits)


def _seed_decoder(features, head, temperature):
    """The report's decoder: 7x7x512 -> 3x3 ReLU convolutions and five UpSampling2D steps -> 224x224x2."""
    x = _conv(features, 256, "dec1")
    x = _conv(x, 128, "dec2")
    for i, filters in enumerate((64, 32, 16)):
        x = layers.UpSampling2D(2, name=f"up{i + 1}")(x)
        x = _conv(x, filters, f"dec{i + 3}")
    x = layers.UpSampling2D(2, name="up4")(x)
    x = _head(x, head, temperature)
    return layers.UpSampling2D(2, name="up5")(x)


def _unet_decoder(skips, head, temperature):
    """Upsample from block 5 and join each encoder block on the way; ab comes out at half size."""
    block2, block3, block4, block5 = skips
    x = _conv(block5, 256, "dec5", batch_norm=True)
    for skip, filters, name in ((block4, 192, "dec4"), (block3, 128, "dec3"), (block2, 64, "dec2")):
        x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{name}_up")(x)
        x = layers.Concatenate(name=f"{name}_join")([x, skip])
        x = _conv(x, filters, name, batch_norm=True)
    x = _conv(x, 64, "dec1", batch_norm=True)
    x = _head(x, head, temperature)
    return layers.UpSampling2D(2, interpolation="bilinear", name="ab_full")(x)


def build_model(architecture="unet", encoder_init="none", head="regression", temperature=DEFAULT_TEMPERATURE):
    """A Keras model: L (B, H, W, 1) in [0, 100] -> ab (B, H, W, 2) in [-1, 1]; H and W divisible by 32."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r}; choose one of {', '.join(HEADS)}")
    lightness = keras.Input((None, None, 1), name="lightness")
    vgg_input = GrayToVGGInput(name="vgg_input")(lightness)
    outputs = ("block5_pool",) if architecture == "seed" else UNET_SKIPS
    features = vgg16_encoder(encoder_init, outputs)(vgg_input)
    if architecture == "seed":
        ab = _seed_decoder(features, head, temperature)
    else:
        ab = _unet_decoder(features, head, temperature)
    return keras.Model(lightness, ab, name=f"colorize_{architecture}")


def encoder_of(model):
    """The VGG16 encoder inside a model built here (to freeze or unfreeze it)."""
    return model.get_layer(ENCODER_NAME)
