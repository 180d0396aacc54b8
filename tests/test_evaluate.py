"""Evaluation: the metrics on cases with known answers, and `python -m train evaluate` on tiny photos."""
import json
import os

import numpy as np
import pytest
from PIL import Image

from colorize.lab import convert_lab, gray_rgb
from colorize.pipeline import Colorizer
from colorize.weights import BEST_SUBFOLDER, CONFIG_FILE, WEIGHTS_FILE
from tests.subcommand import run_subcommand
from train import evaluate
from train.metrics import ab_auc, colorfulness, compare, summarize
from train.splits import is_validation

METRICS = {"psnr", "ssim", "ciede2000", "ab_auc", "colorfulness_ratio", "hue_spread_ratio", "splotch_share",
           "paper_chroma"}


def colour_photo(seed, size=(40, 48)):
    """A smooth, colourful picture: random colours at the corners, blended across."""
    corners = np.random.default_rng(seed).uniform(0, 255, (2, 2, 3))
    y, x = np.linspace(0, 1, size[0])[:, None, None], np.linspace(0, 1, size[1])[None, :, None]
    top, bottom = corners[0, 0] * (1 - x) + corners[0, 1] * x, corners[1, 0] * (1 - x) + corners[1, 1] * x
    return np.round(top * (1 - y) + bottom * y).astype(np.uint8)


def test_a_perfect_prediction_scores_perfectly():
    truth = colour_photo(0)
    result = summarize([compare(truth, truth)])
    assert result["psnr"] > 100 and result["ssim"] == pytest.approx(1.0)
    assert result["ciede2000"] == pytest.approx(0.0, abs=1e-6)
    assert result["colorfulness_ratio"] == pytest.approx(1.0) and result["ab_auc"] == pytest.approx(1.0)


def test_the_gray_prediction_has_no_colour():
    truth = colour_photo(1)
    result = summarize([compare(truth, gray_rgb(convert_lab(truth)[0]))])
    assert result["colorfulness_ratio"] < 0.01
    assert 0 < result["ab_auc"] < 1 and result["ciede2000"] > 1
    assert result["ssim"] < 1 and np.isfinite(result["psnr"])


def test_the_hue_spread_is_zero_for_a_one_hue_wash_and_counts_hues_far_from_the_mean():
    from train.metrics import hue_spread

    wash = np.zeros((10, 10, 3))
    wash[..., 0], wash[..., 1], wash[..., 2] = 60, np.linspace(5, 40, 10), 30  # one warm hue, stronger and weaker
    assert hue_spread(wash) == 0.0
    two = np.zeros((10, 10, 3))
    two[..., 0] = 60
    two[:, :3, 1:] = (40, 40)  # 30 % warm
    two[:, 3:, 1:] = (-40, -40)  # 70 % blue-green, the opposite hue
    assert hue_spread(two) == pytest.approx(0.3)  # the warm pixels are 180 degrees from the (mostly blue) mean
    assert hue_spread(np.zeros((4, 4, 3))) == 0.0


def test_the_splotch_share_counts_pixels_far_off_and_gray_is_the_saturated_share():
    truth = np.zeros((8, 8, 3), np.uint8)
    truth[:, :2] = (220, 30, 30)  # a quarter strongly red, the rest black
    gray = np.zeros_like(truth)
    assert compare(truth, gray)["splotch_share"] == pytest.approx(0.25)
    assert compare(truth, truth)["splotch_share"] == 0
    green = truth.copy()
    green[:, :2] = (30, 200, 30)  # the red quarter turned green: confidently wrong
    assert compare(truth, green)["splotch_share"] == pytest.approx(0.25)


def test_the_auc_of_a_known_error():
    truth_ab = np.tile([30.0, 40.0], (8, 8, 1))  # every pixel 50 ab units from gray
    assert ab_auc(truth_ab, np.zeros_like(truth_ab)) == pytest.approx(100 / 150, abs=0.01)


def test_colorfulness_of_known_images():
    assert colorfulness(np.full((4, 4, 3), 128, np.uint8)) == 0
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 0] = 255
    assert colorfulness(red) == pytest.approx(0.3 * np.hypot(255, 127.5))


