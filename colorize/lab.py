"""CIELab helpers: the model sees L in [0, 100] and predicts ab scaled to [-1, 1].

Named after the report's `convert_lab` / `convert_rgb`. The colour science is scikit-image's (its
constants and formulas). Lab -> sRGB bytes, which runs on every output pixel, is OpenCV's conversion over
cache-sized bands of pixels, out-of-gamut colours clipped as scikit-image clips them: many times faster than
`skimage.color.lab2rgb` on a large photo, and within one level of it (docs/BENCHMARKS.md).
"""
from __future__ import annotations

import functools

import cv2
import numpy as np
from skimage import color
from skimage.color import colorconv

AB_SCALE = 128.0  # the report divides a and b by 128 so that tanh can reach them
AB_PICTURE_LIGHTNESS = 75.0  # papers show predicted ab at one constant, fairly light L
BAND_PIXELS = 1 << 15  # pixels converted at a time: the band's float32 temporaries stay in the CPU's L2 cache


def convert_lab(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB uint8 (H, W, 3) -> (L float32 (H, W) in [0, 100], ab float32 (H, W, 2) in [-1, 1])."""
    lab = color.rgb2lab(np.asarray(rgb, dtype=np.uint8) / np.float32(255))  # float32 math: 1.6x faster than float64
    return lab[..., 0], np.clip(lab[..., 1:] / AB_SCALE, -1.0, 1.0)


@functools.lru_cache(maxsize=1)
def _luminance_tables():
    """sRGB byte -> its channel's share of the luminance Y, per channel (3, 256): scikit-image's rgb2xyz."""
    level = np.arange(256) / 255.0
    linear = np.where(level > 0.04045, ((level + 0.055) / 1.055) ** 2.4, level / 12.92)
    return (colorconv.xyz_from_rgb[1][:, None] * linear[None, :]).astype(np.float32)


def rgb_lightness(rgb: np.ndarray) -> np.ndarray:
    """CIELab L (float32 (H, W) in [0, 100]) of RGB uint8 (H, W, 3): convert_lab's L without a and b, in
    float32 bands (L depends on the luminance Y alone; D65's white has Y = 1)."""
    rgb = np.asarray(rgb, np.uint8)
    flat = rgb.reshape(-1, 3)
    out = np.empty(len(flat), np.float32)
    tables = _luminance_tables()
    luminance, linear = np.empty(BAND_PIXELS, np.float32), np.empty(BAND_PIXELS, np.float32)
    for start in range(0, len(flat), BAND_PIXELS):
        part = flat[start : start + BAND_PIXELS]
        y, line, f = luminance[: len(part)], linear[: len(part)], out[start : start + len(part)]
        np.take(tables[0], part[:, 0], out=y)
        y += tables[1][part[:, 1]]
        y += tables[2][part[:, 2]]
        np.cbrt(y, out=f)
        np.multiply(y, np.float32(7.787), out=line)
        line += np.float32(16 / 116)
        np.copyto(f, line, where=y <= 0.008856)  # scikit-image's xyz2lab: linear below its knee
        f *= np.float32(116)
        f -= np.float32(16)
    return out.reshape(rgb.shape[:2])


class LabBand:
    """Scratch buffers for converting up to `size` pixels at a time, reused so that no large temporary
    is allocated (fresh memory costs more than the arithmetic)."""

    def __init__(self, size):
        self.lab = np.empty((1, size, 3), np.float32)  # one row of L, a, b in OpenCV's units and layout
        self.rgb = np.empty((1, size, 3), np.float32)
        self.limit = np.empty(size, np.float32)

    def srgb(self, lightness, a, b, out, keep_lightness=False):
        """L (n,) in [0, 100], or one number for all pixels (the ab picture), a and b (n,) in [-1, 1] -> sRGB bytes
        written into out (n, 3), rounded, out-of-gamut colours clipped; with `keep_lightness`, the dark ones (L under
        KEEP_LIGHTNESS_BELOW) clipped toward the gray of their own L instead (`_in_gamut`), so that a vivid dark
        colour does not come out lighter."""
        n = len(a)
        lab, rgb = self.lab[:, :n], self.rgb[:, :n]
        lab[0, :, 0] = lightness
        np.multiply(a, np.float32(AB_SCALE), out=lab[0, :, 1])
        np.multiply(b, np.float32(AB_SCALE), out=lab[0, :, 2])
        # scikit-image clips negative z (colours beyond blue) to 0; z = (L + 16) / 116 - b / 200 is 0 at this b
        limit = np.add(lightness, np.float32(16), out=None if np.ndim(lightness) == 0 else self.limit[:n])
        limit *= np.float32(200 / 116)
        np.minimum(lab[0, :, 2], limit, out=lab[0, :, 2])
        cv2.cvtColor(lab, cv2.COLOR_Lab2RGB, dst=rgb)
        if keep_lightness:
            safe, circle = _safe_chroma()
            level = np.clip(lab[0, :, 0], 0, 100).astype(np.intp)  # its whole part, for L given out of range too
            dark = np.flatnonzero(level < KEEP_LIGHTNESS_BELOW)
            square = np.square(lab[0, dark, 1]) + np.square(lab[0, dark, 2])
            near = square > circle[level[dark]]  # beyond what every hue holds: look closer
            dark, square = dark[near], square[near]
            hue = np.floor(np.arctan2(lab[0, dark, 2], lab[0, dark, 1]) * np.float32(HUE_BINS / (2 * np.pi)))
            beyond = dark[square > np.square(safe[level[dark], hue.astype(np.intp) % HUE_BINS])]
            if beyond.size:
                rgb[0, beyond] = _in_gamut(lab[0, beyond])
        cv2.addWeighted(rgb, 255.0, rgb, 0.0, 0.0, dst=out.reshape(1, n, 3), dtype=cv2.CV_8U)  # rounded, saturated


def _linear_rgb(lab):
    """Lab (n, 3) in CIE units -> (linear RGB (n, 3), unclipped; the gray of the same luminance (n, 3)), by
    scikit-image's constants (lab2xyz, D65)."""
    fy = (lab[:, 0] + np.float32(16)) / np.float32(116)
    f = np.stack([fy + lab[:, 1] / np.float32(500), fy, fy - lab[:, 2] / np.float32(200)], axis=1)
    xyz = np.where(f > np.float32(0.2068966), f ** 3, (f - np.float32(16 / 116)) / np.float32(7.787))
    xyz *= np.float32(colorconv.lab_ref_white)
    gray = xyz[:, 1:2] * np.float32(colorconv.rgb_from_xyz @ colorconv.lab_ref_white)
    return xyz @ np.float32(colorconv.rgb_from_xyz).T, gray


def _in_gamut(lab):
    """Lab (n, 3) in CIE units -> sRGB (n, 3) in [0, 1], each out-of-gamut colour moved, in linear RGB, along the
    line to the gray of the same luminance until it fits: its L is kept exactly (luminance is linear in linear
    RGB) and its hue nearly, where clipping each channel changes its L (a chroma-40 colour at L 13 by about 4)."""
    linear, gray = _linear_rgb(lab)
    away = linear - gray
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(away > 0, (1 - gray) / away, np.where(away < 0, -gray / away, np.inf))
    linear = gray + away * np.minimum(room.min(axis=1, keepdims=True), 1)
    np.clip(linear, 0.0, 1.0, out=linear)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * np.power(linear, 1 / 2.4) - 0.055).astype(np.float32)


# Where keep_lightness clips toward a colour's own gray: below this L. Clipping each channel made a vivid dark colour
# up to 15 L lighter, next to ink drawn darker; a light one it changes by little and keeps far more of its colour
# (OpenMoji line art: 15.52 dB and colourfulness 0.72 clipped toward gray at every L, 15.78 and 0.77 so; docs/MODEL.md)
KEEP_LIGHTNESS_BELOW = 50
HUE_BINS = 72  # `_safe_chroma`'s hue bins (5 degrees)


@functools.lru_cache(maxsize=1)
def _safe_chroma():
    """((KEEP_LIGHTNESS_BELOW, HUE_BINS): for whole L below KEEP_LIGHTNESS_BELOW and hue bins, a chroma that sRGB
    holds over the bin and from L to L + 1 (the smallest of the largest that fit at 4 hues a bin, found by
    halving); (KEEP_LIGHTNESS_BELOW,): the square of the smallest over the hues), so that only colours beyond them
    need `_in_gamut`."""
    levels, hues = np.meshgrid(np.arange(KEEP_LIGHTNESS_BELOW + 1, dtype=np.float32),
                               np.radians(np.arange(0, 361, 1.25, np.float32)))
    low, high = np.zeros_like(levels), np.full_like(levels, 150.0)
    for _ in range(16):
        middle = (low + high) / 2
        lab = np.stack([levels, middle * np.cos(hues), middle * np.sin(hues)], axis=-1).reshape(-1, 3)
        linear = _linear_rgb(lab)[0].reshape(*levels.shape, 3)
        fits = np.all((linear >= 0) & (linear <= 1), axis=-1)
        low, high = np.where(fits, middle, low), np.where(fits, high, middle)
    per_bin = np.minimum(low[:-1], low[1:]).reshape(HUE_BINS, 4, -1).min(axis=1)  # (HUE_BINS, L levels + 1)
    safe = np.minimum(per_bin[:, :-1], per_bin[:, 1:]).T.copy()
    return safe, np.square(safe.min(axis=1))


def convert_rgb(lightness: np.ndarray | float, ab: np.ndarray) -> np.ndarray:
    """L (H, W) in [0, 100] (or one number for all pixels) and ab (H, W, 2) in [-1, 1] -> RGB uint8,
    out-of-gamut colours clipped."""
    ab = np.asarray(ab, np.float32)
    flat_ab = ab.reshape(-1, 2)
    flat_l = np.asarray(lightness, np.float32).reshape(-1)
    out = np.empty((len(flat_ab), 3), np.uint8)
    band = LabBand(min(BAND_PIXELS, max(len(flat_ab), 1)))
    for start in range(0, len(flat_ab), BAND_PIXELS):
        part = slice(start, start + BAND_PIXELS)
        band.srgb(flat_l[0] if flat_l.size == 1 else flat_l[part], flat_ab[part, 0], flat_ab[part, 1], out[part])
    return out.reshape(ab.shape[:-1] + (3,))


def gray_rgb(lightness):
    """The RGB uint8 picture of L alone (ab = 0): what a black-and-white photo looks like."""
    return convert_rgb(lightness, np.zeros(np.shape(lightness) + (2,), np.float32))


def ab_picture(ab: np.ndarray) -> np.ndarray:
    """Render predicted ab at constant lightness, so the colours show without the photo's shading."""
    return convert_rgb(AB_PICTURE_LIGHTNESS, ab)
