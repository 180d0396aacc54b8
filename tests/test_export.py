import os

import numpy as np

from colorize import load_weights
from colorize.weights import WEIGHTS_FILE
from tests.subcommand import run_subcommand
from train import export


def test_float16_export_is_half_the_size_and_predicts_the_same(untrained_hint_weights, tmp_path):
    out = tmp_path / "shipped"
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", out) == 0
    untrained_weights = untrained_hint_weights
    original, compact = load_weights(untrained_weights), load_weights(str(out))
    assert compact.config["storage"] == "float16"
    size = os.path.getsize(out / WEIGHTS_FILE) / os.path.getsize(os.path.join(untrained_weights, WEIGHTS_FILE))
    assert 0.45 < size < 0.55
    assert all(w.dtype == "float32" for w in compact.model.weights)
    x = [np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32),
         np.zeros((1, 64, 64, 3), np.float32), np.zeros((1, 261), np.float32)]
    np.testing.assert_allclose(compact.model.predict_on_batch(x), original.model.predict_on_batch(x), atol=0.01)


def test_a_tuned_temperature_is_recorded_for_a_bins_head_and_refused_for_regression(untrained_hint_weights,
                                                                                    untrained_weights, tmp_path):
    assert run_subcommand(export, "--run", untrained_hint_weights, "--out", tmp_path / "t", "--temperature", "0.5") == 0
    assert load_weights(str(tmp_path / "t")).config["temperature"] == 0.5
    assert run_subcommand(export, "--run", untrained_weights, "--out", tmp_path / "x", "--temperature", "0.5") == 2
    assert not (tmp_path / "x").exists()
