"""Quantised ab colours for the classification head (Zhang et al. 2016): a 10-unit grid over the sRGB gamut."""
import functools

import numpy as np
from skimage import color

from .lab import AB_SCALE

GRID_STEP = 10.0


@functools.lru_cache(maxsize=1)
def ab_bin_centers():
    """The grid cells that some sRGB colour falls into, as ab centres scaled to [-1, 1] (Q, 2)."""
    levels = np.linspace(0.0, 1.0, 48)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(1, -1, 3)
    ab = color.rgb2lab(cube)[0, :, 1:]
    cells = np.unique(np.round(ab / GRID_STEP).astype(np.int64), axis=0)
    return (cells * GRID_STEP / AB_SCALE).astype(np.float32)


def nearest_bins(ab):
    """Index of the nearest bin centre for each ab value (..., 2) in [-1, 1] (used to make targets)."""
    centers = ab_bin_centers()
    flat = np.asarray(ab, np.float32).reshape(-1, 2)
    d = (flat[:, None, 0] - centers[None, :, 0]) ** 2 + (flat[:, None, 1] - centers[None, :, 1]) ** 2
    return d.argmin(axis=1).reshape(np.shape(ab)[:-1])
