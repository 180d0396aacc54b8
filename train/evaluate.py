"""Measure weights on colour photos made gray, at full resolution, next to the gray baseline (ab = 0).

Each photo's lightness goes through the library's own pipeline, as a user's black-and-white photo would,
so the numbers describe what users get. Each --data folder is reported as one data set, and all of them
together as "overall": PSNR and SSIM on RGB, mean CIEDE2000, colorfulness as a ratio to the truth's, the
AuC of the per-pixel ab error, and the splotch share (pixels more than 30 ab units off).
"""
import json
import os
import sys
from collections import Counter

from tqdm import tqdm

from colorize.files import made_folder_for
from colorize.images import ImageError, is_colorless, read_rgb
from colorize.lab import convert_lab, gray_rgb
from colorize.weights import WeightsError
from train.arguments import decoding_options, number_in, positive
from train.drawn_inputs import line_twin
from train.metrics import MIN_SIDE, compare, summarize
from train.rebalance import read_bin_weights, set_undone
from train.run_folder import METRICS_FILE, is_run_folder, split_share
from train.splits import dataset_names, photos_of

COLUMNS = (("psnr", "PSNR dB", "{:8.2f}"), ("ssim", "SSIM", "{:6.3f}"), ("ciede2000", "CIEDE2000", "{:9.2f}"),
           ("colorfulness_ratio", "colorful", "{:8.2f}"), ("hue_spread_ratio", "hues", "{:6.2f}"),
           ("ab_auc", "AuC", "{:6.3f}"), ("splotch_share", "splotch", "{:7.3f}"),
           ("paper_chroma", "paper C", "{:7.2f}"))
OVERALL = "overall"


def add_arguments(parser):
    parser.add_argument("--weights", required=True, metavar="PATH",
                        help="a weights folder, its config.json or model.weights.h5, or a training run folder "
                        "(its best epoch)")
    parser.add_argument("--data", required=True, nargs="+", metavar="DIR",
                        help="folders of colour photos, read recursively; each is one data set in the report")
    parser.add_argument("--out", metavar="FILE", help=f"where to write the metrics (default: RUN_DIR/{METRICS_FILE} "
                        f"when --weights is a training run folder, else ./{METRICS_FILE})")
    parser.add_argument("--limit", type=positive, metavar="N",
                        help="at most N photos per folder, spread evenly over it")
    parser.add_argument("--temperature", type=float, metavar="T",
                        help="try another annealed-mean temperature for a bins-head model (lower: more vivid); "
                        "to adopt one, train export --temperature")
    parser.add_argument("--mute", type=float, metavar="M",
                        help="try muting unsure colours in a bins-head model (0: off; higher: unsure pixels "
                        "grayer); to adopt one, train export --mute")
    parser.add_argument("--regions", type=int, metavar="N",
                        help="try decoding a bins-head model by about N regions of each image, their pixels' colour "
                        "distributions pooled (0: each pixel alone); to adopt it, train export --regions")
    parser.add_argument("--undo-rebalancing", type=float, metavar="S",
                        help="take this share (0-1) of the class rebalancing back out of a bins-head run's "
                        "predictions (more: right more often, less vivid); needs --weights RUN_DIR")
    parser.add_argument("--split", choices=("all", "val"), default="all",
                        help="val: only the photos held out for validation: the run's own split when --weights is "
                        "a training run folder, else the split fit makes with --val-share")
    parser.add_argument("--input", choices=("gray", "lines"), default="gray",
                        help="what the model is shown: the photo made gray (default), or for drawings with an "
                        "exact line layer (a color/ folder beside line/, as OpenMoji's) that line art, measured "
                        "against its colour twin; the baseline is then the line art itself")
    parser.add_argument("--val-share", type=number_in(0, 1, True, True), default=0.1, metavar="SHARE",
                        help="for --split val with weights that are not a run folder: the share fit held out "
                        "(default 0.1, fit's default)")


def with_decoding(colorizer, run_dir, temperature=None, undo_rebalancing=None, mute=None, regions=None):
    """The same weights with another vivid/dull balance of a bins head: its annealed-mean temperature,
    how much of the training's class rebalancing to take back out (see train.rebalance), how much
    to mute unsure colours (see colorize.layers.AnnealedMean), and over how many regions to pool the
    colour distributions (see colorize.decoding)."""
    from colorize.model import model_from_config  # Keras, imported at first use: --help starts at once
    from colorize.pipeline import Colorizer

    if colorizer.config["head"] != "bins":
        raise ValueError("--temperature, --mute, --undo-rebalancing and --regions apply only to models with the "
                         "bins head")
    config = {**colorizer.config, "temperature": temperature or colorizer.config["temperature"]}
    if mute is not None:
        config["mute"] = mute
    if regions is not None:
        config["regions"] = regions
    model = model_from_config(config)
    model.set_weights(colorizer.model.get_weights())
    if undo_rebalancing:
        model, config = set_undone(model, config, read_bin_weights(run_dir), undo_rebalancing)
    label = (f"temperature {config['temperature']}, rebalancing undone {undo_rebalancing or 0}, "
             f"mute {config.get('mute', 0)}, regions {config.get('regions', 0)}")
    return Colorizer(model, config, f"{colorizer.source} at {label}")


