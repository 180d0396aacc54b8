"""Which drawings should keep their own lightness? The shading detector's probability against the result.

    python -m bench.shading --input lines --limit 0 --folders openmoji/color
    python -m bench.shading --input gray --limit 30

For held-out drawings of `drawn/` (made gray, or their exact line layers), the drawing model's result
with the fills' L always, with the page's own L where the detector (colorize.kind_detector) finds the
drawing at least T likely shaded, with a share of own L equal to that probability, and with own L always;
mean CIEDE2000 and PSNR against the colour truth, per folder.
"""
import argparse
import os

import numpy as np
from skimage import color

from colorize.images import is_colorless, read_rgb
from colorize.kind_detector import shaded_probability
from colorize.lab import convert_lab
from colorize.pipeline import Colorizer
from train.drawn_inputs import line_twin
from train.metrics import ciede2000, psnr
from train.splits import photos_of

DRAWN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "drawn")
FOLDERS = ("openclipart", "gcompris_cartoons", "wesnoth_portraits", "openmoji/color", "anime_faces")


def rules(thresholds):
    """{name: probability -> share of the page's own L kept}."""
    chosen = {"fills' L": lambda p: 0.0}
    chosen.update({f"own L, p>={t:g}": (lambda t: lambda p: float(p >= t))(t) for t in thresholds})
    chosen.update({"share p": lambda p: p, "own L": lambda p: 1.0})
    return chosen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", choices=("gray", "lines"), default="gray")
    parser.add_argument("--limit", type=int, default=30, help="drawings per folder (0: all held out)")
    parser.add_argument("--folders", nargs="+", default=FOLDERS)
    parser.add_argument("--thresholds", nargs="+", type=float, default=[0.8, 0.9])
    args = parser.parse_args(argv)
    colorizer = Colorizer.from_weights(kind="drawing")
    ways = rules(args.thresholds)
    names = "; ".join(ways)
    print(f"{args.input}: PSNR dB / CIEDE2000 per way: {names}; the input itself")
    for folder in args.folders:
        rows = []
        for path in photos_of(os.path.join(DRAWN, folder), args.limit or None, 0.1):
            truth = read_rgb(path)
            source = line_twin(path) if args.input == "lines" else path
            if is_colorless(truth) or source is None:
                continue
            shown = np.rint(convert_lab(read_rgb(source))[0] * 2.55).astype(np.uint8)
            prediction = colorizer.predict_image(shown)
            likely = float(shaded_probability(colorizer.features(prediction.lightness)[None])[0])
            results = [prediction._replace(shaded=way(likely)).compose().rgb for way in ways.values()]
            results.append(np.repeat(shown[..., None], 3, axis=-1))
            truth_lab = color.rgb2lab(truth)
            rows.append([psnr(truth, r) for r in results] + [ciede2000(truth_lab, color.rgb2lab(r)) for r in results])
        mean = np.mean(rows, axis=0)
        half = len(mean) // 2
        cells = " | ".join(f"{a:.2f} / {b:.2f}" for a, b in zip(mean[:half], mean[half:]))
        print(f"{folder:<18} ({len(rows)}) {cells}", flush=True)


if __name__ == "__main__":
    main()
