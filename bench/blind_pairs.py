"""Blind pairs: a colorized picture beside its real colours (or beside another model's), sides shuffled, for a
judge who is not told which is which.

    python -m bench.blind_pairs make --weights colorize/default_weights --data ../shared/data/scenes \
        --per-folder 10 --out runs/pairs --key runs/pairs-key.json
    (the judge answers in a text file, one line per pair: `pair-003 A`, `pair-004 B` or `pair-005 equal`)
    python -m bench.blind_pairs score --key runs/pairs-key.json --answers runs/answers.txt

Photos are asked "which one is the real photograph?"; the report is the share of pairs in which the
colorized one was taken for the real one (Zhang et al. 2016 fooled people 32 % of the time). With `--against
WEIGHTS` (two models paired) or `--ask better` (drawings beside their colour originals), the judge is asked
"which colouring is better?": the report is the share of pairs in which ours was preferred or judged equal.
Keep the key where the judge cannot read it.
"""
import argparse
import json
import os
import random
from collections import defaultdict

from PIL import Image

from colorize.auto_colorizer import AutoColorizer
from colorize.images import read_rgb
from colorize.lab import convert_lab, gray_rgb
from train.splits import photos_of

SIDE = 384  # each half's longer side: enough to see blotches, small enough to judge many
GAP = 16


def side_by_side(left, right):
    """Two RGB arrays of one size as one image, each scaled so that its longer side is SIDE (small pictures, such
    as 64 px faces, enlarged: a judge cannot tell tiny ones apart), a white gap between."""
    height, width = left.shape[:2]
    scale = SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    halves = [Image.fromarray(x).resize(size, Image.Resampling.LANCZOS) for x in (left, right)]
    width, height = size
    pair = Image.new("RGB", (2 * width + GAP, height), "white")
    pair.paste(halves[0], (0, 0))
    pair.paste(halves[1], (width + GAP, 0))
    return pair


def make(args):
    first = AutoColorizer(args.weights)
    second = AutoColorizer(args.against) if args.against else None
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    better = second or args.ask == "better"
    key, number = {"question": "which colouring is better?" if better else "which one is the real photograph?",
                   "pairs": {}}, 0
    for folder in args.data:
        for path in photos_of(folder, args.per_folder, None if args.split == "all" else args.val_share):
            truth = read_rgb(path)
            gray = gray_rgb(convert_lab(truth)[0])
            ours = first.colorize(gray, kind=args.kind).rgb
            other = second.colorize(gray, kind=args.kind).rgb if second else truth
            ours_left = rng.random() < 0.5
            name = f"pair-{number:03d}"
            side_by_side(*((ours, other) if ours_left else (other, ours))).save(os.path.join(args.out, f"{name}.png"))
            key["pairs"][name] = {"folder": os.path.basename(os.path.normpath(folder)),
                                  "ours": "A" if ours_left else "B", "path": path}
            number += 1
    with open(args.key, "w") as f:
        json.dump(key, f, indent=1)
    print(f"blind_pairs: {number} pairs in {args.out} (A is the left picture); ask: {key['question']}")


def score(args):
    with open(args.key) as f:
        key = json.load(f)
    answers = {}
    with open(args.answers) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in key["pairs"]:
                answers[parts[0]] = parts[1].strip(".,").lower()
    wins, counts = defaultdict(int), defaultdict(int)
    for name, pair in key["pairs"].items():
        if name in answers:
            counts[pair["folder"]] += 1
            wins[pair["folder"]] += answers[name] in (pair["ours"].lower(), "equal")
    shown = "taken for the real one" if key["question"].startswith("which one is the real") else "preferred or equal"
    for folder in sorted(counts):
        print(f"{folder}: ours {shown} in {wins[folder]} of {counts[folder]} ({wins[folder] / counts[folder]:.0%})")
    total = sum(counts.values())
    if total:
        print(f"all: {sum(wins.values())} of {total} ({sum(wins.values()) / total:.0%}); "
              f"{len(key['pairs']) - total} pairs unanswered")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    maker = commands.add_parser("make", help="render shuffled pairs and write their key")
    maker.add_argument("--weights", help="weights to judge (default: the shipped models, by kind)")
    maker.add_argument("--against", help="another model's weights instead of the real colours")
    maker.add_argument("--data", nargs="+", required=True, help="folders of colour pictures")
    maker.add_argument("--per-folder", type=int, default=10)
    maker.add_argument("--split", choices=("val", "all"), default="val")
    maker.add_argument("--val-share", type=float, default=0.1)
    maker.add_argument("--kind", choices=("auto", "photo", "drawing"), default="auto")
    maker.add_argument("--ask", choices=("real", "better"), default="real",
                       help="beside the real colours, ask which is real (photos) or which colouring is better "
                            "(drawings); against another model it is always which is better")
    maker.add_argument("--seed", type=int, default=0)
    maker.add_argument("--out", required=True, help="folder for the pair images (what the judge sees)")
    maker.add_argument("--key", required=True, help="where to write which side is ours (keep it from the judge)")
    scorer = commands.add_parser("score", help="the share of pairs ours won, per folder")
    scorer.add_argument("--key", required=True)
    scorer.add_argument("--answers", required=True, help="lines of `pair-NNN A|B|equal`")
    args = parser.parse_args(argv)
    (make if args.command == "make" else score)(args)


if __name__ == "__main__":
    main()
