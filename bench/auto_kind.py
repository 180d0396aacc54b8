"""What `--kind auto` costs over `--kind photo`: the library per 1024x768 photo and per drawing, medians.

    python -m bench.auto_kind --repeats 7

Auto reads the photo-or-drawing choice from the photo model's own encoder pass (the shipped models share
their encoder), so a photo should cost one model pass either way and a drawing one pass of each model.
"""
import argparse
import os
import time

import numpy as np

from bench.common import PHOTO_FOLDER, ROOT, command_line, machine, report
from colorize.auto_colorizer import AutoColorizer
from colorize.images import open_image

DRAWING = os.path.join(ROOT, "examples", "manga-girl.png")


def median_seconds(colorizer, picture, kind, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        colorizer.colorize(picture, kind=kind)
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    colorizer = AutoColorizer(eager=True)
    photo = open_image(os.path.join(PHOTO_FOLDER, sorted(os.listdir(PHOTO_FOLDER))[0])).resize((1024, 768))
    drawing = open_image(DRAWING)
    rows = []
    for name, picture, own in (("1024x768 photo", photo, "photo"), ("drawing (manga-girl.png)", drawing, "drawing")):
        for kind in ("auto", own):  # warm-up: one call each traces the model for this size
            colorizer.colorize(picture, kind=kind)
        auto, direct = (median_seconds(colorizer, picture, kind, args.repeats) for kind in ("auto", own))
        rows.append(f"| {name} | {auto:.3f} | {direct:.3f} ({own}) | {auto / direct:.2f} |")
    report("auto_kind", f"`{command_line()}`\n\n{machine()}\n\n| picture | auto (s) | its own kind (s) | ratio |\n"
           "| --- | ---: | ---: | ---: |\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
