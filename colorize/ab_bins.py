"""Quantised ab colours for the classification head (Zhang et al. 2016): a 10-unit grid over the sRGB gamut."""
import functools

import numpy as np
from skimage import color

from .lab import AB_SCALE

GRID_STEP = 10.0
REACH = int(np.ceil(AB_SCALE / GRID_STEP))  # grid cells from ab's zero to the edge of its range


@functools.lru_cache(maxsize=1)
def ab_bin_centers():
    """The grid cells that some sRGB colour falls into, as ab centres scaled to [-1, 1] (Q, 2)."""
    levels = np.linspace(0.0, 1.0, 48)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(1, -1, 3)
    cells = np.round(color.rgb2lab(cube)[0, :, 1:] / GRID_STEP).astype(np.int64)
    side = 2 * REACH + 1
    keys = np.unique((cells[:, 0] + REACH) * side + cells[:, 1] + REACH)  # (a, b) order; 6x faster than axis=0
    return ((np.stack([keys // side, keys % side], axis=1) - REACH) * GRID_STEP / AB_SCALE).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _bin_of_cell():
    """Grid cell (a, b) offset by the largest cell -> its bin index, or -1 where no sRGB colour falls."""
    cells = np.rint(ab_bin_centers() * AB_SCALE / GRID_STEP).astype(np.int64)
    table = np.full((2 * REACH + 1, 2 * REACH + 1), -1, np.int64)
    table[cells[:, 0] + REACH, cells[:, 1] + REACH] = np.arange(len(cells))
    return table


def nearest_bins(ab):
    """Index of the nearest bin centre for each ab value (..., 2) in [-1, 1] (used to make targets).

    The centres lie on a square grid, so the nearest grid point is the rounded value; only values whose
    grid cell holds no bin (outside the gamut) are compared with every centre.
    """
    table = _bin_of_cell()
    flat = np.asarray(ab, np.float32).reshape(-1, 2)
    cell = np.clip(np.rint(flat * (AB_SCALE / GRID_STEP)).astype(np.int64), -REACH, REACH) + REACH
    index = table[cell[:, 0], cell[:, 1]]
    outside = index < 0
    if outside.any():
        centers = ab_bin_centers()
        rest = flat[outside]
        d = (rest[:, None, 0] - centers[None, :, 0]) ** 2 + (rest[:, None, 1] - centers[None, :, 1]) ** 2
        index[outside] = d.argmin(axis=1)
    return index.reshape(np.shape(ab)[:-1])
