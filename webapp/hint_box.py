"""The page's hints box: JSON points typed, clicked or taken back, read into the library's points, and
shown as marks on the picture."""
import json

import gradio as gr
from PIL import ImageDraw

from colorize.hints import HintError, checked_points, parse_color, parse_hint_points
from colorize.images import ImageError, open_image

MARKS_SIDE = 480  # the picture with its hints marked: small, beside the hint controls
MARK_RADIUS = 0.025  # a mark's least radius, as a share of the picture's long side: visible when shown small

SWATCHES = {  # ready colours for hints: skin tones, sky, foliage and a few clothes colours
    "Light skin": "#e8b89a", "Medium skin": "#c68642", "Dark skin": "#8d5524", "Sky": "#6fa8dc",
    "Foliage": "#4f7942", "Red": "#b22222", "Navy": "#1f3a6e", "Yellow": "#e1b12c",
}


def parsed_hints(hints):
    """The hints text of the page or the API (JSON points) -> points, or None when there are none."""
    if hints is None or not str(hints).strip() or str(hints).strip() == "[]":
        return None
    return parse_hint_points(str(hints))


def scaled_points(points, original_size, size):
    """Points given in the uploaded image's pixels, checked there (so a message names the size the visitor
    knows), then moved into its scaled copy of size=(width, height), kept inside it."""
    (width, height), (new_width, new_height) = original_size, size
    sx, sy = new_width / width, new_height / height
    return [(min(x * sx, new_width - 0.5), min(y * sy, new_height - 0.5), colour, radius * sx)
            for x, y, colour, radius in checked_points(points, original_size)]


def points_in_box(hints):
    """The hints box as a list to add to or take from; text that is not a JSON list starts afresh."""
    try:
        points = json.loads(hints) if hints and hints.strip() else []
    except ValueError:
        return []
    return points if isinstance(points, list) else []


def add_hint(hints, color, event: gr.SelectData):
    """A click on the input image adds a hint of the chosen colour there (pixels of the image)."""
    x, y = event.index
    return json.dumps([*points_in_box(hints), {"x": int(x), "y": int(y), "color": color}])


def undo_hint(hints):
    return json.dumps(points_in_box(hints)[:-1])


def swatch_css():
    """Each swatch button painted in its colour, its name in black or white, whichever reads."""
    rules = []
    for name, colour in SWATCHES.items():
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        text = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"
        rules.append(f"#swatch-{name.lower().replace(' ', '-')} {{background: {colour}; color: {text}}}")
    return "\n".join(rules)


def marked_hints(image, hints):
    """The picture, small, with a ring of each hint's colour where it was placed; None without a picture
    or with hints that cannot be read (the status line says why when the picture is colorized)."""
    if image is None:
        return None
    try:
        points = [(x, y, parse_color(colour), radius) for x, y, colour, radius in parsed_hints(hints) or []]
        picture = open_image(image).convert("RGB")
    except (HintError, ImageError):
        return None
    scale = min(1.0, MARKS_SIDE / max(picture.size))
    picture = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))))
    draw = ImageDraw.Draw(picture)
    for x, y, colour, radius in points:
        if not all(isinstance(v, (int, float)) for v in (x, y)):
            continue
        r = max(MARK_RADIUS * max(picture.size), (radius if isinstance(radius, (int, float)) else 0) * scale)
        centre = (x * scale, y * scale)
        draw.ellipse((centre[0] - r - 2, centre[1] - r - 2, centre[0] + r + 2, centre[1] + r + 2), fill="white")
        draw.ellipse((centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r), fill=colour, outline="black")
    return picture
