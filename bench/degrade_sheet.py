"""A contact sheet of the old-photo augmentation (train/degrade.py), to check by eye that it looks like old prints.

    python -m bench.degrade_sheet --out docs/degrade-examples.jpg

Rows: scikit-image's public-domain sample photos. Columns: the clean lightness, then degraded versions
with different seeds, each captioned with the effects applied. The photos are degraded at the cell's
size (about the training crop's), so that pixel-sized effects (grain, halftone, JPEG) show as the model sees them.
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw
from skimage import color, data

from train.degrade import degrade_lightness  # (imports no Keras: this stays quick)

PHOTOS = ("astronaut", "coffee", "chelsea", "camera")
CAPTION = 26  # pixels under each cell for the effects' names
SHORT = {"blur": "blur", "halftone": "halftone", "exposure": "expo", "vignette": "vign", "grain": "grain",
         "levels": "levels", "contrast": "contr", "scratches": "scratch", "jpeg": "jpeg"}


def photo_lightness(name, size):
    """A sample photo's centre crop (short side scaled to size) as CIELab L, as training's validation view."""
    image = getattr(data, name)()
    rgb = Image.fromarray(np.stack([image] * 3, axis=-1) if image.ndim == 2 else image[..., :3])
    scale = size / min(rgb.size)
    rgb = rgb.resize((max(size, round(rgb.width * scale)), max(size, round(rgb.height * scale))), Image.LANCZOS)
    left, top = (rgb.width - size) // 2, (rgb.height - size) // 2
    return color.rgb2lab(np.asarray(rgb.crop((left, top, left + size, top + size))))[..., 0].astype(np.float32)


def caption(draw, left, top, words, size):
    """The effects' names in up to two lines under a cell."""
    text, lines = "", []
    for word in words:
        if draw.textlength(f"{text} {word}".strip()) > size - 4:
            lines.append(text)
            text = word
        else:
            text = f"{text} {word}".strip()
    lines.append(text)
    for i, line in enumerate(lines[:2]):
        draw.text((left + 2, top + 1 + 12 * i), line, fill=0)


def sheet(size, columns, seed):
    """The contact sheet as a Pillow image."""
    cells = columns + 1
    grid = Image.new("L", (cells * size, len(PHOTOS) * (size + CAPTION)), 255)
    draw = ImageDraw.Draw(grid)
    for row, name in enumerate(PHOTOS):
        lightness = photo_lightness(name, size)
        top = row * (size + CAPTION)
        for column in range(cells):
            applied = []
            if column == 0:
                shown, applied = lightness, ["clean"]
            else:
                shown = degrade_lightness(lightness, np.random.default_rng([seed, row, column]), applied=applied)
            grid.paste(Image.fromarray(np.round(shown * 2.55).astype(np.uint8)), (column * size, top))
            caption(draw, column * size, top + size, [SHORT.get(a, a) for a in applied], size)
    return grid


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the sheet (.jpg)")
    parser.add_argument("--size", type=int, default=200, help="each cell's size in pixels")
    parser.add_argument("--columns", type=int, default=6, help="degraded versions per photo")
    parser.add_argument("--seed", type=int, default=3, help="3 (the default) shows every effect at least once")
    args = parser.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    sheet(args.size, args.columns, args.seed).save(args.out, quality=85)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
