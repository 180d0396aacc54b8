"""The image on show: what the model made of it is kept for the page (`webapp.kept`), so that saturation and
screentones remake the result without running the model again; previews are screen-sized, the download full size."""
import os
import time
from typing import NamedTuple, Optional

import gradio as gr
import numpy as np
from PIL import Image

from colorize.files_batch import open_capped
from colorize.images import MAX_PIXELS, is_colorless, is_toned, open_image
from colorize.pipeline import Prediction
from colorize.png import write_png
from webapp.hint_box import parsed_hints, scaled_points
from webapp.kept import Kept
from webapp.uploads import request_folder

MAX_SATURATION = 2.0
MAX_OUTPUT_PIXELS = 16_000_000  # results keep full resolution up to this; larger inputs are scaled down to it
PREVIEW_SIDE = 1600  # the before/after pair, as JPEGs: a screen's worth (the full-size PNG is the download)
THUMBNAIL_SIDE = 640  # the lightness and ab pictures
JPEG_QUALITY = 88


class Shown(NamedTuple):
    """One colorized image as the page holds it between events."""

    request: tuple  # (image, hints, reference, kind) it was made for: any other needs the model again
    name: str  # the input's file name without its extension, for the downloads
    kind: str  # "photo" or "drawing": the model it went to
    kept: Kept  # what the model made of it
    before: str  # the input's preview (JPEG)
    original_size: tuple  # (width, height) as uploaded
    was_color: bool
    seconds: float  # opening, the model and the first rendering


def predict(colorizer, image, hints, reference, kind) -> tuple[Shown, Prediction]:
    """Open, cap and predict one image for the page -> (Shown, its `seconds` still without the rendering; the
    Prediction in full precision, for the first rendering).
    Bad input raises the library's ImageError or HintError (`uploads.told_to_user` words them)."""
    started = time.perf_counter()
    if image is None:
        raise gr.Error("Upload, paste or capture an image first.")
    points = parsed_hints(hints)
    original = open_image(image, MAX_PIXELS)
    upright = open_capped(original, MAX_OUTPUT_PIXELS, MAX_PIXELS)
    if points and upright.size != original.size:  # hints are in the uploaded image's pixels
        points = scaled_points(points, original.size, upright.size)
    # the radios refuse other values (API calls included) before this runs
    chosen, prediction = colorizer.predict(upright, points, reference, MAX_PIXELS, kind.lower())
    rgb = np.asarray(upright.convert("RGB"))
    before = os.path.join(request_folder("colorize-"), "input.jpg")
    preview(rgb, PREVIEW_SIDE).save(before, quality=JPEG_QUALITY)
    name = os.path.splitext(os.path.basename(str(image)))[0] or "image"
    shown = Shown((image, hints, reference, kind), name, chosen, Kept(prediction), before, original.size,
                  not (is_colorless(rgb) or is_toned(rgb)), time.perf_counter() - started)
    return shown, prediction


def preview(pixels, side):
    """A copy that fits in side x side (the image itself when it does)."""
    image = Image.fromarray(pixels)
    image.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return image


def render(shown, prediction, saturation, screentone):
    """The page's outputs for the Shown's prediction at this saturation and screentone choice: the lightness and
    ab previews, the full-size result (a PNG named after the input) and the before/after pair."""
    result = prediction.compose(saturation, screentone.lower())
    folder = request_folder("colorize-")
    lightness, ab, after, full = (os.path.join(folder, f"{shown.name}_{part}") for part in
                                  ("lightness.jpg", "ab.jpg", "colorized.jpg", "colorized.png"))
    preview(result.lightness, THUMBNAIL_SIDE).save(lightness, quality=JPEG_QUALITY)
    preview(result.ab, THUMBNAIL_SIDE).save(ab, quality=JPEG_QUALITY)
    preview(result.rgb, PREVIEW_SIDE).save(after, quality=JPEG_QUALITY)
    write_png(result.rgb, full)
    return lightness, ab, full, (shown.before, after)


def status_line(shown, restyled: Optional[float] = None):
    """What was done, for the line under the result: the model, size, time, and what changed the picture."""
    height, width = shown.kept.shape
    parts = [f"Colorized as a **{shown.kind}** in {shown.seconds:.2f} s", f"{width}×{height}"]
    if (width, height) != tuple(shown.original_size):
        parts.append("scaled down from {}×{}".format(*shown.original_size))
    if shown.was_color:
        parts.append("this was a color photo: its colors were replaced")
    if restyled is not None:
        parts.append(f"display settings applied in {restyled:.2f} s, without the model")
    return " · ".join(parts)
