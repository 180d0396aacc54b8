"""Which Keras backend a model will run on, asked without importing Keras (which imports TensorFlow, about 6 s):
a model call that LiteRT has already converted needs neither (see `colorize.litert`)."""
import json
import os
import sys


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
