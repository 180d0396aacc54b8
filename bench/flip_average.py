"""Does averaging a photo's colours with its mirror image's (test-time flip) pay for a second model pass?

    python -m bench.flip_average --weights colorize/default_weights --limit 50 --data ../shared/data/scenes \
        ../shared/data/people/utkface ../shared/data/people/ccp_street ../shared/data/objects ../shared/data/photos_misc

Each held-out photo (fit's split at --val-share) made gray is colorized as the pipeline does, then again with
the model's ab averaged with the ab it gives the mirrored input, mirrored back; both are measured as
`train evaluate` measures, and printed as differences to gray.
"""
import argparse

import numpy as np

from colorize.pipeline import Colorizer
from train.data import photos_of
from train.evaluate import dataset_names, evaluate_folder


class FlipAveraged(Colorizer):
    """The same weights; each prediction is the mean of the input's and its mirror image's."""

    def predict(self, lightness_batch, hints=None, reference=None):
        mirrored_hints = None if hints is None else np.asarray(hints)[:, :, ::-1]
        ab, fills = super().predict(lightness_batch, hints, reference)
        ab_m, fills_m = super().predict(np.asarray(lightness_batch)[:, :, ::-1], mirrored_hints, reference)
        ab = (ab + ab_m[:, :, ::-1]) / 2
        return ab, None if fills is None else (fills + fills_m[:, :, ::-1]) / 2


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="weights to measure (default: the shipped default)")
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--limit", type=int, default=50, help="validation photos per folder")
    parser.add_argument("--val-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    plain = Colorizer.from_weights(args.weights)
    flipped = FlipAveraged(plain.model, plain.config, plain.source)
    print("predictor | folder | PSNR dB over gray | CIEDE2000 over gray | colorfulness | splotch (gray's)")
    for name, folder in zip(dataset_names(args.data), args.data):
        paths = photos_of(folder, args.limit, args.val_share)
        for label, colorizer in (("plain", plain), ("flip-averaged", flipped)):
            summary = evaluate_folder(colorizer, name, paths)[0]
            ours, gray = summary["model"], summary["gray"]
            print(f"{label} | {name} | {ours['psnr'] - gray['psnr']:+.2f} | {ours['ciede2000'] - gray['ciede2000']:+.2f} | "
                  f"{ours['colorfulness_ratio']:.2f} | {ours['splotch_share']:.3f} ({gray['splotch_share']:.3f})", flush=True)


if __name__ == "__main__":
    main()
