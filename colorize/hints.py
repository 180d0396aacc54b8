"""Colour hints in the form the hint model takes them, shared by training (simulated) and use (given).

Local hints are an (S, S, 3) array at the model's input size: a and b (scaled to [-1, 1]) times the mask,
and the mask (1 where a hint is). A global hint is a reference image's ab distribution over the bins.
"""
from __future__ import annotations

import io
import json
import os
from typing import Sequence, Union

import numpy as np
from PIL import Image, ImageColor

from .ab_bins import ab_bin_centers, nearest_bins
from .images import MAX_PIXELS, ImageError, ImageSource, open_image
from .lab import convert_lab

Hints = Union[Sequence[tuple], ImageSource]  # points (x, y, colour[, radius]), or a hint layer (an RGBA image)
HINT_CHANNELS = 3  # a, b (scaled to [-1, 1], zero where no hint) and the mask (1 where a hint is)


def model_inputs(lightness, takes_hints, hints=None, reference=None):
    """A model's inputs for an L batch (N, S, S, 1): L alone, or for a hint model [L, hints, reference] with
    zeros standing for the hints not given (all-zero hints mean "none")."""
    lightness = np.asarray(lightness, np.float32)
    if not takes_hints:
        return [lightness]
    n, size = lightness.shape[0], lightness.shape[1:3]
    hints = np.zeros((n, *size, HINT_CHANNELS), np.float32) if hints is None else np.asarray(hints, np.float32)
    reference = (np.zeros((n, len(ab_bin_centers())), np.float32) if reference is None
                 else np.asarray(reference, np.float32))
    return [lightness, hints, reference]


def ab_distribution(ab):
    """The share of pixels in each ab bin (Q,) of ab values (..., 2) scaled to [-1, 1]."""
    counts = np.bincount(nearest_bins(ab).ravel(), minlength=len(ab_bin_centers())).astype(np.float32)
    return counts / max(counts.sum(), 1.0)


def hint_array(size, patches):
    """(size, size, 3) local hints from patches (top, left, height, width, (a, b)) in model-input pixels."""
    hints = np.zeros((size, size, HINT_CHANNELS), np.float32)
    for top, left, height, width, ab in patches:
        cells = hints[max(top, 0) : top + height, max(left, 0) : left + width]
        cells[..., :2] = ab
        cells[..., 2] = 1.0
    return hints


MAX_POINTS = 2000
MAX_HINTS_BYTES = 64 << 20  # a hints file or text longer than this is refused unread (a hint layer PNG fits)
DEFAULT_RADIUS = 0.01  # a point's reach when none is given: 1% of the image's longer side (a 5x5 patch at 224)


class HintError(ValueError):
    """Hints or a reference that cannot be used; the message says which and why, for the person who gave them."""


