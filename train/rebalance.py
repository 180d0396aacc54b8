"""Class rebalancing for the ab-bin classification loss (Zhang et al. 2016, eq. 3-4).

Plain cross-entropy, like MSE, is dominated by the common desaturated colours of skies, roads and
walls; weighting each pixel by the inverse of its colour's (smoothed) frequency lets rare, saturated
colours count.
"""
import os

import numpy as np
from scipy.ndimage import gaussian_filter

from colorize.ab_bins import GRID_STEP, ab_bin_centers, nearest_bins
from colorize.lab import AB_SCALE
from train.run_folder import BIN_WEIGHTS_FILE

SMOOTHING_SIGMA = 5.0  # ab units, as in the paper
UNIFORM_MIX = 0.5  # lambda: how much of a uniform distribution to mix into the prior


def ab_prior(ab_samples):
    """Empirical distribution over the ab bins of some ab values (..., 2), smoothed in ab space."""
    centers = ab_bin_centers()
    counts = np.bincount(nearest_bins(ab_samples).ravel(), minlength=len(centers)).astype(np.float64)
    cells = np.round(centers * AB_SCALE / GRID_STEP).astype(int)
    offset = cells.min(axis=0)
    grid = np.zeros(tuple(cells.max(axis=0) - offset + 1))
    grid[tuple((cells - offset).T)] = counts
    grid = gaussian_filter(grid, SMOOTHING_SIGMA / GRID_STEP, mode="constant")
    prior = grid[tuple((cells - offset).T)]
    return prior / prior.sum()


def rebalancing_weights(prior, uniform_mix=UNIFORM_MIX):
    """Per-bin loss weights proportional to 1 / ((1 - lambda) prior + lambda / Q), with mean 1 under the prior."""
    weights = 1.0 / ((1.0 - uniform_mix) * prior + uniform_mix / len(prior))
    return (weights / np.sum(prior * weights)).astype(np.float32)


def read_bin_weights(run_dir):
    """The rebalancing weights a run was fitted with (fit saves them in the run folder)."""
    path = os.path.join(run_dir, BIN_WEIGHTS_FILE)
    if not os.path.isfile(path):
        raise ValueError(f"{run_dir} has no {BIN_WEIGHTS_FILE}: only runs fitted with --loss bins can be corrected")
    return np.load(path, allow_pickle=False)


def set_undone(model, config, bin_weights, share):
    """Move a bins head in place from the share of rebalancing its config records as undone to `share`, and
    record it: (the model, the config)."""
    undo_rebalancing(model, bin_weights, share - config.get("undo_rebalancing", 0))
    return model, {**config, "undo_rebalancing": share}


def undo_rebalancing(model, bin_weights, strength):
    """Take the rebalancing back out of a bins head, in place: strength 1 gives the plain posterior, 0 leaves it.

    Weighted cross-entropy learns p(bin | L) times the bin's weight; subtracting strength * log(weight)
    from the logits' bias divides that back out. It is the knob between vivid (0) and right-on-average (1).
    """
    layer = model.get_layer("ab_logits")
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, bias - strength * np.log(bin_weights).astype(bias.dtype)])
    return model
