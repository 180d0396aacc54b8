"""Screentones: the dot and line patterns that print gray on a manga page, smoothed into the gray they stand for.

A tone's dots (dark dots on paper, or paper-white holes in a dark fill) are small connected blobs; ink
lines and solid fills are large ones. `descreen` finds the small blobs with OpenCV's connected-component
labelling, takes them out (each is filled with the paper or ink around it), and puts their ink back
spread out by a gaussian: the tone becomes a flat gray of the same mean while lines and solid areas,
which hold no small blobs, keep every pixel. The drawing model sees this descreened lightness; the
result keeps the page's own dots (over the colours) unless the user asks for them smoothed.
"""
import cv2
import numpy as np

INK_LEVEL = 50.0  # L below this is ink, above it paper (screentones are printed black on white)
PAPER_LEVEL = 85.0  # L above this is white paper (the gutters between panels, a page around a figure)
DOT_AREA = 48  # px: blobs smaller than this are a tone's dots or holes, larger ones are lines and fills
SPREAD = 2.0  # px: sigma of the gaussian that turns dots into their mean gray
NEIGHBOURHOOD = 7  # px: where a dot's surroundings (paper or ink) are looked up
SCREENTONES = ("keep", "smooth")  # a drawing's tones in the result: the page's own dots, or smoothed


def check_screentone(choice):
    if choice not in SCREENTONES:
        raise ValueError(f"unknown screentone choice {choice!r}; choose one of {', '.join(SCREENTONES)}")


def small_blobs(mask):
    """Pixels of `mask` whose 8-connected component has fewer than DOT_AREA pixels."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    sizes = stats[:, cv2.CC_STAT_AREA]
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
    around = np.ones((NEIGHBOURHOOD, NEIGHBOURHOOD), np.uint8)
    clean[dots] = cv2.dilate(lightness, around)[dots]  # the paper around a dot
    clean[holes] = cv2.erode(lightness, around)[holes]  # the ink around a hole
    reach = 2 * int(4 * SPREAD + 0.5) + 1  # SciPy's gaussian_filter's width: 4 sigma each side
    spread = cv2.GaussianBlur(lightness - clean, (reach, reach), SPREAD, borderType=cv2.BORDER_REFLECT)
    return np.clip(clean + spread, 0.0, 100.0)
