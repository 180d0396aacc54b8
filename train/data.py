"""Training data: colour photos as Keras batches (the split is `train.splits`).

The pipeline is numpy, Pillow and scikit-image feeding a `keras.utils.PyDataset`, so it runs on
any Keras backend (the GPU machines have JAX and no TensorFlow).
"""
import sys

import keras
import numpy as np
from PIL import Image

from colorize.ab_bins import ab_bin_centers, nearest_bins
from colorize.hints import HINT_CHANNELS
from colorize.images import ImageError, read_rgb
from colorize.lab import convert_lab
from colorize.screentone import descreen
from train.degrade import maybe_degrade
from train.drawn_inputs import drawn_input, fill_lightness, line_twin
from train.simulated_hints import simulate_hints

PHOTO_SCALES = (0.9, 1.5)  # crop_scale "photo": scenes at several sizes, as photos come
SEEN_SCALES = (0.85, 1.25)  # crop_scale "inference": around the size the pipeline shows the photo at


def seen_size(rgb, size, view=None, rng=None):
    """(width, height) a photo is rescaled to before cropping. view=None: its own pixels, the short side at
    least size (times a random PHOTO_SCALES factor when training); view=N:
    squeezed to N x N, as the pipeline shows every photo to the model (times a random SEEN_SCALES factor
    when training), so that crops have the scale of inference."""
    height, width = rgb.shape[:2]
    if view:
        side = max(size, round(view * (rng.uniform(*SEEN_SCALES) if rng else 1.0)))
        return side, side
    scale = size / min(height, width)
    if rng:
        scale = max(rng.uniform(*PHOTO_SCALES), scale)
    return max(size, round(width * scale)), max(size, round(height * scale))


def random_crop(rgb, size, rng, view=None):
    """Rescale (seen_size), flip, crop size x size at a random place."""
    image = Image.fromarray(rgb).resize(seen_size(rgb, size, view, rng), Image.BICUBIC)
    top = rng.integers(0, image.height - size + 1)
    left = rng.integers(0, image.width - size + 1)
    crop = np.asarray(image.crop((left, top, left + size, top + size)))
    return crop[:, ::-1] if rng.random() < 0.5 else crop


def center_crop(rgb, size, view=None):
    """The validation view: the photo rescaled (seen_size: its short side to size, or squeezed to view x view),
    then its centre."""
    image = Image.fromarray(rgb).resize(seen_size(rgb, size, view), Image.BICUBIC)
    top, left = (image.height - size) // 2, (image.width - size) // 2
    return np.asarray(image.crop((left, top, left + size, top + size)))


