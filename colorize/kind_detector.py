"""Photo or drawing? A logistic regression on what the colorizer's own VGG16 encoder sees in the image.

Statistics of the lightness (paper share, flatness, edges) told line art and screentoned pages from
photos but took painted comics for photos (docs/MODEL.md). The encoder's deepest features, averaged over
the image (`encoder.pooled_features`), tell drawn from photographed far better, and come with the model's own call
at its input size (`fast_model.with_features`).
A second regression tells shaded drawings from line art (`shaded_probability`), on what the drawing
model's encoder sees. Both are fitted by `python -m train kinds`, the first on the photo model's encoder
(so that a photo, most of what is brought, is looked at once), the second on the drawing model's; each
part records the digest of the encoder it reads (`encoder_sha256`, as `model.encoder_digest` gives it)
and its own feature scaling, so that the two models may share an encoder or not. Stored in DETECTOR_FILE.
"""
import functools
import json
import os

import numpy as np
from scipy.special import expit

DETECTOR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kind_detector.json")


@functools.lru_cache(maxsize=1)
def _detector():
    with open(DETECTOR_FILE) as f:
        return json.load(f)


def _logistic(features, part):
    x = (np.asarray(features, np.float64) - part["mean"]) / np.asarray(part["scale"])
    return expit(x @ np.asarray(part["weights"]) + part["bias"])  # no overflow far from the boundary


def drawing_probability(features, detector=None):
    """How likely each row of encoder features (N, F) is drawn art rather than a photo."""
    detector = detector or _detector()
    return _logistic(features, detector)


def detector_encoder(detector=None):
    """The digest of the encoder whose features `drawing_probability` reads (None: not recorded)."""
    return (detector or _detector()).get("encoder_sha256")


def shading_encoder(detector=None):
    """The digest of the encoder whose features `shaded_probability` reads (None: not recorded)."""
    return (detector or _detector()).get("shading", {}).get("encoder_sha256")


def shaded_probability(features, detector=None):
    """How likely each row of a drawing's encoder features (N, F) is shaded art (painted, or colour art
    made gray), whose own lightness the result keeps, rather than line art or a toned page, whose white
    fills take the drawing model's tones; 0 for a detector fitted before there was this part."""
    detector = detector or _detector()
    if "shading" not in detector:
        return np.zeros(len(features))
    return _logistic(features, detector["shading"])
