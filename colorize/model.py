"""The colorization networks: a VGG16 encoder fed the L channel, and a decoder that predicts ab.

`seed` is the student report's network; `unet` adds skip connections from the encoder's blocks so
that colour edges follow object edges. Both are fully convolutional: they are built for any input
size divisible by 32 (training crops and the 224x224 inference size share one set of weights).

A `unet` built with `hints=True` also takes colour hints (Zhang et al. 2017): local hints (ab and a
mask at the input size) join every decoder level, and a global hint (an ab distribution over the bins,
from a reference image) joins the deepest one. The encoder never sees them. Every hint layer starts at
zero, so a hint model made from automatic weights colorizes exactly as they did, and all-zero hints
("none given") are a valid input, which is how one set of weights serves both uses.

A `unet` built with `predicts_lightness=True` (the drawing model, `predicts_lightness` in its config) has a second
output: the lightness of the fills, L in [0, 100], beside ab. The pipeline keeps the darker of it and the
input's L, so ink lines stay as dark as drawn while white fills of line art get a tone of their own.
"""
from __future__ import annotations

import hashlib

import numpy as np

from .ab_bins import ab_bin_centers
from .backend import keras
from .choices import ARCHITECTURES, DEFAULT_TEMPERATURE, HEADS
from .encoder import ENCODER_NAME, vgg16_encoder
from .hints import HINT_CHANNELS
from .layers import AnnealedMean, GrayToVGGInput, PoolHints

layers = keras.layers

UNET_SKIPS = ("block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")
FILL_START = 3.0  # the lightness head's first bias: sigmoid(3) = L 95, paper, so a new head changes nothing


def _conv(x, filters, name, batch_norm=False, extra=()):
    """3x3 convolution, batch norm, ReLU; `extra` tensors (hint features) are added just before the ReLU."""
    x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=name)(x)
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if extra:
        x = layers.Add(name=f"{name}_hinted")([x, *extra])
    return layers.Activation("relu", name=f"{name}_relu")(x)


def _local_hint(hints, factor, filters, name):
    """The local hints at 1/factor of the input size, turned into `filters` features (zero at first)."""
    pooled = PoolHints(factor, name=f"{name}_hints_pool")(hints)
    return layers.Conv2D(filters, 3, padding="same", kernel_initializer="zeros", name=f"{name}_hints")(pooled)


def _global_hint(reference, filters):
    """The reference's ab distribution as one feature vector added everywhere at the deepest level."""
    x = layers.Dense(256, activation="relu", name="reference_dense")(reference)
    x = layers.Dense(filters, kernel_initializer="zeros", name="reference_features")(x)
    return layers.Reshape((1, 1, filters), name="reference_map")(x)


def _head(x, head, temperature, mute=0.0):
    """ab in [-1, 1]: tanh regression, or the annealed mean over quantised ab bins (muted where unsure)."""
    if head == "regression":
        return layers.Conv2D(2, 3, padding="same", activation="tanh", dtype="float32", name="ab")(x)
    logits = layers.Conv2D(len(ab_bin_centers()), 1, dtype="float32", name="ab_logits")(x)
    return AnnealedMean(temperature, mute, dtype="float32", name="ab")(logits)


def _lightness_head(x):
    """The fills' lightness at half size, as a share of L's range (trained), then at full size in L units."""
    share = layers.Conv2D(1, 3, padding="same", activation="sigmoid", dtype="float32", name="fill_lightness",
                          bias_initializer=keras.initializers.Constant(FILL_START))(x)
    full = layers.UpSampling2D(2, interpolation="bilinear", dtype="float32", name="fill_lightness_full")(share)
    return layers.Rescaling(100.0, dtype="float32", name="lightness_out")(full)


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


