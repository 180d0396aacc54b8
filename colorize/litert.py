"""The model call through a converted copy of the network: LiteRT (XNNPACK) in float32 on CPUs without bfloat16
units (1.15-1.3x faster than TensorFlow's float32 at 224x224 on an AMD EPYC with AVX2, outputs within 1e-6 of
it), OpenVINO in bfloat16 on CPUs with them (1.75x faster than TensorFlow's bfloat16 on a Xeon with AMX); the
numbers are in docs/BENCHMARKS.md.

The converted copy is LiteRT's flatbuffer, at one input size; OpenVINO reads the same file. It is made from the
Keras model (the one saved weights format), in a background thread the first time that size is asked for, while
TensorFlow answers; checked against TensorFlow on a test input in the runtime that will run it, cached on disk
(COLORIZE_CACHE, default ~/.cache/colorize) under a key of the weights file's hash, the config, the size, the
code that builds the network and the runtime, and used from then on. A later process that finds it there starts
on it at once, without building the Keras model or importing TensorFlow (`read_cache`). COLORIZE_LITERT=0 turns
both off.
"""
import atexit
import contextlib
import hashlib
import json
import logging
import os
import sys
import threading
import warnings
from importlib.metadata import version
from importlib.util import find_spec

import numpy as np

from .backend import keras_backend, native_stderr_silenced
from .files import made_folder, write_atomically

logger = logging.getLogger("colorize")
RUNTIMES = ("litert", "openvino")
# largest difference from TensorFlow's float32 outputs a converted model may show, as a share of each output's
# largest value (probabilities, fills' L, features), in its own arithmetic: float32 alike; bfloat16 rounds every
# product (seen: 0.02-0.07; the colours then move by a mean CIEDE2000 of 0.07-0.22, tests/test_litert.py)
TOLERANCE = {"float32": 1e-3, "bfloat16": 0.15}
THREADS = 2
GRAPH_MODULES = ("model.py", "layers.py", "encoder.py", "hints.py", "fast_model.py")  # the code that builds it
KEPT = 8  # converted models kept in the cache (about 70 MB each), the most recently used: the two models at 224
# and the drawing model at the sides of large single drawings
_conversions = []  # the threads `ConvertedModel.start` started


def converting():
    """Whether a conversion is under way in this process."""
    return any(thread.is_alive() for thread in _conversions)


def exit_now_if_converting(status):
    """End the process at once with `status` where a conversion is under way: Python's own exit would stop its
    thread inside TensorFlow, which aborts the process ("terminate called ... FATAL: exception not rethrown")."""
    if converting():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _finish_conversions():
    """At exit, a conversion under way is finished (and cached, for the next process) rather than aborted (see
    `exit_now_if_converting`); a Ctrl-C while it finishes ends the process at once. Registered when a conversion
    starts, so that it runs before the exit handlers of TensorFlow and Keras, which the conversion needs."""
    try:
        for thread in _conversions:
            thread.join()
    except KeyboardInterrupt:
        exit_now_if_converting(130)


def wanted():
    """Whether LiteRT can and may be used here: installed, not turned off, and TensorFlow to convert with."""
    if os.environ.get("COLORIZE_LITERT", "1") == "0":
        return False
    if find_spec("ai_edge_litert") is None or find_spec("tensorflow") is None:
        return False
    return keras_backend() == "tensorflow"


