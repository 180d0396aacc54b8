"""Batch-norm statistics that float16 cannot hold: exported as float32, refused when infinite, re-estimated."""
import keras
import numpy as np
import pytest
from PIL import Image

from colorize import load_weights
from colorize.weights import WeightsError, load_local, save_weights
from tests.subcommand import run_subcommand
from train import export, recalibrate

X = [np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32),
     np.zeros((1, 64, 64, 3), np.float32), np.zeros((1, 261), np.float32)]


def first_batch_norm(model):
    return next(layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization))


def with_variance(weights, value, folder):
    """The weights with the first 10 channels of their first batch norm's moving variance set to value."""
    loaded = load_local(weights)
    variance = first_batch_norm(loaded.model).moving_variance
    changed = keras.ops.convert_to_numpy(variance).copy()
    changed[:10] = value
    variance.assign(changed)
    save_weights(loaded.model, loaded.config, str(folder))
    return str(folder)


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(12):
        colours = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        Image.fromarray(colours).resize((80, 96), Image.BILINEAR).save(folder / f"photo{i}.png")
    return folder


def test_a_variance_past_float16_stays_finite_in_the_export(untrained_hint_weights, tmp_path):
    large = with_variance(untrained_hint_weights, 1e5, tmp_path / "large")
    assert run_subcommand(export, "--run", large, "--out", tmp_path / "shipped") == 0
    compact, original = load_weights(str(tmp_path / "shipped")), load_weights(large)
    assert np.isfinite(keras.ops.convert_to_numpy(first_batch_norm(compact.model).moving_variance)).all()
    np.testing.assert_allclose(compact.model.predict_on_batch(X), original.model.predict_on_batch(X), atol=0.01)


def test_infinite_statistics_are_refused_and_recalibrated_from_photos(untrained_hint_weights, photos, tmp_path):
    broken = with_variance(untrained_hint_weights, np.inf, tmp_path / "broken")
    with pytest.raises(WeightsError, match="infinite or NaN.*recalibrate"):
        load_weights(broken)
    loaded = load_local(broken, require_finite=False)
    before = keras.ops.convert_to_numpy(first_batch_norm(loaded.model).moving_variance)
    assert run_subcommand(recalibrate, "--weights", broken, "--data", photos, "--out", tmp_path / "fixed") == 0
    fixed = load_weights(str(tmp_path / "fixed"))
    after = keras.ops.convert_to_numpy(first_batch_norm(fixed.model).moving_variance)
    assert np.isfinite(after).all() and (after[:10] > 0).all()
    np.testing.assert_array_equal(after[10:], before[10:])  # statistics that were finite stay as trained
    assert fixed.config["recalibrated"]["channels"] == {first_batch_norm(fixed.model).name: 10}
    with pytest.raises(WeightsError):
        load_weights(broken)  # the weights given are left as they were


def test_recalibrate_writes_only_a_new_folder(untrained_hint_weights, photos, tmp_path, capsys):
    assert run_subcommand(recalibrate, "--weights", untrained_hint_weights, "--data", photos,
                          "--out", untrained_hint_weights) == 2
    assert "--out must be a new folder" in capsys.readouterr().err
    assert run_subcommand(recalibrate, "--weights", untrained_hint_weights, "--data", tmp_path / "none",
                          "--out", tmp_path / "x") == 2
    assert not (tmp_path / "x").exists()
