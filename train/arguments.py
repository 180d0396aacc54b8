"""Argument types shared by the `python -m train` commands: a value out of range is refused by argparse, in
one line naming the option, before anything starts."""
import argparse
import math


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def at_least_zero(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def number_in(low, high, low_open=False, high_open=False):
    """An argparse type: a finite number from low to high (either end left out where said)."""
    def parse(text):
        value = float(text)
        if not (math.isfinite(value) and (low < value if low_open else low <= value)
                and (value < high if high_open else value <= high)):
            ends = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            raise argparse.ArgumentTypeError(f"must be a number in {ends}, not {text}")
        return value
    return parse


def decoding_options(args, names):
    """(the decoding options among `names` that were given, as config fields ({"mute": 1.0}), and the first one
    weights may not record, said as "--mute is -1.0; it must be a number from 0 to 100", or None): checked by
    the config schema that loading weights applies, so that a value is refused before any work."""
    from colorize.weights import config_problem

    given = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    problem = config_problem(given)
    return given, problem and "--" + problem.replace("_", "-", 1)