def cache_folder():
    return os.environ.get("COLORIZE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "colorize")


def openvino_wanted():
    """Whether OpenVINO can run the converted model here: installed, and LiteRT's converter `wanted`."""
    return find_spec("openvino") is not None and wanted()


def cache_key(weights_sha256, config, size, outputs, runtime="litert"):
    """A name for the converted model: what goes into it (the weights' hash, the config, the input size, the
    outputs asked for: "ab", "distribution", "+features"), the code that builds the network and the versions of
    LiteRT and of the runtime that was checked on it."""
    versions = [version("ai-edge-litert")] + ([version("openvino")] if runtime == "openvino" else [])
    digest = hashlib.sha256(json.dumps([weights_sha256, config, size, outputs, versions],
                                       sort_keys=True, default=str).encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in GRAPH_MODULES:
        with open(os.path.join(here, name), "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:32]


def converted_before(weights_sha256):
    """Whether the cache holds a model converted from these weights, at any size: they loaded and ran then, so
    they need not be built now to be known good (`fast_model.compiled_predictor`)."""
    try:
        records = [os.path.join(cache_folder(), name) for name in os.listdir(cache_folder()) if name.endswith(".json")]
    except OSError:
        return False
    for path in records:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            with open(path) as f:
                if json.load(f).get("weights_sha256") == weights_sha256:
                    return True
    return False


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


def check_record(path):
    """Where the hash of a converted model, written once it had been checked against TensorFlow, is kept."""
    return path[: -len(".tflite")] + ".json"


def forget_unused():
    """Delete all but the KEPT most recently used converted models from the cache: each new weights file or change
    to the code that builds the network makes another."""
    folder = cache_folder()
    converted_models = sorted((os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".tflite")),
                              key=os.path.getmtime, reverse=True)
    for path in converted_models[KEPT:]:
        for stale in (path, check_record(path)):
            with contextlib.suppress(FileNotFoundError):  # another process may have taken it first
                os.remove(stale)


class ConvertedModel:
    """A Keras model's call at one input size through its converted copy, once it is `ready`: read from the cache
    (`read_cache`), or made by `start`; until then, and for any other size, `__call__` is not to be used. One
    call at a time (`busy`). `model_of()` gives the Keras model and `reference_call` TensorFlow's float32 outputs,
    both needed only to convert. `runtime` runs the copy: "litert" (float32), or "openvino" (bfloat16 where the
    CPU multiplies it natively, as `bfloat16` says, float32 elsewhere)."""

    def __init__(self, key, size, model_of, reference_call, runtime="litert", bfloat16=False, weights_sha256=None):
        self.size = size
        self._weights_sha256 = weights_sha256  # recorded beside the converted model (`converted_before`)
        self._path = os.path.join(cache_folder(), f"{key}.tflite")
        self._model_of, self._reference_call = model_of, reference_call
        self._runtime = runtime
        self._arithmetic = "bfloat16" if runtime == "openvino" and bfloat16 else "float32"
        self._run = None  # inputs (a list of batches of one) -> outputs (a list, in the Keras model's order)
        self._started = False
        self._settled = threading.Event()  # made and checked, or given up
        self.busy = threading.Lock()

    def read_cache(self):
        """Use the converted model cached for this key, if it is there and whole (its bytes have the hash that
        was written beside them once it had been checked against TensorFlow); whether it is."""
        try:
            with open(self._path, "rb") as f:
                flatbuffer = f.read()
            with open(check_record(self._path)) as f:
                whole = json.load(f)["sha256"] == hashlib.sha256(flatbuffer).hexdigest()
            self._run = self._runner_of(flatbuffer, self._path) if whole else None
        except Exception:  # none cached, or damaged (a full disk, another version): made again by `start`
            self._run = None
        if self._run is not None:
            self._started = True
            self._settled.set()
            with contextlib.suppress(OSError):  # a read-only cache is used all the same
                os.utime(self._path)  # used now: the last to go (`forget_unused`)
        return self._run is not None

    def start(self):
        """Make the converted model in the background (converted, checked and cached), once."""
        if not self._started:
            self._started = True
            _conversions.append(threading.Thread(target=self._prepare, name="litert-convert", daemon=True))
            atexit.unregister(_finish_conversions)  # the last registered runs first
            atexit.register(_finish_conversions)
            _conversions[-1].start()

    @property
    def converting(self):
        """Whether `start`'s work is under way."""
        return self._started and not self._settled.is_set()

    def ready(self, timeout=0.0):
        """Whether the converted model is in use, waiting up to `timeout` seconds for `start`'s work to settle."""
        if self._started and timeout:
            self._settled.wait(timeout)
        return self._run is not None

    def _prepare(self):
        try:
            flatbuffer = converted(self._model_of(), self.size)
            run = self._runner_of(flatbuffer)
            worst = self._difference(run)
            if worst > TOLERANCE[self._arithmetic]:
                logger.warning(f"the fast model ({self._runtime}) is not used: its outputs differ from "
                               f"TensorFlow's by {worst:.2g}")
                return
            try:
                made_folder(cache_folder())
                write_atomically(self._path, flatbuffer)
                checked = {"sha256": hashlib.sha256(flatbuffer).hexdigest(), "largest_share_off": worst,
                           "runtime": self._runtime, "arithmetic": self._arithmetic,
                           "weights_sha256": self._weights_sha256}
                write_atomically(check_record(self._path), json.dumps(checked))
                forget_unused()
            except OSError as error:  # a read-only or full disk: used all the same, made again next start
                logger.warning(f"the fast model ({self._runtime}) is not cached: {error}")
            self._run = run
        except Exception as error:  # a failed conversion leaves TensorFlow in charge, as before
            logger.warning(f"the fast model ({self._runtime}) is not used: {error}")
        finally:
            self._settled.set()

    def _runner_of(self, flatbuffer, path=None):
        """A function running the converted model (`flatbuffer`, also at `path` if it is a file) in `runtime`."""
        if self._runtime == "openvino":
            return openvino_runner(flatbuffer, path, self._arithmetic)
        return litert_runner(flatbuffer)

    def _difference(self, run):
        """The largest difference between the converted model's outputs and TensorFlow's on a test input (a
        lightness ramp, no hints), as a share of each output's largest value."""
        shapes = input_shapes(self._model_of(), self.size)
        ramp = np.linspace(0, 100, self.size * self.size, dtype=np.float32).reshape(shapes[0])
        inputs = [ramp] + [np.zeros(shape, np.float32) for shape in shapes[1:]]
        expected = self._reference_call(inputs)
        return max(float(np.abs(a - b).max() / max(np.abs(a).max(), 1e-6)) for a, b in zip(expected, run(inputs)))

    def __call__(self, inputs):
        """Outputs (a list) for inputs (a list of batches of any length at `size`), one item at a time."""
        items = [self._run([x[i : i + 1] for x in inputs]) for i in range(len(inputs[0]))]
        return items[0] if len(items) == 1 else [np.concatenate(parts) for parts in zip(*items)]


def _position(name):
    """An input's place among the Keras model's inputs (`converted` names them input_0, input_1, ...)."""
    return int(name.rsplit("_", 1)[1])


def _output_order(name):
    """An output's place among the Keras model's outputs (the converter names them Identity, Identity_1, ...)."""
    return len(name), name


def litert_runner(flatbuffer):
    """The converted model run by LiteRT's interpreter (XNNPACK), in float32."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=flatbuffer, num_threads=THREADS)
    with native_stderr_silenced():  # LiteRT's "INFO: Created TensorFlow Lite XNNPACK delegate", which no
        interpreter.allocate_tensors()  # setting turns off
    outputs = sorted(interpreter.get_output_details(), key=lambda d: _output_order(d["name"]))

    def run(inputs):
        for detail in interpreter.get_input_details():
            interpreter.set_tensor(detail["index"], inputs[_position(detail["name"])])
        interpreter.invoke()
        return [interpreter.get_tensor(d["index"]) for d in outputs]  # each a copy already (13 MB for a photo's)

    return run


def openvino_runner(flatbuffer, path, arithmetic):
    """The converted model run by OpenVINO's CPU plugin in `arithmetic` ("bfloat16": oneDNN's AMX and AVX512-BF16
    kernels). OpenVINO reads the flatbuffer from a file: `path`, or a temporary copy."""
    import tempfile

    import openvino

    core = openvino.Core()
    if path is None:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.tflite")
            write_atomically(path, flatbuffer)
            model = core.read_model(path)
    else:
        model = core.read_model(path)
    compiled = core.compile_model(model, "CPU", {
        "INFERENCE_PRECISION_HINT": "bf16" if arithmetic == "bfloat16" else "f32",
        "INFERENCE_NUM_THREADS": THREADS, "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()
    places = [_position(port.get_any_name()) for port in compiled.inputs]
    outputs = sorted(compiled.outputs, key=lambda port: _output_order(port.get_any_name()))
    made = [(tuple(port.get_shape()), port.get_element_type().to_dtype()) for port in outputs]
    held = []  # the arrays the request writes into, kept alive while it points at them

    def run(inputs):
        # each output written straight into a new array, handed out as it is: the request's own buffers would be
        # reused by the next call, so they would need copying (13 MB for a photo's bins, 1.2 ms)
        held[:] = [np.empty(shape, dtype) for shape, dtype in made]
        for port, array in zip(outputs, held):
            request.set_tensor(port, openvino.Tensor(array, shared_memory=True))
        request.infer([inputs[place] for place in places])
        return list(held)

    return run
