"""`python -m colorize`: colorize image files into PNGs, and videos into MP4s, at their full resolution."""
import argparse
import logging
import math
import sys

from tqdm import tqdm

from . import interrupts, litert
from .files import made_folder
from .files_batch import colorize_files, output_paths
from .hints import HintError, open_reference, read_hints_file
from .images import MAX_PIXELS, NO_MEMORY, ImageError, is_video
from .kinds import KINDS
from .screentone import SCREENTONES


def add_weights_arguments(parser):
    """Which weights and how much colour: the same flags for every command that colorizes."""
    parser.add_argument("--weights", metavar="PATH", help="a weights folder, its config.json or model.weights.h5, "
                        "or a training run folder (its best epoch)")
    parser.add_argument("--hub", metavar="REPO_ID", help="a Hugging Face Hub model repo, e.g. user/colorize-unet")
    parser.add_argument("--revision", metavar="REV", help="the Hub commit hash (or branch) to use; pin a hash")
    parser.add_argument("--saturation", type=float, default=1.0, metavar="S",
                        help="scale the predicted colours: 0 gives gray, 1 the model's colours (default), "
                        "2 twice as vivid")


def check_weights_arguments(parser, args):
    if args.revision and not args.hub:
        parser.error("--revision needs --hub")
    if args.weights and args.hub:
        parser.error("give --weights or --hub, not both")
    if not 0.0 <= args.saturation <= 4.0:
        parser.error("--saturation must be between 0 and 4")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m colorize",
        description="Colorize black-and-white photos and videos. Each image INPUT is written to "
        "OUTPUT_DIR/<input name>.png at the input's full size: the input's lightness with the predicted colours; "
        "each video (.mp4, .mov, .mkv, .avi, .webm...) to OUTPUT_DIR/<input name>.mp4 (H.264, the same size, "
        "frame rate and length, its sound kept), colours carried along the motion so that they hold still. "
        "Weights: --weights, else --hub, else the default shipped with colorize.",
        epilog="Exit status: 0 if every input was written, 1 if any could not be read (each reported on one "
        "line; the others are still written), 2 for wrong arguments, hints or a reference that cannot be used, or "
        "weights that cannot be loaded, 130 if interrupted (Ctrl-C). Each output is written whole or not at all.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="image files (JPEG, PNG, WebP, TIFF, BMP, GIF...) and video files")
    parser.add_argument("--output-dir", "-o", required=True, metavar="DIR",
                        help="folder for the outputs (created if needed)")
    add_weights_arguments(parser)
    parser.add_argument("--hints", metavar="FILE",
                        help='colour hints: a JSON list like [{"x": 120, "y": 45, "color": "#c08060"}] (pixels of the '
                        'input, origin top left; optional "radius" in pixels), or an RGBA PNG of the input\'s size '
                        "whose opaque pixels are hints; for a video, they apply to its first frame")
    parser.add_argument("--reference", metavar="IMAGE", help="a colour image whose colours the result should take on")
    parser.add_argument("--kind", choices=KINDS, default="auto",
                        help="which model colorizes: photo, drawing (drawn art, line art, manga), or auto (default): "
                        "decided per image; --weights and --hub replace the shipped model of their own kind")
    parser.add_argument("--screentone", choices=SCREENTONES, default="keep",
                        help="a drawing's screentone dots and hatching in the result: keep them as on the page "
                        "(default), or smooth them into flat tones")
    parser.add_argument("--frame-by-frame", action="store_true",
                        help="colour each frame of a video on its own, without carrying colours along the motion "
                        "(slower, and colours flicker; for comparison)")
    parser.add_argument("--max-megapixels", type=float, default=MAX_PIXELS / 1e6, metavar="MP",
                        help=f"refuse larger inputs (default {MAX_PIXELS / 1e6:.0f})")
    args = parser.parse_args(argv)
    check_weights_arguments(parser, args)
    if not (math.isfinite(args.max_megapixels) and args.max_megapixels > 0):
        parser.error("--max-megapixels must be a positive number")
    return args


