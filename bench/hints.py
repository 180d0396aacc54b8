"""How well the hint model follows colour hints: PSNR with 0, 10 and 100 points and with the truth as reference,
and how local a hint's effect is, on colour photos made gray (through the library's own pipeline).

    python -m bench.hints --weights runs/mix-hints --data ../shared/data/highres --limit 40

Points are sampled as a user would place them: at random places, each carrying the truth's mean colour over
its patch (the point's default reach, 1% of the image's longer side). Locality: the mean ab error of the
result within 10 model-input pixels of a hint, at the model's 224x224.
"""
import argparse
import json

import numpy as np
from PIL import Image
from scipy.ndimage import distance_transform_edt
from tqdm import tqdm

from bench.common import command_line, report
from colorize.hints import DEFAULT_RADIUS
from colorize.images import ImageError, read_rgb
from colorize.lab import convert_lab, gray_rgb
from colorize.pipeline import Colorizer
from train.metrics import psnr
from train.splits import photos_of

POINT_COUNTS = (10, 100)
NEAR = 10  # model-input pixels around a hint for the locality measure


def sampled_points(truth, count, rng):
    """`count` points (x, y, (r, g, b), radius) with the truth's mean colour over each one's patch."""
    height, width = truth.shape[:2]
    reach = max(1, round(DEFAULT_RADIUS * max(width, height)))
    points = []
    for x, y in zip(rng.integers(0, width, count), rng.integers(0, height, count)):
        patch = truth[max(0, y - reach): y + reach + 1, max(0, x - reach): x + reach + 1]
        points.append((int(x), int(y), tuple(int(c) for c in patch.reshape(-1, 3).mean(axis=0).round()), reach))
    return points


def ab_error_near(truth, result, points, size):
    """Mean ab error (Lab units) within NEAR pixels of the points, with both images at size x size."""
    small = [np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR)) for image in (truth, result)]
    (_, truth_ab), (_, result_ab) = convert_lab(small[0]), convert_lab(small[1])
    centres = np.ones((size, size), bool)
    height, width = truth.shape[:2]
    for x, y, _, _ in points:
        centres[int(y * size / height), int(x * size / width)] = False
    near = distance_transform_edt(centres) <= NEAR
    return float(np.linalg.norm((truth_ab - result_ab)[near] * 128, axis=-1).mean())


def measure(colorizer, truth, rng):
    gray = gray_rgb(convert_lab(truth)[0])
    results = {"automatic": psnr(truth, colorizer.colorize(gray).rgb)}
    for count in POINT_COUNTS:
        points = sampled_points(truth, count, rng)
        hinted = colorizer.colorize(gray, hints=points).rgb
        results[f"{count} points"] = psnr(truth, hinted)
        if count == POINT_COUNTS[0]:
            results["ab error near 10 points"] = ab_error_near(truth, hinted, points, colorizer.input_size)
    results["truth as reference"] = psnr(truth, colorizer.colorize(gray, reference=Image.fromarray(truth)).rgb)
    return results


FIGURE_POINTS = ((150, 330), (330, 400), (250, 470), (60, 420))  # astronaut: suit, suit, suit, flag


def figure(colorizer, out):
    """NASA's astronaut (public domain, scikit-image): gray, automatic, four hints from the truth (marked),
    truth; shows whether a hint's colour stays on its object."""
    from skimage import data

    truth = data.astronaut()
    gray = gray_rgb(convert_lab(truth)[0])
    points = [(x, y, tuple(int(c) for c in truth[y, x]), 6) for x, y in FIGURE_POINTS]
    hinted = colorizer.colorize(gray, hints=points).rgb.copy()
    marked = hinted.copy()
    for x, y, colour, _ in points:
        marked[y - 7 : y + 8, x - 7 : x + 8] = 255
        marked[y - 5 : y + 6, x - 5 : x + 6] = colour
    row = np.concatenate([gray, colorizer.colorize(gray).rgb, marked, truth], axis=1)
    Image.fromarray(row).resize((row.shape[1] // 2, row.shape[0] // 2), Image.LANCZOS).save(out, quality=88)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True, help="weights with hint inputs (a weights or run folder)")
    parser.add_argument("--data", nargs="+", required=True, help="folders of colour photos, one row each")
    parser.add_argument("--val-share", type=float, help="only the validation side of fit's split with this share")
    parser.add_argument("--limit", type=int, default=40, help="photos per folder, spread evenly (default 40)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="also write the per-folder means as JSON here")
    parser.add_argument("--figure", help="also draw the hint figure (astronaut: gray, automatic, hinted, truth)")
    args = parser.parse_args(argv)
    colorizer = Colorizer.from_weights(args.weights)
    if args.figure:
        figure(colorizer, args.figure)
    rng = np.random.default_rng(args.seed)
    table = {}
    for folder in args.data:
        rows = []
        for path in tqdm(photos_of(folder, args.limit, args.val_share), desc=folder, unit="photo"):
            try:
                rows.append(measure(colorizer, read_rgb(path), rng))
            except ImageError:
                continue
        table[folder] = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]} | {"photos": len(rows)}
    columns = list(next(iter(table.values())))
    lines = [f"`{command_line()}` ({colorizer.source})", "",
             "| data | " + " | ".join(columns) + " |", "| --- |" + " ---: |" * len(columns)]
    for folder, means in table.items():
        lines.append(f"| {folder} | " + " | ".join(f"{means[c]:.2f}" if c != "photos" else str(means[c])
                                                    for c in columns) + " |")
    report("hints", "\n".join(lines), write=False)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(table, f, indent=2)


if __name__ == "__main__":
    main()
