"""The page's hints box: JSON points typed, clicked or taken back, and read into the library's points."""
import json

import gradio as gr

from colorize.hints import parse_hint_points

SWATCHES = {  # ready colours for hints: skin tones, sky, foliage and a few clothes colours
    "Light skin": "#e8b89a", "Medium skin": "#c68642", "Dark skin": "#8d5524", "Sky": "#6fa8dc",
    "Foliage": "#4f7942", "Red": "#b22222", "Navy": "#1f3a6e", "Yellow": "#e1b12c",
}


def parsed_hints(hints):
    """The hints text of the page or the API (JSON points) -> points, or None when there are none."""
    if hints is None or not str(hints).strip() or str(hints).strip() == "[]":
        return None
    return parse_hint_points(str(hints))


def scaled_points(points, sx, sy):
    """Points in a scaled copy of the image; anything but a number goes on, as it is, to the library's check."""

    def scaled(value, factor):
        return value * factor if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    return [(scaled(x, sx), scaled(y, sy), colour, scaled(radius, sx)) for x, y, colour, radius in points]


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
