"""Run a `python -m train` subcommand in this process: same argument parsing, no second TensorFlow start-up."""
import argparse


def run_subcommand(module, *argv):
    """module: train.fit, train.evaluate...; returns its exit code."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return module.run(parser.parse_args([str(a) for a in argv]))
