"""Side-by-side colours of several weights on the same photos, to look at (numbers miss dull, brownish colour).

    python -m train samples --weights runs/old colorize/default_weights --photos a.jpg b.png --out docs/x.jpg

Columns: the photo's lightness, each weights' colours in the order given, the true photo (left out with
--no-truth, for real black-and-white photos).
"""
from colorize.files import made_folder_for


def add_arguments(parser):
    parser.add_argument("--weights", nargs="+", required=True, help="weights or run folders, one column each")
    parser.add_argument("--photos", nargs="+", required=True, help="colour photos, one row each")
    parser.add_argument("--size", type=int, default=256, help="each cell's size in pixels (centre crop)")
    parser.add_argument("--out", required=True, help="the grid (.jpg or .png)")
    parser.add_argument("--no-truth", action="store_true", help="no truth column (black-and-white photos)")


def run(args):
    from train.reports import save_samples  # Keras, imported at first use: --help starts at once

    made_folder_for(args.out)
    save_samples(args.weights, args.photos, args.out, args.size, truth_column=not args.no_truth)
    print(f"wrote {args.out}")
    return 0
