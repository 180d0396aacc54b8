"""A fast lossless PNG writer for the full-size results.

Pillow's PNG encoder (zlib, a filter chosen per row) takes seconds for a 12-megapixel result even at
level 1. Here every row gets the "Up" filter (one NumPy subtraction) and the deflate is Intel's ISA-L
(the `isal` package): many times faster, with files a little larger (measured in docs/BENCHMARKS.md).
Without `isal`, the standard zlib at level 1 is used.
"""
import struct
import zlib

import numpy as np

from .files import write_atomically

try:
    from isal import isal_zlib as deflate
except ImportError:  # a platform without isal's wheels: slower, same bytes out when decoded
    deflate = zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_TYPES = {1: 0, 3: 2}  # channels -> PNG colour type: gray, RGB
UP_FILTER = 2


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bytes(pixels):
    """uint8 pixels, gray (H, W) or RGB (H, W, 3) -> the bytes of a PNG file."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] != 3):
        raise ValueError(f"expected uint8 (H, W) or (H, W, 3) pixels, got {pixels.dtype} {pixels.shape}")
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else 3
    flat = pixels.reshape(height, width * channels)
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = UP_FILTER  # each byte minus the one above it (the first row: minus zero)
    rows[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])
    header = struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPES[channels], 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", deflate.compress(rows, 1)) + _chunk(b"IEND", b"")


def write_png(pixels, path):
    """Write pixels (see png_bytes) to path as a PNG file, atomically (an existing file stays whole on failure)."""
    write_atomically(path, png_bytes(pixels))
