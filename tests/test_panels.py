"""A page of panels is coloured panel by panel, its gutters left paper; a single drawing stays one image."""
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorize import Colorizer
from colorize.images import lightness_of, open_image
from colorize.lab import convert_lab
from colorize.panels import MARGIN, cut, drawn_box, find_panels, frame_of, gutters, overlap, panel_hints, paste_panels
from colorize.screentone import descreen

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
FRAME = 4


def page(grid=(2, 2), size=(600, 800), margin=20):
    """An L page (0-100) of framed panels with a figure (an outlined circle) in each, and the boxes
    (top, left, bottom, right) inside the frames."""
    rows, columns = grid
    picture = Image.new("L", size, 255)
    draw = ImageDraw.Draw(picture)
    width, height = (size[0] - margin) // columns, (size[1] - margin) // rows
    inner = []
    for r in range(rows):
        for c in range(columns):
            left, top = margin + c * width, margin + r * height
            right, bottom = left + width - margin, top + height - margin
            draw.rectangle((left, top, right - 1, bottom - 1), outline=0, width=FRAME)
            draw.ellipse((left + 30, top + 30, right - 30, bottom - 30), outline=0, fill=160, width=3)
            inner.append((top + FRAME, left + FRAME, bottom - FRAME, right - FRAME))
    return np.asarray(picture, np.float32) / 2.55, picture, inner


def test_a_page_of_framed_panels_is_found_inside_its_frames():
    lightness, _, inner = page((3, 2))
    assert sorted(find_panels(lightness)) == sorted(inner)


def test_single_drawings_small_drawings_and_pages_with_a_title_stay_one_image():
    drawing = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(drawing).ellipse((50, 50, 350, 350), outline=0, fill=200, width=4)
    assert find_panels(np.asarray(drawing, np.float32) / 2.55) == []
    small, _, _ = page((1, 2), size=(180, 120), margin=10)  # two framed parts of a 180 px drawing
    assert find_panels(small) == []
    _, picture, _ = page((2, 2), margin=60)
    ImageDraw.Draw(picture).rectangle((100, 10, 500, 40), fill=0)  # a title across the top gutter
    assert find_panels(np.asarray(picture, np.float32) / 2.55) == []


