"""What the drawing model is shown: colour art turned into the gray drawings and manga pages users bring.

There are no manga pages with colour truth, so they are made from colour art (each function takes the
art's true L (H, W) in [0, 100] and returns an input L of the same shape):

- `gray_art`: the colour art made gray (a painted or shaded drawing);
- `line_art`: ink lines only, white fills, by XDoG (Winnemoeller et al. 2012) on the art's L, or the
  art's exact line layer where one exists (OpenMoji's `line/` twin of a `color/` file);
- `toned_page`: lines over fills quantised to a few flat grays, printed as screentone dots, hatching or
  flat gray, as manga pages are;
then, as for photos, some get a scan's wear (train.degrade: blur, paper grain, JPEG...).

The target is always the art's true colours, L included (the drawing model predicts the fills' L).
"""
import os

import numpy as np
from scipy.ndimage import gaussian_filter, maximum_filter

from train.degrade import dot_screen, maybe_degrade

KINDS = (("gray", 0.4), ("lines", 0.3), ("tones", 0.3))  # (input kind, share of training crops)
SCAN_WEAR = 0.3  # share of inputs that also get a scan's blur, grain or JPEG
PAPER, INK = 100.0, 5.0


def line_twin(path):
    """The exact line art of a colour drawing, if the data has one (`.../color/X` -> `.../line/X`), else None."""
    head, name = os.path.split(path)
    parent, folder = os.path.split(head)
    twin = os.path.join(parent, "line", name)
    return twin if folder == "color" and os.path.isfile(twin) else None


def xdog(lightness, rng):
    """Ink lines from L by extended difference of gaussians: dark where L drops across an edge, paper elsewhere."""
    sigma = rng.uniform(0.6, 1.4)
    unit = np.asarray(lightness, np.float32) / np.float32(PAPER)
    edges = gaussian_filter(unit, sigma) - np.float32(0.98) * gaussian_filter(unit, 1.6 * sigma)
    sharpness = rng.uniform(40.0, 120.0)
    ink = np.clip(1.0 + np.tanh(sharpness * (edges + 0.01)), 0.0, 1.0)  # 1: paper, 0: ink
    return (np.float32(INK) + np.float32(PAPER - INK) * ink).astype(np.float32)


def gray_art(lightness, rng, line=None):
    return np.asarray(lightness, np.float32)


def line_art(lightness, rng, line=None):
    if line is not None and rng.random() < 0.7:
        return np.asarray(line, np.float32)
    return xdog(lightness, rng)


def toned_page(lightness, rng, line=None):
    """Lines (the art's own line layer or XDoG) over its fills quantised to 2-4 grays (split at quantiles of
    the drawn pixels), each printed flat, as dots (period 3-7 px) or as hatching; the lightest level is
    paper, the darkest often solid ink."""
    lines = line_art(lightness, rng, line)
    levels = int(rng.integers(2, 5))
    drawn = lightness[lightness < PAPER - 3]  # the levels split the drawing's tones, not the paper around it
    edges = np.quantile(drawn if drawn.size else lightness, np.linspace(0, 1, levels + 1)[1:-1])
    level = np.digitize(lightness, edges)
    grays = np.sort(rng.uniform(15.0, 90.0, levels))
    grays[-1] = PAPER  # the lightest fills are the paper
    if rng.random() < 0.5:
        grays[0] = INK  # and often the darkest solid black
    flat = grays[level].astype(np.float32)
    style = rng.choice(("dots", "hatching", "flat"), p=(0.55, 0.2, 0.25))
    if style != "flat":
        screen = dot_screen(flat.shape, rng.uniform(3.0, 7.0), rng.uniform(0.0, np.pi / 2), lines=style == "hatching")
        flat = np.where((1 - flat / np.float32(PAPER)) > screen, np.float32(INK), np.float32(PAPER))
    return np.minimum(lines, flat).astype(np.float32)


MAKERS = {"gray": gray_art, "lines": line_art, "tones": toned_page}


def drawn_input(lightness, rng, line=None, applied=None):
    """A random input L for one crop of colour art (its L, and its exact line layer if there is one)."""
    names, shares = zip(*KINDS)
    kind = names[rng.choice(len(names), p=np.asarray(shares) / sum(shares))]
    if applied is not None:
        applied.append(kind)
    return maybe_degrade(MAKERS[kind](lightness, rng, line), rng, SCAN_WEAR, applied=applied)


def fill_lightness(lightness, stride):
    """The lightness head's target at 1/stride of the crop: the fills' L, with lines up to 2 px thinned out
    (a 3x3 maximum) so the head learns the fills' tone and the input's own lines stay the ink."""
    n, h, w = lightness.shape
    filled = maximum_filter(lightness, size=(1, 3, 3))
    return filled.reshape(n, h // stride, stride, w // stride, stride).mean(axis=(2, 4)) / np.float32(PAPER)
