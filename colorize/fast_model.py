"""The model call at inference: bfloat16 where the CPU multiplies it natively, in a compiled function.

On a CPU with AVX512-BF16 and AMX, bfloat16 runs the network several times faster than float32 and
moves the output's colours by well under a just-noticeable difference, and a `tf.function` called
directly skips the per-call work of `predict_on_batch` (the numbers are in docs/BENCHMARKS.md). The twin
keeps its weights in bfloat16 (the "bfloat16" policy, not "mixed_bfloat16"): the same products, without
casting the float32 weights on every call (measured faster, and half the memory). XLA (`jit_compile`)
measured slower in bfloat16 and no faster in float32, so it is not used.
"""
import keras
import numpy as np

from . import litert
from .encoder import ENCODER_NAME, pooled_features
from .hints import model_inputs
from .model import model_from_config

PRECISIONS = ("auto", "float32", "bfloat16", "litert")


def cpu_has_bfloat16():
    """AVX512-BF16 or AMX: the CPU multiplies bfloat16 natively (elsewhere bfloat16 is emulated, and slow)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision):
    """"auto" -> bfloat16 on a CPU backend with native bfloat16 (TensorFlow), else float32 through LiteRT where
    it is installed ("litert", see `colorize.litert`), else float32."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision
    if keras.backend.backend() == "tensorflow" and cpu_has_bfloat16():
        return "bfloat16"
    return "litert" if litert.wanted() else "float32"


def bfloat16_twin(model, config):
    """The same network built under the bfloat16 policy (bfloat16 weights and arithmetic; the ab head,
    declared float32 in `model.py`, stays float32) with `model`'s weights copied in."""
    previous = keras.mixed_precision.dtype_policy()
    keras.mixed_precision.set_dtype_policy("bfloat16")
    try:
        twin = model_from_config(config)
    finally:
        keras.mixed_precision.set_dtype_policy(previous)
    twin.set_weights(model.get_weights())
    return twin


def distribution_model(model):
    """The same network giving the bins head's plain distribution (N, S/2, S/2, Q) where it gave ab (a drawing
    model: [distribution, fills' L]), for decoding by region (`colorize.decoding`)."""
    probabilities = keras.layers.Softmax(dtype="float32", name="ab_distribution")(model.get_layer("ab_logits").output)
    outputs = [probabilities, model.outputs[1]] if len(model.outputs) > 1 else probabilities
    return keras.Model(model.inputs, outputs, name=f"{model.name}_distribution")


def with_features(model):
    """The same network also giving what the kind detector reads (`encoder.feature_model`'s features)
    from its own encoder pass, as its last output: telling a photo from a drawing then costs no second pass."""
    taps = model.get_layer(ENCODER_NAME)._inbound_nodes[0].output_tensors  # the encoder's outputs in this graph
    return keras.Model(model.inputs, [*model.outputs, pooled_features(taps)], name=f"{model.name}_features")


def compiled_predictor(model, config, precision="auto", features=False):
    """A function (L (N, S, S, 1), hints=None, reference=None) float32 -> ab (N, S, S, 2) float32 (a drawing
    model: [ab, fills' L (N, S, S, 1)]), in the precision asked for; a hint model gets zeros for the hints
    not given (see `hints.model_inputs`). Weights decoded by region (config `regions`) give the bins
    distribution (see `distribution_model`) in place of ab. With `features`, the outputs are a list that
    ends with the encoder's pooled features (N, F) (see `with_features`). "litert": float32 through LiteRT at
    the input size once converted (`colorize.litert`), TensorFlow's float32 until then and at other sizes."""
    precision = resolve_precision(precision)
    if precision == "bfloat16":
        model = bfloat16_twin(model, config)
    if config.get("regions"):
        model = distribution_model(model)
    if features:
        model = with_features(model)
    takes_hints = bool(config.get("hints"))

    def structured(inputs):
        return inputs[0] if len(inputs) == 1 else inputs

    def arrays(outputs):
        if isinstance(outputs, (list, tuple)):
            return [np.asarray(output, np.float32) for output in outputs]
        return np.asarray(outputs, np.float32)

    if keras.backend.backend() != "tensorflow":
        def predict(lightness, hints=None, reference=None):
            inputs = model_inputs(lightness, takes_hints, hints, reference)
            return arrays(model.predict_on_batch(structured(inputs)))

        return predict
    import tensorflow as tf

    # traced once per input shape: a shape-relaxed trace breaks bilinear upsampling, and there are few sizes
    call = tf.function(lambda inputs: model(inputs, training=False))

    def with_tensorflow(inputs):
        return arrays(call(structured([tf.constant(x, tf.float32) for x in inputs])))

    fast = None
    if precision == "litert":
        def listed(inputs):  # TensorFlow's outputs as the list LiteRTModel gives
            outputs = with_tensorflow(inputs)
            return outputs if isinstance(outputs, list) else [outputs]

        fast = litert.LiteRTModel(model, int(config["input_size"]), listed)

    def predict(lightness, hints=None, reference=None):
        inputs = model_inputs(lightness, takes_hints, hints, reference)
        at_its_size = fast is not None and lightness.shape[1] == fast.size
        if at_its_size and fast.ready() and fast.busy.acquire(blocking=False):  # a second caller: TensorFlow
            try:
                outputs = fast(inputs)
            finally:
                fast.busy.release()
            return outputs if len(outputs) > 1 else outputs[0]
        outputs = with_tensorflow(inputs)
        if at_its_size:
            fast.start()  # after the first answer, which it would slow down
        return outputs

    predict.litert = fast  # the LiteRT model, or None: what it is doing can be asked (`LiteRTModel.ready`)
    return predict
