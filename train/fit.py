"""Fit a colorizer on folders of colour photos; every epoch checkpoints, the best epoch is kept apart.

The run folder (--out) is itself a weights argument: `python -m colorize --weights RUN_DIR` uses its
best epoch. Runs on any Keras backend: TensorFlow on the CPU, JAX on a GPU (mixed precision there).
"""
import argparse
import json
import os
import shutil
import sys
import time

from colorize import interrupts
from colorize.choices import ARCHITECTURES, CROP_SCALES, DEFAULT_TEMPERATURE, ENCODER_INITS, TEMPERATURES, VGG16_BLOCKS
from train.arguments import at_least_zero, number_in, positive
from train.mix import parse_folder_weight
from train.run_folder import RUN_FILE, SAMPLES

LOSSES = ("bins", "mse")
RESUME_NEEDS = ("train_blocks", "data_weights", "crop_scale")  # settings that runs before them lack


def add_arguments(parser):
    data = parser.add_argument_group("data")
    data.add_argument("--data", nargs="+", metavar="DIR[=W]", type=folder_weight,
                      help="folders of colour photos, read recursively, each with an optional sampling weight: "
                      "its share of an epoch's photos (e.g. scenes=1 people=0.6; default 1 each)")
    data.add_argument("--val-share", type=number_in(0, 1, True, True), default=0.1,
                      help="share held out for validation (default 0.1)")
    data.add_argument("--limit", type=positive, help="use at most this many training photos (quick trials)")
    data.add_argument("--epoch-photos", type=positive, metavar="N",
                      help="photos drawn per epoch (default: as many as there are training photos)")
    data.add_argument("--val-photos", type=positive, metavar="N",
                      help="validate on at most N of the held-out photos, spread over them (default: all)")
    data.add_argument("--degrade", type=number_in(0, 1), default=0.0, metavar="P",
                      help="share of training photos whose input L is made to look like an old print "
                      "(grain, blur, fading, scratches...; see train.degrade); the target stays clean")
    parser.add_argument("--out", required=True, metavar="RUN_DIR",
                        help="the run folder: checkpoints, best weights, logs")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    model = parser.add_argument_group("model")
    model.add_argument("--architecture", choices=ARCHITECTURES, default="unet")
    model.add_argument("--encoder", default="hed", metavar="INIT",
                       help=f"encoder initialisation: {', '.join(ENCODER_INITS)} or a VGG16 weights file (default hed)")
    model.add_argument("--init", metavar="WEIGHTS",
                       help="start from these weights (a weights or run folder of the same architecture and loss) "
                       "instead of --encoder: fine-tuning")
    model.add_argument("--freeze-encoder", action=argparse.BooleanOptionalAction, default=None,
                       help="keep the encoder's weights fixed (default: frozen unless --encoder none)")
    model.add_argument("--train-blocks", type=int, choices=range(6), metavar="N",
                       help="fine-tune only the encoder's last N of its 5 VGG16 blocks, the rest fixed "
                       "(partial fine-tuning; 0 is --freeze-encoder, 5 --no-freeze-encoder)")
    model.add_argument("--hints", action=argparse.BooleanOptionalAction, default=False,
                       help="a network that also takes colour hints (unet only), trained on hints simulated "
                       "from the truth")
    model.add_argument("--drawing", action=argparse.BooleanOptionalAction, default=False,
                       help="the drawing model: trained on colour art made into gray drawings, line art and "
                       "screentoned pages (train.drawn_inputs), predicting the fills' lightness too (unet, bins)")
    model.add_argument("--loss", choices=LOSSES, default="bins",
                       help="bins: rebalanced classification over ab bins, decoded by annealed mean (default); "
                       "mse: the report's regression")
    model.add_argument("--temperature", type=number_in(*TEMPERATURES), default=DEFAULT_TEMPERATURE,
                       help="annealed-mean temperature for --loss bins (lower: more vivid)")
    fit = parser.add_argument_group("fitting")
    fit.add_argument("--image-size", type=positive, default=224, help="model input size for inference (default 224)")
    fit.add_argument("--crop-size", type=positive, help="training crop size, divisible by 32 (default: --image-size)")
    fit.add_argument("--crop-scale", choices=CROP_SCALES, default="photo",
                     help="photo: crops of the photo's own pixels, rescaled 0.9-1.5x (default, as before); inference: "
                     "of the photo squeezed to --image-size as the pipeline shows it to the model (0.85-1.25x), "
                     "so a 1024 px photo is learned at the scale it is colorized at")
    fit.add_argument("--batch-size", type=positive, default=16)
    fit.add_argument("--epochs", type=positive, help="total epochs (default 10; with --resume: extend the run to this)")
    fit.add_argument("--learning-rate", type=number_in(0, 1), default=1e-3)
    fit.add_argument("--schedule", choices=("cosine", "constant"), default="cosine")
    fit.add_argument("--precision", choices=("auto", "float32", "mixed_bfloat16", "mixed_float16"), default="auto",
                     help="auto: mixed_bfloat16 on a GPU or a CPU with bfloat16 units, else float32")
    fit.add_argument("--devices", type=positive, metavar="N",
                     help="train data parallel on N devices, each batch split over them (JAX; default: every "
                     "GPU or TPU there is, else one); on several machines see the README")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--workers", type=positive, default=min(16, os.cpu_count() or 1),
                     help="threads preparing batches (default: one per CPU core, at most 16)")
    fit.add_argument("--samples", type=at_least_zero, default=8, help=f"validation photos in the final {SAMPLES}")
    fit.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                     help="Keras' progress display: 1 a progress bar (default), 2 a line per epoch, 0 none")


