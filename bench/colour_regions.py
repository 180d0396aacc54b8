"""Which colours does a model get wrong? Its ab error and mean ab, by the truth's colour region.

    python -m bench.colour_regions --weights colorize/default_weights runs/previous-default --limit 60 \
        --data ../shared/data/scenes

PSNR says a model loses on a set, not where: this splits the pixels of the held-out photos (fit's split at
--val-share; `--split all` for sets never trained on, like highres/) by their true colour (blue: skies and
water; bright neutral: clouds, snow, white walls; green: foliage; warm: skin, earth, wood; the rest), then
prints, per region, its share of the pixels, the truth's mean ab, and for each weights folder the mean ab
error and the mean ab it predicts. A model that paints skies gray shows as a mean b far above the truth's in
the blue region.
"""
import argparse

import numpy as np
from skimage import color

from colorize.images import read_rgb
from colorize.pipeline import Colorizer
from train.splits import photos_of

REGIONS = (  # the first that holds a pixel takes it; in Lab units
    ("blue (b < -8)", lambda L, a, b: b < -8),
    ("bright neutral (L > 75, chroma < 8)", lambda L, a, b: (L > 75) & (np.hypot(a, b) < 8)),
    ("green (a < -6)", lambda L, a, b: a < -6),
    ("warm (a > 6 or b > 15)", lambda L, a, b: (a > 6) | (b > 15)),
    ("the rest", lambda L, a, b: np.ones_like(L, bool)),
)


def regions_of(lab):
    """One boolean mask per region of REGIONS, each pixel in exactly one."""
    taken, masks = np.zeros(lab.shape[:2], bool), []
    for _, holds in REGIONS:
        mask = holds(lab[..., 0], lab[..., 1], lab[..., 2]) & ~taken
        masks.append(mask)
        taken |= mask
    return masks


def measure(colorizers, paths):
    """Per region: pixels, the truth's ab sum, and per colorizer the ab error sum and the predicted ab sum."""
    pixels, truth = np.zeros(len(REGIONS)), np.zeros((len(REGIONS), 2))
    error, predicted = np.zeros((len(colorizers), len(REGIONS))), np.zeros((len(colorizers), len(REGIONS), 2))
    for path in paths:
        rgb = read_rgb(path)
        lab = color.rgb2lab(rgb)
        masks = regions_of(lab)
        for r, mask in enumerate(masks):
            pixels[r] += mask.sum()
            truth[r] += lab[mask][:, 1:].sum(axis=0)
        for c, colorizer in enumerate(colorizers):
            out = color.rgb2lab(colorizer.colorize(rgb).rgb)[..., 1:]
            distance = np.linalg.norm(out - lab[..., 1:], axis=-1)
            for r, mask in enumerate(masks):
                error[c, r] += distance[mask].sum()
                predicted[c, r] += out[mask].sum(axis=0)
    return pixels, truth, error, predicted


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", nargs="+", required=True, help="weights folders to compare")
    parser.add_argument("--data", nargs="+", required=True, help="folders of colour photos")
    parser.add_argument("--limit", type=int, default=60, help="validation photos per folder")
    parser.add_argument("--val-share", type=float, default=0.1)
    parser.add_argument("--split", choices=("val", "all"), default="val",
                        help="val: the held-out side of fit's split (default); "
                        "all: every photo (for sets never trained on)")
    args = parser.parse_args(argv)
    colorizers = [Colorizer.from_weights(w) for w in args.weights]
    print("folder | region | share of pixels | true mean ab | " + " | ".join(
        f"{w}: ab error, mean ab" for w in args.weights))
    for folder in args.data:
        val_share = None if args.split == "all" else args.val_share
        pixels, truth, error, predicted = measure(colorizers, photos_of(folder, args.limit, val_share))
        for r, (name, _) in enumerate(REGIONS):
            n = max(pixels[r], 1)
            cells = [f"{error[c, r] / n:.1f}, ({predicted[c, r, 0] / n:+.1f}, {predicted[c, r, 1] / n:+.1f})"
                     for c in range(len(colorizers))]
            print(f"{folder} | {name} | {pixels[r] / pixels.sum():.2f} | "
                  f"({truth[r, 0] / n:+.1f}, {truth[r, 1] / n:+.1f}) | " + " | ".join(cells))


if __name__ == "__main__":
    main()
