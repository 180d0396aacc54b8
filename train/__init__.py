"""Fit, evaluate and publish colorize models: `python -m train fit|evaluate|push --help`."""