class ColorBatches(keras.utils.PyDataset):
    """Batches of (L, target[, per-pixel weight]) from colour photos.

    targets='ab': ab in [-1, 1] at full size (for MSE). targets='bins': the nearest ab bin per pixel at
    `target_stride` times smaller (where the classification head's logits are), weighted by
    `bin_weights` to rebalance rare, saturated colours.

    Training batches can draw `epoch_photos` photos by `probabilities` (a mix of folders, see train.mix)
    instead of each photo once, degrade the input L like an old print with probability `degrade` (the
    target stays clean), and carry simulated hints for a hint model (`hints`: the inputs become a dict
    of lightness, hints and reference; validation batches carry none, so their loss is the automatic one).

    `drawing=True` is the drawing model's data: each crop of colour art becomes a gray drawing, line art or
    toned page (train.drawn_inputs), descreened as the pipeline does, and the bins target carries the
    per-pixel weight and the fills' lightness beside each bin: (bin, weight, L / 100), for `DrawingLoss`.

    `view`: crops at the scale of inference (seen_size), the photo first squeezed to view x view.

    `shard=(i, n)`: this is process i of n training together (train.devices): every process draws the same
    global batches and loads the i-th of their n parts.
    """

    def __init__(self, paths, batch_size, size, train, targets="ab", target_stride=1, bin_weights=None,
                 seed=0, epoch=0, probabilities=None, epoch_photos=None, degrade=0.0, hints=False, drawing=False,
                 shard=(0, 1), view=None, **kwargs):
        super().__init__(**kwargs)
        self.paths, self.batch_size, self.size, self.train = list(paths), batch_size, size, train
        self.targets, self.target_stride, self.bin_weights = targets, target_stride, bin_weights
        self.seed, self.epoch = seed, epoch
        self.probabilities, self.epoch_photos = probabilities, epoch_photos or len(self.paths)
        self.degrade, self.hints, self.drawing = degrade, hints, drawing
        self.shard, self.view = shard, view
        self.order = np.arange(len(self.paths))
        self.unreadable = set()
        self.on_epoch_end()

    def __len__(self):
        return self.epoch_photos // self.batch_size if self.train else -(-len(self.paths) // self.batch_size)

    def on_epoch_end(self):
        if self.train:
            rng = np.random.default_rng([self.seed, self.epoch])
            if self.probabilities is None:
                self.order = rng.permutation(len(self.paths))
            else:
                self.order = rng.choice(len(self.paths), size=self.epoch_photos, p=self.probabilities)
            self.epoch += 1

    def crop(self, index, rng):
        """(crop, its line layer's L or None). A photo that became unreadable after the split (changed,
        truncated or removed during a long run) is replaced by the next readable one, and counted in `unreadable`,
        rather than ending the run."""
        for step in range(len(self.paths)):
            path = self.paths[(index + step) % len(self.paths)]
            try:
                rgb = read_rgb(path)
            except ImageError as error:
                if path not in self.unreadable:
                    self.unreadable.add(path)
                    print(f"fit: skipping {path}, unreadable since the split ({error}); "
                          f"{len(self.unreadable)} so far", file=sys.stderr)
                continue
            twin = line_twin(path) if self.drawing else None
            if not twin:
                return self.cropped(rgb, rng), None
            view = int(rng.integers(2**32))  # the same crop of the art and of its line layer
            line = convert_lab(self.cropped(read_rgb(twin), np.random.default_rng(view)))[0]
            return self.cropped(rgb, np.random.default_rng(view)), line
        raise ImageError("none of the photos can be read any more")

    def cropped(self, rgb, rng):
        return random_crop(rgb, self.size, rng, self.view) if self.train else center_crop(rgb, self.size, self.view)

    def inputs(self, lightness, ab, rngs, lines):
        """The model's inputs for a batch: L (degraded at random when training, made a drawing for the drawing
        model), and hints for a hint model; `rngs`: one random generator per photo."""
        if self.drawing:
            lightness = np.stack([descreen(drawn_input(plane, rng, line))
                                  for plane, rng, line in zip(lightness, rngs, lines)])
        elif self.train and self.degrade:
            lightness = np.stack([maybe_degrade(plane, rng, self.degrade) for plane, rng in zip(lightness, rngs)])
        lightness = lightness[..., None]
        if not self.hints:
            return lightness
        if self.train:
            local, reference = zip(*(simulate_hints(truth, rng) for truth, rng in zip(ab, rngs)))
        else:
            local = np.zeros((*ab.shape[:3], HINT_CHANNELS), np.float32)
            reference = np.zeros((len(ab), len(ab_bin_centers())), np.float32)
        return {"lightness": lightness, "hints": np.stack(local), "reference": np.stack(reference)}

    def __getitem__(self, batch):
        part, parts = self.shard
        start = batch * self.batch_size
        places = range(start + part, min(start + self.batch_size, len(self.order)), parts)
        # a generator per place in the batch: a photo is cut and altered the same however the batch is shared out
        rngs = [np.random.default_rng([self.seed, self.epoch, place]) for place in places]
        crops, lines = zip(*(self.crop(self.order[place], rng) for place, rng in zip(places, rngs)))
        lab = [convert_lab(crop) for crop in crops]
        truth, ab = np.stack([plane for plane, _ in lab]), np.stack([ab for _, ab in lab])
        inputs = self.inputs(truth, ab, rngs, lines)
        if self.targets == "ab":
            return inputs, ab
        s = self.target_stride
        n, h, w, _ = ab.shape
        small = ab.reshape(n, h // s, s, w // s, s, 2).mean(axis=(2, 4))
        bins = nearest_bins(small)
        if self.drawing:
            targets = np.stack([bins, self.bin_weights[bins], fill_lightness(truth, s)], axis=-1)
            return inputs, targets.astype(np.float32)
        return inputs, bins, self.bin_weights[bins]
