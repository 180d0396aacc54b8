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
import scipy.sparse.linalg
from scipy import ndimage
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from skimage import segmentation

from .ab_bins import ab_bin_centers
from .images import resize_plane
from .screentone import INK_LEVEL, PAPER_LEVEL  # a drawing's ink: lines that regions must not cross

COMPACTNESS = 0.1  # SLIC on lightness alone (0-100): low, so that regions follow edges rather than a grid
SLIC_ITERATIONS = 5  # half scikit-image's 10: 2 ms less a picture, colours level (docs/BENCHMARKS.md)
SMALLEST_SHARE = 0.002  # ink-bounded pieces smaller than this share of the image join their SLIC region
# A drawing's touching pieces whose L is flat (spread under FLAT_SPREAD) and alike (medians within FLAT_APART)
# are one flat fill: decoded as one region, so it takes one colour, not patches (docs/MODEL.md). A tinted
# piece's spread is its interquartile range / 1.349 (a normal distribution's standard deviation): a piece along
# an outline holds a few of the ink's blurred edge pixels, which would make its standard deviation large. Paper
# keeps the standard deviation: at the model's grid a thin line can break, and a piece across the gap would
# join a figure's white fills to the page around it.
FLAT_SPREAD = 5.0
FLAT_APART = 4.0
# How far a colour hint's correction carries (measured with bench.hints, docs/MODEL.md): between regions whose
# mean L differ by HINT_REACH_L and whose model colours differ by HINT_REACH_AB (Lab units) it falls to 1/e.
HINT_REACH_L = 20.0
HINT_REACH_AB = 20.0
HINT_ALIKE = 5  # each region is also joined to its 5 most alike anywhere: the sky on both sides of a tower
HINT_FADE = 0.3  # the pull towards no correction: lower carries one hint over the whole picture (a blue cast)


def regions(lightness, count, drawing=False):
    """Labels 0..K-1 (H, W) of about `count` regions of an L plane (H, W) in [0, 100]. For a drawing, the
    regions are also cut along its ink lines, so that each area enclosed by ink is decoded on its own, and the
    pieces of one flat fill are joined again (`flat_fills_joined`)."""
    labels = segmentation.slic(lightness.astype(np.float64), n_segments=count, compactness=COMPACTNESS,
                               max_num_iter=SLIC_ITERATIONS, channel_axis=None, start_label=0)
    if drawing:
        areas, _ = ndimage.label(lightness >= INK_LEVEL)
        sizes = np.bincount(areas.ravel())
        areas[sizes[areas] < SMALLEST_SHARE * areas.size] = 0  # specks and ink stay with their SLIC region
        labels = labels * (areas.max() + 1) + areas
    labels = np.unique(labels, return_inverse=True)[1].reshape(lightness.shape)
    return flat_fills_joined(labels, lightness) if drawing else labels


def flat_fills_joined(labels, lightness):
    """Labels with the touching regions of one flat fill (paper-side of the ink, L flat and alike) merged: SLIC
    cuts a large flat area into pieces by position alone, and each piece would take its own colour."""
    count = labels.max() + 1
    flat, values = labels.ravel(), lightness.astype(np.float64).ravel()
    order = np.lexsort((values, flat))  # by region, then by L
    starts = np.searchsorted(flat[order], np.arange(count + 1))
    size, ranked = np.diff(starts), values[order]
    low, median, high = (ranked[starts[:-1] + ((size - 1) * share).astype(int)] for share in (0.25, 0.5, 0.75))
    mean = np.bincount(flat, values, count) / size
    deviation = np.sqrt(np.maximum(np.bincount(flat, values * values, count) / size - mean * mean, 0.0))
    spread = np.where(median > PAPER_LEVEL, deviation, (high - low) / 1.349)
    sides = touching(labels, count)
    one = ((spread[sides.row] < FLAT_SPREAD) & (spread[sides.col] < FLAT_SPREAD) & (median[sides.row] >= INK_LEVEL)
           & (np.abs(median[sides.row] - median[sides.col]) < FLAT_APART))
    fills = scipy.sparse.coo_matrix((np.ones(one.sum()), (sides.row[one], sides.col[one])), shape=(count, count))
    return connected_components(fills, directed=False)[1][labels]


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


def touching(labels, count):
    """(count, count) sparse, 1 where two regions touch."""
    first = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])
    second = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])
    apart = first != second
    sides = scipy.sparse.coo_matrix((np.ones(apart.sum()), (first[apart], second[apart])), shape=(count, count))
    sides = (sides + sides.T).tocsr()
    sides.data[:] = 1.0
    return sides.tocoo()


def carried(ab, labels, lightness, hinted, colours):
    """Region colours (K, 2) with each hint's correction (its colour minus the model's) carried over the
    regions that look like part of the same thing: touching ones, and the HINT_ALIKE most alike anywhere,
    weighted by how alike their lightness and model colour are; hinted regions take their hint's colour.
    The corrections are the harmonic interpolation over that graph (Levin et al. 2004's colorization by
    optimisation, on regions rather than pixels), so one hint on a sky recolours the whole sky, not a patch."""
    count = len(ab)
    mean_l = np.bincount(labels.ravel(), lightness.ravel(), count) / np.bincount(labels.ravel(), minlength=count)
    looks = np.column_stack([mean_l / HINT_REACH_L, ab * 128.0 / HINT_REACH_AB])
    sides = touching(labels, count)
    weights = scipy.sparse.csr_matrix(
        (sides.data * np.exp(-np.sum((looks[sides.row] - looks[sides.col]) ** 2, axis=1)), (sides.row, sides.col)),
        shape=(count, count))
    if count > 1:
        distance, nearest = cKDTree(looks).query(looks, k=min(HINT_ALIKE, count - 1) + 1)
        rows = np.repeat(np.arange(count), nearest.shape[1] - 1)
        alike = scipy.sparse.csr_matrix((np.exp(-distance[:, 1:].ravel() ** 2), (rows, nearest[:, 1:].ravel())),
                                        shape=(count, count))
        weights = weights + 0.5 * (alike + alike.T)
    free = ~hinted
    result = ab.copy()
    result[hinted] = colours[hinted]
    if free.any():
        system = (scipy.sparse.diags(np.asarray(weights.sum(axis=1)).ravel() + HINT_FADE) - weights)[free][:, free]
        pulled = weights[free][:, hinted] @ (colours[hinted] - ab[hinted])
        result[free] += scipy.sparse.linalg.spsolve(system.tocsc(), pulled).reshape(-1, 2)
    return result


def decode(probabilities, lightness, count, temperature, mute=0.0, drawing=False, hints=None):
    """ab (h, w, 2) in [-1, 1] for one image from its bins distributions (h, w, Q) and the L the model saw
    (any size, resized here to h x w): one colour per region of `regions`. Colour hints (the model's hint
    input, (S, S, 3) at the input size) colour the regions they fall on, and their corrections carry over
    the regions alike (`carried`): a hint colours the thing it falls on, not only the few pixels it covers."""
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
        colours = np.zeros_like(ab)
        colours[given] = pooled_hints[given, :2] / pooled_hints[given, 2:]
        ab = carried(ab, labels.reshape(height, width), small, given, colours)
    return ab[labels].reshape(height, width, 2).astype(np.float32)

