"""Photo or drawing? A logistic regression on what the colorizer's own VGG16 encoder sees in the image.

Statistics of the lightness (paper share, flatness, edges) told line art and screentoned pages from
photos but took painted comics for photos (docs/MODEL.md). The encoder's deepest features, averaged over
the image, tell drawn from photographed far better, and cost one encoder pass at the model's input size.
The regression is fitted by `python -m train kinds` on features of the shipped encoder, which the photo
and drawing models share (both were fine-tuned with it frozen), and stored in DETECTOR_FILE.
"""
import functools
import json
import os

import keras
import numpy as np

from .encoder import ENCODER_NAME
from .layers import GrayToVGGInput

DETECTOR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kind_detector.json")


def feature_model(model):
    """L (N, S, S, 1) -> the mean of each of the encoder's two deepest blocks' channels (N, 256 + 512 ...)."""
    lightness = keras.Input((None, None, 1))
    taps = model.get_layer(ENCODER_NAME)(GrayToVGGInput()(lightness))
    pooled = [keras.layers.GlobalAveragePooling2D()(tap) for tap in taps[-2:]]
    return keras.Model(lightness, keras.layers.Concatenate()(pooled))


@functools.lru_cache(maxsize=1)
def _detector():
    with open(DETECTOR_FILE) as f:
        return json.load(f)


def drawing_probability(features, detector=None):
    """How likely each row of encoder features (N, F) is drawn art rather than a photo."""
    detector = detector or _detector()
    x = (np.asarray(features, np.float64) - detector["mean"]) / np.asarray(detector["scale"])
    return 1 / (1 + np.exp(-(x @ np.asarray(detector["weights"]) + detector["bias"])))
