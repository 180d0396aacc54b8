"""Reading whatever image a user has into what the model needs: its lightness, upright, full size."""
from __future__ import annotations

import functools
import io
import os
import re
import warnings
from typing import Union

import cv2
import numpy as np
from PIL import Image, ImageOps

from .files import missing_file
from .lab import AB_SCALE, convert_lab, rgb_lightness
from .memory import in_words, shortfall

ImageSource = Union[str, os.PathLike, bytes, Image.Image, np.ndarray]  # what `open_image` reads

MIN_CHROMA = 0.01  # mean |ab| (scaled to [-1, 1]) below this: a gray picture
TONED_OFF, TONED_SHARE = 2.0, 0.001  # a toned print: at most this share of pixels this far off its one hue
MAX_PIXELS = 50_000_000  # about 8000 x 6000; larger images are refused before they are decoded
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")  # what a folder's images are
VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts",
                    ".wmv", ".flv", ".3gp", ".ogv", ".vob", ".dv")  # inputs colorized as videos (colorize.video)
HIGH_BIT_DEPTH_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")
_TRANSPARENT_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


NO_MEMORY = "not enough memory to colorize it here; try a smaller version"  # a failure that spares the rest


class ImageError(ValueError):
    """An input that is not a usable image; the message is meant for the person who gave it."""


def list_images(folders, extensions=IMAGE_EXTENSIONS):
    """Every image file (or file of the given extensions) under the folders, recursively, sorted so that
    runs see the same order."""
    found = []
    for folder in folders:
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"no such data folder: {folder}")
        for root, _, files in os.walk(folder):
            found += [os.path.join(root, f) for f in files if f.lower().endswith(extensions)]
    return sorted(found)


def is_video(path):
    """Whether a file is taken for a video (by its name: VIDEO_EXTENSIONS)."""
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).lower().endswith(VIDEO_EXTENSIONS)


def _name(source):
    return os.path.basename(str(source)) if isinstance(source, (str, os.PathLike)) else "the image"


def _open(source):
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return Image.fromarray(source)
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif missing := missing_file(source, "an image file"):
        raise ImageError(missing)
    return Image.open(source)


