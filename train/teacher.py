"""Distillation for `fit --teacher`: another model's colour distribution mixed into the bins target.

Why: the scenes-only previous default still colours scenes better than the mixed model (bench.two_decoders),
with the same encoder; its soft targets on scenes can carry that into the one decoder, with no second
decoder at inference. The teacher sees the clean L (the student may see it degraded) and no hints.
"""
import threading

import keras
import numpy as np
from scipy.special import softmax

from colorize.hints import HINT_CHANNELS
from colorize.weights import WeightsError, build_from_folder, resolve_folder
from train.mix import folder_of


class Teacher:
    """For the training photos of `taught` (some of the run's `folders`), the target becomes
    (1 - share) x the truth's rebalanced one-hot bins + share x the teacher's bin probabilities.

    The truth's part keeps its rebalancing weight; the teacher's needs none, as its distribution already
    carries the same rebalancing (it was trained with it)."""

    def __init__(self, weights, folders, taught, share, temperature=1.0):
        try:
            model, config = build_from_folder(resolve_folder(weights))
        except WeightsError as error:
            raise SystemExit(f"fit: --teacher: {error}") from error
        if config.get("head") != "bins" or config.get("predicts_lightness"):
            raise SystemExit(f"fit: --teacher {weights} must be a photo model with a bins head")
        self.logits = keras.Model(model.input, model.get_layer("ab_logits").output)
        self.hints = bool(config.get("hints"))
        self.folders, self.taught, self.share = list(folders), set(taught), float(share)
        self.temperature = float(temperature)
        self.lock = threading.Lock()  # batches are made by several threads; one teacher call at a time

    def is_taught(self, path):
        return folder_of(path, self.folders) in self.taught

    def probabilities(self, lightness):
        """The teacher's bin probabilities, softmax(logits / temperature), for a batch of clean L (n, h, w) in
        [0, 100]; a temperature below 1 sharpens them, as the annealed mean does at decoding."""
        inputs = lightness[..., None]
        if self.hints:
            n, h, w = lightness.shape
            inputs = {"lightness": inputs, "hints": np.zeros((n, h, w, HINT_CHANNELS), np.float32),
                      "reference": np.zeros((n, self.logits.output.shape[-1]), np.float32)}
        with self.lock:
            logits = np.asarray(self.logits.predict_on_batch(inputs), np.float32)
        return softmax(logits / self.temperature, axis=-1)

    def targets(self, paths, lightness, bins, weights, mix=True):
        """The dense target (n, h, w, bins) for `keras.losses.CategoricalCrossentropy`: the truth's rebalanced
        one-hot everywhere, mixed with the teacher's distribution for the taught photos when `mix` (training)."""
        n, h, w = bins.shape
        dense = np.zeros((n, h, w, self.logits.output.shape[-1]), np.float32)
        np.put_along_axis(dense, bins[..., None], weights[..., None].astype(np.float32), axis=-1)
        taught = np.array([mix and self.is_taught(p) for p in paths], bool)
        if taught.any():
            probabilities = self.probabilities(lightness[taught])
            if probabilities.shape[1:3] != (h, w):
                raise SystemExit(f"fit: --teacher predicts at {probabilities.shape[1:3]}, "
                                 f"the run's targets are {(h, w)}")
            dense[taught] = (1 - self.share) * dense[taught] + self.share * probabilities
        return dense