def folder_weight(text):
    try:
        return parse_folder_weight(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def settings_of(args):
    """The run's settings: from the command line for a new run, from run.json when resuming."""
    path = os.path.join(args.out, RUN_FILE)
    if args.resume:
        if not os.path.isfile(path):
            raise SystemExit(f"fit: nothing to resume in {args.out} (no {RUN_FILE})")
        try:
            with open(path) as f:
                settings = json.load(f)
        except (OSError, ValueError) as error:
            raise SystemExit(f"fit: cannot resume: {path} is not readable ({error})") from error
        missing = [key for key in RESUME_NEEDS if key not in settings]
        if missing:
            raise SystemExit(f"fit: cannot resume: {path} was written by an older fit (no {', '.join(missing)})")
        settings["epochs"] = args.epochs or settings["epochs"]
        return settings
    if not args.data:
        raise SystemExit("fit: --data is required for a new run")
    if os.path.isfile(path):
        raise SystemExit(f"fit: {args.out} already holds a run; use --resume, or another --out")
    crop = args.crop_size or args.image_size
    if crop % 32 or args.image_size % 32:
        raise SystemExit("fit: --image-size and --crop-size must be divisible by 32")
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "resume", "verbose", "workers", "devices")}
    if not 0.0 <= args.degrade <= 1.0:
        raise SystemExit("fit: --degrade is a share, between 0 and 1")
    if args.hints and args.architecture != "unet":
        raise SystemExit("fit: --hints needs --architecture unet")
    if args.drawing and (args.architecture != "unet" or args.loss != "bins"):
        raise SystemExit("fit: --drawing needs --architecture unet and --loss bins")
    settings.update(crop_size=crop, epochs=args.epochs or 10, data=[os.path.abspath(d) for d, _ in args.data],
                    data_weights=[w for _, w in args.data],
                    train_blocks=trained_encoder_blocks(args))
    settings["freeze_encoder"] = settings["train_blocks"] == 0
    return settings


def trained_encoder_blocks(args):
    """How many of the encoder's blocks learn: --train-blocks, else all or none by --freeze-encoder."""
    if args.train_blocks is not None:
        if args.freeze_encoder is not None:
            raise SystemExit("fit: give --train-blocks or --freeze-encoder, not both")
        return args.train_blocks
    frozen = args.freeze_encoder if args.freeze_encoder is not None else args.encoder != "none"
    return 0 if frozen else VGG16_BLOCKS


def run(args):
    started = time.time()
    settings = settings_of(args)
    from train.training_loop import fit

    before = None if args.resume else (set(os.listdir(args.out)) if os.path.isdir(args.out) else False)
    try:
        with interrupts.kept():
            fit(args.out, settings, resume=args.resume, verbose=args.verbose, workers=args.workers,
                devices=args.devices)
    except KeyboardInterrupt:
        kept = not forget_unstarted(args.out, before)
        print("fit: interrupted" + (f"; continue with: python -m train fit --out {args.out} --resume" if kept
                                    else "; nothing was kept (no epoch had ended)"), file=sys.stderr)
        return 130
    except SystemExit:
        forget_unstarted(args.out, before)
        raise
    print(f"fit: done in {time.time() - started:.0f} s; try it: python -m colorize PHOTO --output-dir out "
          f"--weights {args.out}")
    return 0


def forget_unstarted(out, before):
    """A new run stopped before its first checkpoint: remove what it made in `out` (all of `out` if it made
    the folder; `before` is what the folder held, or False where there was none), so that the same command
    can start again. A resumed run (before None), or one with a checkpoint, is left as it is. Returns
    whether anything was removed."""
    from train.checkpoints import latest_checkpoint

    if before is None or not os.path.isdir(out) or latest_checkpoint(out):
        return False
    if before is False:
        shutil.rmtree(out, ignore_errors=True)
        return True
    for name in set(os.listdir(out)) - before:
        path = os.path.join(out, name)
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)
    return True
