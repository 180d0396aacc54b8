"""The drawing model's loss: the rebalanced ab-bin cross-entropy plus the error of the fills' lightness."""
import keras
from keras import ops

LIGHTNESS_WEIGHT = 10.0  # an L error of 10 (on 0-100) costs as much as one nat of the colour loss


@keras.saving.register_keras_serializable(package="colorize")
class DrawingLoss(keras.losses.Loss):
    """y_true (B, h, w, 3): the ab bin, its rebalancing weight, the fills' L / 100; y_pred (B, h, w, Q + 1):
    the bins' logits and the predicted fills' L / 100 (see `ColorBatches(drawing=True)`)."""

    def __init__(self, lightness_weight=LIGHTNESS_WEIGHT, **kwargs):
        super().__init__(**kwargs)
        self.lightness_weight = lightness_weight

    def call(self, y_true, y_pred):
        bins, weight, fill = (y_true[..., i] for i in range(3))
        colour = keras.losses.sparse_categorical_crossentropy(ops.cast(bins, "int32"), y_pred[..., :-1],
                                                              from_logits=True)
        return weight * colour + self.lightness_weight * ops.abs(y_pred[..., -1] - fill)

    def get_config(self):
        return {**super().get_config(), "lightness_weight": self.lightness_weight}
