"""Training on a mix of folders: `--data scenes=1 people=0.6`, so that no folder dominates by its size.

Each folder's weight is its share of the photos drawn for an epoch (weights need not sum to 1); within a
folder every photo is as likely as any other. A folder given without a weight weighs 1.
"""
import os

import numpy as np


def parse_folder_weight(text):
    """'DIR=W' or 'DIR' -> (DIR, W); for argparse's type=."""
    folder, sep, weight = text.rpartition("=")
    if not sep:
        return text, 1.0
    try:
        value = float(weight)
    except ValueError:
        return text, 1.0  # an '=' that belongs to the folder's name
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"the sampling weight of {folder} must be a positive number, not {weight}")
    return folder, value


def folder_of(path, folders):
    """The (longest) folder of `folders` that holds path."""
    holders = [f for f in folders
               if os.path.commonpath([os.path.abspath(f), os.path.abspath(path)]) == os.path.abspath(f)]
    return max(holders, key=len)


def sampling_probabilities(paths, folders, weights):
    """Per photo: its folder's share of the weights, divided among the folder's photos."""
    owner = [folder_of(p, folders) for p in paths]
    counts = {f: owner.count(f) for f in folders}
    weight = dict(zip(folders, weights))
    present = sum(weight[f] for f in folders if counts[f])
    return np.array([weight[f] / present / counts[f] for f in owner])


def photos_per_folder(paths, folders):
    """{folder name: number of photos} for the run's log; folders of one name (the parts of a packed copy)
    are told apart by their parent's name."""
    owner = [folder_of(p, folders) for p in paths]
    names = [os.path.basename(os.path.normpath(f)) for f in folders]
    return {name if names.count(name) == 1 else os.path.join(*os.path.normpath(f).split(os.sep)[-2:]): owner.count(f)
            for f, name in zip(folders, names)}
