"""End-to-end wall time of the library's pipeline per photo size, by stage, next to references run alongside.

    python -m bench.pipeline [--weights DIR] [--repeats 5] [--no-write]

Each repeat runs, one after the other on the same JPEG: the naive pipeline of the report (resize to
224, predict, output at 224: the reference that makes ratios survive the machine's noise), the fast
pipeline stage by stage, and the pipeline as it was before (tests/reference.py). Medians and ranges
are over the repeats, after one warm-up; shares are of the fast pipeline's median.
"""
import argparse
import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.common import (  # noqa: E402
    SIZES,
    command_line,
    machine,
    photo_jpeg,
    report,
    source_photo,
    spread,
    timed,
    untrained_weights,
)
from colorize.fast_model import compiled_predictor, resolve_precision  # noqa: E402
from colorize.images import lightness_of, open_image  # noqa: E402
from colorize.pipeline import Colorizer, compose, resize_plane  # noqa: E402
from colorize.png import png_bytes  # noqa: E402
from tests import reference  # noqa: E402

STAGES = ("decode", "L", "resize to 224", "model", "compose", "PNG")


def pillow_png(rgb, level):
    """Pillow's PNG encoder (its default level is 6)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG", compress_level=level)
    return buffer.getvalue()


def fast(colorizer, jpeg):
    """The library's path, stage by stage: what `Colorizer.colorize` does, then `colorize.png`."""
    times = {}
    image, times["decode"] = timed(open_image, jpeg)
    lightness, times["L"] = timed(lightness_of, image)
    small, times["resize to 224"] = timed(resize_plane, lightness, (colorizer.input_size,) * 2)
    (ab, _), times["model"] = timed(colorizer.predict, small[None])
    result, times["compose"] = timed(compose, lightness, ab[0])
    _, times["PNG"] = timed(png_bytes, result.rgb)
    return times, result.rgb


def naive(model, jpeg, size):
    """The report's pipeline: everything at 224x224, float32 predict_on_batch, scikit-image, default PNG."""
    lightness = resize_plane(lightness_of(open_image(jpeg)), (size, size))
    ab = reference.predict(model, lightness[None])[0]
    pillow_png(reference.lab_to_rgb(lightness, ab), 6)


def before(model, jpeg, size):
    """The full-resolution pipeline before this work: scikit-image at full size, predict_on_batch, PNG level 6."""
    lightness = lightness_of(open_image(jpeg))
    ab = reference.predict(model, resize_plane(lightness, (size, size))[None])[0]
    pillow_png(reference.compose(lightness, ab).rgb, 6)


def model_calls(colorizer, repeats):
    """The model call alone at the input size, batch 1: float32 as before, float32 compiled, the fast path."""
    batch = np.random.default_rng(0).uniform(0, 100, (1, colorizer.input_size, colorizer.input_size)).astype(np.float32)
    float32 = compiled_predictor(colorizer.loaded, "float32")
    calls = {"predict_on_batch, float32 (before)": lambda: reference.predict(colorizer.model, batch),
             "tf.function, float32": lambda: float32(batch[..., None]),
             f"fast path ({resolve_precision('auto')})": lambda: colorizer.predict(batch)}
    times = {name: [] for name in calls}
    for _ in range(repeats + 1):
        for name, call in calls.items():
            times[name].append(timed(call)[1])
    return {name: values[1:] for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="a weights folder (default: an untrained unet with the bins head)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    about = machine()
    weights = args.weights or untrained_weights()
    label = args.weights or "an untrained unet with the bins head (as fast as a trained one)"
    colorizer = Colorizer.from_weights(weights)
    size = colorizer.input_size
    photo, photo_name = source_photo()
    rows = []
    for width, height, mode in [size + ("L",) for size in SIZES] + [(1024, 768, "RGB"), (4000, 3000, "RGB")]:
        jpeg = photo_jpeg(photo, (width, height), mode)
        runs = {"naive": [], "fast": [], "before": [], "png6": []}
        stage_times = {stage: [] for stage in STAGES}
        for repeat in range(args.repeats + 1):
            naive_time = timed(naive, colorizer.model, jpeg, size)[1]
            (stages, rgb), fast_time = timed(fast, colorizer, jpeg)
            before_time = timed(before, colorizer.model, jpeg, size)[1] if repeat < 3 else None
            png6_time = timed(pillow_png, rgb, 6)[1]
            if repeat == 0:
                continue  # warm-up
            runs["naive"].append(naive_time)
            runs["fast"].append(fast_time)
            runs["png6"].append(png6_time)
            if before_time is not None:
                runs["before"].append(before_time)
            for stage in STAGES:
                stage_times[stage].append(stages[stage])
        median = np.median(runs["fast"])
        shares = " / ".join(f"{np.median(stage_times[s]) / median:.0%}" for s in STAGES)
        name = f"{width}x{height}{' RGB' if mode == 'RGB' else ''}"
        rows.append(f"| {name} | {spread(runs['fast'])} | {spread(runs['naive'])} | "
                    f"{median / np.median(runs['naive']):.1f} | {spread(runs['before'])} | "
                    f"{np.median(runs['before']) / median:.1f}x | {shares} | {spread(runs['png6'])} |")
        print(rows[-1], flush=True)
    calls = model_calls(colorizer, args.repeats)
    call_rows = [f"| {name} | {spread(values)} |" for name, values in calls.items()]
    print("\n".join(call_rows))
    header = ("| photo | fast, end to end | naive (224 out) | fast / naive | before | before / fast | "
              f"shares: {' / '.join(STAGES)} | Pillow PNG (level 6) of the same result |")
    table = f"""
Command: `{command_line()}`; model: {label},
{args.repeats} repeats after a warm-up, photo {photo_name} made gray (rows marked RGB: left in colour) and
resized (JPEG quality 90).
Machine: {about}.

Times in ms, median (min-max). *Fast* is the library's path now, stage by stage, with the PNG from
`colorize.png`; *naive* is the report's pipeline (224x224 out); *before* is the full-resolution
pipeline as it was (scikit-image colour, float32 `predict_on_batch`, PNG level 6; 3 repeats or fewer).

{header}
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Model call alone, {size}x{size}, batch 1 (ms):

| call | time |
| --- | --- |
{chr(10).join(call_rows)}
"""
    report("pipeline", table, write=not args.no_write)


if __name__ == "__main__":
    main()
