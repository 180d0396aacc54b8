"""Whole pages, made from single pictures: manga-like pages of panels from colour drawings (their colour
truth kept), with speech balloons and lettering, and photos laid out with frames and text, the pages a
photo-or-drawing detector must not take for drawings. `bench.pages` measures the drawing model on the
first; `train kinds` fits the detector on both.
"""
import functools

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from colorize.lab import convert_lab
from train.degrade import maybe_degrade
from train.drawn_inputs import MAKERS

PAGE = (1000, 1400)
BORDER = 4
LETTERS = "ABCDEFGHIKLMNOPRSTUWYabcdeghiklmnoprstuy АБВГДЕЖЗИКЛМНОПРСТУабвгдежзиклмнопрсту!?."


@functools.lru_cache(maxsize=8)
def lettering_font(size):
    """DejaVu Sans (shipped with matplotlib, a training dependency): Latin and Cyrillic glyphs, which
    Pillow's own default font lacks."""
    from matplotlib import font_manager

    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


def make_page(drawings, rng, grid=None, order=None):
    """The colour truth (RGB) of one page of panels (a random 2x2 to 3x3 grid, or `grid`), each holding a
    drawing (at random, or the `order` given) scaled to 45-80 % of it."""
    rows, cols = grid or (int(v) for v in rng.integers(2, 4, 2))
    picks = iter(order) if order is not None else None
    page = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(page)
    width, height = (PAGE[0] - 40) // cols, (PAGE[1] - 40) // rows
    for r in range(rows):
        for c in range(cols):
            left, top = 20 + c * width, 20 + r * height
            box = (left + 8, top + 8, left + width - 8, top + height - 8)
            art = Image.fromarray(drawings[next(picks) if picks else int(rng.integers(len(drawings)))])
            share = rng.uniform(0.45, 0.8)
            scale = share * min((box[2] - box[0]) / art.width, (box[3] - box[1]) / art.height)
            art = art.resize((max(1, round(art.width * scale)), max(1, round(art.height * scale))), Image.LANCZOS)
            x = int(rng.integers(box[0], box[2] - art.width + 1))
            y = int(rng.integers(box[1], box[3] - art.height + 1))
            page.paste(art, (x, y))
            draw.rectangle(box, outline="black", width=BORDER)
    return np.asarray(page)


def manga_input(truth, rng, tones=None):
    """The page as a reader's black-and-white print: line art with screentones (70 % of the time, or if
    `tones`), else plain line art."""
    lightness = convert_lab(truth)[0]
    made = MAKERS["tones"] if (rng.random() < 0.7 if tones is None else tones) else MAKERS["lines"]
    return made(lightness, rng)


def lettered(lightness, rng, count, balloons=True):
    """L (H, W) in [0, 100] with `count` blocks of lettering, in white speech balloons outlined in ink (or,
    balloons=False, as captions straight on the picture), Latin and Cyrillic."""
    image = Image.fromarray(np.clip(lightness * 2.55 + 0.5, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    size = max(10, int(min(image.size) * rng.uniform(0.018, 0.03)))
    font = lettering_font(size)
    for _ in range(count):
        lines, chars = int(rng.integers(1, 5)), int(rng.integers(6, 16))
        width, height = int(chars * size * 0.62) + 2 * size, int(lines * size * 1.3) + 2 * size
        if width >= image.width or height >= image.height:
            continue
        x, y = int(rng.integers(0, image.width - width)), int(rng.integers(0, image.height - height))
        if balloons:
            draw.ellipse((x, y, x + width, y + height), fill=255, outline=0, width=max(2, size // 8))
        for line in range(lines):
            text = "".join(rng.choice(list(LETTERS), chars))
            draw.text((x + size, y + size + line * size * 1.3), text, fill=0 if balloons else 255, font=font)
    return np.asarray(image, np.float32) / np.float32(2.55)


def manga_page(drawings, rng):
    """A manga-like page as a reader brings it: panels of drawings in lines and screentones, speech
    balloons on half of them, some with a scan's wear."""
    lightness = manga_input(make_page(drawings, rng), rng)
    if rng.random() < 0.5:
        lightness = lettered(lightness, rng, int(rng.integers(2, 7)))
    return maybe_degrade(lightness, rng, 0.3)


def photo_page(photos, rng):
    """Photos (L arrays in [0, 100]) laid out as people scan them: a print in a white frame with a caption,
    an album or newspaper page of 2-6 prints with captions, or one photo with lettering over it."""
    layout = rng.integers(3)
    if layout == 2:
        picture = photos[int(rng.integers(len(photos)))]
        return lettered(picture, rng, int(rng.integers(1, 4)), balloons=bool(rng.random() < 0.5))
    count = 1 if layout == 0 else int(rng.integers(2, 7))
    cols = 1 if count == 1 else 2
    rows = -(-count // cols)
    page = Image.new("L", PAGE, int(rng.integers(215, 256)))
    cell_w, cell_h = (PAGE[0] - 60) // cols, (PAGE[1] - 60) // rows
    for k in range(count):
        picture = photos[int(rng.integers(len(photos)))]
        shown = Image.fromarray(np.clip(picture * 2.55 + 0.5, 0, 255).astype(np.uint8))
        scale = min((cell_w - 40) / shown.width, (cell_h - 90) / shown.height)
        shown = shown.resize((max(1, int(shown.width * scale)), max(1, int(shown.height * scale))))
        left, top = 30 + (k % cols) * cell_w + 20, 30 + (k // cols) * cell_h + 20
        page.paste(shown, (left, top))
    lightness = np.asarray(page, np.float32) / np.float32(2.55)
    captions = lettered(np.zeros_like(lightness), rng, count, balloons=False)  # white text on black
    return maybe_degrade(np.where(captions > 50, np.float32(10), lightness), rng, 0.5)
