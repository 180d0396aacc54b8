"""Re-estimate the batch-norm statistics that are not finite, on training photos.

A batch-norm layer normalizes with a moving mean and variance at inference. Gradient descent never
sees them, so they can break while every kernel is right: float16 storage turns a variance above 65504
into infinity, which silences that channel without any error. Exports before December 2026 lost 195 of
the photo default's 256 deepest decoder channels (and 246 of the drawing model's) this way, and runs
started from them carried the infinities on. This command runs photos from the training side of
`--data` through the network the way the pipeline shows them, layer by layer in order, and gives each
such channel the mean and variance its input has there. Finite statistics are kept as trained:
re-estimating every channel on whole photos was tried and measured worse (docs/MODEL.md).
"""
import os
import sys

import keras
import numpy as np
from tqdm import tqdm

from colorize.hints import model_inputs
from colorize.images import ImageError, lightness_of, open_image
from colorize.pipeline import Colorizer
from colorize.weights import WeightsError, load_local, nonfinite_variables, resolve_folder, save_weights
from train.data import photos_of
from train.run_folder import split_share

STATISTICS = ("moving_mean", "moving_variance")


def add_arguments(parser):
    parser.add_argument("--weights", required=True, metavar="PATH", help="a weights folder or training run")
    parser.add_argument("--data", nargs="+", required=True, metavar="DIR",
                        help="folders of photos like those the weights were trained on (their training side is used)")
    parser.add_argument("--photos", type=int, default=64, metavar="N", help="photos per folder (default 64)")
    parser.add_argument("--val-share", type=float, default=0.1, metavar="SHARE",
                        help="the share held out for validation and left out here (default 0.1, fit's; "
                        "a run folder's own share is used for a run)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the weights folder to write (float32; "
                        "`train export` makes it compact)")


def broken_channels(layer):
    """A boolean mask of the layer's channels whose moving mean or variance is not finite."""
    return ~(np.isfinite(keras.ops.convert_to_numpy(layer.moving_mean))
             & np.isfinite(keras.ops.convert_to_numpy(layer.moving_variance)))


def input_moments(model, layer, views, takes_hints):
    """The per-channel mean and variance of `layer`'s input over the views (L planes at the model's size)."""
    features = keras.Model(model.inputs, layer.input)
    total, squares, count = 0.0, 0.0, 0
    for view in views:
        x = np.asarray(features.predict_on_batch(model_inputs(view[None, ..., None], takes_hints)), np.float64)
        total, squares, count = total + x.sum((0, 1, 2)), squares + (x**2).sum((0, 1, 2)), count + x[..., 0].size
    mean = total / count
    return mean, squares / count - mean**2


def recalibrate(colorizer, views):
    """Re-estimate, in place and in layer order, the non-finite batch-norm statistics of colorizer.model;
    returns {layer name: channels re-estimated}."""
    model, repaired = colorizer.model, {}
    for layer in model.layers:
        broken = broken_channels(layer) if isinstance(layer, keras.layers.BatchNormalization) else None
        if broken is None or not broken.any():
            continue
        mean, variance = input_moments(model, layer, views, colorizer.takes_hints)
        for name, estimate in zip(STATISTICS, (mean, variance)):
            variable = getattr(layer, name)
            value = keras.ops.convert_to_numpy(variable).copy()
            value[broken] = estimate[broken]
            variable.assign(value)
        repaired[layer.name] = int(broken.sum())
    return repaired


def run(args):
    if args.photos < 1 or not 0.0 < args.val_share < 1.0:
        print("recalibrate: --photos must be at least 1 and --val-share between 0 and 1", file=sys.stderr)
        return 2
    try:
        folder = resolve_folder(args.weights)
        if os.path.abspath(args.out) in (folder, os.path.abspath(args.weights)):
            raise ValueError("--out must be a new folder: the weights given are kept as they are")
        loaded = load_local(args.weights, require_finite=False)
        share = split_share(args.weights, args.val_share)
        paths = [path for data in args.data for path in photos_of(data, args.photos, share, held_out=False)]
    except (WeightsError, OSError, KeyError, ValueError) as error:
        print(f"recalibrate: {error}", file=sys.stderr)
        return 2
    colorizer = Colorizer(loaded.model, loaded.config, loaded.source, precision="float32")
    views = []
    for path in tqdm(paths, desc="photos", unit="photo"):
        try:
            views.append(colorizer.view(lightness_of(open_image(path))))
        except ImageError as error:
            print(f"recalibrate: skipped {error}", file=sys.stderr)
    if not views:
        print("recalibrate: no readable photos in --data", file=sys.stderr)
        return 2
    repaired = recalibrate(colorizer, views)
    left = nonfinite_variables(colorizer.model)
    if left:
        print(f"recalibrate: {', '.join(left[:3])} hold non-finite values that are not batch-norm statistics: "
              "these weights must be trained again", file=sys.stderr)
        return 2
    config = {key: value for key, value in loaded.config.items() if key != "storage"}  # save_weights writes float32
    config["recalibrated"] = {"photos": len(views), "data": [os.path.basename(os.path.normpath(d)) for d in args.data],
                              "channels": repaired}
    save_weights(colorizer.model, config, args.out)
    what = ", ".join(f"{name}: {count}" for name, count in repaired.items()) or "none needed it"
    print(f"recalibrate: wrote {args.out} (channels re-estimated on {len(views)} photos: {what})")
    return 0
