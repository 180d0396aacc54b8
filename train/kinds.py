"""Fit the photo-or-drawing detector (colorize.kind_detector) and measure it on the held-out photos and art.

The photo-or-drawing part reads the photo model's encoder (--weights), so that `--kind auto` decides on the
photo model's own pass; the second part, whether a drawing is shaded (gray art, whose own lightness the
result keeps) or line art and toned pages (whose white fills take the drawing model's tones), reads the
drawing model's (--drawing-weights), the same features where the two share their encoder.

Drawings are shown to it as users bring them: colour art made gray, line art and toned pages (made as
the drawing model's training inputs are, train.drawn_inputs), and whole manga-like pages of panels,
balloons and lettering (train.pages); photos clean and as old prints (train.degrade), and laid out on
pages with frames and captions or lettered over, the hard cases for a detector that learned "paper and
text mean drawn". It is fitted on the training side of the file-name split and measured on the
validation side of every folder, which the detector never saw.
"""
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize
from tqdm import tqdm

from colorize.files import made_folder_for
from colorize.images import ImageError, is_colorless, read_rgb
from colorize.kind_detector import DETECTOR_FILE
from colorize.lab import convert_lab
from colorize.weights import WeightsError
from train.arguments import at_least_zero, number_in, positive
from train.degrade import maybe_degrade
from train.drawn_inputs import MAKERS, line_twin
from train.pages import manga_page, photo_page
from train.splits import check_folders, dataset_names, photos_of

L2 = 1e-3  # ridge on the standardized coefficients
PAGE_SOURCES = 40  # pictures per folder and side of the split that the pages are made of


def add_arguments(parser):
    parser.add_argument("--drawn", nargs="+", required=True, metavar="DIR", help="folders of colour drawn art")
    parser.add_argument("--photos", nargs="+", required=True, metavar="DIR", help="folders of colour photos")
    parser.add_argument("--weights", metavar="PATH",
                        help="the photo weights whose encoder the photo-or-drawing part reads (default: the "
                        "shipped photo weights)")
    parser.add_argument("--drawing-weights", metavar="PATH",
                        help="the drawing weights whose encoder the shaded-or-line-art part reads (default: the "
                        "shipped drawing weights)")
    parser.add_argument("--per-folder", type=positive, default=300, metavar="N",
                        help="at most N images per folder and side of the split (default 300)")
    parser.add_argument("--val-share", type=number_in(0, 1, True, True), default=0.1,
                        help="the split's validation share (default 0.1, fit's)")
    parser.add_argument("--pages", type=at_least_zero, default=150, metavar="N",
                        help="N manga-like pages and N pages of photos on the training side, a third as many "
                        "held out (default 150)")
    parser.add_argument("--out", default=DETECTOR_FILE, help=f"the detector file to write (default {DETECTOR_FILE})")


def views(path, drawn, rng):
    """{view name: L} for one image: a drawing as gray art, line art and toned page; a photo clean and old."""
    rgb = read_rgb(path)
    if is_colorless(rgb):
        return {}
    lightness = convert_lab(rgb)[0]
    if not drawn:
        return {"photo": lightness, "old photo": maybe_degrade(lightness, rng, 1.0)}
    twin = line_twin(path)
    line = convert_lab(read_rgb(twin))[0] if twin else None
    return {name: make(lightness, rng, line) for name, make in MAKERS.items()}


class Encoders:
    """What the photo model's encoder sees in an L and, for drawn art, what the drawing model's does (the
    same rows where the two share their encoder)."""

    def __init__(self, photo, drawing):
        from colorize.model import encoder_digest

        self.photo, self.drawing = photo, drawing
        self.digests = encoder_digest(photo.model), encoder_digest(drawing.model)

    def __call__(self, lightness, drawn):
        seen = self.photo.features(lightness)
        if not drawn:
            return seen, None
        return seen, seen if self.digests[0] == self.digests[1] else self.drawing.features(lightness)


def table_of(encoders, folders, drawn, share, limit, rng, side):
    """(feature rows: (photo encoder's, drawing encoder's or None), labels: 1 for drawn, "folder: view" of
    each row) for one side of the split."""
    rows, labels, groups = [], [], []
    for name, folder in folders:
        paths = photos_of(folder, limit, share, held_out=bool(side))
        for path in tqdm(paths, desc=f"{name} ({'val' if side else 'train'})", unit="image"):
            try:
                shown = views(path, drawn, rng)
            except ImageError:
                continue
            for view, lightness in shown.items():
                rows.append(encoders(lightness, drawn))
                labels.append(float(drawn))
                groups.append(f"{name}: {view}")
    return rows, labels, groups


