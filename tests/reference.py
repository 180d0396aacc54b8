"""The slow, obvious pipeline that the fast one is checked against (tests/test_speed_tolerance.py) and timed
against (bench.pipeline, bench.precision).

scikit-image's colour conversion, Pillow resizes of whole planes and `predict_on_batch` in float32:
what `colorize` did before docs/BENCHMARKS.md, kept here as the reference for speed and for output.
"""
import warnings

import numpy as np
from skimage import color

from colorize import guided
from colorize.hints import model_inputs
from colorize.lab import AB_PICTURE_LIGHTNESS, AB_SCALE
from colorize.pipeline import Colorized, resize_plane


def lab_to_rgb(lightness, ab):
    """scikit-image's lab2rgb, rounded to bytes (out-of-gamut colours clipped)."""
    lab = np.concatenate([np.broadcast_to(np.float32(lightness), ab.shape[:-1])[..., None], ab * AB_SCALE], axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rgb = color.lab2rgb(lab.astype(np.float64))
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8)


def compose(lightness, ab_small, saturation=1.0, follow_edges=False):
    """Resize ab (with `follow_edges`, the guided filter's coefficients) to full size, scale and clip it, and
    convert both pictures with scikit-image."""
    height, width = lightness.shape
    if follow_edges:
        slope_a, slope_b, offset_a, offset_b = (resize_plane(plane, (width, height))
                                                for plane in guided.coefficients(ab_small, lightness))
        ab = np.stack([slope_a * lightness + offset_a, slope_b * lightness + offset_b], axis=-1)
    else:
        ab = np.stack([resize_plane(ab_small[..., c], (width, height)) for c in range(2)], axis=-1)
    ab = np.clip(ab * np.float32(saturation), -1.0, 1.0)
    shown_l = np.round(lightness * 2.55).astype(np.uint8)
    return Colorized(lab_to_rgb(lightness, ab), lambda: (shown_l, lab_to_rgb(AB_PICTURE_LIGHTNESS, ab)))


def predict(model, lightness_batch):
    """The model in float32 through Keras' predict_on_batch (a hint model with no hints)."""
    inputs = model_inputs(np.asarray(lightness_batch, np.float32)[..., None], len(model.inputs) > 1)
    return np.asarray(model.predict_on_batch(inputs[0] if len(inputs) == 1 else inputs), np.float32)
