"""Is a character coloured alike on every panel? One held-out drawing pasted into the four panels of a page
at different sizes and places, the page made a black-and-white print, colorized as a page; the copies'
colours compared.

    python -m bench.consistency --drawings 12

For each page, each copy's result is cut out along the drawing's box, scaled to a common size, and the
mean ab distance between every two copies taken over the drawing's coloured and inked pixels (not its
paper). The truth's own copies differ by their resampling only: that is the floor. Target (issue 39):
at most 5.
"""
import argparse
import itertools
import time

import numpy as np
from PIL import Image
from skimage import color

from bench.pages import held_out_drawings
from colorize.images import is_colorless, read_rgb
from colorize.pipeline import Colorizer
from train.metrics import PAPER_CHROMA, PAPER_L
from train.pages import PAGE, make_page, manga_input

GRID = (2, 2)
COMMON = 96  # px: each copy's side when the copies are compared


def copy_boxes(truth):
    """The box (top, left, bottom, right) of the drawing in each panel of a GRID page: its pixels that are
    not white paper, inside the panel's border."""
    rows, cols = GRID
    width, height = (PAGE[0] - 40) // cols, (PAGE[1] - 40) // rows
    drawn = truth.min(axis=-1) < 250
    boxes = []
    for r, c in itertools.product(range(rows), range(cols)):
        top, left = 20 + r * height + 16, 20 + c * width + 16
        inside = drawn[top : 20 + (r + 1) * height - 16, left : 20 + (c + 1) * width - 16]
        ys, xs = np.nonzero(inside)
        boxes.append((top + ys.min(), left + xs.min(), top + ys.max() + 1, left + xs.max() + 1))
    return boxes


def copies_of(rgb, boxes):
    """Each box of an RGB page scaled to COMMON x COMMON, in Lab."""
    return [color.rgb2lab(np.asarray(Image.fromarray(rgb[top:bottom, left:right]).resize((COMMON, COMMON),
                                                                                      Image.BILINEAR)))
            for top, left, bottom, right in boxes]


def difference(copies, figure):
    """Mean ab distance between every two copies over the figure's pixels."""
    return float(np.mean([np.hypot(*(a[..., 1:] - b[..., 1:]).transpose(2, 0, 1))[figure].mean()
                          for a, b in itertools.combinations(copies, 2)]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="drawing weights (default: the shipped ones)")
    parser.add_argument("--drawings", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    drawings = [rgb for rgb in (read_rgb(p) for p in held_out_drawings()) if not is_colorless(rgb)]
    chosen = rng.choice(len(drawings), args.drawings, replace=False)
    colorizer = Colorizer.from_weights(args.weights, kind="drawing")
    rows, seconds = [], []
    for index in chosen:
        truth = make_page(drawings, rng, GRID, [index] * (GRID[0] * GRID[1]))
        boxes = copy_boxes(truth)
        shown = Image.fromarray(np.clip(manga_input(truth, rng) * 2.55 + 0.5, 0, 255).astype(np.uint8))
        started = time.perf_counter()
        result = colorizer.colorize(shown).rgb
        seconds.append(time.perf_counter() - started)
        truths = copies_of(truth, boxes)
        figure = (truths[0][..., 0] < PAPER_L) | (np.hypot(truths[0][..., 1], truths[0][..., 2]) >= PAPER_CHROMA)
        rows.append((difference(truths, figure), difference(copies_of(result, boxes), figure)))
    truth_floor, ours = np.mean(rows, axis=0)
    print(f"{args.drawings} held-out drawings, each in the {GRID[0] * GRID[1]} panels of a {PAGE[0]}x{PAGE[1]} page; "
          f"weights {colorizer.source}")
    print(f"mean ab difference between copies: {ours:.2f} (the truth's own copies: {truth_floor:.2f}); "
          f"median {np.median(seconds):.2f} s a page")


if __name__ == "__main__":
    main()
