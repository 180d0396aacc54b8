"""Export a run's best weights as a compact weights folder (float16 storage, loaded as float32).

This is how the default weights in colorize/default_weights/ are made: half the size of the float32
file, and predictions within about 0.5 ab units of it.
"""
import json
import os
import shutil
import sys
import tempfile

import h5py
import numpy as np

from colorize.files import made_folder_for, write_atomically
from colorize.weights import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    WeightsError,
    load_local,
    resolve_folder,
    sha256_of,
)
from train.arguments import decoding_options
from train.rebalance import read_bin_weights, set_undone
from train.run_folder import LEARNING_CURVES, METRICS_FILE

EXTRA_FILES = (METRICS_FILE, LEARNING_CURVES)
WRITTEN = {CONFIG_FILE, WEIGHTS_FILE, *EXTRA_FILES}  # what an export folder holds: all it may replace


def check_out(out, *sources):
    """Refuse an --out that export would destroy without having made it: its own input (the run, its weights
    folder, or a folder holding them), or a folder with anything that is not an earlier export's files."""
    out = os.path.realpath(out)
    for source in map(os.path.realpath, sources):
        if out == source or source.startswith(out + os.sep):
            raise ValueError(f"--out {out} holds the weights being exported; name a new folder")
    if os.path.exists(out) and (not os.path.isdir(out) or not set(os.listdir(out)) <= WRITTEN):
        raise ValueError(f"--out {out} exists and is not an exported weights folder; name a new or empty folder")


def add_arguments(parser):
    parser.add_argument("--run", required=True, metavar="RUN_DIR",
                        help="a training run (its best epoch) or weights folder")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="the folder to write: a new one, or an earlier export, which is replaced as a whole")
    parser.add_argument("--temperature", type=float, metavar="T",
                        help="the annealed-mean temperature to record (bins head), e.g. one tuned on validation")
    parser.add_argument("--mute", type=float, metavar="M",
                        help="record this muting of unsure colours (bins head; see evaluate --mute)")
    parser.add_argument("--undo-rebalancing", type=float, metavar="S",
                        help="the share of the class rebalancing folded out of a bins head in the result (see "
                        "evaluate); weights that already record one are moved from theirs to S")
    parser.add_argument("--bin-weights", metavar="FILE",
                        help="the rebalancing weights the model was trained with (default: the run folder's "
                        "bin_weights.npy), for --undo-rebalancing on a weights folder")
    parser.add_argument("--regions", type=int, metavar="N",
                        help="decode a bins head by about N regions of the image (0: each pixel alone; see evaluate)")


FLOAT16_MAX = float(np.finfo(np.float16).max)  # 65504: batch-norm variances of VGG features go past it


def fits_float16(data):
    """Whether a float32 array can be stored as float16 without turning a value into infinity."""
    return data.dtype == np.float32 and float(np.abs(data).max(initial=0.0)) <= FLOAT16_MAX


def copy_as_float16(source, target):
    """Copy a Keras .weights.h5 file with every float32 array stored as float16 where it fits (those with a
    value float16 cannot hold stay float32; Keras loads both), groups and attributes kept."""
    with h5py.File(source, "r") as src, h5py.File(target, "w") as dst:
        dst.attrs.update(src.attrs)

        def copy(name, item):
            if isinstance(item, h5py.Dataset):
                data = item[()]
                dst.create_dataset(name, data=data.astype(np.float16) if fits_float16(data) else data)
            else:
                dst.require_group(name)
            dst[name].attrs.update(item.attrs)

        src.visititems(copy)


def run(args):
    from colorize.model import encoder_digest  # Keras, imported at first use: --help starts at once

    try:
        folder = resolve_folder(args.run)
        check_out(args.out, args.run, folder)
        loaded = load_local(folder)  # refuse to export weights that do not load
        bin_weights = None
        if args.undo_rebalancing is not None:
            if not 0 <= args.undo_rebalancing <= 1:
                raise ValueError("--undo-rebalancing is a share, from 0 to 1")
            bin_weights = (np.load(args.bin_weights, allow_pickle=False) if args.bin_weights
                           else read_bin_weights(args.run))
    except (WeightsError, ValueError, OSError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    config = dict(loaded.config)
    decoding, problem = decoding_options(args, ("temperature", "mute", "regions"))
    if (decoding or args.undo_rebalancing is not None) and config["head"] != "bins":
        print("export: --temperature, --mute, --undo-rebalancing and --regions apply only to models with the bins head",
              file=sys.stderr)
        return 2
    if problem:  # refused before anything is written: an earlier export in --out stays as it was
        print(f"export: {problem}", file=sys.stderr)
        return 2
    staging = tempfile.mkdtemp(prefix=".export-", dir=made_folder_for(args.out))
    try:
        if args.undo_rebalancing is not None:
            corrected = os.path.join(staging, "float32.weights.h5")
            model, config = set_undone(loaded.model, config, bin_weights, args.undo_rebalancing)
            model.save_weights(corrected)
            copy_as_float16(corrected, os.path.join(staging, WEIGHTS_FILE))
            os.remove(corrected)
        else:
            copy_as_float16(os.path.join(folder, WEIGHTS_FILE), os.path.join(staging, WEIGHTS_FILE))
        config.update(weights_sha256=sha256_of(os.path.join(staging, WEIGHTS_FILE)), storage="float16",
                      data=[os.path.basename(os.path.normpath(d)) for d in config.get("data", [])], **decoding)
        write_atomically(os.path.join(staging, CONFIG_FILE), json.dumps(config, indent=2))
        exported = load_local(staging).model  # the new export loads before it replaces an earlier one
        config["encoder_sha256"] = encoder_digest(exported)  # of the stored weights: what --kind auto compares
        write_atomically(os.path.join(staging, CONFIG_FILE), json.dumps(config, indent=2))
        for name in EXTRA_FILES:
            for where in (os.path.dirname(folder), folder):
                if os.path.isfile(os.path.join(where, name)):
                    shutil.copy(os.path.join(where, name), os.path.join(staging, name))
                    break
        shutil.rmtree(args.out, ignore_errors=True)
        os.replace(staging, args.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # left only if something failed
    print(f"export: wrote {args.out} ({os.path.getsize(os.path.join(args.out, WEIGHTS_FILE)) / 1e6:.1f} MB)")
    return 0
