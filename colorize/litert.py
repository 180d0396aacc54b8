"""The model call through LiteRT (XNNPACK) on CPUs without bfloat16 units: 1.15-1.3x faster than TensorFlow's
float32 at 224x224 on an AMD EPYC with AVX2, with outputs within 1e-6 of it (docs/BENCHMARKS.md).

LiteRT runs a converted copy of the network at one input size. It is made from the loaded Keras model (the one
saved weights format), in a background thread the first time that size is asked for, while TensorFlow answers;
then cached on disk under the weights' hash (COLORIZE_CACHE, default ~/.cache/colorize), checked against
TensorFlow on a test input, and used from then on. COLORIZE_LITERT=0 turns it off.
"""
import hashlib
import os
import threading
import warnings

import numpy as np

from .files import write_atomically

TOLERANCE = 1e-3  # largest difference from TensorFlow's outputs (probabilities, features) a converted model may show
THREADS = 2


def wanted():
    """Whether LiteRT can and may be used here: installed, not turned off, and TensorFlow to convert with."""
    if os.environ.get("COLORIZE_LITERT", "1") == "0":
        return False
    try:
        import ai_edge_litert.interpreter  # noqa: F401
        import keras
    except ImportError:
        return False
    return keras.backend.backend() == "tensorflow"


def cache_folder():
    return os.environ.get("COLORIZE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "colorize")


def weights_key(model, size):
    """A name for the converted model: the hash of the weights, the graph's inputs and outputs, the size and
    LiteRT's version."""
    from importlib.metadata import version

    graph = f"{size} {[tuple(t.shape) for t in model.inputs]} {len(model.outputs)} {version('ai-edge-litert')}"
    digest = hashlib.sha256(graph.encode())
    for weight in model.weights:
        digest.update(np.ascontiguousarray(weight.numpy()).tobytes())
    return digest.hexdigest()[:32]


def input_shapes(model, size):
    """The shapes of the model's inputs for a batch of one at `size` (images (1, size, size, C), vectors (1, Q))."""
    return [(1, size, size, *t.shape[3:]) if len(t.shape) == 4 else (1, *t.shape[1:]) for t in model.inputs]


def converted(model, size):
    """The model as LiteRT flatbuffer bytes, for a batch of one at `size`."""
    import tensorflow as tf

    specs = [tf.TensorSpec(shape, tf.float32, name=f"input_{i}") for i, shape in enumerate(input_shapes(model, size))]

    def call(*inputs):
        outputs = model(list(inputs), training=False)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    call = tf.function(call, input_signature=specs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf.lite's notice that LiteRT now lives in its own package
        return tf.lite.TFLiteConverter.from_concrete_functions([call.get_concrete_function()], model).convert()


class LiteRTModel:
    """A Keras model's call at one input size through LiteRT, once `start` has made it and it is `ready`; until
    then, and for any other size, `__call__` is not to be used. One call at a time (`busy`)."""

    def __init__(self, model, size, reference_call):
        self.model, self.size = model, size
        self._reference_call = reference_call  # TensorFlow's call, for the check
        self._interpreter = None
        self._started = False
        self._settled = threading.Event()  # made and checked, or given up
        self.busy = threading.Lock()

    def start(self):
        """Make the LiteRT model in the background (read from the cache, or converted), once."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._prepare, name="litert-convert", daemon=True).start()

    def ready(self, timeout=0.0):
        """Whether the LiteRT model is in use, waiting up to `timeout` seconds for `start`'s work to settle."""
        if self._started and timeout:
            self._settled.wait(timeout)
        return self._interpreter is not None

    def _prepare(self):
        try:
            path = os.path.join(cache_folder(), f"{weights_key(self.model, self.size)}.tflite")
            interpreter = None
            if os.path.isfile(path):
                try:
                    with open(path, "rb") as f:
                        interpreter = self._interpreter_of(f.read())
                except Exception:  # a damaged cache file (a full disk, another version): made again below
                    interpreter = None
            if interpreter is None:
                flatbuffer = converted(self.model, self.size)
                interpreter = self._interpreter_of(flatbuffer)
                try:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    write_atomically(path, flatbuffer)
                except OSError as error:  # a read-only or full disk: used all the same, made again next start
                    warnings.warn(f"LiteRT model not cached: {error}")
            if self._agrees(interpreter):
                self._interpreter = interpreter
        except Exception as error:  # a failed conversion leaves TensorFlow in charge, as before
            warnings.warn(f"LiteRT not used: {error}")
        finally:
            self._settled.set()

    @staticmethod
    def _interpreter_of(flatbuffer):
        from ai_edge_litert.interpreter import Interpreter

        interpreter = Interpreter(model_content=flatbuffer, num_threads=THREADS)
        interpreter.allocate_tensors()
        return interpreter

    def _agrees(self, interpreter):
        """Whether the converted model gives TensorFlow's outputs on a test input (a lightness ramp, no hints)."""
        ramp = np.linspace(0, 100, self.size * self.size, dtype=np.float32).reshape(1, self.size, self.size, 1)
        inputs = [ramp] + [np.zeros(shape, np.float32) for shape in input_shapes(self.model, self.size)[1:]]
        expected = self._reference_call(inputs)
        got = self._invoke(interpreter, inputs)
        worst = max(float(np.abs(a - b).max()) for a, b in zip(expected, got))
        if worst > TOLERANCE:
            warnings.warn(f"LiteRT not used: its outputs differ from TensorFlow's by {worst:.2g}")
        return worst <= TOLERANCE

    @staticmethod
    def _invoke(interpreter, inputs):
        """Outputs (a list, in the Keras model's order) for inputs of a batch of one."""
        for detail in interpreter.get_input_details():
            interpreter.set_tensor(detail["index"], inputs[int(detail["name"].rsplit("_", 1)[1])])
        interpreter.invoke()
        outputs = sorted(interpreter.get_output_details(), key=lambda d: (len(d["name"]), d["name"]))  # Identity, _1..
        return [interpreter.get_tensor(d["index"]).copy() for d in outputs]

    def __call__(self, inputs):
        """Outputs (a list) for inputs (a list of batches of any length at `size`), one item at a time."""
        items = [self._invoke(self._interpreter, [x[i : i + 1] for x in inputs]) for i in range(len(inputs[0]))]
        return [np.concatenate(parts) for parts in zip(*items)]
