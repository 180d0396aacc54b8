"""Which Keras backend a model will run on, asked without importing Keras (which imports TensorFlow, about 6 s):
a model call that LiteRT has already converted needs neither (see `colorize.litert`). And Keras itself, imported
quietly: `from .backend import keras`."""
import contextlib
import json
import os
import sys
from importlib.util import find_spec


def keras_backend():
    """Keras' own answer once Keras is imported; before that, what Keras will read: KERAS_BACKEND, else the
    "backend" of keras.json in KERAS_HOME (default ~/.keras), else TensorFlow."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as f:
            return json.load(f).get("backend", "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


@contextlib.contextmanager
def native_stderr_silenced():
    """Standard error's file descriptor pointed at nothing for the block: what native code prints there goes."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as nothing:
            os.dup2(nothing.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def __getattr__(name):
    """`keras`, imported with TensorFlow's native start-up lines silenced: on Intel CPUs TensorFlow prints "oneDNN
    custom operations are on" through absl before any setting is read (TF_CPP_MIN_LOG_LEVEL included)."""
    if name != "keras":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if "tensorflow" not in sys.modules and keras_backend() == "tensorflow" and find_spec("tensorflow"):
        with native_stderr_silenced():
            import tensorflow  # noqa: F401
    import keras

    return keras
