"""Would the previous default's colours, averaged with the default's, win the scenes back?

    python -m bench.two_decoders --previous runs/prev --train 80 --val 60 --data ../shared/data/scenes \
        ../shared/data/people/utkface ../shared/data/people/ccp_street ../shared/data/objects ../shared/data/photos_misc

The previous default (scenes only, GPU-tuned) and the default share their VGG16 encoder bit for bit, so
one network with both decoders would cost one encoder pass. Each photo made gray is colorized by both and
composed from (1 - w) x the default's ab + w x the previous default's, for a grid of w: the same w for
all, the best w per photo (with the truth), and a w per photo from a ridge regression on the encoder's
features and the default's chroma fitted on the training side (bench.image_saturation's). Last, the blend
given to the photos a classifier takes for scenes: a ridge on the same features fitted to whether a
training photo is of the first --data folder (the scenes), w = --scene-share where it says yes, else 0;
beside it the same with the folder known.
"""
import argparse

import numpy as np

from bench.image_saturation import PENALTIES, best_per_image, measured, report, ridge
from colorize.pipeline import Colorizer

SHARES = np.array([0.0, 0.25, 0.5, 0.75, 1.0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous", required=True, help="the previous default's weights")
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--train", type=int, default=80, help="training-side photos per folder")
    parser.add_argument("--val", type=int, default=60, help="validation-side photos per folder")
    parser.add_argument("--scene-share", type=float, default=0.5, help="w for the photos taken for scenes")
    args = parser.parse_args(argv)
    default, previous = Colorizer.from_weights(), Colorizer.from_weights(args.previous)

    def blends(prediction, shown):
        theirs = previous.predict_image(shown).ab
        return [prediction._replace(ab=(1 - w) * prediction.ab + w * theirs).compose().rgb for w in SHARES]

    train_names, x_train, train = measured(default, args.data, args.train, False, blends)
    names, x_val, val = measured(default, args.data, args.val, True, blends)
    for w in SHARES:
        report(f"w = {w:g} for all", names, val, np.full(len(names), w), SHARES, "w")
    report("best w per photo, with the truth", names, val, best_per_image(val, "psnr", SHARES), SHARES, "w")
    target = best_per_image(train, "psnr", SHARES)
    for penalty in PENALTIES:
        report(f"ridge on features and chroma, penalty {penalty:g}", names, val,
               ridge(x_train, target, x_val, penalty, SHARES), SHARES, "w")
    is_scene = (train_names == args.data[0]).astype(float)
    report("w for the photos of scenes, the folder known", names, val,
           args.scene_share * (names == args.data[0]), SHARES, "w")
    for penalty in PENALTIES:
        taken = ridge(x_train, is_scene, x_val, penalty, np.array([0.0, 1.0])) > 0.5
        right = (taken == (names == args.data[0])).mean()
        report(f"w for the photos a ridge takes for scenes (penalty {penalty:g}, {right:.0%} right)", names, val,
               args.scene_share * taken, SHARES, "w")


if __name__ == "__main__":
    main()
