"""From the bins head's colour distribution per pixel to one clean colour per region.

Decoding each pixel on its own (the annealed mean, `layers.AnnealedMean`) makes neighbouring pixels of one
object pick different modes of their distributions: speckle and blotches when decoded sharply, a beige
average when decoded softly. Here the distributions are pooled over regions first (superpixels of the
lightness the model saw, which never cross a strong edge, and for a drawing never cross an ink line), so that a
region's pixels vote together, and each region then takes the annealed mean of its pooled distribution,
muted by how widely that distribution spreads around it (unsure regions stay grayer, sure ones keep their
colour). The numbers behind the choices are in docs/MODEL.md.
"""
import numpy as np
import scipy.sparse
from scipy import ndimage
from skimage import segmentation

from .ab_bins import ab_bin_centers
from .images import resize_plane

COMPACTNESS = 0.1  # SLIC on lightness alone (0-100): low, so that regions follow edges rather than a grid
INK_BELOW = 45.0  # L under which a drawing's pixel is ink: lines that regions must not cross
SMALLEST_SHARE = 0.002  # ink-bounded pieces smaller than this share of the image join their SLIC region


def regions(lightness, count, drawing=False):
    """Labels 0..K-1 (H, W) of about `count` regions of an L plane (H, W) in [0, 100]. For a drawing, the
    regions are also cut along its ink lines, so that each area enclosed by ink is decoded on its own."""
    labels = segmentation.slic(lightness.astype(np.float64), n_segments=count, compactness=COMPACTNESS,
                               channel_axis=None, start_label=0)
    if drawing:
        areas, _ = ndimage.label(lightness >= INK_BELOW)
        sizes = np.bincount(areas.ravel())
        areas[sizes[areas] < SMALLEST_SHARE * areas.size] = 0  # specks and ink stay with their SLIC region
        labels = labels * (areas.max() + 1) + areas
    return np.unique(labels, return_inverse=True)[1].reshape(lightness.shape)


def annealed_mean(probabilities, temperature):
    """ab (..., 2) in [-1, 1] of distributions over the bins (..., Q): the mean of p^(1/T), renormalised."""
    sharp = np.power(np.maximum(probabilities, 1e-30), 1.0 / temperature)
    sharp /= sharp.sum(axis=-1, keepdims=True)
    return sharp @ ab_bin_centers()


def muted(ab, probabilities, mute):
    """ab shrunk towards gray by the spread of the distribution around it, as `layers.AnnealedMean` does."""
    if not mute:
        return ab
    centers = ab_bin_centers()
    spread = probabilities @ np.sum(centers * centers, axis=-1) - 2 * np.sum(ab * (probabilities @ centers), axis=-1)
    spread += np.sum(ab * ab, axis=-1)
    return ab / (1.0 + mute**2 * np.maximum(spread, 0.0))[..., None]


def decode(probabilities, lightness, count, temperature, mute=0.0, drawing=False, hints=None):
    """ab (h, w, 2) in [-1, 1] for one image from its bins distributions (h, w, Q) and the L the model saw
    (any size, resized here to h x w): one colour per region of `regions`. A region holding colour hints
    (the model's hint input, (S, S, 3) at the input size) takes their mean colour: a hint colours the
    area it falls on, up to the edges the regions follow, not only the few pixels it covers."""
    height, width, bins = probabilities.shape
    small = lightness if lightness.shape == (height, width) else resize_plane(lightness, (width, height))
    labels = regions(small, count, drawing).ravel()
    members = scipy.sparse.csr_matrix((np.ones(labels.size, np.float32), (labels, np.arange(labels.size))),
                                      shape=(labels.max() + 1, labels.size))
    pooled = members @ probabilities.reshape(-1, bins)
    pooled /= np.maximum(pooled.sum(axis=-1, keepdims=True), 1e-30)
    ab = muted(annealed_mean(pooled, temperature), pooled, mute)
    if hints is not None and hints[..., 2].any():
        planes = np.stack([resize_plane(hints[..., c], (width, height)) for c in range(3)], axis=-1)
        pooled_hints = members @ planes.reshape(-1, 3)  # ab are zero where no hint: sums of ab x coverage, coverage
        given = pooled_hints[:, 2] > 0
        ab[given] = pooled_hints[given, :2] / pooled_hints[given, 2:]
    return ab[labels].reshape(height, width, 2).astype(np.float32)

