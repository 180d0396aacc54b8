import numpy as np

from colorize import load_weights
from colorize.model import build_model
from colorize.weights import model_config, save_weights
from tests.subcommand import run_subcommand
from train import blend


def _tripled(weights_folder, out):
    """The same network with every weight times 3: a stand-in for a fine-tuned descendant."""
    loaded = load_weights(weights_folder)
    loaded.model.set_weights([3.0 * w for w in loaded.model.get_weights()])
    save_weights(loaded.model, loaded.config, str(out))
    return loaded


def test_a_blend_lies_between_its_two_weights_layer_by_layer(untrained_hint_weights, tmp_path):
    _tripled(untrained_hint_weights, tmp_path / "second")
    assert run_subcommand(blend, "--weights", untrained_hint_weights, tmp_path / "second",
                          "--share", "0.25", "--out", tmp_path / "blend") == 0
    original, blended = load_weights(untrained_hint_weights), load_weights(str(tmp_path / "blend"))
    for a, b in zip(original.model.get_weights(), blended.model.get_weights()):
        np.testing.assert_allclose(b, 1.5 * a, rtol=1e-5, atol=1e-6)  # 0.75 x 1 + 0.25 x 3
    assert blended.config["blend"]["share"] == 0.25
    assert blended.config["hints"] is True


def test_layers_only_the_second_has_count_as_zero_in_the_first(tmp_path):
    save_weights(build_model("unet", "none", "bins"), model_config("unet", "bins", input_size=64), str(tmp_path / "plain"))
    save_weights(build_model("unet", "none", "bins", hints=True),
                 model_config("unet", "bins", input_size=64, hints=True), str(tmp_path / "hints"))
    hints = _tripled(str(tmp_path / "hints"), tmp_path / "hints3")
    assert run_subcommand(blend, "--weights", tmp_path / "plain", tmp_path / "hints3", "--share", "0.5",
                          "--out", tmp_path / "blend") == 0
    blended = load_weights(str(tmp_path / "blend")).model
    plain = load_weights(str(tmp_path / "plain")).model
    plain_names = {layer.name for layer in plain.layers}
    only_second = [layer for layer in hints.model.layers if layer.name not in plain_names and layer.get_weights()]
    assert only_second, "the hint network should add layers"
    for layer in only_second:
        for own, mixed in zip(layer.get_weights(), blended.get_layer(layer.name).get_weights()):
            np.testing.assert_allclose(mixed, 0.5 * own, rtol=1e-5, atol=1e-6)  # half of SECOND's, nothing from plain


def test_two_different_networks_or_a_share_outside_0_1_are_refused_and_write_nothing(untrained_weights,
                                                                                    untrained_hint_weights, tmp_path):
    assert run_subcommand(blend, "--weights", untrained_weights, untrained_hint_weights, "--share", "0.5",
                          "--out", tmp_path / "a") == 2  # regression head against bins head
    assert run_subcommand(blend, "--weights", untrained_hint_weights, untrained_hint_weights, "--share", "1.5",
                          "--out", tmp_path / "b") == 2
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
