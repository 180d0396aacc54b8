"""What bfloat16 does to the colours: the fast path's predictions and outputs next to float32's.

    python -m bench.precision --weights DIR [--photos 24] [--no-write]

On the app's examples and the first photos of the project's high-resolution check set: the mean,
99th percentile and largest difference of predicted ab (Lab units), and the colour difference
(Delta E 1976) of the full-resolution outputs. Trained weights are needed: an untrained decoder's
output is noise, and so are its differences.
"""
import argparse
import glob
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.common import PHOTO_FOLDER, ROOT, command_line, machine, report  # noqa: E402
from colorize.fast_model import compiled_predictor  # noqa: E402
from colorize.images import lightness_of, open_image  # noqa: E402
from colorize.lab import AB_SCALE, convert_lab  # noqa: E402
from colorize.pipeline import compose, resize_plane  # noqa: E402
from colorize.weights import load_weights  # noqa: E402
from tests import reference  # noqa: E402

BATCH = 8


def delta_e(first, second):
    (l1, ab1), (l2, ab2) = convert_lab(first), convert_lab(second)
    return np.sqrt((l1 - l2) ** 2 + (((ab1 - ab2) * AB_SCALE) ** 2).sum(axis=-1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True, help="a trained weights folder")
    parser.add_argument("--photos", type=int, default=24,
                        help="how many high-resolution check photos besides the examples")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    loaded = load_weights(args.weights)
    size = int(loaded.config["input_size"])
    examples = os.path.join(ROOT, "examples")
    paths = sorted(glob.glob(os.path.join(examples, "*.jpg")) + glob.glob(os.path.join(examples, "*.png")))
    paths += sorted(glob.glob(os.path.join(PHOTO_FOLDER, "*")))[: args.photos]
    lightness = [lightness_of(open_image(path)) for path in paths]
    batch = np.stack([resize_plane(plane, (size, size)) for plane in lightness])
    fast = compiled_predictor(loaded, "bfloat16")
    float32 = np.concatenate([reference.predict(loaded.model, batch[i:i + BATCH]) for i in range(0, len(batch), BATCH)])
    bfloat16 = np.concatenate([fast(batch[i:i + BATCH, ..., None]) for i in range(0, len(batch), BATCH)])
    ab = np.abs(float32 - bfloat16) * AB_SCALE
    photo_means, photo_p99 = [], []
    for plane, exact, quick in zip(lightness, float32, bfloat16):
        difference = delta_e(compose(plane, exact).rgb, compose(plane, quick).rgb)
        photo_means.append(difference.mean())
        photo_p99.append(np.percentile(difference, 99))
    ab_cells = f"{ab.mean():.2f} / {np.percentile(ab, 99):.2f} / {ab.max():.2f}"
    mean_cells = f"{np.mean(photo_means):.2f} / {np.max(photo_means):.2f}"
    table = f"""
Command: `{command_line()}`; model: {loaded.source} ({loaded.config['architecture']}, {loaded.config.get('head')} head);
{len(paths)} photos (the app's examples and the first {args.photos} of highres/sun_hays80).
Machine: {machine()}.

| measure | bfloat16 vs float32 |
| --- | --- |
| spread of the float32 ab (standard deviation, Lab units) | {float32.std() * AB_SCALE:.2f} |
| predicted ab at 224x224: mean / 99th percentile / largest difference (Lab units) | {ab_cells} |
| full-resolution output, Delta E 1976: mean over photos / worst photo's mean | {mean_cells} |
| full-resolution output, Delta E 1976: worst photo's 99th percentile | {np.max(photo_p99):.2f} |
"""
    report("precision", table, write=not args.no_write)


if __name__ == "__main__":
    main()
