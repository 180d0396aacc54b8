"""Whole manga-like pages with colour truth: does the drawing model colour small figures, at which input
size, and whole or panel by panel?

    python -m bench.pages --weights colorize/drawing_weights --pages 12 --sizes 224 448 576 auto

Each page is a grid of 2x2 to 3x3 panels, each holding a held-out colour drawing (validation split of
`drawn/`, never trained on) small in its panel, on white paper with black panel borders: the colour truth.
The input is that page made into line art and screentones as the drawing model's training inputs are
(train.drawn_inputs), at about 1000x1400 pixels. The page is run at each model input size, as one image
("whole") and panel by panel as the pipeline runs pages (colorize.panels, "panels"); the report gives PSNR
and CIEDE2000 against the truth, the colorfulness ratio, the paper's chroma and the time.
"""
import argparse
import os
import time

import numpy as np
from PIL import Image
from skimage import color

from colorize.images import is_colorless, list_images, read_rgb
from colorize.pipeline import Colorizer
from train.metrics import PAPER_CHROMA, PAPER_L, ciede2000, colorfulness, paper_chroma, psnr
from train.pages import PAGE, make_page, manga_input
from train.splits import is_validation

DRAWN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "drawn")
FOLDERS = ("openclipart", "gcompris_cartoons", "wesnoth_portraits", "openmoji/color")


def held_out_drawings(val_share=0.1):
    """Paths of the validation side of the drawn folders that have whole figures (not the 64 px faces)."""
    paths = []
    for folder in FOLDERS:
        paths += [p for p in list_images([os.path.join(DRAWN, folder)]) if is_validation(p, val_share)]
    return paths


def measures(truth, result, seconds):
    """The whole page's PSNR and paper chroma; CIEDE2000 and colorfulness over the figures only (the truth's
    pixels that are not paper), where the colour is."""
    truth_lab, result_lab = color.rgb2lab(truth), color.rgb2lab(result)
    figures = (truth_lab[..., 0] < PAPER_L) | (np.hypot(truth_lab[..., 1], truth_lab[..., 2]) >= PAPER_CHROMA)
    return {"psnr": psnr(truth, result), "ciede2000": ciede2000(truth_lab[figures], result_lab[figures]),
            "colorfulness_ratio": colorfulness(result[figures]) / colorfulness(truth[figures]),
            "paper_chroma": paper_chroma(truth_lab, result_lab), "seconds": seconds}


def at_size(colorizer, size, panels=True):
    """The colorizer at one input size ("auto": the weights' own choice, see Colorizer.model_size), panel by
    panel (colorize.panels) or with the whole page as one image."""
    config = {**colorizer.config, "panels": panels}
    if size != "auto":
        config.update(input_size=int(size), max_input_size=int(size))
    return Colorizer(colorizer.model, config, colorizer.source)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="drawing weights (default: the shipped ones)")
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--sizes", nargs="+", default=["224", "448", "576", "auto"],
                        help="model input sizes to compare, or auto: as the weights choose (default: all four)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    drawings = [rgb for rgb in (read_rgb(p) for p in held_out_drawings()) if not is_colorless(rgb)]
    colorizer = Colorizer.from_weights(args.weights, kind="drawing")
    sized = {f"{size} {way}": at_size(colorizer, size, way == "panels") for size in args.sizes
             for way in ("whole", "panels")}
    results = {"the input": [], **{name: [] for name in sized}}
    for _ in range(args.pages):
        truth = make_page(drawings, rng)
        shown = Image.fromarray(np.clip(manga_input(truth, rng) * 2.55 + 0.5, 0, 255).astype(np.uint8))
        results["the input"].append(measures(truth, np.asarray(shown.convert("RGB")), 0.0))
        for size, model in sized.items():
            model.colorize(shown)  # the first call at a size compiles it
            started = time.perf_counter()
            result = model.colorize(shown).rgb
            results[size].append(measures(truth, result, time.perf_counter() - started))
    print(f"{len(drawings)} held-out drawings, {args.pages} pages of {PAGE[0]}x{PAGE[1]}; weights {colorizer.source}")
    print(f"{'input':>12} {'PSNR dB':>8} {'CIEDE':>7} {'colorful':>9} {'paper C':>8} {'seconds':>8}")
    for size, rows in results.items():
        mean = {key: np.nanmean([row[key] for row in rows]) for key in rows[0]}
        median_time = np.median([row["seconds"] for row in rows])
        print(f"{size:>12} {mean['psnr']:8.2f} {mean['ciede2000']:7.2f} {mean['colorfulness_ratio']:9.2f} "
              f"{mean['paper_chroma']:8.2f} {median_time:8.2f}")


if __name__ == "__main__":
    main()
