"""Serving the app: its models from the environment, its examples' cache per model, its memory pools."""
import ctypes
import os

from colorize import WeightsError
from colorize.auto_colorizer import AutoColorizer

M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_allocator_arenas(arenas=2):
    """Cap glibc's per-thread memory pools, as MALLOC_ARENA_MAX=2 would if it were set before Python started:
    under Gradio's worker threads each pool keeps its own high-water mark, and the app's memory creeps up."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to cap


def load_colorizer():
    """The photo and drawing models (the weights the environment names standing in for the shipped ones of
    their kind), or (None, reason): the page should open even without weights."""
    try:
        return AutoColorizer(os.environ.get("COLORIZE_WEIGHTS") or None, os.environ.get("COLORIZE_HUB_REPO") or None,
                             os.environ.get("COLORIZE_HUB_REVISION") or None, eager=True), ""
    except WeightsError as error:
        return None, str(error)


def use_example_cache_for(colorizer):
    """Gradio reuses cached example results even after the model changed: keep one cache per weights file
    (unless GRADIO_EXAMPLES_CACHE is set)."""
    key = "-".join(model.config.get("weights_sha256", "unhashed")[:8] for model in colorizer.loaded.values()) \
        if colorizer else "no-weights"
    os.environ.setdefault("GRADIO_EXAMPLES_CACHE", os.path.join(".gradio", "cached_examples", key))
