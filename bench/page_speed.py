"""Where a manga page's time goes: a 2 MP page of six panels through `--kind auto`, end to end and by stage,
beside a 1024x768 photo in the same run.

    python -m bench.page_speed [--repeats 5] [--no-write]

The page is made as `bench.pages` makes its pages (held-out drawings in framed panels, printed as line art
with screentones), in a 3x2 grid scaled to 1200x1680. Each repeat colours the page and the photo one after
the other, with TensorFlow's float32 and with what precision "auto" picks here (after one warm-up of each, and
the fast path made); medians and ranges over the repeats. Stages of the page: the photo
model's pass, whose encoder features pick the drawing model; descreening; finding and framing the panels;
the drawing model on the panels (with its decoding by region); composing the full-size result.
"""
import argparse
import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.common import command_line, machine, photo_jpeg, report, source_photo, spread, timed  # noqa: E402
from bench.pages import held_out_drawings  # noqa: E402
from colorize.auto_colorizer import AutoColorizer  # noqa: E402
from colorize.fast_model import resolve_precision  # noqa: E402
from colorize.images import is_colorless, lightness_of, open_image, read_rgb  # noqa: E402
from colorize.panels import find_panels, frame_of  # noqa: E402
from colorize.screentone import descreen  # noqa: E402
from train.pages import make_page, manga_input  # noqa: E402

PAGE_SIZE = (1200, 1680)  # 2.0 MP
GRID = (3, 2)


def six_panel_page(seed=0):
    """PNG bytes of a 2 MP black-and-white page of six panels of held-out drawings."""
    rng = np.random.default_rng(seed)
    drawings = [rgb for rgb in (read_rgb(p) for p in held_out_drawings()[:40]) if not is_colorless(rgb)]
    truth = make_page(drawings, rng, GRID)
    lightness = manga_input(truth, rng, tones=True)
    page = Image.fromarray(np.clip(lightness * 2.55 + 0.5, 0, 255).astype(np.uint8)).resize(PAGE_SIZE, Image.LANCZOS)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


def page_stages(auto, page):
    """Seconds of each stage of one page, and the kind `auto` chose."""
    photo = auto.colorizer("photo")
    picture, opened = timed(open_image, page)
    (kind, prediction), whole = timed(auto.predict, picture)
    seen, descreening = timed(descreen, lightness_of(picture))
    _, panels = timed(lambda: [frame_of(seen, box) for box in find_panels(seen)])
    _, detection = timed(photo.predict_image, picture)
    _, composing = timed(prediction.compose)
    return kind, {"open": opened, "photo model pass (picks the model)": detection, "descreen": descreening,
                  "find and frame panels": panels,
                  "drawing model on the panels": whole - detection - descreening - panels,
                  "compose": composing, "end to end": opened + whole + composing}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md as it is")
    args = parser.parse_args(argv)
    ways = {"TensorFlow float32": AutoColorizer(precision="float32", eager=True),
            f"precision auto ({resolve_precision('auto')})": AutoColorizer(eager=True)}
    page, (photo, name) = six_panel_page(), source_photo()
    photo = photo_jpeg(photo, (1024, 768))
    panels = len(find_panels(descreen(lightness_of(open_image(page)))))
    rows = {way: [] for way in ways}
    for repeat in range(args.repeats + 1):
        for way, auto in ways.items():
            kind, stages = page_stages(auto, page)
            _, stages["the photo, end to end"] = timed(lambda: auto.colorize(photo))
            assert kind == "drawing", "the page should be taken for a drawing"
            if repeat:  # the first is the warm-up, after which any fast path is made
                rows[way].append(stages)
            else:
                all(colorizer.fast_path_ready(timeout=120) for colorizer in auto.loaded.values())
    lines = [f"`{command_line()}`: {machine()}. A {PAGE_SIZE[0]}x{PAGE_SIZE[1]} page of {panels} panels and a "
             f"1024x768 photo ({name}), `--kind auto`, medians (ranges) of {args.repeats} interleaved repeats in ms.",
             "", f"| stage | {' | '.join(ways)} |", "| --- |" + " ---: |" * len(ways)]
    lines += [f"| {stage} | " + " | ".join(spread([row[stage] for row in rows[way]]) for way in ways) + " |"
              for stage in rows[next(iter(ways))][0]]
    report("page_speed", "\n".join(lines), write=not args.no_write)


if __name__ == "__main__":
    main()
