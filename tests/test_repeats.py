"""A drawing repeated in several panels of a page is coloured alike; different drawings keep their own colours."""
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

import colorize.repeats as repeats
from colorize import Colorizer
from colorize.lab import convert_lab
from colorize.repeats import ALIKE, alignment, shared

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def figure(offset=(0, 0), other=False):
    """A model input (224, 224) L in [0, 100]: ink shapes on paper, moved by offset (dx, dy)."""
    picture = Image.new("L", (224, 224), 255)
    draw = ImageDraw.Draw(picture)
    dx, dy = offset
    if other:
        draw.rectangle((50 + dx, 40 + dy, 170 + dx, 120 + dy), outline=0, width=4)
        draw.line((40 + dx, 190 + dy, 190 + dx, 150 + dy), fill=0, width=3)
    else:
        draw.ellipse((60 + dx, 50 + dy, 160 + dx, 150 + dy), outline=0, fill=200, width=4)
        draw.ellipse((90 + dx, 80 + dy, 110 + dx, 100 + dy), fill=0)
        draw.line((70 + dx, 170 + dy, 150 + dx, 190 + dy), fill=0, width=3)
    return np.asarray(picture, np.float32) / 2.55


def test_alignment_finds_how_far_a_copy_is_moved_and_tells_other_drawings_apart():
    (dx, dy), correlation = alignment(figure(), figure((7, -5)))
    assert abs(dx + 7) < 0.5 and abs(dy - 5) < 0.5, "the shift that lays the copy back over the first"
    assert correlation > 0.95
    assert alignment(figure(), figure(other=True))[1] < ALIKE
    blank = np.full((224, 224), 100.0, np.float32)
    assert alignment(blank, figure()) == ((0.0, 0.0), 0.0), "nothing drawn: nothing to match"


def test_copies_share_their_colours_and_other_drawings_keep_theirs():
    inputs = [figure(), figure((8, 6)), figure(other=True)]
    ab = [np.full((112, 112, 2), value, np.float32) for value in (0.2, -0.2, 0.5)]
    fills = [np.full((224, 224), value, np.float32) for value in (60.0, 80.0, 90.0)]
    hinted_ab, hinted_fills = shared(inputs, ab, fills, hinted=[True, False, False])
    assert np.allclose(hinted_ab[0], 0.2) and np.allclose(hinted_ab[1], 0.2), "the hinted copy leads its repeats"
    assert np.allclose(hinted_fills[1], 60.0)
    ab, fills = shared(inputs, ab, fills)
    assert np.allclose(ab[0], 0.0, atol=1e-6) and np.allclose(ab[1], 0.0, atol=1e-6), "the copies' mean"
    assert np.allclose(fills[0], 70.0) and np.allclose(fills[1], 70.0)
    assert np.all(ab[2] == 0.5) and np.all(fills[2] == 90.0), "a different drawing keeps its own"
    assert shared(inputs[:2], ab[:2], [None, None])[1] == [None, None], "no fills (a photo model): none"


def copy_colours(rgb, boxes):
    """Each box of an RGB picture scaled to 96 x 96, its ab."""
    return [convert_lab(np.asarray(Image.fromarray(rgb[top:bottom, left:right]).resize((96, 96))))[1] * 128
            for top, left, bottom, right in boxes]


@pytest.mark.slow
def test_a_drawing_pasted_into_four_panels_at_different_sizes_is_coloured_alike(monkeypatch):
    drawing = Image.open(os.path.join(EXAMPLES, "chibi.png")).convert("L")
    page = Image.new("L", (1000, 1400), 255)
    draw = ImageDraw.Draw(page)
    boxes = []
    for (left, top), share in zip(((20, 20), (510, 20), (20, 710), (510, 710)), (0.8, 0.45, 0.6, 0.7)):
        draw.rectangle((left, top, left + 469, top + 669), outline=0, width=5)
        scale = share * min(440 / drawing.width, 640 / drawing.height)
        copy = drawing.resize((round(drawing.width * scale), round(drawing.height * scale)), Image.LANCZOS)
        x, y = left + 15 + (440 - copy.width) // 3, top + 15 + (640 - copy.height) // 2
        page.paste(copy, (x, y))
        boxes.append((y, x, y + copy.height, x + copy.width))
    colorizer = Colorizer.from_weights(kind="drawing")
    drawn = np.asarray(drawing.resize((96, 96))) < 240  # the drawing's own pixels, not its paper

    def difference():
        copies = copy_colours(colorizer.colorize(page).rgb, boxes)
        return np.mean([np.hypot(*(a - b).transpose(2, 0, 1))[drawn].mean()
                        for i, a in enumerate(copies) for b in copies[i + 1:]])

    alike = difference()
    monkeypatch.setattr(repeats, "ALIKE", 2.0)  # no two panels match: each coloured on its own
    assert alike <= 5, "issue 39's target: copies differ by at most 5 ab"
    assert alike < difference() - 1