def test_a_figure_small_in_one_panel_and_large_in_another_is_shown_to_the_model_alike():
    picture = Image.new("L", (900, 500), 255)
    draw = ImageDraw.Draw(picture)
    for (left, top, right, bottom), figure in (((10, 10, 440, 490), (40, 300, 140, 420)),  # small, low left
                                                ((460, 10, 890, 490), (480, 30, 880, 470))):  # large, filling it
        draw.rectangle((left, top, right - 1, bottom - 1), outline=0, width=FRAME)
        x0, y0, x1, y1 = figure
        draw.ellipse(figure, outline=0, fill=160, width=max(2, (x1 - x0) // 40))
        draw.line((x0, (y0 + y1) // 2, x1, (y0 + y1) // 2), fill=0, width=max(2, (x1 - x0) // 40))
    lightness = np.asarray(picture, np.float32) / 2.55
    boxes = sorted(find_panels(lightness), key=lambda b: b[1])
    frames = [frame_of(lightness, box) for box in boxes]
    assert frames[0][0] > boxes[0][0] + 200, "the small figure's frame leaves out the panel's empty paper"
    assert frames[1][0] < boxes[1][0], "the large figure's frame reaches past its panel, into paper"
    small, large = (cut(lightness, box, frame, 224) for box, frame in zip(boxes, frames))
    assert np.abs(small - large).mean() < 3, "the model is shown both copies alike"
    before = [np.asarray(Image.fromarray(lightness[top:bottom, left:right]).resize((224, 224)))
              for top, left, bottom, right in boxes]
    assert np.abs(before[0] - before[1]).mean() > 10, "(shown as whole panels, they differ)"
    blank = np.full((200, 300), 100.0, np.float32)
    assert frame_of(blank, (0, 0, 200, 300)) == (0, 0, 200, 300), "nothing drawn: the box"
    filled = blank.copy()
    filled[:, :150] = 20  # drawn to three edges: only the fourth side is framed
    assert frame_of(filled, (0, 0, 200, 300)) == (0, 0, 200, 150 + int(np.ceil(MARGIN * 200)))


def test_a_frame_past_its_box_paints_only_its_box():
    box, frame = (100, 100, 200, 200), (50, 120, 250, 180)  # taller than the box, and narrower
    ab, fill = paste_panels([box], (300, 300), 300, [np.ones((10, 10, 2), np.float32)],
                            [np.full((20, 20), 40.0, np.float32)], [frame])
    assert (ab[100:200, 120:180] == 1).all() and (fill[100:200, 120:180] == 40).all()
    assert not ab[:100].any() and not ab[200:].any() and not ab[:, :120].any() and not ab[:, 180:].any()
    assert (fill[:100] == 100).all() and (fill[200:] == 100).all()
    hints = np.zeros((300, 300, 3), np.float32)
    hints[60, 150] = hints[150, 150] = 1  # above the box (in its frame only), and inside it
    shown = panel_hints(hints, box, (300, 300), 200, frame)
    rows, columns = np.nonzero(shown[..., 2])  # the frame's 200 x 60 px at 200 x 200: rows 1:1, columns 3:1
    assert set(rows) == {100} and set(columns) <= set(range(100, 104)), "only the hint inside the box is shown"


def test_a_hint_over_a_panel_is_found_in_that_panel_only():
    lightness, _, boxes = page((1, 2))
    hints = np.zeros((400, 400, 3), np.float32)  # the page's model hints: one point at (x 450, y 400) of 600x800
    hints[200, 300] = (0.5, -0.5, 1.0)
    left_panel, right_panel = (panel_hints(hints, box, lightness.shape, 224)
                               for box in sorted(boxes, key=lambda b: b[1]))
    assert not left_panel.any()
    y, x = np.argwhere(right_panel[..., 2])[0]
    top, left, bottom, right = sorted(boxes, key=lambda b: b[1])[1]
    assert abs(top + y / 224 * (bottom - top) - 400) < 4 and abs(left + x / 224 * (right - left) - 450) < 4
    np.testing.assert_allclose(right_panel[y, x], (0.5, -0.5, 1.0))


def test_pasted_panels_leave_the_gutters_without_colour_and_at_paper_white():
    lightness, _, boxes = page((2, 2))
    ones = [np.ones((224, 224, 2), np.float32)] * 4
    ab, fill = paste_panels(boxes, lightness.shape, 300, ones, [np.full((224, 224), 50.0, np.float32)] * 4)
    top, left, bottom, right = boxes[0]
    centre = (top + bottom) * 300 // (2 * 800), (left + right) * 300 // (2 * 600)
    assert ab[centre].tolist() == [1.0, 1.0] and fill[centre] == 50.0
    assert ab[2, 2].tolist() == [0.0, 0.0] and fill[2, 2] == 100.0  # the page's corner is gutter


def test_frames_with_a_blurred_edge_are_found_and_taken_off_with_it():
    lightness, picture, inner = page((2, 2))
    blurred = np.asarray(picture.resize((1200, 1600)).resize((600, 800), Image.BILINEAR), np.float32) / 2.55
    found = sorted(find_panels(blurred))  # a resampled page: each frame line has a gray edge on either side
    assert len(found) == 4
    for box, exact in zip(found, sorted(inner)):
        assert all(abs(a - b) <= 2 for a, b in zip(box, exact)), (box, exact)
        top, left, bottom, right = drawn_box(blurred, box)
        assert top > box[0] + 20 and left > box[1] + 20, "the figure inside, not the frame, is what is drawn"


def test_a_panels_paper_around_its_drawing_fades_to_white():
    lightness, _, boxes = page((2, 2))
    ones = [np.ones((224, 224, 2), np.float32)] * 4
    parts = [drawn_box(lightness, box) for box in boxes]
    ab, fill = paste_panels(boxes, lightness.shape, 300, ones, [np.full((224, 224), 50.0, np.float32)] * 4,
                            drawn=parts)
    top, left, bottom, right = parts[0]
    centre = (top + bottom) * 300 // (2 * 800), (left + right) * 300 // (2 * 600)
    assert ab[centre].tolist() == [1.0, 1.0] and fill[centre] == 50.0  # the drawing keeps the model's colours
    corner = (boxes[0][0] + 3) * 300 // 800, (boxes[0][1] + 3) * 300 // 600  # the panel's paper, off the figure
    assert ab[corner].tolist() == [0.0, 0.0] and fill[corner] == 100.0
    empty = paste_panels(boxes[:1], lightness.shape, 300, ones[:1], [np.full((224, 224), 50.0, np.float32)],
                         drawn=[None])
    assert not empty[0].any() and (empty[1] == 100).all(), "a panel with nothing drawn stays paper"


@pytest.mark.slow
def test_the_drawing_model_colours_each_panel_as_on_its_own_and_keeps_the_gutters_white():
    colorizer = Colorizer.from_weights(kind="drawing")
    path = os.path.join(EXAMPLES, "manga-page.png")
    seen = descreen(lightness_of(open_image(path)))
    boxes = find_panels(seen)
    assert len(boxes) == 4
    result = colorizer.colorize(path)
    _, ab = convert_lab(result.rgb)
    chroma = np.hypot(ab[..., 0], ab[..., 1]) * 128
    assert chroma[gutters(seen)].max() < 1, "the gutters stay paper"
    y0, x0, y1, x1 = frame = frame_of(seen, boxes[0])  # the panel's drawing, framed
    top, left, bottom, right = overlap(boxes[0], frame)
    drawing = Image.new("L", (x1 - x0, y1 - y0), 255)  # on its own, with paper around
    drawing.paste(Image.open(path).convert("L").crop((left, top, right, bottom)), (left - x0, top - y0))
    at_input_size = Colorizer(colorizer.model, {**colorizer.config, "max_input_size": colorizer.input_size})
    alone = convert_lab(at_input_size.colorize(drawing).rgb)[1][top - y0 : bottom - y0, left - x0 : right - x0]
    in_page = ab[top:bottom, left:right] * 128
    assert chroma[top:bottom, left:right].mean() > 3, "the panel gets colour"
    assert np.abs(in_page - alone * 128).mean() < 2, "as it does on its own"


@pytest.mark.slow
def test_a_hint_on_a_page_colours_its_own_panel():
    colorizer = Colorizer.from_weights(kind="drawing")
    path = os.path.join(EXAMPLES, "manga-page.png")
    first, *_, last = sorted(find_panels(descreen(lightness_of(open_image(path)))))
    centre = ((first[1] + first[3]) // 2, (first[0] + first[2]) // 2)
    plain, hinted = colorizer.colorize(path), colorizer.colorize(path, hints=[(*centre, "#1f3a6e", 60)])
    (_, ab_plain), (_, ab_hinted) = convert_lab(plain.rgb), convert_lab(hinted.rgb)
    change = np.abs(ab_hinted - ab_plain).sum(axis=-1) * 128
    assert change[first[0]:first[2], first[1]:first[3]].mean() > 2, "the hinted panel changes"
    assert change[last[0]:last[2], last[1]:last[3]].max() < 1, "the others do not"
