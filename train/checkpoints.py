"""Per-epoch checkpoints that survive a kill at any moment, and the best epoch kept apart.

Each epoch goes to its own folder (weights, optimizer state, state.json with the SHA-256 of the other two);
the `latest` file, replaced atomically once the folder is complete, names the one to resume from. The one
before it is kept too: a latest checkpoint damaged later (a bad disk, a sync tool) falls back to it.
The best epoch's weights go to a folder of their own too (best-epoch-NNNN), and `best` is a symbolic link
to it, replaced in one step: config and weights change together or not at all.
"""
import json
import os
import shutil
import sys

import keras
import numpy as np

from colorize.files import write_atomically
from colorize.weights import WEIGHTS_FILE, save_shared_weights, save_weights, sha256_of
from train.run_folder import BEST, CHECKPOINTS

LATEST = "latest"
BEST_PREFIX = "best-epoch-"
EPOCH_PREFIX = "epoch-"
OPTIMIZER_FILE = "optimizer.npz"
STATE_FILE = "state.json"  # written last: a checkpoint without it is incomplete
CHECKED_FILES = (WEIGHTS_FILE, OPTIMIZER_FILE)  # their hashes are in state.json


def damage_of(folder):
    """Why a checkpoint folder cannot be resumed from, or None if it is whole (its files match the hashes in
    its state.json)."""
    try:
        with open(os.path.join(folder, STATE_FILE)) as f:
            expected = dict(json.load(f)["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return "no readable state.json with hashes"
    for name in CHECKED_FILES:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            return f"{name} is missing"
        if sha256_of(path) != expected.get(name):
            return f"{name} does not match its hash"
    return None


def latest_checkpoint(run_dir):
    """The folder of the newest whole checkpoint: the one `latest` names, else the newest older one; or None."""
    folder = os.path.join(run_dir, CHECKPOINTS)
    try:
        names = sorted((name for name in os.listdir(folder) if name.startswith(EPOCH_PREFIX)), reverse=True)
    except OSError:
        return None
    try:
        with open(os.path.join(folder, LATEST)) as f:
            latest = f.read().strip()
    except (OSError, UnicodeDecodeError):
        latest = None
    if latest not in names:  # missing, damaged or pointing elsewhere: the checkpoints themselves still count
        if latest is not None and names:
            print(f"fit: {LATEST} names {latest!r}, not a checkpoint of this run; trying the newest there is",
                  file=sys.stderr)
        latest = names[0] if names else None
    for name in [name for name in names if latest is not None and name <= latest]:
        damage = damage_of(os.path.join(folder, name))
        if damage is None:
            return os.path.join(folder, name)
        print(f"fit: checkpoint {name} cannot be used ({damage}); trying the one before", file=sys.stderr)
    return None


def restore(checkpoint, model, optimizer, trainable_variables):
    """Load a checkpoint's weights and optimizer state; returns its state.json (epoch, best, ...)."""
    model.load_weights(os.path.join(checkpoint, WEIGHTS_FILE))
    optimizer.build(trainable_variables)
    with np.load(os.path.join(checkpoint, OPTIMIZER_FILE), allow_pickle=False) as saved:
        arrays = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if len(arrays) != len(optimizer.variables):
        raise SystemExit(f"fit: {checkpoint} does not match this model's optimizer; cannot resume")
    for variable, value in zip(optimizer.variables, arrays):
        variable.assign(value)
    with open(os.path.join(checkpoint, STATE_FILE)) as f:
        return json.load(f)


def checkpoint_name(epoch):
    return f"{EPOCH_PREFIX}{epoch + 1:04d}"


def best_name(epoch):
    return f"{BEST_PREFIX}{epoch + 1:04d}"


def point_best(run_dir, name):
    """Make `best` link to the complete folder `name` in one atomic step (a kill leaves the old or the new)."""
    link, tmp = os.path.join(run_dir, BEST), os.path.join(run_dir, BEST + ".tmp")
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(name, tmp)
    os.replace(tmp, link)
    for old in os.listdir(run_dir):
        if old.startswith(BEST_PREFIX) and old != name:
            shutil.rmtree(os.path.join(run_dir, old), ignore_errors=True)


class Checkpoint(keras.callbacks.Callback):
    """Write checkpoints/epoch-NNNN/ after every epoch and best/ when the validation loss improves."""

    def __init__(self, run_dir, model, weights_config, best_loss=float("inf")):
        super().__init__()
        self.run_dir, self.full_model, self.weights_config = run_dir, model, weights_config
        self.best_loss = best_loss

    def on_epoch_end(self, epoch, logs=None):
        """Write the checkpoints; a failed write (a full disk) stops the run, keeping the last complete one."""
        try:
            self.write(epoch, logs or {})
        except OSError as error:
            partial = os.path.join(self.run_dir, CHECKPOINTS, checkpoint_name(epoch))
            last = latest_checkpoint(self.run_dir)
            if last != partial:
                shutil.rmtree(partial, ignore_errors=True)  # give the space back
            link = os.path.join(self.run_dir, BEST)
            if not (os.path.islink(link) and os.readlink(link) == best_name(epoch)):
                shutil.rmtree(os.path.join(self.run_dir, best_name(epoch)), ignore_errors=True)
            kept = (f"the last complete checkpoint, {os.path.basename(last)}, is intact: free some space and "
                    f"continue with --resume" if last else "there is no earlier checkpoint")
            raise SystemExit(f"fit: cannot write the checkpoint of epoch {epoch + 1} ({error}); {kept}") from error

    def write(self, epoch, logs):
        """The epoch's checkpoint, then best/ (sharing its weights file) where the validation loss improved, then
        state.json, which makes the checkpoint complete: a kill before it resumes from the previous one."""
        val_loss = float(logs.get("val_loss", logs.get("loss", np.inf)))
        name = checkpoint_name(epoch)
        previous = latest_checkpoint(self.run_dir)
        folder = os.path.join(self.run_dir, CHECKPOINTS, name)
        shutil.rmtree(folder, ignore_errors=True)
        saved = save_weights(self.full_model, self.weights_config, folder)
        np.savez(os.path.join(folder, OPTIMIZER_FILE), *[np.asarray(v) for v in self.model.optimizer.variables])
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            best = best_name(epoch)
            shutil.rmtree(os.path.join(self.run_dir, best), ignore_errors=True)
            save_shared_weights(folder, {**saved, "epoch": epoch + 1, "val_loss": val_loss},
                                os.path.join(self.run_dir, best))
            point_best(self.run_dir, best)
        state = {"epoch": epoch + 1, "best_val_loss": self.best_loss, "logs": {k: float(v) for k, v in logs.items()},
                 "sha256": {WEIGHTS_FILE: saved["weights_sha256"],
                            OPTIMIZER_FILE: sha256_of(os.path.join(folder, OPTIMIZER_FILE))}}
        write_atomically(os.path.join(folder, STATE_FILE), json.dumps(state, indent=2))
        write_atomically(os.path.join(self.run_dir, CHECKPOINTS, LATEST), name)
        kept = {name, os.path.basename(previous or "")}
        for old in os.listdir(os.path.join(self.run_dir, CHECKPOINTS)):
            if old.startswith(EPOCH_PREFIX) and old not in kept:
                shutil.rmtree(os.path.join(self.run_dir, CHECKPOINTS, old), ignore_errors=True)
