"""Old-photo augmentation: make the clean training lightness look like a scan of an old print.

Training photos are clean and digital; users upload grainy, blurred, faded, scratched, low-contrast,
sometimes halftoned scans. Degrading the *input* L only (the ab target stays clean) teaches the model
to colour what it will be shown rather than what it was trained on.

Each effect is a small function `(L float32 (H, W) in [0, 100], rng, strength) -> L` with its own
probability in EFFECTS; `degrade_lightness` applies a random subset of them in the order an old photo
acquires them (optics, printing, exposure, film, fading, handling, then the scan's JPEG).

Sepia toning is not an effect of its own: it changes hue and saturation, and what is left of it in L
is a different tone curve (lifted blacks, dimmer paper, a gamma), which `levels` already covers.
"""
import io

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter
from skimage.draw import disk, line_aa

L_MAX = 100.0


def _unit(lightness):
    return lightness / np.float32(L_MAX)


def _smooth_field(shape, rng, cells):
    """A smooth random field (zero mean, about unit amplitude) varying over `cells` cells per side:
    bicubic upsampling of a tiny random grid by Pillow, far cheaper than filtering a full-size field."""
    height, width = shape
    grid = rng.standard_normal((cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(grid, mode="F").resize((width, height), Image.BICUBIC))


def blur(lightness, rng, strength=1.0):
    """Soft focus, camera shake, an enlarger a little off: a gaussian blur of sigma 0.4-1.4 px."""
    return gaussian_filter(lightness, rng.uniform(0.4, 1.4) * strength, mode="reflect")


def dot_screen(shape, period, angle, lines=False):
    """A printing screen's threshold (H, W) in [0, 1], 0 at the dots' centres: ink where 1 - L/100 exceeds it,
    so the darker the pixel, the larger the dot. Rotated by `angle`; `lines` gives a line screen (hatching)."""
    height, width = shape
    y, x = np.ogrid[:height, :width]
    frequency = np.float32(2 * np.pi / period)
    cos, sin = np.float32(np.cos(angle)) * frequency, np.float32(np.sin(angle)) * frequency
    u, v = x * cos + y * sin, y * cos - x * sin  # the rotated screen's coordinates, in radians
    if lines:
        return np.cos(u) * np.float32(0.5) + np.float32(0.5)
    return (np.cos(u) + np.cos(v)) * np.float32(0.25) + np.float32(0.5)


def halftone(lightness, rng, strength=1.0):
    """A newspaper or magazine reprint: a dot screen rotated by a random angle at a period of 3-6 px,
    printed with greyish ink on off-white paper, then slightly blurred (the scanner's optics: 0.12-0.2 of
    the period)."""
    period = rng.uniform(3.0, 6.0)
    ink = (1 - _unit(lightness)) > dot_screen(lightness.shape, period, rng.uniform(0.0, np.pi / 2))
    ink_l, paper_l = rng.uniform(5.0, 20.0), rng.uniform(85.0, 97.0)
    printed = np.where(ink, np.float32(ink_l), np.float32(paper_l))
    printed = gaussian_filter(printed, period * rng.uniform(0.12, 0.2), mode="reflect")
    weight = np.float32(min(1.0, strength))
    return lightness + weight * (printed - lightness)


def exposure(lightness, rng, strength=1.0):
    """Uneven exposure or development: multiply by 1 + a * a smooth field over 2-4 cells a side
    (a = 4-15 %, the field of unit std clipped to +-2)."""
    field = _smooth_field(lightness.shape, rng, int(rng.integers(2, 5)))
    amplitude = np.float32(rng.uniform(0.04, 0.15) * strength)
    return lightness * (1 + amplitude * np.clip(field, -2.0, 2.0))


def vignette(lightness, rng, strength=1.0):
    """A lens's corner falloff: multiply by 1 - k r^2 (r = 1 at the corners, k = 0.1-0.4), centre jittered."""
    height, width = lightness.shape
    cy, cx = (height - 1) / 2 * rng.uniform(0.8, 1.2), (width - 1) / 2 * rng.uniform(0.8, 1.2)
    y, x = np.ogrid[:height, :width]
    dy, dx = ((y - cy) / (height / 2)).astype(np.float32), ((x - cx) / (width / 2)).astype(np.float32)
    falloff = np.float32(rng.uniform(0.1, 0.4) * strength / 2)  # r^2 = (dy^2 + dx^2) / 2: about 1 at a corner
    return lightness * (1 - falloff * (dy * dy + dx * dx))


def grain(lightness, rng, strength=1.0):
    """Film grain and scanner noise: gaussian, sigma 1-4.5 L, half the time blurred into clumps of 0.5-1 px
    (at 0.7 of that sigma); strongest in the mid-tones, as film grain is (0.4 of it in deep shadows)."""
    noise = rng.standard_normal(lightness.shape, dtype=np.float32)
    sigma = rng.uniform(1.0, 4.5) * strength
    if rng.random() < 0.5:
        noise = gaussian_filter(noise, rng.uniform(0.5, 1.0), mode="reflect")
        noise /= noise.std() + np.float32(1e-6)
        sigma *= 0.7  # clumps show more than pixel noise of the same std
    unit = _unit(np.clip(lightness, 0.0, L_MAX))
    mid_tones = np.float32(0.4) + np.float32(2.4) * unit * (1 - unit)
    return lightness + np.float32(sigma) * mid_tones * noise


def levels(lightness, rng, strength=1.0):
    """Faded blacks and dimmed whites (and sepia's tone curve): black point lifted by 0-25 L, white point
    lowered by 0-18 L, a gamma of 0.7-1.4."""
    black = rng.uniform(0.0, 25.0) * strength
    white = L_MAX - rng.uniform(0.0, 18.0) * strength
    gamma = np.float32(np.exp(rng.uniform(np.log(0.7), np.log(1.4)) * strength))
    curve = np.power(np.clip(_unit(lightness), 0.0, 1.0), gamma)
    return np.float32(black) + np.float32(white - black) * curve


def contrast(lightness, rng, strength=1.0):
    """A flat, washed-out print: pull every pixel towards the mean, keeping 60-88 % of the contrast."""
    keep = np.float32(1 - rng.uniform(0.12, 0.40) * strength)
    mean = np.float32(lightness.mean())
    return mean + keep * (lightness - mean)


def scratches(lightness, rng, strength=1.0):
    """Handling damage: 0-3 long thin scratches (mostly light: emulsion scraped off) and 3-40 specks of
    dust (dark or light, radius 0.6-1.5 px), at 40-90 % opacity (the scratches anti-aliased)."""
    height, width = lightness.shape
    out = lightness.copy()
    for _ in range(int(rng.integers(0, 4))):
        # mostly up-and-down, as prints are scratched along their length, a long stretch of the picture
        y0, y1 = rng.integers(0, height, 2)
        x0 = rng.integers(0, width)
        x1 = np.clip(x0 + rng.integers(-width // 4, width // 4 + 1), 0, width - 1)
        rows, cols, coverage = line_aa(y0, x0, y1, x1)
        _paint(out, rows, cols, coverage, rng, strength, light_share=0.8)
    for _ in range(int(rng.integers(3, 41))):
        rows, cols = disk((rng.uniform(0, height), rng.uniform(0, width)), rng.uniform(0.6, 1.5), shape=(height, width))
        _paint(out, rows, cols, np.ones(len(rows), np.float32), rng, strength, light_share=0.5)
    return out


def _paint(out, rows, cols, coverage, rng, strength, light_share):
    """Blend a mark into out: towards near white (light_share of the time) or near black."""
    target = rng.uniform(85.0, 100.0) if rng.random() < light_share else rng.uniform(0.0, 15.0)
    alpha = (coverage * rng.uniform(0.4, 0.9) * min(1.0, strength)).astype(np.float32)
    out[rows, cols] += alpha * (np.float32(target) - out[rows, cols])


def jpeg(lightness, rng, strength=1.0):
    """A low-quality scan shared online: 8-bit gray through Pillow's JPEG at quality 15-60 and back."""
    quality = int(round(95 - (95 - rng.uniform(15.0, 60.0)) * min(1.0, strength)))
    gray = np.clip(_unit(lightness) * 255 + 0.5, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(gray, mode="L").save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return np.asarray(Image.open(buffer), dtype=np.float32) * np.float32(L_MAX / 255)


# (probability, effect), in the order they are applied: an old photo's history, then the scan's JPEG last
EFFECTS = (
    (0.35, blur),
    (0.04, halftone),
    (0.20, exposure),
    (0.25, vignette),
    (0.50, grain),
    (0.45, levels),
    (0.30, contrast),
    (0.20, scratches),
    (0.30, jpeg),
)


def degrade_lightness(lightness, rng, strength=1.0, applied=None):
    """lightness: float32 (H, W) CIELab L in [0, 100]; rng: numpy Generator. Returns a degraded float32
    (H, W) in [0, 100] (a new array: the input is not modified).

    Applies each effect of EFFECTS with its probability, and one drawn by those probabilities if none
    came up (a call always degrades). `strength` scales the effects' magnitudes (1: the ranges in their
    docstrings; 0: nearly none). The names of the effects applied are appended to `applied` (a list).
    """
    out = np.asarray(lightness, dtype=np.float32)
    chosen = [effect for probability, effect in EFFECTS if rng.random() < probability]
    if not chosen:
        weights = np.array([probability for probability, _ in EFFECTS])
        chosen = [EFFECTS[rng.choice(len(EFFECTS), p=weights / weights.sum())][1]]
    for effect in chosen:
        out = effect(out, rng, strength)
        if applied is not None:
            applied.append(effect.__name__)
    return np.clip(out, 0.0, L_MAX).astype(np.float32, copy=False)


def maybe_degrade(lightness, rng, probability=0.5, strength=1.0, applied=None):
    """degrade_lightness with the given probability, else the input itself, unchanged: the model must
    still colour clean photos well."""
    if rng.random() < probability:
        return degrade_lightness(lightness, rng, strength, applied)
    return lightness