def parse_color(value):
    """'#c08060', 'red', 'rgb(192, 128, 96)' or an (r, g, b) triple of 0-255 -> (r, g, b) ints."""
    if isinstance(value, str):
        try:
            rgb = ImageColor.getrgb(value.strip())[:3]
        except ValueError:
            raise HintError(f"cannot read the colour {value!r}: use #rrggbb, a colour name or rgb(r, g, b)") from None
    else:
        try:
            rgb = tuple(int(round(float(c))) for c in value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite number
            raise HintError(f"cannot read the colour {value!r}: use #rrggbb or three numbers 0-255") from None
    if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
        raise HintError(f"the colour {value!r} must be three numbers 0-255")
    return rgb


def colors_to_ab(rgbs):
    """(N, 3) sRGB colours 0-255 -> their ab (N, 2) scaled to [-1, 1] (their lightness is the photo's)."""
    return convert_lab(np.asarray(rgbs, np.uint8).reshape(1, -1, 3))[1][0]


def points_to_hints(points, image_size, size):
    """Points (x, y, colour[, radius]) in the image's pixels (origin top left) -> (size, size, 3) hints."""
    parsed = checked_points(points, image_size)
    if not parsed:
        return None
    width, height = image_size
    ab = colors_to_ab([colour for _, _, colour, _ in parsed])
    patches = []
    for (x, y, _, radius), hint_ab in zip(parsed, ab):
        row, col = int(y * size / height), int(x * size / width)
        reach_y, reach_x = int(radius * size / height), int(radius * size / width)
        patches.append((row - reach_y, col - reach_x, 2 * reach_y + 1, 2 * reach_x + 1, hint_ab))
    return hint_array(size, patches)


def checked_points(points, image_size):
    """Points as given (numbers may be numeric text) -> [(x, y, (r, g, b), radius)] of floats, or HintError
    naming the first bad one against the image's size=(width, height)."""
    points = list(points)
    if len(points) > MAX_POINTS:
        raise HintError(f"{len(points)} hint points; at most {MAX_POINTS} are taken")
    width, height = image_size
    parsed = []
    for i, point in enumerate(points):
        if not isinstance(point, (tuple, list)) or len(point) not in (3, 4):
            raise HintError(f"hint {i + 1} is not (x, y, colour) or (x, y, colour, radius)")
        x, y, colour, radius = (*point, None)[:4]
        if isinstance(x, bool) or isinstance(y, bool):
            raise HintError(f"hint {i + 1}: x and y must be numbers")
        try:
            x, y = float(x), float(y)
            radius = DEFAULT_RADIUS * max(width, height) if radius is None else float(radius)
        except (TypeError, ValueError):
            raise HintError(f"hint {i + 1}: x, y and radius must be numbers") from None
        if not (0 <= x < width and 0 <= y < height):
            raise HintError(f"hint {i + 1} at ({x:g}, {y:g}) is outside the {width}x{height} image")
        if not 0 <= radius <= max(width, height):
            raise HintError(f"hint {i + 1}: the radius must be between 0 and the image's size")
        parsed.append((x, y, parse_color(colour), radius))
    return parsed


def layer_to_hints(layer, size):
    """A hint layer (an RGBA PIL image; its opaque pixels are hints) -> (size, size, 3), or None if none is.

    The painted colours are averaged per model-input cell first (box filter on the opaque pixels), so that
    only size x size colours go through the Lab conversion, whatever the layer's resolution."""
    rgba = np.asarray(layer.convert("RGBA"))
    opaque = (rgba[..., 3] >= 128).astype(np.float32)
    if not opaque.any():
        return None
    planes = [np.asarray(Image.fromarray(np.ascontiguousarray(p, np.float32), mode="F").resize((size, size), Image.BOX))
              for p in (*np.moveaxis(rgba[..., :3] * opaque[..., None], -1, 0), opaque)]
    cover = planes[3]
    hinted = cover > 0.2  # a cell at least a fifth painted is a hint
    if not hinted.any():
        return None
    rgb = np.stack(planes[:3], axis=-1) / np.maximum(cover, 1e-6)[..., None]
    hints = np.zeros((size, size, HINT_CHANNELS), np.float32)
    ab = colors_to_ab(np.clip(np.rint(rgb), 0, 255).reshape(-1, 3)).reshape(size, size, 2)
    hints[..., :2] = ab * hinted[..., None]
    hints[..., 2] = hinted
    return hints


def open_reference(source, max_pixels=MAX_PIXELS):
    """A reference image (anything `open_image` takes) -> a PIL image, or HintError saying why not."""
    try:
        return open_image(source, max_pixels)
    except ImageError as error:
        raise HintError(f"the reference is not usable: {error}") from error


def reference_distribution(image):
    """A reference photo (an RGB or L PIL image) -> its ab distribution over the bins (the global hint)."""
    small = image.convert("RGB")
    small.thumbnail((128, 128))
    return ab_distribution(convert_lab(np.asarray(small))[1])


def open_hint_layer(source, image_size):
    """A hint layer given as a PIL image, an (H, W, 4) array, a path or bytes -> (size-checked) RGBA image."""
    try:
        if isinstance(source, np.ndarray):
            layer = Image.fromarray(np.asarray(source, np.uint8))
        elif isinstance(source, Image.Image):
            layer = source
        else:
            layer = Image.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
        if layer.size != tuple(image_size):  # before decoding: a layer of another size is refused unread
            raise HintError(f"the hint layer is {layer.size[0]}x{layer.size[1]}; it must be the image's size, "
                            f"{image_size[0]}x{image_size[1]}")
        return layer.convert("RGBA")
    except HintError:
        raise
    except Exception as error:  # whatever Pillow's decoders raise on a damaged file
        raise HintError("the hint layer is not a readable image "
                        "(give points, or an RGBA PNG of the image's size)") from error


def local_hints(hints, image_size, size):
    """Points (a list) or a hint layer (an image) -> (size, size, 3) model hints, or None if there are none."""
    if isinstance(hints, (list, tuple)):
        return points_to_hints(hints, image_size, size)
    return layer_to_hints(open_hint_layer(hints, image_size), size)


def read_hints_file(path):
    """A --hints file: JSON points (see `parse_hint_points`; judged by the content, not the name) -> a list of
    points; anything else is taken as a hint layer and returned as its bytes, for `local_hints` to check."""
    name = os.path.basename(str(path))
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_HINTS_BYTES + 1)  # bounded: /dev/zero or a huge file ends here
    except OSError as error:
        raise HintError(f"cannot read the hints file {name}: {error.strerror or error}") from error
    if len(data) > MAX_HINTS_BYTES:
        raise HintError(f"the hints file {name} is larger than {MAX_HINTS_BYTES >> 20} MB")
    text = data.lstrip()
    if not text:
        raise HintError(f"the hints file {name} is empty")
    return parse_hint_points(text, f"the hints file {name}") if text.startswith((b"[", b"{")) else data


def parse_hint_points(text, what="the hints"):
    """JSON like [{"x": 120, "y": 45, "color": "#c08060", "radius": 6}, ...] -> [(x, y, colour, radius), ...]."""
    if len(text) > MAX_HINTS_BYTES:
        raise HintError(f"{what} is longer than {MAX_HINTS_BYTES >> 20} MB")
    try:
        points = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise HintError(f"{what} is not valid JSON ({error})") from None
    except RecursionError:
        raise HintError(f"{what} is nested too deeply to be a list of points") from None
    if not isinstance(points, list):
        raise HintError(f'{what} must be a list of points like [{{"x": 120, "y": 45, "color": "#c08060"}}]')
    parsed = []
    for i, point in enumerate(points):
        if not isinstance(point, dict) or not {"x", "y", "color"} <= set(point):
            raise HintError(f"hint {i + 1} in {what} needs \"x\", \"y\" and \"color\"")
        parsed.append((point["x"], point["y"], point["color"], point.get("radius")))
    return parsed
