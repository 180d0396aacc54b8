"""A drawing repeated on a page is coloured alike: panels whose model inputs show the same ink, once shifted
onto each other (a character pasted into several panels at different sizes, a repeated reaction shot), share
their colours.

Each panel reaches the model framed to its drawing (`panels.frame_of`), so the copies of one drawing differ
only by a shift and their resampling; yet the sharp decoding, region by region, turns those small differences
into different colours (a brown ear in one panel, a peach one in the next). Averaging the copies' decoded
colours and fills' lightness, each shifted onto the other, colours them alike: `bench.consistency` 7.1 -> 2.7 ab
between copies (docs/MODEL.md). Panels that show different drawings are left as they are.
"""
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


def shared(inputs, ab, fills, hinted=None):
    """(ab, fills) of a page's model inputs (L (S, S) each), with the decoded colours (ab (s, s, 2) each) and
    fills' lightness ((S, S) each, or None) of every input averaged with those of the inputs that show the same
    drawing (`alignment` at least ALIKE), each shifted onto it. Where some copies hold colour hints (`hinted`,
    one bool an input), the copies take the hinted copies' colours: hint one panel and its repeats follow.
    Inputs of different shapes never match."""
    hinted = hinted or [False] * len(inputs)
    copies = {i: [(i, (0.0, 0.0))] for i in range(len(inputs))}
    inks = [ink(plane) for plane in inputs]
    for i, j in itertools.combinations(range(len(inputs)), 2):
        if inputs[i].shape == inputs[j].shape:
            (dx, dy), correlation = alignment(inks[i], inks[j])
            if correlation >= ALIKE:
                copies[i].append((j, (dx, dy)))
                copies[j].append((i, (-dx, -dy)))
    shared_ab, shared_fills = list(ab), list(fills)
    for i, sources in copies.items():
        if any(hinted[j] for j, _ in sources):
            sources = [(j, shift) for j, shift in sources if hinted[j]]
        if sources == [(i, (0.0, 0.0))]:
            continue
        scale = ab[i].shape[0] / inputs[i].shape[0]  # the decoded colours may be at half the input's size
        shared_ab[i] = np.mean([moved(ab[j], (dx * scale, dy * scale)) for j, (dx, dy) in sources], axis=0)
        if fills[i] is not None:
            shared_fills[i] = np.mean([moved(fills[j], shift) for j, shift in sources], axis=0)
    return shared_ab, shared_fills