def page_table(encoders, drawn, photos, share, rng, side, count):
    """(feature rows, labels, groups) of `count` manga-like pages and `count` pages of photos, made from
    the pictures of one side of the split (PAGE_SOURCES of each folder)."""
    def pictures(folders, colour):
        found = []
        for _, folder in folders:
            for path in photos_of(folder, PAGE_SOURCES, share, held_out=bool(side)):
                rgb = read_rgb(path)
                if not is_colorless(rgb):
                    found.append(rgb if colour else convert_lab(rgb)[0])
        return found

    drawings, shots = pictures(drawn, True), pictures(photos, False)
    rows, labels, groups = [], [], []
    for _ in tqdm(range(count), desc=f"pages ({'val' if side else 'train'})", unit="page"):
        for label, group, lightness in ((1.0, "pages: manga", manga_page(drawings, rng)),
                                        (0.0, "pages: photos laid out", photo_page(shots, rng))):
            rows.append(encoders(lightness, bool(label)))
            labels.append(label)
            groups.append(group)
    return rows, labels, groups


def fit_logistic(x, y):
    """(weights, bias) of an L2-regularised logistic regression, by SciPy's L-BFGS."""
    def loss(theta):
        z = x @ theta[:-1] + theta[-1]
        p = 1 / (1 + np.exp(-z))
        value = np.mean(np.logaddexp(0, z) - y * z) + L2 * np.sum(theta[:-1] ** 2)
        gradient = np.append(x.T @ (p - y) / len(y) + 2 * L2 * theta[:-1], np.mean(p - y))
        return value, gradient

    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return theta[:-1], theta[-1]


def run(args):
    from colorize.pipeline import Colorizer  # Keras, imported at first use: --help starts at once

    rng = np.random.default_rng(0)
    try:
        check_folders([*args.drawn, *args.photos])
        drawn = list(zip(dataset_names(args.drawn), args.drawn))
        photos = list(zip(dataset_names(args.photos), args.photos))
        encoders = Encoders(Colorizer.from_weights(args.weights, kind="photo"),
                            Colorizer.from_weights(args.drawing_weights, kind="drawing"))
        made_folder_for(args.out)
        data = {side: [table_of(encoders, folders, is_drawn, args.val_share, args.per_folder, rng, side)
                       for folders, is_drawn in ((drawn, True), (photos, False))] for side in (0, 1)}
        for side, count in ((0, args.pages), (1, args.pages // 3)):
            if count:
                data[side].append(page_table(encoders, drawn, photos, args.val_share, rng, side, count))
    except (OSError, WeightsError) as error:
        print(f"kinds: {error}", file=sys.stderr)
        return 2
    (seen, y, train_groups), (val_seen, vy, groups) = (
        [sum((part[i] for part in data[side]), []) for i in range(3)] for side in (0, 1))
    y, vy, train_groups = np.asarray(y), np.asarray(vy), np.asarray(train_groups)
    kind_part, right = fitted([row[0] for row in seen], y, [row[0] for row in val_seen], vy == 1, groups)
    detector = {"features": f"{encoders.photo.source}: encoder block 4 and 5 means",
                "encoder_sha256": encoders.digests[0], **kind_part}
    report = detector["validation_share_right"]
    gray_art = is_gray_art(groups)
    report["drawn (gray art only)"] = round(float(right[gray_art].mean()), 4)
    report["drawn (all views)"] = round(float(right[vy == 1].mean()), 4)
    report["photos (all views)"] = round(float(right[vy == 0].mean()), 4)
    detector["validation_images"] = {group: groups.count(group) for group in dict.fromkeys(groups)}
    drawn, val_drawn = y == 1, vy == 1
    shading_part, shaded_right = fitted([row[1] for row, d in zip(seen, drawn) if d], is_gray_art(train_groups[drawn]),
                                        [row[1] for row, d in zip(val_seen, val_drawn) if d], gray_art[val_drawn],
                                        [g for g, d in zip(groups, val_drawn) if d])
    detector["shading"] = {"features": f"{encoders.drawing.source}: encoder block 4 and 5 means",
                           "encoder_sha256": encoders.digests[1], **shading_part}
    shading_report = detector["shading"]["validation_share_right"]
    shading_report["all drawn views"] = round(float(shaded_right.mean()), 4)
    with open(args.out, "w") as f:
        json.dump(detector, f, indent=1)
    for title, shares in (("photo or drawing", report), ("shaded drawing or line art", shading_report)):
        print(title)
        for group, share in shares.items():
            print(f"  {group:<38}{share:7.1%}")
    print(f"kinds: wrote {os.path.abspath(args.out)}")
    return 0


def fitted(rows, labels, val_rows, val_labels, val_groups):
    """One part of the detector, a logistic regression on standardized features: ({mean, scale, weights, bias,
    validation_share_right per group}, whether each held-out row was right)."""
    x = np.asarray(rows)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    weights, bias = fit_logistic((x - mean) / scale, np.asarray(labels, float))
    right = (((np.asarray(val_rows) - mean) / scale @ weights + bias) >= 0) == np.asarray(val_labels)
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": weights.tolist(), "bias": float(bias),
            "validation_share_right": shares_right(right, val_groups)}, right


def is_gray_art(groups):
    return np.array([group.endswith(": gray") for group in groups])


def shares_right(right, groups):
    """{group: share of its rows right}, in the groups' order."""
    groups = np.asarray(groups)
    return {group: round(float(right[groups == group].mean()), 4) for group in dict.fromkeys(groups.tolist())}
