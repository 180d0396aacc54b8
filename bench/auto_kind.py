"""What `--kind auto` costs over `--kind photo`: the library per 1024x768 photo and per drawing, medians.

    python -m bench.auto_kind --repeats 7

Auto reads the photo-or-drawing choice from the photo model's own encoder pass (the detector is fitted on
the photo model's encoder), so a photo should cost one model pass either way and a drawing one pass of each
model, and one more call of the drawing model at 224 px for its shading where its encoder is its own. Beside
them, issue 35's yardstick: one call of a compiled float32 Keras VGG16 at 224x224 (ImageNet's network, random
weights: as fast), timed in the same run. Timed after any fast path (`colorize.litert`) is made.
"""
import argparse
import os
import time

import numpy as np

from bench.common import PHOTO_FOLDER, ROOT, command_line, machine, report, timed
from colorize.auto_colorizer import AutoColorizer
from colorize.fast_model import resolve_precision
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
    photo = photo.convert("L").convert("RGB")  # what is colorized: a gray photo, stored as RGB as most scans are
    drawing = open_image(DRAWING)
    vgg16 = vgg16_call()
    rows = []
    for name, picture, own in (("1024x768 photo", photo, "photo"), ("drawing (manga-girl.png)", drawing, "drawing")):
        for kind in ("auto", own):  # warm-up: one call each traces the model for this size
            colorizer.colorize(picture, kind=kind)
        all(model.fast_path_ready(timeout=120) for model in colorizer.loaded.values())
        auto, direct = (median_seconds(colorizer, picture, kind, args.repeats) for kind in ("auto", own))
        reference = float(np.median([timed(vgg16)[1] for _ in range(args.repeats)]))
        rows.append(f"| {name} | {auto:.3f} | {direct:.3f} ({own}) | {auto / direct:.2f} | {reference:.3f} | "
                    f"{auto / reference:.2f} |")
    report("auto_kind", f"`{command_line()}`\n\n{machine()}; precision auto: {resolve_precision('auto')}\n\n"
           "| picture | auto (s) | its own kind (s) | ratio | VGG16 at 224, one call (s) | auto / VGG16 |\n"
           "| --- | ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows))


def vgg16_call():
    """One call of a compiled float32 VGG16 (with its classifier) on a 224x224 image, as a function to time."""
    import keras
    import tensorflow as tf

    network = keras.applications.VGG16(weights=None)
    call = tf.function(lambda x: network(x, training=False))
    image = tf.constant(np.random.default_rng(0).uniform(0, 255, (1, 224, 224, 3)).astype(np.float32))
    call(image)
    return lambda: call(image).numpy()


if __name__ == "__main__":
    main()
