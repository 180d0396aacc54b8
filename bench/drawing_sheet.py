"""A contact sheet of drawings: what the photo model and the drawing model make of comics and manga-like pages.

    python -m bench.drawing_sheet --out docs/samples-drawings.jpg --previous OLD_DRAWING_WEIGHTS

Rows: the Pepper&Carrot pages and the pencil sketch in `comics/` (made gray), then manga-like pages made
from held-out colour drawings (bench.pages) with their colour truth, then pages of one held-out drawing in four
panels (is it coloured alike on each? `colorize/repeats.py`). Columns: the input, the photo
default, the previous drawing model where `--previous` names one, the drawing model (screentones kept), the
drawing model with them smoothed, and the truth where there is one (the comics' own colours). Which model
`--kind auto` picks is written under the input.
"""
import argparse
import glob
import os

import numpy as np
from PIL import Image, ImageDraw

from bench.pages import held_out_drawings
from colorize.auto_colorizer import AutoColorizer
from colorize.images import is_colorless, open_image, read_rgb
from colorize.pipeline import Colorizer
from train.pages import make_page, manga_input

COMICS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "comics")
HEIGHT = 300
CAPTION = 18


def cell(rgb, text=""):
    image = Image.fromarray(np.asarray(rgb))
    image = image.resize((max(1, round(image.width * HEIGHT / image.height)), HEIGHT), Image.LANCZOS)
    out = Image.new("RGB", (image.width, HEIGHT + CAPTION), "white")
    out.paste(image, (0, 0))
    ImageDraw.Draw(out).text((4, HEIGHT + 3), text, fill="black")
    return np.asarray(out)


def row_of(colorizer, gray, truth=None, previous=None):
    picked = colorizer.kind_of(gray)
    photo, drawing = colorizer.colorizer("photo"), colorizer.colorizer("drawing")
    cells = [cell(gray.convert("RGB"), f"input (auto: {picked})"), cell(photo.colorize(gray).rgb, "photo model")]
    if previous is not None:
        cells.append(cell(previous.colorize(gray).rgb, "previous drawing model"))
    prediction = drawing.predict_image(gray)  # composed twice: tones kept, then smoothed
    cells += [cell(prediction.compose().rgb, "drawing model"),
              cell(prediction.compose(screentone="smooth").rgb, "drawing, tones smoothed")]
    if truth is not None:
        cells.append(cell(truth, "truth"))
    return np.hstack(cells)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/samples-drawings.jpg")
    parser.add_argument("--pages", type=int, default=3, help="manga-like pages with truth (default 3)")
    parser.add_argument("--repeats", type=int, default=1, help="pages of one drawing in four panels (default 1)")
    parser.add_argument("--weights", help="drawing weights (default: the shipped ones)")
    parser.add_argument("--previous", help="drawing weights to show beside them (a column of its own)")
    args = parser.parse_args(argv)
    colorizer = AutoColorizer(args.weights)
    previous = Colorizer.from_weights(args.previous, kind="drawing") if args.previous else None
    rows = []
    for path in sorted(glob.glob(os.path.join(COMICS, "*.*")) + glob.glob(os.path.join(COMICS, "grayscale_only", "*"))):
        if not path.endswith(".md"):
            picture = open_image(path).convert("RGB")
            truth = np.asarray(picture)
            rows.append(row_of(colorizer, picture.convert("L"), None if is_colorless(truth) else truth, previous))
    rng = np.random.default_rng(1)
    drawings = [rgb for rgb in (read_rgb(p) for p in held_out_drawings()) if not is_colorless(rgb)]
    for page in range(args.pages + args.repeats):
        truth = make_page(drawings, rng) if page < args.pages else \
            make_page(drawings, rng, (2, 2), [int(rng.integers(len(drawings)))] * 4)
        gray = Image.fromarray(np.clip(manga_input(truth, rng) * 2.55 + 0.5, 0, 255).astype(np.uint8))
        rows.append(row_of(colorizer, gray, truth, previous))
    width = max(row.shape[1] for row in rows)
    sheet = np.vstack([np.pad(row, ((0, 4), (0, width - row.shape[1]), (0, 0)), constant_values=255) for row in rows])
    Image.fromarray(sheet).save(args.out, quality=85)
    print(f"wrote {args.out} ({sheet.shape[1]}x{sheet.shape[0]})")


if __name__ == "__main__":
    main()
