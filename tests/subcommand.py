"""Commands as the tests run them: a `python -m train` subcommand in this process (same argument parsing, no
second TensorFlow start-up), and a child process that takes Ctrl-C as it would in a terminal."""
import argparse
import signal


def run_subcommand(module, *argv):
    """module: train.fit, train.evaluate...; returns its exit code."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return module.run(parser.parse_args([str(a) for a in argv]))


def ctrl_c_as_in_a_terminal():
    """A `preexec_fn` for a child that is sent SIGINT: a shell starts background jobs with SIGINT ignored, and a
    test run started that way would hand the child an ignored Ctrl-C (Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
