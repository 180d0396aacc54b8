"""The fixed train/validation split of photo folders, by a hash of each file name: light (no Keras), so that
every command that lists photos starts at once."""
import hashlib
import os
import re
from collections import Counter

import numpy as np

from colorize.images import ImageError, is_colorless, list_images, read_rgb

FRAME_NUMBER = re.compile(r"_\d{5,}(?=\.[^.]+$)")  # davis_<clip>_00008.webp: a video's frame


def split_key(path):
    """What the split hashes: the file name, without a video frame number (a clip's frames, near-duplicates,
    all fall on one side)."""
    return FRAME_NUMBER.sub("", os.path.basename(path))


def is_validation(path, share):
    """Deterministic by file name: the same photo is always on the same side, whatever the folder order."""
    digest = hashlib.sha1(split_key(path).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def photos_of(folder, limit=None, val_share=None, held_out=True):
    """The folder's photos (with val_share, only the validation side, or the training side if not held_out),
    at most `limit`, evenly spread."""
    paths = list_images([folder])
    if val_share is not None:
        paths = [p for p in paths if is_validation(p, val_share) == held_out]
    if limit and len(paths) > limit:
        paths = [paths[i] for i in np.linspace(0, len(paths) - 1, limit).round().astype(int)]
    return paths


def unusable_reason(path):
    """Why a photo cannot train the model ('unreadable' or 'colorless'), or None if it can."""
    try:
        rgb = read_rgb(path)
    except ImageError:
        return "unreadable"
    return "colorless" if is_colorless(rgb) else None


def split(folders, val_share):
    """{'train': [...], 'val': [...], 'skipped': {'unreadable': n, 'colorless': n}}."""
    result = {"train": [], "val": [], "skipped": {"unreadable": 0, "colorless": 0}}
    for path in list_images(folders):
        reason = unusable_reason(path)
        if reason:
            result["skipped"][reason] += 1
        else:
            result["val" if is_validation(path, val_share) else "train"].append(path)
    return result


def dataset_names(folders):
    """Each folder's name, with -2, -3... where two share one."""
    names, seen = [], Counter()
    for folder in folders:
        name = os.path.basename(os.path.normpath(folder)) or "data"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return names


def check_folders(folders):
    """Raise FileNotFoundError naming every data folder that is not there, before any work starts."""
    missing = [str(folder) for folder in folders if not os.path.isdir(folder)]
    if missing:
        raise FileNotFoundError(f"no such data folder: {', '.join(missing)}")
