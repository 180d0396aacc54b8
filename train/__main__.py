"""`python -m train fit|evaluate|push|export|pack|kinds|samples`: each subcommand lives in its own module
(add_arguments, run)."""
import argparse
import importlib
import os
import sys

from colorize import interrupts

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

COMMANDS = {
    "fit": "train a colorizer on folders of colour photos",
    "evaluate": "measure weights against colour photos made gray, and the gray baseline",
    "push": "publish a training run to the Hugging Face Hub",
    "export": "write a run's best weights as a compact weights folder (float16 storage)",
    "pack": "re-encode photos small, in parts, to carry them to a GPU machine",
    "kinds": "fit and measure the photo-or-drawing detector that picks the model for each image",
    "samples": "a contact sheet: several weights' colours side by side on the same photos",
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m train", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar=f"{{{','.join(COMMANDS)}}}")
    argv = sys.argv[1:] if argv is None else argv
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    module = importlib.import_module(f"train.{chosen}") if chosen else None  # only what this call needs
    for name, help_text in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=module.__doc__ if name == chosen else help_text)
        if name == chosen:
            module.add_arguments(sub)
    args = parser.parse_args(argv)
    try:
        with interrupts.kept():
            return module.run(args)
    except KeyboardInterrupt:  # fit says more itself (how to continue), and returns 130
        print(f"{args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the library's one-line errors end any command in one line, as SystemExit does
        if not isinstance(error, (OSError, *told_errors())):  # (a file in the way of --out, a full disk...)
            raise
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1


def told_errors():
    """The library's errors whose message is the whole story (a photo that cannot be read, weights that cannot be
    loaded), imported only when one may have happened: `--help` starts without them."""
    from colorize.images import ImageError
    from colorize.weights import WeightsError

    return ImageError, WeightsError


if __name__ == "__main__":
    sys.exit(main())