def measure(colorizer, truth, shown=None):
    """(model's measures, baseline's measures) for one colour photo, RGB uint8: the model is shown `shown`
    (default: the photo made gray), and the baseline is what it was shown."""
    shown = gray_rgb(convert_lab(truth)[0]) if shown is None else shown
    return compare(truth, colorizer.colorize(shown).rgb), compare(truth, shown)


def line_input(path):
    """The exact line art of a drawing as a gray RGB image, or None where it has none."""
    twin = line_twin(path)
    return None if twin is None else gray_rgb(convert_lab(read_rgb(twin))[0])


def evaluate_folder(colorizer, name, paths, shown_as="gray"):
    """(summary, per-photo measures of the model, of the baseline) for one data set."""
    model, gray, skipped = [], [], Counter()
    for path in tqdm(paths, desc=name, unit="photo"):
        try:  # the same rule as fit's: unreadable and colorless photos are left out
            truth = read_rgb(path)
            reason = "colorless" if is_colorless(truth) else "too small" if min(truth.shape[:2]) < MIN_SIDE else None
            shown = line_input(path) if shown_as == "lines" and not reason else None
            if shown_as == "lines" and not reason and (shown is None or shown.shape != truth.shape):
                reason = "no line layer"
        except ImageError:
            reason = "unreadable"
        if reason:
            skipped[reason] += 1
            continue
        ours, baseline = measure(colorizer, truth, shown)
        model.append(ours)
        gray.append(baseline)
    return summary_of(model, gray, skipped), model, gray


def summary_of(model, gray, skipped):
    return {"images": len(model), "skipped": dict(skipped),
            "model": summarize(model) if model else None, "gray": summarize(gray) if gray else None}


def table(report):
    header = f"{'dataset':<16}{'images':>7}{'skipped':>8}  {'':<6}" + "".join(f"{t:>10}" for _, t, _ in COLUMNS)
    lines = [header, "-" * len(header)]
    for name, result in report["datasets"].items():
        first = f"{name:<16}{result['images']:>7}{sum(result['skipped'].values()):>8}  "
        for predictor in ("model", "gray"):
            values = result[predictor]
            cells = "".join(f"{fmt.format(values[key]):>10}" for key, _, fmt in COLUMNS) if values else "   no photos"
            lines.append(f"{first:<33}{predictor:<6}{cells}")
            first = ""
    return "\n".join(lines)


def run(args):
    from colorize.pipeline import Colorizer  # Keras, imported at first use: --help starts at once

    _, problem = decoding_options(args, ("temperature", "mute", "regions", "undo_rebalancing"))
    if problem:
        print(f"evaluate: {problem}", file=sys.stderr)
        return 2
    try:
        val_share = split_share(args.weights, args.val_share) if args.split == "val" else None
        chosen = {name: (folder, photos_of(folder, args.limit, val_share))
                  for name, folder in zip(dataset_names(args.data), args.data)}
        colorizer = Colorizer.from_weights(args.weights)
        out = args.out or (os.path.join(args.weights, METRICS_FILE) if is_run_folder(args.weights) else METRICS_FILE)
        made_folder_for(out)
        if args.temperature or args.undo_rebalancing or args.mute is not None or args.regions is not None:
            colorizer = with_decoding(colorizer, args.weights, args.temperature, args.undo_rebalancing, args.mute,
                                      args.regions)
    except (WeightsError, OSError, KeyError, ValueError) as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    report = {"weights": colorizer.source, "architecture": colorizer.config["architecture"],
              "head": colorizer.config["head"], "temperature": colorizer.config.get("temperature"),
              "undo_rebalancing": colorizer.config.get("undo_rebalancing", 0), "mute": colorizer.config.get("mute", 0),
              "regions": colorizer.config.get("regions", 0), "input_size": colorizer.input_size, "split": args.split,
              "input": args.input, "limit": args.limit, "datasets": {}}
    everything = ([], [], Counter())
    for name, (folder, paths) in chosen.items():
        summary, model, gray = evaluate_folder(colorizer, name, paths, args.input)
        report["datasets"][name] = {"path": folder, **summary}
        everything[0].extend(model)
        everything[1].extend(gray)
        everything[2].update(summary["skipped"])
    if len(chosen) > 1:
        report["datasets"][OVERALL] = {"path": None, **summary_of(*everything)}
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(table(report))
    print(f"evaluate: wrote {out}")
    return 0 if all(result["images"] for result in report["datasets"].values()) else 1
