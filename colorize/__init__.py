"""Colorize black-and-white photos with a VGG16 encoder-decoder that predicts CIELab ab from L."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the CLI

from .images import ImageError, open_image, read_rgb
from .lab import ab_picture, convert_lab, convert_rgb
from .model import build_model
from .pipeline import Colorized, Colorizer
from .weights import WeightsError, load_weights, save_weights

__all__ = [
    "Colorized", "Colorizer", "ImageError", "WeightsError", "ab_picture", "build_model", "convert_lab",
    "convert_rgb", "load_weights", "open_image", "read_rgb", "save_weights",
]
