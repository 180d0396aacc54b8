"""`compose` resizes the model's ab to full size band by band with its own Pillow-equal taps
(`pipeline.bilinear_taps`). Pillow can do the same step itself, one `resize(box=...)` per band: this
compares the two, side by side in one run, for equality with Pillow's whole-plane resize and for time.

    python -m bench.resize_bands [--repeats 15]
"""
import argparse

import numpy as np
from PIL import Image

from bench.common import command_line, machine, report, spread, timed
from colorize.images import resize_plane
from colorize.pipeline import bilinear_taps

SIZES = [(1024, 768), (4000, 3000)]
MODEL_SIDE = 112  # the ab the default model gives, before compose
BAND_ROWS = 32


def by_taps(wide, height):
    rows, weights = bilinear_taps(wide.shape[0], height)
    out = np.empty((height, wide.shape[1]), np.float32)
    for top in range(0, height, BAND_ROWS):
        part = slice(top, top + BAND_ROWS)
        out[part] = wide[rows[part, 0]] * weights[part, 0, None]
        for k in range(1, rows.shape[1]):
            out[part] += wide[rows[part, k]] * weights[part, k, None]
    return out


def by_pillow_boxes(wide, height):
    plane, scale = Image.fromarray(wide, "F"), wide.shape[0] / height
    out = np.empty((height, wide.shape[1]), np.float32)
    for top in range(0, height, BAND_ROWS):
        n = min(BAND_ROWS, height - top)
        box = (0, top * scale, wide.shape[1], (top + n) * scale)
        out[top:top + n] = np.asarray(plane.resize((wide.shape[1], n), Image.Resampling.BILINEAR, box=box))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    small = np.random.default_rng(0).uniform(-1, 1, (MODEL_SIDE, MODEL_SIDE)).astype(np.float32)
    rows = ["| output | taps: ms | Pillow boxes: ms | ratio | taps: max error | Pillow boxes: max error |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for width, height in SIZES:
        wide, truth = resize_plane(small, (width, MODEL_SIDE)), resize_plane(small, (width, height))
        times = {by_taps: [], by_pillow_boxes: []}
        for _ in range(args.repeats):  # interleaved, so that drift hits both alike
            for way in times:
                times[way].append(timed(way, wide, height)[1])
        errors = [float(np.abs(way(wide, height) - truth).max()) for way in times]
        ratio = np.median(times[by_pillow_boxes]) / np.median(times[by_taps])
        rows.append(f"| {width}x{height} | {spread(times[by_taps], digits=1)} | "
                    f"{spread(times[by_pillow_boxes], digits=1)} | {ratio:.2f} | {errors[0]:.1e} | {errors[1]:.1e} |")
    report("resize_bands", f"{machine()}\n\n`{command_line()}`, one ab plane, medians (min-max) of "
           f"{args.repeats}:\n\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