def main(argv=None):
    """The command; Ctrl-C ends it with one line and the shell's status for it, 130 (each file written is whole)."""
    args = parse_args(argv)
    logging.basicConfig(format="colorize: %(message)s")
    try:
        with interrupts.kept():
            return colorize_all(args)
    except KeyboardInterrupt:
        print("colorize: interrupted", file=sys.stderr)
        litert.exit_now_if_converting(130)
        return 130


def colorize_all(args):
    """Load the weights once, then write each input's PNG; returns the exit status."""
    from .png import write_png
    from .weights import WeightsError, resolve_folder

    try:
        hints = read_hints_file(args.hints) if args.hints else None
        reference = open_reference(args.reference) if args.reference else None
        if args.weights:
            resolve_folder(args.weights)  # a wrong path is told at once, not after TensorFlow's start-up
        from .auto_colorizer import AutoColorizer

        colorizer = AutoColorizer(args.weights, args.hub, args.revision)
        if args.kind != "auto":
            colorizer.colorizer(args.kind)  # weights that cannot be had stop the run before any input
        if (hints is not None or reference is not None) and not all(c.takes_hints for c in colorizer.loaded.values()):
            raise HintError("these weights take no colour hints or reference; the shipped default does")
        made_folder(args.output_dir)
    except (WeightsError, HintError, OSError) as error:
        print(f"colorize: {error}", file=sys.stderr)
        return 2
    videos = [path for path in args.inputs if is_video(path)]
    failed = colorize_videos(colorizer, videos, args, hints, reference)
    images = [path for path in args.inputs if not is_video(path)]
    done = colorize_files(colorizer, images, args.output_dir, saturation=args.saturation, hints=hints,
                          reference=reference, max_pixels=args.max_megapixels * 1e6, screentone=args.screentone,
                          kind=args.kind)
    try:
        for source, target, result, error in tqdm(done, total=len(images), desc="colorizing", unit="image",
                                                  disable=len(images) < 2):
            interrupts.raise_if_asked()
            try:
                if result is not None:
                    write_png(result.rgb, target)
            except OSError as write_error:
                error = str(write_error)
            if error:
                failed += 1
                tqdm.write(f"colorize: {source}: {error}", file=sys.stderr)
    except HintError as error:  # the same hints or reference fail for every input
        print(f"colorize: {error}", file=sys.stderr)
        return 2
    finish_fast_paths(colorizer)
    return 1 if failed else 0


def finish_fast_paths(colorizer):
    """Wait for a converted model being made (`colorize.litert`, once per weights), so that it is cached for the next
    run, which then starts without TensorFlow; Ctrl-C leaves it to a later run."""
    converting = [c for c in colorizer.loaded.values() if c.fast_path_converting]
    if converting:
        print("colorize: making the fast model for later runs (once; a few seconds)", file=sys.stderr)
    for each in converting:
        while not each.fast_path_ready(timeout=0.2) and each.fast_path_converting:
            interrupts.raise_if_asked()


def colorize_videos(colorizer, videos, args, hints, reference):
    """Write each video's MP4; returns how many could not be read (each reported on one line)."""
    from .video import VideoError, VideoLimits, colorize_video

    failed = 0
    for source, target in zip(videos, output_paths(videos, args.output_dir)):
        interrupts.raise_if_asked()
        try:
            colorize_video(colorizer, source, target, saturation=args.saturation, hints=hints, reference=reference,
                           kind=args.kind, screentone=args.screentone, stable=not args.frame_by_frame,
                           limits=VideoLimits(pixels=args.max_megapixels * 1e6))
        except (VideoError, ImageError, HintError, OSError) as error:
            failed += 1
            print(f"colorize: {source}: {error}", file=sys.stderr)
        except MemoryError:
            failed += 1
            print(f"colorize: {source}: {NO_MEMORY}", file=sys.stderr)
    return failed