def _unet_decoder(skips, head, temperature, mute=0.0, hints=None, reference=None, lightness=False):
    """Upsample from block 5 and join each encoder block on the way; ab comes out at half size.
    Hints, when given, are added at every level (block 5 is 1/16 of the input, block 2 1/2).
    With `lightness`, the fills' L comes out too: [ab, L]."""

    def hinted(factor, filters, name, *more):
        return (_local_hint(hints, factor, filters, name), *more) if hints is not None else ()

    block2, block3, block4, block5 = skips
    x = _conv(block5, 256, "dec5", batch_norm=True,
              extra=hinted(16, 256, "dec5", *((_global_hint(reference, 256),) if reference is not None else ())))
    for skip, filters, name, factor in ((block4, 192, "dec4", 8), (block3, 128, "dec3", 4), (block2, 64, "dec2", 2)):
        x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{name}_up")(x)
        x = layers.Concatenate(name=f"{name}_join")([x, skip])
        x = _conv(x, filters, name, batch_norm=True, extra=hinted(factor, filters, name))
    x = _conv(x, 64, "dec1", batch_norm=True, extra=hinted(2, 64, "dec1"))
    ab = layers.UpSampling2D(2, interpolation="bilinear", name="ab_full")(_head(x, head, temperature, mute))
    return [ab, _lightness_head(x)] if lightness else ab


def build_model(architecture: str = "unet", encoder_init: str = "none", head: str = "regression",
                temperature: float = DEFAULT_TEMPERATURE, hints: bool = False, mute: float = 0.0,
                predicts_lightness: bool = False) -> keras.Model:
    """A Keras model: L (B, H, W, 1) in [0, 100] -> ab (B, H, W, 2) in [-1, 1]; H and W divisible by 32.

    With hints=True its inputs are [L, hints (B, H, W, 3), reference (B, Q)] (see the module's docstring);
    mute > 0 makes a unet's bins head shrink unsure colours towards gray (see layers.AnnealedMean);
    predicts_lightness=True adds the fills' lightness as a second output (B, H, W, 1) in [0, 100]."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r}; choose one of {', '.join(HEADS)}")
    if (hints or predicts_lightness) and architecture != "unet":
        raise ValueError("colour hints and predicted lightness need the unet architecture")
    image = keras.Input((None, None, 1), name="lightness")
    vgg_input = GrayToVGGInput(name="vgg_input")(image)
    outputs = ("block5_pool",) if architecture == "seed" else UNET_SKIPS
    features = vgg16_encoder(encoder_init, outputs)(vgg_input)
    if architecture == "seed":
        return keras.Model(image, _seed_decoder(features, head, temperature), name="colorize_seed")
    name = "colorize_unet" + ("_drawing" if predicts_lightness else "")
    if not hints:
        return keras.Model(image, _unet_decoder(features, head, temperature, mute, lightness=predicts_lightness),
                           name=name)
    local = keras.Input((None, None, HINT_CHANNELS), name="hints")
    reference = keras.Input((len(ab_bin_centers()),), name="reference")
    outputs = _unet_decoder(features, head, temperature, mute, local, reference, predicts_lightness)
    return keras.Model([image, local, reference], outputs, name=f"{name}_hints")


def model_from_config(config):
    """The network a weights config describes (its weights still to be loaded)."""
    return build_model(config["architecture"], "none", config["head"],
                       config.get("temperature", DEFAULT_TEMPERATURE), bool(config.get("hints")),
                       config.get("mute", 0.0), bool(config.get("predicts_lightness")))


def encoder_of(model):
    """The VGG16 encoder inside a model built here (to freeze or unfreeze it)."""
    return model.get_layer(ENCODER_NAME)


def encoder_digest(model):
    """SHA-256 of the encoder's weights as loaded: models with the same digest see the same features, so the kind
    detector can read either's (`train export` records it as encoder_sha256, `AutoColorizer` compares it)."""
    digest = hashlib.sha256()
    for weight in encoder_of(model).get_weights():
        digest.update(np.ascontiguousarray(weight, np.float32).tobytes())
    return digest.hexdigest()
