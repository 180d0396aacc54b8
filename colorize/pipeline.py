"""Full-resolution colorization: the model sees a small L, the output keeps every pixel of the input."""
from typing import NamedTuple

import numpy as np
from PIL import Image

from .images import MAX_PIXELS, lightness_of, open_image
from .lab import ab_picture, convert_rgb


class Colorized(NamedTuple):
    """What the pipeline gives back, all uint8 at the input's size."""

    lightness: np.ndarray  # (H, W): the input's L channel, 0-100 shown as 0-255
    ab: np.ndarray  # (H, W, 3): the predicted ab planes rendered at constant lightness
    rgb: np.ndarray  # (H, W, 3): the input's L joined with the predicted ab


def resize_plane(plane, size):
    """Resize one float plane to size=(width, height) with Pillow's antialiased bilinear filter."""
    return np.asarray(Image.fromarray(np.asarray(plane, np.float32), mode="F").resize(size, Image.BILINEAR))


class Colorizer:
    """A loaded model and its settings; colorizes any number of images without reloading."""

    def __init__(self, model, config, source="weights in memory", warning=""):
        self.model = model
        self.config = config
        self.source = source
        self.warning = warning
        self.input_size = int(config["input_size"])

    @classmethod
    def from_weights(cls, weights=None, hub=None, revision=None):
        """Load from a local path, a Hub repo (pinned by revision), or the shipped default (neither given)."""
        from .weights import load_weights

        loaded = load_weights(weights=weights, hub=hub, revision=revision)
        return cls(loaded.model, loaded.config, loaded.source, loaded.warning)

    def predict_ab(self, lightness_batch):
        """L (N, S, S) at the model's input size -> ab (N, S, S, 2) in [-1, 1]."""
        batch = np.asarray(lightness_batch, np.float32)[..., None]
        return np.asarray(self.model.predict_on_batch(batch), np.float32)

    def _model_input(self, lightness):
        return resize_plane(lightness, (self.input_size, self.input_size))

    def _compose(self, lightness, ab_small, saturation):
        height, width = lightness.shape
        ab = np.stack([resize_plane(ab_small[..., c], (width, height)) for c in range(2)], axis=-1)
        ab = np.clip(ab * float(saturation), -1.0, 1.0)
        shown_l = np.round(lightness * 2.55).astype(np.uint8)
        return Colorized(shown_l, ab_picture(ab), convert_rgb(lightness, ab))

    def colorize(self, image, saturation=1.0, max_pixels=MAX_PIXELS):
        """One image (path, bytes, PIL image or array) -> Colorized at the image's full resolution."""
        return self.colorize_many([image], saturation, max_pixels)[0]

    def colorize_many(self, images, saturation=1.0, max_pixels=MAX_PIXELS, batch_size=8):
        """Several images, run through the model in batches; raises ImageError on the first bad one."""
        lightness = [lightness_of(open_image(image, max_pixels)) for image in images]
        results = []
        for start in range(0, len(lightness), batch_size):
            chunk = lightness[start : start + batch_size]
            ab_small = self.predict_ab(np.stack([self._model_input(l) for l in chunk]))
            results += [self._compose(l, ab, saturation) for l, ab in zip(chunk, ab_small)]
        return results
