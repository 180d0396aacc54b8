import os

import numpy as np

from colorize import load_weights
from colorize.weights import WEIGHTS_FILE
from tests.subcommand import run_subcommand
from train import export


def test_float16_export_is_half_the_size_and_predicts_the_same(untrained_weights, tmp_path):
    out = tmp_path / "shipped"
    assert run_subcommand(export, "--run", untrained_weights, "--out", out, "--temperature", "0.5") == 0
    original, compact = load_weights(untrained_weights), load_weights(str(out))
    assert compact.config["storage"] == "float16" and compact.config["temperature"] == 0.5
    size = os.path.getsize(out / WEIGHTS_FILE) / os.path.getsize(os.path.join(untrained_weights, WEIGHTS_FILE))
    assert 0.45 < size < 0.55
    assert all(w.dtype == "float32" for w in compact.model.weights)
    x = np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32)
    np.testing.assert_allclose(compact.model.predict_on_batch(x), original.model.predict_on_batch(x), atol=0.01)
