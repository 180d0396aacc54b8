"""Shared test set-up: quiet TensorFlow, no analytics, TensorFlow for the model call, and one untrained model saved
per session."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("COLORIZE_LITERT", "0")  # no background conversions in each test; tests/test_litert.py has them

import collections  # noqa: E402

import pytest  # noqa: E402

# long files with few tests (training processes, a Ray cluster), started first: no worker is left alone with
# one at the end
FIRST = ("test_devices.py", "test_archive.py")


def pytest_collection_modifyitems(items):
    """Files in pytest-xdist's own order (the most tests first; --no-loadscope-reorder in pyproject.toml hands
    them out in this order), except FIRST, handed out at once."""
    counts = collections.Counter(item.path.name for item in items)
    first = {name: rank for rank, name in enumerate(FIRST)}
    items.sort(key=lambda item: (first.get(item.path.name, len(FIRST)), -counts[item.path.name]))


@pytest.fixture(scope="session")
def untrained_weights(tmp_path_factory):
    """A weights folder (config.json + model.weights.h5) of an untrained unet that sees 64 x 64 (a model call
    about ten times cheaper than at 224 here): for plumbing, not colours."""
    import keras

    from colorize.model import build_model
    from colorize.weights import model_config, save_weights

    keras.utils.set_random_seed(0)  # the same weights every run: tests on them (bfloat16 tolerance) are repeatable
    folder = tmp_path_factory.mktemp("untrained_unet")
    save_weights(build_model("unet", "none"), model_config("unet", input_size=64), str(folder))
    return str(folder)


@pytest.fixture(scope="session")
def colorizer(untrained_weights):
    from colorize import Colorizer

    return Colorizer.from_weights(untrained_weights)


@pytest.fixture(scope="session")
def untrained_hint_weights(tmp_path_factory):
    """The same, for a unet with hint inputs (its hint layers start at zero: hints change nothing yet)."""
    import keras

    from colorize.model import build_model
    from colorize.weights import model_config, save_weights

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("untrained_unet_hints")
    save_weights(build_model("unet", "none", "bins", hints=True),
                 model_config("unet", "bins", input_size=64, hints=True), str(folder))
    return str(folder)
