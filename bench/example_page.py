"""Make the app's manga-style example page from public-domain clip art (Debian's openclipart-png).

    apt-get install openclipart-png && python -m bench.example_page

Four figures that the drawing model never saw in training (not in `drawn/openclipart/`), laid out in
panels on white paper (bench.pages), then printed as line art with screentones as the drawing model's
inputs are made (train.drawn_inputs): a page with the look of black-and-white manga, free to ship.
"""
import os

import numpy as np
from PIL import Image

from colorize.images import read_rgb
from train.pages import make_page, manga_input

CLIP_ART = "/usr/share/openclipart/png/people"
FIGURES = ("adult_astrid_graeber_01.png", "fitness_architetto_franc_01.png", "bach_ganson.png",
           "aerobics_architetto_fran_01.png")
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "manga-page.png")


def main():
    figures = [read_rgb(os.path.join(CLIP_ART, name)) for name in FIGURES]
    rng = np.random.default_rng(7)
    page = make_page(figures, rng, grid=(2, 2), order=range(len(figures)))
    lightness = manga_input(page, rng, tones=True)
    Image.fromarray(np.clip(lightness * 2.55 + 0.5, 0, 255).astype(np.uint8)).save(OUT, optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
