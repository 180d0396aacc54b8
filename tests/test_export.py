import os
import shutil

import keras
import numpy as np
import pytest

from colorize import load_weights
from colorize.model import encoder_digest
from colorize.weights import WEIGHTS_FILE, WeightsError, load_local, save_weights
from tests.subcommand import run_subcommand
from train import export


@pytest.mark.slow
def test_float16_export_is_half_the_size_and_predicts_the_same(untrained_hint_weights, tmp_path):
    out = tmp_path / "shipped"
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", out) == 0
    untrained_weights = untrained_hint_weights
    original, compact = load_weights(untrained_weights), load_weights(str(out))
    assert compact.config["storage"] == "float16"
    assert compact.config["encoder_sha256"] == encoder_digest(compact.model)  # what --kind auto compares
    size = os.path.getsize(out / WEIGHTS_FILE) / os.path.getsize(os.path.join(untrained_weights, WEIGHTS_FILE))
    assert 0.45 < size < 0.55
    assert all(w.dtype == "float32" for w in compact.model.weights)
    x = [np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32),
         np.zeros((1, 64, 64, 3), np.float32), np.zeros((1, 261), np.float32)]
    np.testing.assert_allclose(compact.model.predict_on_batch(x), original.model.predict_on_batch(x), atol=0.01)


@pytest.mark.slow
def test_a_tuned_temperature_is_recorded_for_a_bins_head_and_refused_for_regression(untrained_hint_weights,
                                                                                    untrained_weights, tmp_path):
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "t", "--temperature", "0.5") == 0
    assert load_weights(str(tmp_path / "t")).config["temperature"] == 0.5
    assert run_subcommand(export, "--run", untrained_weights, "--out", tmp_path / "x", "--temperature", "0.5") == 2
    assert not (tmp_path / "x").exists()


def logits_bias(folder):
    return load_weights(str(folder)).model.get_layer("ab_logits").get_weights()[1]


@pytest.mark.slow
def test_rebalancing_is_moved_from_what_the_weights_record_to_what_is_asked(untrained_hint_weights, tmp_path):
    bins = np.random.default_rng(0).uniform(0.2, 5.0, 261).astype(np.float32)
    np.save(tmp_path / "bins.npy", bins)
    common = ("--bin-weights", tmp_path / "bins.npy", "--undo-rebalancing")
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "half", *common, "0.5") == 0
    assert run_subcommand(export, "--run", tmp_path / "half", "--out", tmp_path / "quarter", *common, "0.25") == 0
    assert load_weights(str(tmp_path / "quarter")).config["undo_rebalancing"] == 0.25
    expected = logits_bias(untrained_hint_weights) - 0.25 * np.log(bins)
    np.testing.assert_allclose(logits_bias(tmp_path / "quarter"), expected, atol=0.01)  # float16 storage
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "x", *common, "1.5") == 2
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "y", "--undo-rebalancing",
                          "0.5") == 2  # a weights folder has no bin weights of its own
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_decoding_out_of_range_is_refused_and_an_earlier_export_stays(untrained_hint_weights, tmp_path, capsys):
    out = tmp_path / "shipped"
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", out, "--mute", "1") == 0
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    for option, value, said in (("--mute", "-1", "--mute is -1.0; it must be a number from 0 to 100"),
                                ("--temperature", "0", "--temperature is 0.0; it must be a number"),
                                ("--regions", "5000", "--regions is 5000; it must be a whole number")):
        assert run_subcommand(export, "--run", untrained_hint_weights, "--out", out, option, value) == 2
        assert said in capsys.readouterr().err
        assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before
        assert sorted(os.listdir(tmp_path)) == ["shipped"]  # no staging folder left beside it


def test_region_decoding_is_recorded(untrained_hint_weights, tmp_path):
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "r", "--regions", "150") == 0
    assert load_weights(str(tmp_path / "r")).config["regions"] == 150


@pytest.mark.slow
def test_export_never_deletes_a_folder_it_did_not_write(untrained_hint_weights, tmp_path):
    shutil.copytree(untrained_hint_weights, tmp_path / "run")
    keep = tmp_path / "photos"
    keep.mkdir()
    (keep / "holiday.jpg").write_bytes(b"precious")
    for out in (keep, tmp_path / "run", tmp_path):  # another folder's files, its own input, a folder holding it
        assert run_subcommand(export, "--run", tmp_path / "run", "--out", out) == 2
    assert (keep / "holiday.jpg").read_bytes() == b"precious" and (tmp_path / "run" / WEIGHTS_FILE).exists()
    assert run_subcommand(export, "--run", tmp_path / "run", "--out", tmp_path / "x") == 0
    assert run_subcommand(export, "--run", tmp_path / "run", "--out", tmp_path / "x") == 0  # an earlier export


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


@pytest.mark.slow
def test_a_variance_past_float16_stays_finite_in_the_export(untrained_hint_weights, tmp_path):
    large = with_variance(untrained_hint_weights, 1e5, tmp_path / "large")
    assert run_subcommand(export, "--run", large, "--out", tmp_path / "shipped") == 0
    compact, original = load_weights(str(tmp_path / "shipped")), load_weights(large)
    assert np.isfinite(keras.ops.convert_to_numpy(first_batch_norm(compact.model).moving_variance)).all()
    x = [np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32),
         np.zeros((1, 64, 64, 3), np.float32), np.zeros((1, 261), np.float32)]
    np.testing.assert_allclose(compact.model.predict_on_batch(x), original.model.predict_on_batch(x), atol=0.01)


def test_weights_with_infinite_statistics_are_refused(untrained_hint_weights, tmp_path):
    broken = with_variance(untrained_hint_weights, np.inf, tmp_path / "broken")
    with pytest.raises(WeightsError, match="infinite or NaN.*train export"):
        load_weights(broken)
