"""Full-resolution colorization: the model sees a small L, the output keeps every pixel of the input."""
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from PIL import Image

from .fast_model import compiled_predictor
from .hints import HintError, local_hints, open_reference, reference_distribution
from .images import MAX_PIXELS, lightness_of, open_image
from .lab import AB_PICTURE_LIGHTNESS, BAND_PIXELS, LabBand

COMPOSE_THREADS = int(os.environ.get("COLORIZE_THREADS") or min(4, os.cpu_count() or 1))


class Colorized(NamedTuple):
    """What the pipeline gives back, all uint8 at the input's size."""

    lightness: np.ndarray  # (H, W): the input's L channel, 0-100 shown as 0-255
    ab: np.ndarray  # (H, W, 3): the predicted ab planes rendered at constant lightness
    rgb: np.ndarray  # (H, W, 3): the input's L joined with the predicted ab


def resize_plane(plane, size):
    """Resize one float plane to size=(width, height) with Pillow's antialiased bilinear filter."""
    return np.asarray(Image.fromarray(np.asarray(plane, np.float32), mode="F").resize(size, Image.BILINEAR))


def bilinear_taps(source, target):
    """Pillow's BILINEAR resampling of `source` samples to `target` as (target, K) source indices and
    weights (a triangle filter on pixel centres, widened when shrinking), for resizing in bands."""
    scale = source / target
    support = max(scale, 1.0)
    centre = (np.arange(target) + 0.5) * scale
    first = np.maximum((centre - support + 0.5).astype(np.int64), 0)
    last = np.minimum((centre + support + 0.5).astype(np.int64), source)
    taps = first[:, None] + np.arange(int((last - first).max()))
    weight = np.maximum(1.0 - np.abs((taps - centre[:, None] + 0.5) / support), 0.0) * (taps < last[:, None])
    weight /= weight.sum(axis=1, keepdims=True)
    return np.minimum(taps, source - 1), weight.astype(np.float32)


def compose(lightness, ab_small, saturation=1.0):
    """Full-resolution output from L (H, W) and the model's ab (S, S, 2), band by band so that the
    full-size ab never exists: the shown L, the ab picture and the RGB result, all uint8.

    Equal, to float32 rounding, to resizing ab with `resize_plane`, scaling it by the saturation,
    clipping it to [-1, 1] and converting with `lab.ab_picture` and `lab.convert_rgb`. The bands are
    shared among COMPOSE_THREADS threads (NumPy lets go of the interpreter lock in this arithmetic)."""
    height, width = lightness.shape
    wide = [resize_plane(ab_small[..., c], (width, ab_small.shape[0])) for c in range(2)]  # Pillow's first pass
    rows, weights = bilinear_taps(ab_small.shape[0], height)
    weights *= np.float32(saturation)
    shown_l = np.empty((height, width), np.uint8)
    picture, rgb = np.empty((height, width, 3), np.uint8), np.empty((height, width, 3), np.uint8)
    step = max(1, BAND_PIXELS // width)

    def fill(tops):
        band, ab = LabBand(step * width), np.empty((2, step, width), np.float32)
        for top in tops:
            part = slice(top, top + step)
            n = len(rows[part])
            for plane, source in zip(ab[:, :n], wide):
                np.multiply(source[rows[part, 0]], weights[part, 0, None], out=plane)
                for k in range(1, rows.shape[1]):
                    plane += source[rows[part, k]] * weights[part, k, None]
            a, b = (np.clip(plane, -1.0, 1.0, out=plane).reshape(-1) for plane in ab[:, :n])
            band.srgb(lightness[part].reshape(-1), a, b, rgb[part].reshape(-1, 3))
            band.srgb(AB_PICTURE_LIGHTNESS, a, b, picture[part].reshape(-1, 3))
            shown_l[part] = np.rint(lightness[part] * np.float32(2.55))

    tops = range(0, height, step)
    threads = min(COMPOSE_THREADS, len(tops))
    if threads > 1:
        list(_compose_pool().map(fill, [tops[i::threads] for i in range(threads)]))
    else:
        fill(tops)
    return Colorized(shown_l, picture, rgb)


@functools.lru_cache(maxsize=1)
def _compose_pool():
    return ThreadPoolExecutor(COMPOSE_THREADS, thread_name_prefix="compose")


class Colorizer:
    """A loaded model and its settings; colorizes any number of images without reloading.

    precision: "auto" (bfloat16 where the CPU has it natively, see `fast_model`), "float32" or "bfloat16".
    """

    def __init__(self, model, config, source="weights in memory", warning="", precision="auto"):
        self.model = model
        self.config = config
        self.source = source
        self.warning = warning
        self.input_size = int(config["input_size"])
        self._predict = compiled_predictor(model, config, precision)

    @classmethod
    def from_weights(cls, weights=None, hub=None, revision=None, precision="auto"):
        """Load from a local path, a Hub repo (pinned by revision), or the shipped default (neither given)."""
        from .weights import load_weights

        loaded = load_weights(weights=weights, hub=hub, revision=revision)
        return cls(loaded.model, loaded.config, loaded.source, loaded.warning, precision)

    @property
    def takes_hints(self):
        return bool(self.config.get("hints"))

    def predict_ab(self, lightness_batch, hints=None, reference=None):
        """L (N, S, S) at the model's input size -> ab (N, S, S, 2) in [-1, 1]. A hint model also takes
        local hints (N, S, S, 3) and a reference distribution (N, Q); either may be None (no hints)."""
        return self._predict(np.asarray(lightness_batch, np.float32)[..., None], hints, reference)

    def _model_input(self, lightness):
        return resize_plane(lightness, (self.input_size, self.input_size))

    def colorize(self, image, saturation=1.0, hints=None, reference=None, max_pixels=MAX_PIXELS):
        """One image (path, bytes, PIL image or array) -> Colorized at the image's full resolution.

        hints: points (x, y, colour[, radius]) in the image's pixels (origin top left; colour '#rrggbb' or
        (r, g, b)), or a hint layer (an RGBA image of the image's size whose opaque pixels are hints).
        reference: an image whose colours the result should take on. Both need weights with hint inputs;
        bad ones raise HintError."""
        if hints is None and reference is None:
            return self.colorize_many([image], saturation, max_pixels)[0]
        if not self.takes_hints:
            raise HintError("these weights take no colour hints or reference (train them with --hints; "
                            "the shipped default takes them)")
        picture = open_image(image, max_pixels)
        local = None if hints is None else local_hints(hints, picture.size, self.input_size)
        distribution = None if reference is None else reference_distribution(open_reference(reference, max_pixels))
        lightness = lightness_of(picture)
        ab = self.predict_ab(self._model_input(lightness)[None], None if local is None else local[None],
                             None if distribution is None else distribution[None])[0]
        return compose(lightness, ab, saturation)

    def colorize_many(self, images, saturation=1.0, max_pixels=MAX_PIXELS, batch_size=8):
        """Several images, run through the model in batches; raises ImageError on the first bad one."""
        lightness = [lightness_of(open_image(image, max_pixels)) for image in images]
        results = []
        for start in range(0, len(lightness), batch_size):
            chunk = lightness[start : start + batch_size]
            ab_small = self.predict_ab(np.stack([self._model_input(l) for l in chunk]))
            results += [compose(l, ab, saturation) for l, ab in zip(chunk, ab_small)]
        return results
