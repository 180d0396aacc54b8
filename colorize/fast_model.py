"""The model call at inference: bfloat16 where the CPU multiplies it natively, in a compiled function.

On a CPU with AVX512-BF16 and AMX, bfloat16 runs the network several times faster than float32 and
moves the output's colours by well under a just-noticeable difference, and a `tf.function` called
directly skips the per-call work of `predict_on_batch` (the numbers are in docs/BENCHMARKS.md). The twin
keeps its weights in bfloat16 (the "bfloat16" policy, not "mixed_bfloat16"): the same products, without
casting the float32 weights on every call (measured faster, and half the memory). XLA (`jit_compile`)
measured slower in bfloat16 and no faster in float32, so it is not used. Where LiteRT has the call cached
(`colorize.litert`), Keras is not imported until something else is asked for.
"""
import threading

import numpy as np

from . import litert
from .backend import keras_backend
from .hints import model_inputs

PRECISIONS = ("auto", "float32", "bfloat16", "litert", "openvino")


def cpu_has_bfloat16():
    """AVX512-BF16 or AMX: the CPU multiplies bfloat16 natively (elsewhere bfloat16 is emulated, and slow)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision):
    """"auto" -> on a CPU backend with native bfloat16 (TensorFlow): OpenVINO's bfloat16 where it is installed
    ("openvino", see `colorize.litert`), else TensorFlow's bfloat16; elsewhere float32 through LiteRT where it is
    installed ("litert"), else float32."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision
    if keras_backend() == "tensorflow" and cpu_has_bfloat16():
        return "openvino" if litert.openvino_wanted() else "bfloat16"
    return "litert" if litert.wanted() else "float32"


def bfloat16_twin(model, config):
    """The same network built under the bfloat16 policy (bfloat16 weights and arithmetic; the ab head,
    declared float32 in `model.py`, stays float32) with `model`'s weights copied in."""
    import keras

    from .model import model_from_config

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
    import keras

    probabilities = keras.layers.Softmax(dtype="float32", name="ab_distribution")(model.get_layer("ab_logits").output)
    outputs = [probabilities, model.outputs[1]] if len(model.outputs) > 1 else probabilities
    return keras.Model(model.inputs, outputs, name=f"{model.name}_distribution")


def with_features(model):
    """The same network also giving what the kind detector reads (`encoder.pooled_features`) from its own
    encoder pass, as its last output: telling a photo from a drawing then costs no second pass."""
    import keras

    from .encoder import ENCODER_NAME, pooled_features

    taps = model.get_layer(ENCODER_NAME)._inbound_nodes[0].output_tensors  # the encoder's outputs in this graph
    return keras.Model(model.inputs, [*model.outputs, pooled_features(taps)], name=f"{model.name}_features")


def compiled_predictor(loaded, precision="auto", features=False):
    """A function (L (N, S, S, 1), hints=None, reference=None) float32 -> ab (N, S, S, 2) float32 (a drawing
    model: [ab, fills' L (N, S, S, 1)]) for `loaded` weights (`weights.LoadedWeights`), in the precision asked
    for; a hint model gets zeros for the hints not given (see `hints.model_inputs`). Weights decoded by region
    (config `regions`) give the bins distribution (see `distribution_model`) in place of ab. With `features`,
    the outputs are a list that ends with the encoder's pooled features (N, F) (see `with_features`).
    "litert" and "openvino": the network converted at each input size it is asked for (`colorize.litert`), run
    by LiteRT in float32 or by OpenVINO (in bfloat16 on CPUs with bfloat16 units); until it is made TensorFlow
    answers (in bfloat16 where OpenVINO's is). A converted model in the cache is used from the first call, and
    where one of these weights is cached (at any size) the Keras model is built only when something else is
    asked for. Otherwise it is built now, so that weights that do not load are refused at once."""
    precision = resolve_precision(precision)
    config = loaded.config
    takes_hints = bool(config.get("hints"))
    converted_bfloat16 = precision == "openvino" and cpu_has_bfloat16()
    keras_arithmetic = "bfloat16" if precision == "bfloat16" or converted_bfloat16 else "float32"
    building = threading.RLock()
    made = {}  # per arithmetic, the Keras network and its call, each made once when first needed

    def network(arithmetic="float32"):
        with building:
            if arithmetic not in made:
                model = loaded.model
                if arithmetic == "bfloat16":
                    model = bfloat16_twin(model, config)
                if config.get("regions"):
                    model = distribution_model(model)
                made[arithmetic] = with_features(model) if features else model
            return made[arithmetic]

    def keras_call(arithmetic):
        model = network(arithmetic)
        if keras_backend() != "tensorflow":
            return lambda inputs: model.predict_on_batch(inputs[0] if len(inputs) == 1 else inputs)
        import tensorflow as tf

        # traced once per input shape: a shape-relaxed trace breaks bilinear upsampling, and there are few sizes.
        # TensorFlow warns when one function's code is traced 5 times in 10 calls (a function made in a loop by
        # mistake); here it is by design, and its own flag for that warning is turned off
        call = tf.function(lambda inputs: model(inputs, training=False))
        call._omit_frequent_tracing_warning = True
        return lambda inputs: call([tf.constant(x, tf.float32) for x in inputs] if len(inputs) > 1
                                   else tf.constant(inputs[0], tf.float32))

    def with_keras(inputs, arithmetic=keras_arithmetic):
        """The outputs as a list of float32 arrays."""
        with building:
            if ("call", arithmetic) not in made:
                made["call", arithmetic] = keras_call(arithmetic)
        outputs = made["call", arithmetic](inputs)
        return [np.asarray(output, np.float32) for output in (outputs if isinstance(outputs, (list, tuple))
                                                              else [outputs])]

    outputs = ("distribution" if config.get("regions") else "ab") + ("+features" if features else "")
    converted_models = {}  # input side -> its ConvertedModel, made when that side is first asked for

    def converted_at(side):
        """The converted model at this input side (read from the cache if it is there), or None."""
        if precision not in litert.RUNTIMES:
            return None
        with building:
            if side not in converted_models:
                key = litert.cache_key(loaded.sha256, config, side, outputs, precision)
                converted_models[side] = litert.ConvertedModel(
                    key, side, network, lambda inputs: with_keras(inputs, "float32"), precision, converted_bfloat16,
                    loaded.sha256)
                converted_models[side].read_cache()
            return converted_models[side]

    fast = converted_at(int(config["input_size"]))
    if fast is None or not (fast.ready() or litert.converted_before(loaded.sha256)):
        loaded.model  # noqa: B018 (built now: weights that do not load are refused here, not at the first picture)

    def predict(lightness, hints=None, reference=None):
        inputs = model_inputs(lightness, takes_hints, hints, reference)
        at_its_size = converted_at(lightness.shape[1])  # any side: a drawing's model sees up to `max_input_size`
        if at_its_size and at_its_size.ready() and at_its_size.busy.acquire(blocking=False):  # a second caller: Keras
            try:
                outputs = at_its_size(inputs)
            finally:
                at_its_size.busy.release()
        else:
            outputs = with_keras(inputs)
            if at_its_size:
                at_its_size.start()  # after the first answer, which it would slow down
        return outputs if len(outputs) > 1 else outputs[0]

    predict.converted = fast  # the converted model at the input size, or None (`ConvertedModel.ready`)
    predict.converting = lambda: any(model.converting for model in list(converted_models.values()))
    return predict
