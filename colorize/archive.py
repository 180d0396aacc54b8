"""`python -m colorize.archive`: colorize a whole folder tree on Ray Data, on this machine or a Ray cluster.

Each worker loads the model once (a fixed pool of actors: `compute=ActorPoolStrategy`, which replaces the
`concurrency=` deprecated in Ray 2.51) and writes its PNGs itself, atomically, so a run that is
killed can be started again: finished outputs are skipped. On a cluster, SRC and DST must be on storage
that every node sees at the same path, and the nodes need colorize installed.
"""
import argparse
import csv
import io
import os
import sys

from .cli import add_weights_arguments, check_weights_arguments
from .files import TEMP_NAME, made_folder, write_atomically
from .images import IMAGE_EXTENSIONS, NO_MEMORY, VIDEO_EXTENSIONS, is_video, list_images
from .kinds import KINDS

FAILURES = "failures.csv"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m colorize.archive",
        description="Colorize every image under SRC_DIR (recursively) into DST_DIR/<its relative path>.png at "
        "its full size, and every video into DST_DIR/<its relative path>.mp4, on Ray: a local Ray instance "
        "(this machine's cores) unless --address names a cluster. "
        "Outputs already there are skipped, so a stopped run picks up where it was. Weights: --weights, else "
        "--hub, else the default shipped with colorize.",
        epilog="Exit status: 0 if every input was written, 1 if any could not be read (listed in "
        f"DST_DIR/{FAILURES}; the others are still written), 2 for wrong arguments, a missing Ray or a job "
        "that could not run, 130 if interrupted (Ctrl-C). Each output is written whole or not at all.",
    )
    parser.add_argument("src_dir", metavar="SRC_DIR",
                        help="the folder of images (JPEG, PNG, WebP, TIFF, BMP) and videos (MP4, MOV, MKV, AVI...)")
    parser.add_argument("--output-dir", "-o", required=True, metavar="DST_DIR",
                        help="folder for the outputs (created if needed)")
    parser.add_argument("--address", metavar="ADDRESS",
                        help="an existing Ray cluster: auto, or ray://head:10001 (default: start a local one)")
    add_weights_arguments(parser)
    parser.add_argument("--kind", choices=KINDS, default="auto",
                        help="which model colorizes: photo, drawing, or auto (default): decided per image")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="how many model copies run at once (default: one per CPU of the Ray instance)")
    args = parser.parse_args(argv)
    check_weights_arguments(parser, args)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if not os.path.isdir(args.src_dir):
        parser.error(f"no such folder: {args.src_dir}")
    if os.path.realpath(args.output_dir) == os.path.realpath(args.src_dir):
        parser.error("--output-dir must not be SRC_DIR: its PNGs would be replaced")
    if args.weights and not os.path.exists(args.weights):  # before Ray starts; the workers check the rest
        parser.error(f"no weights at {args.weights}: it does not exist")
    return args


class Colorize:
    """One Ray Data actor: the model loaded once, then each batch of (path, target) colorized and written."""

    def __init__(self, weights, hub, revision, saturation, kind):
        from .auto_colorizer import AutoColorizer

        self.colorizer = AutoColorizer(weights, hub, revision)
        self.options = {"saturation": saturation, "kind": kind}

    def __call__(self, batch):
        from .images import ImageError
        from .png import write_png
        from .video import VideoError, colorize_video

        errors = []
        for path, target in zip(batch["path"], batch["target"]):
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                if is_video(str(path)):
                    colorize_video(self.colorizer, str(path), str(target), progress=False, **self.options)
                else:
                    write_png(self.colorizer.colorize(str(path), **self.options).rgb, str(target))
                errors.append("")
            except (ImageError, VideoError, OSError) as error:
                errors.append(str(error))
            except MemoryError:
                errors.append(NO_MEMORY)
        return {"path": batch["path"], "error": errors}


def plan(src_dir, dst_dir):
    """([(source, target)] still to do, how many are already done, [(source, reason)] refused), and the
    temporary files a killed run left in dst_dir removed."""
    for root, _, files in os.walk(dst_dir):
        for name in files:
            if TEMP_NAME.search(name):  # a temporary file a kill left
                os.remove(os.path.join(root, name))
    inside_dst = os.path.realpath(dst_dir) + os.sep
    if not inside_dst.startswith(os.path.realpath(src_dir) + os.sep):
        inside_dst = None  # DST is not inside SRC: no source is one of our outputs
    todo, done, refused, claimed = [], 0, [], {}
    for source in list_images([src_dir], IMAGE_EXTENSIONS + VIDEO_EXTENSIONS):
        if inside_dst and os.path.realpath(source).startswith(inside_dst):
            continue  # our own outputs, when DST is inside SRC
        suffix = ".mp4" if is_video(source) else ".png"
        target = os.path.join(dst_dir, os.path.splitext(os.path.relpath(source, src_dir))[0] + suffix)
        if target in claimed:  # x.jpg and x.png (or x.mov and x.mp4) in one folder: the same output
            refused.append((source, f"its output {target} is {claimed[target]}'s; rename one"))
            continue
        claimed[target] = source
        if os.path.isdir(target):
            refused.append((source, f"its output {target} is a folder; move that folder"))
        elif os.path.exists(target):
            done += 1
        else:
            todo.append((source, target))
    return todo, done, refused


def run(args, ray):
    """Plan, colorize the rest on Ray, write failures.csv; returns the exit status."""
    src, dst = os.path.abspath(args.src_dir), os.path.abspath(args.output_dir)
    made_folder(dst)
    todo, done, failures = plan(src, dst)
    unreadable = []
    if todo:
        if args.address:
            ray.init(address=args.address, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, log_to_driver=False)
        workers = args.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        weights = os.path.abspath(args.weights) if args.weights else None
        items = ray.data.from_items([{"path": source, "target": target} for source, target in todo])
        results = items.map_batches(
            Colorize, fn_constructor_kwargs={"weights": weights, "hub": args.hub, "revision": args.revision,
                                             "saturation": args.saturation, "kind": args.kind},
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(todo))), batch_size=1, num_cpus=1)
        unreadable = [(row["path"], row["error"]) for row in results.iter_rows() if row["error"]]
    failures += unreadable
    table = io.StringIO()
    csv.writer(table).writerows([("path", "reason"), *failures])
    write_atomically(os.path.join(dst, FAILURES), table.getvalue())
    colorized = len(todo) - len(unreadable)
    see = f" (see {os.path.join(args.output_dir, FAILURES)})" if failures else ""
    print(f"archive: {colorized} colorized, {done} already done, {len(failures)} failed{see}")
    return 1 if failures else 0


def main(argv=None):
    """The command; Ray is an optional extra, so without it this says how to install it (exit 2)."""
    args = parse_args(argv)
    try:
        import ray
        import ray.data  # noqa: F401 (ray[data], not plain ray)
    except ImportError:
        print("colorize: the archive job needs Ray: pip install -r requirements-archive.txt", file=sys.stderr)
        return 2
    try:
        return run(args, ray)
    except KeyboardInterrupt:
        print("colorize: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # DST not writable, a cluster address not reached
        print(f"colorize: {error}", file=sys.stderr)
        return 2
    except ray.exceptions.RayError as error:  # e.g. weights that cannot be loaded on the workers
        print(f"colorize: the archive job stopped: {str(error).strip().splitlines()[-1]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
