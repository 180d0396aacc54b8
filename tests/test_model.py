import h5py
import keras
import numpy as np
import pytest

from colorize.encoder import EncoderInitError, hed_weights_path, vgg16_encoder
from colorize.model import build_model, encoder_of


@pytest.mark.parametrize("architecture", ["seed", "unet"])
@pytest.mark.parametrize("head", ["regression", "bins"])
def test_shapes(architecture, head):
    model = build_model(architecture, "none", head)
    ab = model.predict_on_batch(np.full((2, 224, 224, 1), 50.0, np.float32))
    assert ab.shape == (2, 224, 224, 2)
    assert np.abs(ab).max() <= 1.0


def test_seed_follows_the_report():
    model = build_model("seed", "none")
    assert tuple(encoder_of(model).compute_output_shape((1, 224, 224, 3))) == (1, 7, 7, 512)
    assert sum(isinstance(layer, keras.layers.UpSampling2D) for layer in model.layers) == 5
    assert model.get_layer("ab").activation.__name__ == "tanh"


def test_fully_convolutional_sizes():
    model = build_model("unet", "none")
    assert model.predict_on_batch(np.zeros((1, 128, 96, 1), np.float32)).shape == (1, 128, 96, 2)


def test_hed_initialisation_copies_the_backbone():
    encoder = vgg16_encoder("hed", ("block5_conv3",))
    with h5py.File(hed_weights_path(), "r") as f:
        expected = f["block5/layers/conv2d_2/vars/0"][()]
    np.testing.assert_array_equal(encoder.get_layer("block5_conv3").get_weights()[0], expected)


def test_unknown_encoder_is_a_clear_error():
    with pytest.raises(EncoderInitError, match="unknown encoder"):
        build_model("unet", "no-such-init")


def test_saved_model_loads_in_safe_mode(tmp_path):
    model = build_model("unet", "none", "bins")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    x = np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32)
    np.testing.assert_allclose(loaded.predict_on_batch(x), model.predict_on_batch(x), atol=1e-5)
