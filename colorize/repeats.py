"""A drawing repeated on a page is coloured alike: panels whose model inputs show the same ink, once shifted
onto each other (a character pasted into several panels at different sizes, a repeated reaction shot), share
their colours.

Each panel reaches the model framed to its drawing (`panels.frame_of`), so the copies of one drawing differ
only by a shift and their resampling; yet the sharp decoding, region by region, turns those small differences
into different colours (a brown ear in one panel, a peach one in the next). Averaging the copies' decoded
colours and fills' lightness, each shifted onto the other, colours them alike: `bench.consistency` 7.1 -> 2.7 ab
between copies (docs/MODEL.md). Panels that show different drawings are left as they are.

Pages colorized together (a chapter: the command line's files, the app's batch) go further: a `Chapter` holds
the panels of the pages already coloured, and a repeat of one of them on a later page takes the colours it was
given there, so a character pasted onto every page of a chapter keeps its colours from page to page.
"""
import collections
import itertools

import cv2
import numpy as np
from skimage.registration import phase_cross_correlation

# The ink's correlation, once aligned, above which two model inputs show the same drawing. Measured on 100 pages
# of held-out drawings (300 pairs each way, docs/history.md): 281 of 300 pairs of copies of one drawing reach it
# (median 0.97; the others are mostly covered by lettering), 2 of 300 pairs of different drawings do, both OpenMoji
# variants with the same lines (skin tones); the panels of examples/manga-page.png at most 0.44.
ALIKE = 0.8
SHRINK = 2  # the ink is aligned at half the inputs' size: 4x cheaper, to a fifth of an input pixel
# Panels a Chapter remembers, the latest kept: about 8 pages of six panels. Each is about 0.5 MB, and every panel
# of a new page is aligned with each of them (0.5-0.7 ms a pair). A character seen on every page is carried along
# however long the chapter: each page's copy is remembered with the colours it took from the page before.
REMEMBERED = 48


def moved(plane, shift, border=cv2.BORDER_REPLICATE):
    """A plane (H, W) or (H, W, C<=4) moved by shift (dx, dy) pixels, bilinear."""
    matrix = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
    return cv2.warpAffine(np.ascontiguousarray(plane, np.float32), matrix, plane.shape[1::-1],
                          flags=cv2.INTER_LINEAR, borderMode=border).reshape(plane.shape)


def ink(plane):
    """(the ink of an L plane (H, W) in [0, 100], 100 - L at 1/SHRINK of its size, its Fourier transform) for
    `alignment`."""
    dark = np.float32(100.0) - np.asarray(plane, np.float32)
    size = (max(1, dark.shape[1] // SHRINK), max(1, dark.shape[0] // SHRINK))
    dark = cv2.resize(dark, size, interpolation=cv2.INTER_AREA)
    return dark, np.fft.fft2(dark)


def alignment(still, moving):
    """(shift (dx, dy) in pixels that lays `moving` over `still`, the correlation of their ink after it) for two
    L planes (H, W) of one shape in [0, 100], or two `ink`s; a correlation of 0 where either has no ink."""
    (still, still_spectrum), (moving, moving_spectrum) = (
        plane if isinstance(plane, tuple) else ink(plane) for plane in (still, moving))
    if min(float(still.std()), float(moving.std())) < 1e-3:
        return (0.0, 0.0), 0.0
    dy, dx = phase_cross_correlation(still_spectrum, moving_spectrum, upsample_factor=10, space="fourier")[0]
    laid = moved(moving, (float(dx), float(dy)), cv2.BORDER_CONSTANT)
    correlation = float(np.nan_to_num(np.corrcoef(still.ravel(), laid.ravel())[0, 1]))
    return (float(dx) * SHRINK, float(dy) * SHRINK), correlation


class Chapter:
    """The panels of the pages colorized so far (their model inputs' ink, decoded colours and fills' lightness),
    the latest REMEMBERED of them, so that `shared` colours their repeats on later pages alike. One per batch of
    pages colorized together; not shared between users."""

    def __init__(self) -> None:
        self.panels = collections.deque(maxlen=REMEMBERED)  # (input shape, ink, ab, fills)

    def remember(self, inputs: list, inks: list, ab: list, fills: list) -> None:
        self.panels.extend(zip((x.shape for x in inputs), inks, ab, fills))


def shared(inputs, ab, fills, hinted=None, chapter=None):
    """(ab, fills) of a page's model inputs (L (S, S) each), with the decoded colours (ab (s, s, 2) each) and
    fills' lightness ((S, S) each, or None) of every input averaged with those of the inputs that show the same
    drawing (`alignment` at least ALIKE), each shifted onto it. Copies lead their repeats in this order: a copy
    holding colour hints (`hinted`, one bool an input), then one on an earlier page of the `chapter` (a Chapter
    or None), then the page's others: hint one panel and its repeats follow, and a chapter's later pages follow
    its earlier ones. The page's panels are then remembered in the chapter. Inputs of different shapes never
    match."""
    count = len(inputs)
    earlier = list(chapter.panels) if chapter is not None else []
    shapes = [x.shape for x in inputs] + [shape for shape, *_ in earlier]
    inks = [ink(plane) for plane in inputs] + [plane_ink for _, plane_ink, *_ in earlier]
    ab = list(ab) + [panel_ab for *_, panel_ab, _ in earlier]
    fills = list(fills) + [panel_fills for *_, panel_fills in earlier]
    rank = [2 if given else 0 for given in (hinted or [False] * count)] + [1] * len(earlier)
    copies = {i: [(i, (0.0, 0.0))] for i in range(count)}
    for i, j in itertools.combinations(range(len(inks)), 2):
        if i < count and shapes[i] == shapes[j]:
            (dx, dy), correlation = alignment(inks[i], inks[j])
            if correlation >= ALIKE:
                copies[i].append((j, (dx, dy)))
                if j < count:
                    copies[j].append((i, (-dx, -dy)))
    shared_ab, shared_fills = ab[:count], fills[:count]
    for i, sources in copies.items():
        leading = max(rank[j] for j, _ in sources)
        sources = [(j, shift) for j, shift in sources if rank[j] == leading]
        if sources == [(i, (0.0, 0.0))]:
            continue
        scale = ab[i].shape[0] / inputs[i].shape[0]  # the decoded colours may be at half the input's size
        shared_ab[i] = np.mean([moved(ab[j], (dx * scale, dy * scale)) for j, (dx, dy) in sources], axis=0)
        if fills[i] is not None:
            shared_fills[i] = np.mean([moved(fills[j], shift) for j, shift in sources], axis=0)
    if chapter is not None:
        chapter.remember(inputs, inks[:count], shared_ab, shared_fills)
    return shared_ab, shared_fills
