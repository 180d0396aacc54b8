"""Colour edges that follow the full-resolution lightness, not the model's coarse grid.

The model's ab is a small grid (112 or 224 px a side); resized bilinearly to a large picture, its colour
bleeds a few pixels across every edge (a blue halo round a tower, a skin tone on the wall beside a face).
He and Sun's fast guided filter instead fits, in each small window of the grid, ab as a linear function of
the lightness the grid was made from, and it is those coefficients that are resized and applied to the
full-size lightness: within a window colour follows the lightness's edges; where lightness is flat, the colour
is the window's mean. Chosen on the validation splits in docs/MODEL.md.
"""
import numpy as np
from scipy.ndimage import uniform_filter

from .images import resize_plane

RADIUS = 2  # grid pixels: each coefficient is fitted over a 5 x 5 window
EPSILON = 1e-3  # the fit's regularisation, L in [0, 1]: higher pulls the colour near an edge towards gray


def coefficients(ab_small: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """(4, S, S) float32: slopes (per L unit) and offsets of ab (S, S, 2) against L (the full-size L (H, W)
    resized to S x S), each averaged over the windows that hold its pixel; `apply` turns them into full-size ab."""
    size = ab_small.shape[:2]
    guide = resize_plane(lightness, size[::-1]).astype(np.float64) / 100.0
    window = 2 * RADIUS + 1

    def mean(x):
        return uniform_filter(x, window, mode="reflect")

    guide_mean = mean(guide)
    variance = mean(guide * guide) - guide_mean**2
    slopes, offsets = [], []
    for channel in range(2):
        ab = ab_small[..., channel].astype(np.float64)
        ab_mean = mean(ab)
        slope = (mean(guide * ab) - guide_mean * ab_mean) / (variance + EPSILON)
        slopes.append(mean(slope))
        offsets.append(mean(ab_mean - slope * guide_mean))
    return np.stack([slope / 100.0 for slope in slopes] + offsets).astype(np.float32)


def apply(planes: np.ndarray, lightness: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a and b from full-size coefficient planes (4, ...) and the L (...) at the same size, in place (the
    slopes' planes are used up)."""
    for slope, offset in zip(planes[:2], planes[2:]):
        slope *= lightness
        offset += slope
    return planes[2], planes[3]
