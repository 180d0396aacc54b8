"""The layout of a training run's folder (fit's --out), in one place for every command that reads or writes it.

    RUN_DIR/run.json          the settings and the train/validation split (resume reads them back)
    RUN_DIR/log.csv           one row per epoch (Keras' CSVLogger)
    RUN_DIR/bin_weights.npy   the bins head's rebalancing weights
    RUN_DIR/checkpoints/      the two newest epochs (weights, optimizer, state.json with hashes)
    RUN_DIR/best/             the best epoch as a weights folder (so RUN_DIR is a weights argument)
    RUN_DIR/metrics.json      what `train evaluate` measured
    RUN_DIR/learning_curves.png, samples.png
"""
import json
import os

from colorize.choices import BEST_SUBFOLDER

RUN_FILE = "run.json"
LOG_FILE = "log.csv"
BIN_WEIGHTS_FILE = "bin_weights.npy"
CHECKPOINTS = "checkpoints"
BEST = BEST_SUBFOLDER
METRICS_FILE = "metrics.json"
LEARNING_CURVES = "learning_curves.png"
SAMPLES = "samples.png"
PLOTS = (LEARNING_CURVES, SAMPLES)


def is_run_folder(path):
    return os.path.isdir(os.path.join(path, BEST))


def held_out_share(run_dir):
    """The validation share the run was fitted with, so that evaluation can pick the photos fit held out."""
    with open(os.path.join(run_dir, RUN_FILE)) as f:
        return json.load(f)["val_share"]


def split_share(weights, default):
    """The validation share of fit's split for these weights: a run folder's own, otherwise `default`."""
    return held_out_share(weights) if is_run_folder(weights) else default
