"""Is a character coloured alike on every panel? One held-out drawing pasted into the four panels of a page
at different sizes and places, the page made a black-and-white print, colorized as a page; the copies'
colours compared.

    python -m bench.consistency --drawings 12
    python -m bench.consistency --drawings 12 --chapter

--chapter: the drawing on two pages instead, in the first panel of one and the last panel of the next, three
other drawings around it on each; the two pages colorized in turn, as one chapter (`colorize.Chapter`) and
apart, and its two copies compared.

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
from colorize.repeats import Chapter
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


def chapter_pages(drawings, index, rng):
    """(the two pages' truths, where the drawing is on each: its first panel, then the last) for `--chapter`."""
    panels = GRID[0] * GRID[1]
    others = [i for i in rng.choice(len(drawings), 2 * panels, replace=False) if i != index][: 2 * (panels - 1)]
    first = make_page(drawings, rng, GRID, [index, *others[: panels - 1]])
    second = make_page(drawings, rng, GRID, [*others[panels - 1 :], index])
    return (first, second), (0, panels - 1)


def print_page(truth, rng):
    return Image.fromarray(np.clip(manga_input(truth, rng) * 2.55 + 0.5, 0, 255).astype(np.uint8))


def figure_of(truth_copy):
    """The pixels of a copy (Lab, COMMON x COMMON) that are drawn: ink or colour, not paper."""
    return (truth_copy[..., 0] < PAPER_L) | (np.hypot(truth_copy[..., 1], truth_copy[..., 2]) >= PAPER_CHROMA)


def across_pages(colorizer, drawings, chosen, rng):
    """(the truth's, apart, as a chapter) ab differences between the drawing's copies on two pages."""
    rows = []
    for index in chosen:
        truths, places = chapter_pages(drawings, index, rng)
        shown = [print_page(truth, rng) for truth in truths]
        boxes = [copy_boxes(truth)[place] for truth, place in zip(truths, places)]
        truth_copies = [copies_of(truth, [box])[0] for truth, box in zip(truths, boxes)]
        figure = figure_of(truth_copies[0])
        row = [difference(truth_copies, figure)]
        for chapter in (None, Chapter()):
            results = [colorizer.colorize(page, chapter=chapter).rgb for page in shown]
            row.append(difference([copies_of(rgb, [box])[0] for rgb, box in zip(results, boxes)], figure))
        rows.append(row)
    return np.mean(rows, axis=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="drawing weights (default: the shipped ones)")
    parser.add_argument("--drawings", type=int, default=12)
    parser.add_argument("--chapter", action="store_true", help="one copy on each of two pages (see above)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    drawings = [rgb for rgb in (read_rgb(p) for p in held_out_drawings()) if not is_colorless(rgb)]
    chosen = rng.choice(len(drawings), args.drawings, replace=False)
    colorizer = Colorizer.from_weights(args.weights, kind="drawing")
    if args.chapter:
        truth_floor, apart, together = across_pages(colorizer, drawings, chosen, rng)
        print(f"{args.drawings} held-out drawings, each on two {PAGE[0]}x{PAGE[1]} pages of {GRID[0] * GRID[1]} "
              f"panels; weights {colorizer.source}")
        print(f"mean ab difference between the two pages' copies: {together:.2f} as one chapter, {apart:.2f} "
              f"apart (the truth's own copies: {truth_floor:.2f})")
        return
    rows, seconds = [], []
    for index in chosen:
        truth = make_page(drawings, rng, GRID, [index] * (GRID[0] * GRID[1]))
        boxes = copy_boxes(truth)
        shown = print_page(truth, rng)
        started = time.perf_counter()
        result = colorizer.colorize(shown).rgb
        seconds.append(time.perf_counter() - started)
        truths = copies_of(truth, boxes)
        figure = figure_of(truths[0])
        rows.append((difference(truths, figure), difference(copies_of(result, boxes), figure)))
    truth_floor, ours = np.mean(rows, axis=0)
    print(f"{args.drawings} held-out drawings, each in the {GRID[0] * GRID[1]} panels of a {PAGE[0]}x{PAGE[1]} page; "
          f"weights {colorizer.source}")
    print(f"mean ab difference between copies: {ours:.2f} (the truth's own copies: {truth_floor:.2f}); "
          f"median {np.median(seconds):.2f} s a page")


if __name__ == "__main__":
    main()
