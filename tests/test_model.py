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


def test_hint_inputs_start_at_zero_so_automatic_weights_keep_their_colours():
    from train.training_loop import with_weights_of

    keras.utils.set_random_seed(1)
    plain = build_model("unet", "none", "bins")
    hinted = with_weights_of(plain, build_model("unet", "none", "bins", hints=True))
    assert [i.name for i in hinted.inputs] == ["lightness", "hints", "reference"]
    x = np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32)
    hints, reference = np.zeros((1, 64, 64, 3), np.float32), np.zeros((1, 261), np.float32)
    hints[0, 10:13, 10:13] = (0.5, 0.2, 1.0)
    reference[0, 5] = 1.0
    expected = plain.predict_on_batch(x)
    np.testing.assert_allclose(hinted.predict_on_batch([x, hints * 0, reference * 0]), expected, atol=1e-5)
    np.testing.assert_allclose(hinted.predict_on_batch([x, hints, reference]), expected, atol=1e-5)
    with pytest.raises(ValueError, match="need the unet"):
        build_model("seed", "none", hints=True)


def test_hint_pooling_keeps_a_one_pixel_hint_at_every_level():
    from colorize.layers import PoolHints

    hints = np.zeros((1, 32, 32, 3), np.float32)
    hints[0, 5, 7] = (0.4 * 1, -0.2 * 1, 1.0)
    pooled = np.asarray(PoolHints(16)(hints))
    assert pooled.shape == (1, 2, 2, 3)
    np.testing.assert_allclose(pooled[0, 0, 0], (0.4, -0.2, 1.0), atol=1e-3)
    assert pooled[0, 1, 1].tolist() == [0, 0, 0]


def test_muting_shrinks_unsure_colours_and_keeps_sure_ones():
    from colorize.ab_bins import ab_bin_centers
    from colorize.layers import AnnealedMean

    centers = ab_bin_centers()
    red, green = int(np.argmax(centers[:, 0])), int(np.argmin(centers[:, 0]))
    logits = np.zeros((1, 1, 2, len(centers)), np.float32)
    logits[0, 0, 0, red] = 20  # sure
    logits[0, 0, 1, red] = logits[0, 0, 1, green] = 10  # torn between two far colours
    plain, muted = (np.asarray(AnnealedMean(0.38, mute)(logits))[0, 0] for mute in (0.0, 3.0))
    np.testing.assert_allclose(muted[0], plain[0], atol=1e-4)
    assert np.abs(muted[1]).max() < 0.2 * np.abs(plain[1]).max() + 1e-3
    assert build_model("unet", "none", "bins", mute=2.0).get_layer("ab").mute == 2.0