@pytest.fixture
def photos(tmp_path):
    """Four colour photos, one gray photo and one file that is no image."""
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    for i in range(4):
        Image.fromarray(colour_photo(i)).save(folder / ("sub" if i % 2 else ".") / f"photo{i}.png")
    Image.fromarray(np.full((40, 48), 90, np.uint8)).save(folder / "gray.png")
    (folder / "broken.jpg").write_text("not a jpeg")
    return folder


@pytest.fixture
def run_dir(untrained_weights, tmp_path):
    """A training run folder: best/ and the run.json that fit writes."""
    run = tmp_path / "run"
    (run / BEST_SUBFOLDER).mkdir(parents=True)
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        os.link(os.path.join(untrained_weights, name), run / BEST_SUBFOLDER / name)
    (run / "run.json").write_text(json.dumps({"val_share": 0.5}))
    return run


def evaluate_cli(*argv):
    return run_subcommand(evaluate, *argv)


def test_evaluate_writes_metrics_for_model_and_gray(run_dir, photos, capsys):
    assert evaluate_cli("--weights", run_dir, "--data", photos) == 0
    report = json.loads((run_dir / "metrics.json").read_text())
    assert str(run_dir) in report["weights"] and report["architecture"] == "unet"
    result = report["datasets"]["photos"]
    assert result["images"] == 4 and result["skipped"] == {"unreadable": 1, "colorless": 1}
    assert set(result["model"]) == set(result["gray"]) == METRICS
    assert result["gray"]["colorfulness_ratio"] < 0.01
    table = capsys.readouterr().out
    assert "model" in table and "gray" in table and "AuC" in table


def test_evaluate_limit_split_and_default_output(run_dir, photos, tmp_path, monkeypatch, colorizer):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Colorizer, "from_weights", lambda *args: colorizer)  # loaded once per session
    assert evaluate_cli("--weights", run_dir / BEST_SUBFOLDER, "--data", photos, photos, "--limit", 2) == 0
    report = json.loads((tmp_path / "metrics.json").read_text())  # not a run folder: ./metrics.json
    assert [r["images"] + sum(r["skipped"].values()) for r in report["datasets"].values()] == [2, 2, 4]
    assert list(report["datasets"]) == ["photos", "photos-2", "overall"]
    both = report["datasets"]
    assert both["overall"]["model"]["psnr"] == pytest.approx((both["photos"]["model"]["psnr"] * both["photos"]["images"]
                                                              + both["photos-2"]["model"]["psnr"]
                                                              * both["photos-2"]["images"]) / both["overall"]["images"])

    held_out = [p for p in photos.rglob("photo*.png") if is_validation(str(p), 0.5)]
    assert evaluate_cli("--weights", run_dir, "--data", photos, "--split", "val", "--out", tmp_path / "val.json") == 0
    assert json.loads((tmp_path / "val.json").read_text())["datasets"]["photos"]["images"] == len(held_out)
    # weights that are not a run folder: the split fit makes with --val-share
    assert evaluate_cli("--weights", run_dir / BEST_SUBFOLDER, "--data", photos, "--split", "val", "--val-share", 0.5,
                        "--out", tmp_path / "val2.json") == 0
    assert json.loads((tmp_path / "val2.json").read_text())["datasets"]["photos"]["images"] == len(held_out)


def test_evaluate_refuses_what_it_cannot_do(run_dir, photos, tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        evaluate_cli("--weights", run_dir / BEST_SUBFOLDER, "--data", photos, "--split", "val", "--val-share", 1.5)
    assert refused.value.code == 2 and "argument --val-share: must be a number in (0, 1)" in capsys.readouterr().err
    assert evaluate_cli("--weights", run_dir, "--data", photos, "--mute", -2) == 2  # refused before any photo
    assert evaluate_cli("--weights", tmp_path / "nowhere", "--data", photos) == 2
    assert evaluate_cli("--weights", run_dir, "--data", tmp_path / "no-photos-here") == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("evaluate: ") for line in errors)
    assert errors[0] == "evaluate: --mute is -2.0; it must be a number from 0 to 100"
