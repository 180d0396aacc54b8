"""Colorize black-and-white photos and drawings with a VGG16 encoder-decoder that predicts CIELab ab from L.

The names below are imported when first used (PEP 562), so that `python -m colorize --help` and other
commands that run no model start without importing Keras and TensorFlow.
"""
import importlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the CLI

_HOMES = {  # public name: the module that defines it
    "AutoColorizer": "auto_colorizer", "Chapter": "repeats", "Colorized": "pipeline", "Colorizer": "pipeline",
    "ImageError": "images", "WeightsError": "weights", "ab_picture": "lab", "build_model": "model",
    "convert_lab": "lab", "convert_rgb": "lab", "load_weights": "weights", "open_image": "images",
    "read_rgb": "images", "save_weights": "weights",
}
__all__ = sorted(_HOMES)


def __getattr__(name):
    if name not in _HOMES:
        raise AttributeError(f"module 'colorize' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value  # found once
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