def _to_8bit(image, name):
    """16-bit, 32-bit and float images (I;16, I, F) -> 8-bit L. Values inside a usual range (0-1 or 0-255 for
    floats, 0-255 or 0-65535 for integers) keep its meaning; others (negative, HDR, raw counts) are stretched
    from their minimum to their maximum, which is all they say about black and white."""
    values = np.asarray(image, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ImageError(f"{name} has pixels that are not numbers (NaN or infinite)")
    bottom, top = values.min(), values.max()
    usual = next((white for white in ((1.0, 255.0) if image.mode == "F" else (255.0, 65535.0))
                  if bottom >= 0.0 and top <= white), None)
    low, span = (0.0, usual) if usual else (bottom, (top - bottom) or 1.0)
    return Image.fromarray(np.round(np.clip((values - low) / span, 0.0, 1.0) * 255.0).astype(np.uint8))


def _flatten(image, name):
    """Any Pillow mode -> L or RGB; transparent pixels are shown over white, as a browser shows them."""
    if image.mode in HIGH_BIT_DEPTH_MODES:
        return _to_8bit(image, name)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in _TRANSPARENT_MODES:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("RGB" if image.mode.startswith(("RGB", "P")) else "L")
    if image.mode not in ("L", "RGB"):
        image = image.convert("L" if image.mode == "1" else "RGB")
    return image


def _upright(image):
    """The image turned as its EXIF orientation says; a damaged EXIF block costs the turn, not the picture."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # retyped or broken EXIF entries: struct.error, TypeError, ValueError...
        return image


def open_image(source: ImageSource, max_pixels: float = MAX_PIXELS) -> Image.Image:
    """A path, bytes, PIL image or array -> an upright PIL image in mode L or RGB (first frame if animated).

    Raises ImageError with a one-line reason for anything that is not a readable image.
    """
    try:
        with warnings.catch_warnings():
            # Pillow warns from about 89 MP; the limit that counts is max_pixels, checked below before decoding
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = _open(source)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageError(
                    f"{_name(source)} is {width}x{height} pixels; the limit is {max_pixels / 1e6:.0f} megapixels"
                )
            if width == 0 or height == 0:
                raise ImageError(f"{_name(source)} has no pixels")
            short = shortfall(width * height)
            if short:
                raise ImageError(f"{_name(source)} is {width}x{height} pixels and needs about {in_words(short[0])} "
                                 f"to colorize, but only {in_words(short[1])} is free here now: try a smaller "
                                 "version, or again in a moment")
            image.seek(0)
            image = _upright(image)
            image.load()
            return _flatten(image, _name(source))
    except ImageError:
        raise
    except Image.DecompressionBombError as error:  # over twice Pillow's MAX_IMAGE_PIXELS, refused while opening
        claimed = re.search(r"\((\d+) pixels\)", str(error))  # Pillow: "Image size (N pixels) exceeds limit..."
        size = f"it claims {int(claimed.group(1)) / 1e6:,.0f} megapixels" if claimed else "too many pixels"
        limit = min(max_pixels, 2 * (Image.MAX_IMAGE_PIXELS or max_pixels))
        raise ImageError(f"{_name(source)} is too large to decode safely: {size}; the limit is "
                         f"{limit / 1e6:.0f} megapixels") from error
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, struct.error, IndexError...
        # Pillow's own message names server-side temporary paths: keep it out of what users see
        raise ImageError(f"cannot read {_name(source)}: not an image file, or a damaged one") from error


@functools.lru_cache(maxsize=1)
def _gray_lightness_table():
    gray = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)[None]
    return convert_lab(gray)[0][0]


def lightness_of(image: Image.Image) -> np.ndarray:
    """CIELab L in [0, 100] (float32, H x W) of an L or RGB PIL image."""
    if image.mode == "L":
        return cv2.LUT(np.asarray(image), _gray_lightness_table())  # OpenCV's table lookup: 6x NumPy's take
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
    red = rgb[..., 0]
    if np.array_equal(red, rgb[..., 1]) and np.array_equal(red, rgb[..., 2]):
        return cv2.LUT(cv2.extractChannel(rgb, 0), _gray_lightness_table())  # a gray picture stored as RGB (most scans)
    return rgb_lightness(rgb)


def resize_plane(plane: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize one float plane to size=(width, height) with Pillow's antialiased bilinear filter."""
    return np.asarray(Image.fromarray(np.asarray(plane, np.float32), mode="F").resize(size, Image.BILINEAR))


def read_rgb(source: ImageSource, max_pixels: float = MAX_PIXELS) -> np.ndarray:
    """An image as RGB uint8 (H, W, 3), upright, for training and evaluation on colour photos."""
    return np.asarray(open_image(source, max_pixels).convert("RGB"))


def is_toned(rgb):
    """A black-and-white print toned one hue (sepia, selenium, cyanotype): its colours lie along one hue, at
    varying strength. Off that hue means more than TONED_OFF ab units and 30 degrees from it; on the
    historical scans and synthetic sepia here no pixel is, while 98 % of colour photos have more than
    TONED_SHARE of such pixels."""
    small = np.asarray(Image.fromarray(rgb).resize((64, 64)))
    ab = convert_lab(small)[1].reshape(-1, 2) * np.float32(AB_SCALE)
    colour = ab[:, 0] + 1j * ab[:, 1]
    total = colour.sum()
    turned = colour * np.conj(total / abs(total)) if abs(total) else colour
    off = (np.abs(turned.imag) > TONED_OFF) & (np.abs(np.angle(turned)) > np.radians(30))
    return bool(off.mean() <= TONED_SHARE)


def is_colorless(rgb):
    """A gray (or nearly gray) RGB picture: nothing to learn colours from, and nothing lost by colorizing it."""
    small = np.asarray(Image.fromarray(rgb).resize((32, 32)))
    return np.abs(convert_lab(small)[1]).mean() < MIN_CHROMA
