"""Screentones: the dot and line patterns that print gray on a manga page, smoothed into the gray they stand for.

A tone's dots (dark dots on paper, or paper-white holes in a dark fill) are small connected blobs; ink
lines and solid fills are large ones. `descreen` finds the small blobs with SciPy's connected-component
labelling, takes them out (each is filled with the paper or ink around it), and puts their ink back
spread out by a gaussian: the tone becomes a flat gray of the same mean while lines and solid areas,
which hold no small blobs, keep every pixel. The drawing model sees this descreened lightness; the
result keeps the page's own dots (over the colours) unless the user asks for them smoothed.
"""
import numpy as np
from scipy import ndimage

INK_LEVEL = 50.0  # L below this is ink, above it paper (screentones are printed black on white)
DOT_AREA = 48  # px: blobs smaller than this are a tone's dots or holes, larger ones are lines and fills
SPREAD = 2.0  # px: sigma of the gaussian that turns dots into their mean gray
NEIGHBOURHOOD = 7  # px: where a dot's surroundings (paper or ink) are looked up
SCREENTONES = ("keep", "smooth")  # a drawing's tones in the result: the page's own dots, or smoothed


def check_screentone(choice):
    if choice not in SCREENTONES:
        raise ValueError(f"unknown screentone choice {choice!r}; choose one of {', '.join(SCREENTONES)}")


def small_blobs(mask):
    """Pixels of `mask` whose 8-connected component has fewer than DOT_AREA pixels."""
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if not count:
        return np.zeros_like(mask)
    sizes = np.bincount(labels.ravel())
    sizes[0] = DOT_AREA  # the background label is never a blob
    return sizes[labels] < DOT_AREA


def descreen(lightness):
    """L (H, W) float32 in [0, 100] -> the same with screentone dots smoothed into flat gray; lines kept."""
    lightness = np.asarray(lightness, np.float32)
    ink = lightness < INK_LEVEL
    dots, holes = small_blobs(ink), small_blobs(~ink)
    if not dots.any() and not holes.any():
        return lightness
    clean = lightness.copy()
    clean[dots] = ndimage.maximum_filter(lightness, NEIGHBOURHOOD)[dots]  # the paper around a dot
    clean[holes] = ndimage.minimum_filter(lightness, NEIGHBOURHOOD)[holes]  # the ink around a hole
    return np.clip(clean + ndimage.gaussian_filter(lightness - clean, SPREAD), 0.0, 100.0)
