"""Could each image get its own saturation, chosen from what the model sees, and beat one for all?

    python -m bench.image_saturation --weights colorize/default_weights --train 100 --val 60 \
        --data ../shared/data/scenes ../shared/data/people/utkface ../shared/data/people/ccp_street \
        ../shared/data/objects ../shared/data/photos_misc
    python -m bench.image_saturation --weights colorize/drawing_weights --metric ciede2000 --train 120 \
        --val 60 --data ../shared/data/drawn/{openclipart,wesnoth_portraits,gcompris_cartoons,openmoji/color,anime_faces}

Each photo made gray is colorized once and composed at a grid of saturations. "best per image" picks
each photo's best with the truth: the most that any per-image saturation could give. A ridge regression
from the encoder's features (the kind detector's) and the prediction's chroma, fitted on the training
side to each photo's best saturation, picks it without the truth on the validation side.
"""
import argparse
import collections

import numpy as np
from tqdm import tqdm

from colorize.images import is_colorless, read_rgb
from colorize.lab import convert_lab, gray_rgb
from colorize.pipeline import Colorizer
from train.data import photos_of
from train.metrics import MIN_SIDE, compare

GRID = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0])
KEYS = ("psnr", "ciede2000", "colorfulness", "truth_colorfulness")
PENALTIES = (10.0, 100.0, 1000.0)


def measured(colorizer, folders, limit, held_out, variants=lambda prediction, shown: [
        prediction.compose(s).rgb for s in GRID]):
    """(folder names, features, {key: (N, variants) measures}) of at most `limit` photos per folder; the
    variants of each photo's result (by default, at each saturation of GRID) come from its prediction and
    the L it was shown."""
    names, features, measures = [], [], collections.defaultdict(list)
    for folder in folders:
        for path in tqdm(photos_of(folder, limit, 0.1, held_out), desc=folder, unit="photo"):
            truth = read_rgb(path)
            if is_colorless(truth) or min(truth.shape[:2]) < MIN_SIDE:
                continue
            shown = gray_rgb(convert_lab(truth)[0])
            prediction = colorizer.predict_image(shown)
            chroma = np.hypot(*np.moveaxis(prediction.ab, -1, 0))
            seen = colorizer.features(prediction.lightness)
            features.append(np.concatenate([seen, [chroma.mean(), np.percentile(chroma, 90), (chroma > 0.1).mean()]]))
            results = [compare(truth, result) for result in variants(prediction, shown)]
            for key in KEYS:
                measures[key].append([r[key] for r in results])
            names.append(folder)
    return np.array(names), np.array(features), {k: np.array(v) for k, v in measures.items()}


def best_per_image(measures, metric, grid=GRID):
    values = measures[metric]
    return grid[values.argmax(1) if metric == "psnr" else values.argmin(1)]


def ridge(x, y, x_new, penalty, grid=GRID):
    """Ridge regression of y on standardized x, predicted at x_new, clipped to the grid."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    design = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    weights = np.linalg.solve(design.T @ design + penalty * np.diag([1.0] * x.shape[1] + [0.0]), design.T @ y)
    return np.clip(np.hstack([(x_new - mean) / scale, np.ones((len(x_new), 1))]) @ weights, grid[0], grid[-1])


def report(label, names, measures, chosen, grid=GRID, what="saturation"):
    """One line per folder and overall: PSNR, CIEDE2000 and colorfulness ratio at each photo's chosen
    value of the grid (its nearest)."""
    at = np.abs(grid[None] - chosen[:, None]).argmin(1)
    rows = np.arange(len(at))
    print(label)
    for folder in [*dict.fromkeys(names), "overall"]:
        part = rows if folder == "overall" else rows[names == folder]
        psnr, ciede = (measures[k][part, at[part]].mean() for k in ("psnr", "ciede2000"))
        vivid = measures["colorfulness"][part, at[part]].mean() / measures["truth_colorfulness"][part, 0].mean()
        print(f"  {folder:40} {len(part):4} photos  PSNR {psnr:6.2f}  CIEDE2000 {ciede:6.2f}  colorful {vivid:4.2f}  "
              f"{what} {chosen[part].mean():4.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--metric", choices=("psnr", "ciede2000"), default="psnr", help="what each photo's best is")
    parser.add_argument("--train", type=int, default=100, help="training-side photos per folder")
    parser.add_argument("--val", type=int, default=60, help="validation-side photos per folder")
    args = parser.parse_args(argv)
    colorizer = Colorizer.from_weights(args.weights)  # a drawing model's config says so
    _, x_train, train = measured(colorizer, args.data, args.train, held_out=False)
    names, x_val, val = measured(colorizer, args.data, args.val, held_out=True)
    report("gray (saturation 0)", names, val, np.zeros(len(names)))
    report("one for all (1)", names, val, np.ones(len(names)))
    report("best per image, with the truth", names, val, best_per_image(val, args.metric))
    target = best_per_image(train, args.metric)
    for penalty in PENALTIES:
        report(f"ridge on features and chroma, penalty {penalty:g}", names, val,
               ridge(x_train, target, x_val, penalty))
        report(f"ridge on the chroma alone, penalty {penalty:g}", names, val,
               ridge(x_train[:, -3:], target, x_val[:, -3:], penalty))


if __name__ == "__main__":
    main()
