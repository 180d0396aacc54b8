import json
import os

import numpy as np
import pytest

from colorize import Colorizer, WeightsError, load_weights
from colorize.cli import main
from colorize.model import build_model
from colorize.weights import CONFIG_FILE, WEIGHTS_FILE, model_config, save_weights


def test_round_trip_gives_the_same_predictions(tmp_path):
    model = build_model("seed", "none", "regression")
    config = save_weights(model, model_config("seed", input_size=224, loss="mse"), str(tmp_path))
    assert config["weights_sha256"] and config["loss"] == "mse"
    loaded = load_weights(str(tmp_path))
    x = np.random.default_rng(0).uniform(0, 100, (1, 64, 64, 1)).astype(np.float32)
    np.testing.assert_allclose(loaded.model.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)
    assert loaded.config["architecture"] == "seed" and "local weights" in loaded.source


def test_a_run_folder_and_a_file_in_it_are_weights(untrained_weights, tmp_path):
    run = tmp_path / "run"
    os.makedirs(run / "best")
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        os.link(os.path.join(untrained_weights, name), run / "best" / name)
    assert Colorizer.from_weights(str(run)).input_size == 64  # the untrained weights see 64 x 64
    assert Colorizer.from_weights(str(run / "best" / WEIGHTS_FILE)).config["architecture"] == "unet"


def test_altered_weights_are_refused(untrained_weights, tmp_path):
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        with open(os.path.join(untrained_weights, name), "rb") as src, open(tmp_path / name, "wb") as dst:
            dst.write(src.read())
    with open(tmp_path / WEIGHTS_FILE, "r+b") as f:
        f.seek(-100, os.SEEK_END)
        f.write(b"\0" * 100)
    with pytest.raises(WeightsError, match="does not match the hash"):
        load_weights(str(tmp_path))


def test_not_a_config(tmp_path):
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"hello": 1}))
    with pytest.raises(WeightsError, match="not a colorize config"):
        load_weights(str(tmp_path))


def test_conflicting_arguments():
    with pytest.raises(WeightsError, match="not both"):
        load_weights("a", hub="b/c")
    with pytest.raises(WeightsError, match="revision needs"):
        load_weights(revision="abc")


def weights_with(untrained_weights, folder, **changes):
    """A weights folder: the untrained unet's weights file and its config with `changes` made."""
    with open(os.path.join(untrained_weights, CONFIG_FILE)) as f:
        config = {**json.load(f), **changes}
    os.makedirs(folder)
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    os.link(os.path.join(untrained_weights, WEIGHTS_FILE), folder / WEIGHTS_FILE)
    return str(folder)


WRONG_VALUES = [("input_size", 0), ("input_size", "abc"), ("input_size", 37), ("input_size", 1e9),
                ("input_size", True), ("temperature", 0), ("temperature", float("nan")), ("temperature", 1e-300),
                ("architecture", "vit"),
                ("head", "softmax"), ("hints", "yes"), ("undo_rebalancing", 1.5), ("format", "colorize-weights-9")]


@pytest.mark.parametrize("field, value", WRONG_VALUES)
def test_each_wrong_config_value_is_refused_by_name(untrained_weights, tmp_path, capsys, field, value):
    folder = weights_with(untrained_weights, tmp_path / "weights", **{field: value})
    with pytest.raises(WeightsError, match=rf"{field} is .*; it must be"):
        load_weights(folder)
    assert main(["photo.jpg", "-o", str(tmp_path / "out"), "--weights", folder]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("colorize: ") and f"{field} is" in line


def test_a_config_that_is_not_an_object_is_refused(tmp_path):
    (tmp_path / CONFIG_FILE).write_text("[1, 2]")
    with pytest.raises(WeightsError, match="not a colorize config"):
        load_weights(str(tmp_path))
    (tmp_path / CONFIG_FILE).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(WeightsError, match="nested too deep"):
        load_weights(str(tmp_path))
