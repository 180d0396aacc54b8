"""CIELab helpers: the model sees L in [0, 100] and predicts ab scaled to [-1, 1].

Named after the report's `convert_lab` / `convert_rgb`; the colour science is scikit-image's.
"""
import warnings

import numpy as np
from skimage import color

AB_SCALE = 128.0  # the report divides a and b by 128 so that tanh can reach them
AB_PICTURE_LIGHTNESS = 75.0  # papers show predicted ab at one constant, fairly light L


def convert_lab(rgb):
    """RGB uint8 (H, W, 3) -> (L float32 (H, W) in [0, 100], ab float32 (H, W, 2) in [-1, 1])."""
    lab = color.rgb2lab(np.asarray(rgb, dtype=np.uint8)).astype(np.float32)
    return lab[..., 0], np.clip(lab[..., 1:] / AB_SCALE, -1.0, 1.0)


def convert_rgb(lightness, ab):
    """L (H, W) in [0, 100] and ab (H, W, 2) in [-1, 1] -> RGB uint8, out-of-gamut colours clipped."""
    lab = np.concatenate(
        [np.asarray(lightness, np.float32)[..., None], np.asarray(ab, np.float32) * AB_SCALE], axis=-1
    )
    with warnings.catch_warnings():  # colours outside sRGB are expected here, and clipped below
        warnings.simplefilter("ignore", UserWarning)
        rgb = color.lab2rgb(lab)
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8)


def gray_rgb(lightness):
    """The RGB uint8 picture of L alone (ab = 0): what a black-and-white photo looks like."""
    return convert_rgb(lightness, np.zeros(np.shape(lightness) + (2,), np.float32))


def ab_picture(ab):
    """Render predicted ab at constant lightness, so the colours show without the photo's shading."""
    return convert_rgb(np.full(np.shape(ab)[:2], AB_PICTURE_LIGHTNESS, np.float32), ab)
