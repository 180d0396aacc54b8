"""`python -m train fit` on tiny photos the test makes: both architectures, resume after SIGKILL."""
import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from colorize import Colorizer
from tests.subcommand import ctrl_c_as_in_a_terminal, run_subcommand
from train import export as train_export
from train import fit as train_fit
from train.data import SEEN_SCALES, random_crop
from train.splits import is_validation, split

pytestmark = pytest.mark.slow  # each test trains

FAST = ["--crop-size", "32", "--image-size", "64", "--batch-size", "4", "--val-share", "0.25",
        "--precision", "float32", "--samples", "0", "--learning-rate", "1e-3"]  # no samples sheet: a trace less
SHEET = ["--samples", "2"]  # where a test looks at the sheet


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """Twelve small colour photos, one gray photo and one corrupt file."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for i in range(12):
        corners = rng.integers(0, 256, (2, 2, 3), dtype=np.uint8)
        Image.fromarray(corners).resize((48, 40), Image.BILINEAR).save(folder / f"p{i}.png")
    Image.new("RGB", (48, 40), (90, 90, 90)).save(folder / "gray.png")
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    return str(folder)


def fit_in_process(*args):
    """The same command line, run in this process (no second TensorFlow start-up)."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert run_subcommand(train_fit, *args, "--verbose", "0") == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def first_run(photos, tmp_path_factory):
    """One epoch of the default network (unet, bins) from scratch, and what fit printed: the run several tests
    inspect or start from (made once: each fit costs a model build and a trace)."""
    folder = tmp_path_factory.mktemp("first") / "run"
    printed = fit_in_process("--data", photos, "--out", folder, "--encoder", "none", "--epochs", "1", *FAST, *SHEET)
    return folder, printed


def test_a_fit_in_process_leaves_the_callers_precision_as_it_was(photos, tmp_path):
    import keras

    before = keras.mixed_precision.global_policy().name
    fit_in_process("--data", photos, "--out", tmp_path / "run", "--encoder", "none", "--epochs", "1", *FAST,
                   "--precision", "mixed_bfloat16")
    assert keras.mixed_precision.global_policy().name == before, "a model built next would compute in bfloat16"


def test_split_is_deterministic_by_file_name(photos):
    first, again = split([photos], 0.25), split([photos], 0.25)
    assert first == again
    assert first["skipped"] == {"unreadable": 1, "colorless": 1}
    assert len(first["train"]) + len(first["val"]) == 12
    assert all(is_validation(p, 0.25) for p in first["val"])
    assert is_validation("/a/x.png", 0.5) == is_validation("/b/x.png", 0.5)


def test_inference_scale_crops_span_the_photo_as_the_model_sees_it():
    """A 480 px wide photo is colorized squeezed to the model's 64 px: --crop-scale inference crops it at that
    scale (a 32 px crop spans 40-60 % of its width), the photo scale at its own (under 8 %)."""
    width = 480
    photo = np.zeros((240, width, 3), np.uint8)
    photo[..., 0] = np.linspace(0, 255, width).round().astype(np.uint8)  # red tells the column
    for seed in range(5):
        seen = random_crop(photo, 32, np.random.default_rng(seed), view=64)[..., 0].astype(int)
        own = random_crop(photo, 32, np.random.default_rng(seed))[..., 0].astype(int)
        assert seen.shape == own.shape == (32, 32)
        assert 255 * 32 / (64 * SEEN_SCALES[1]) - 8 <= np.ptp(seen) <= 255 * 32 / (64 * SEEN_SCALES[0]) + 8
        assert np.ptp(own) <= 255 * 32 / width / 0.9 + 2


def assert_usable_run(folder, printed, architecture, photos):
    assert "skipped 1 unreadable, 1 colorless" in printed
    for name in ("log.csv", "learning_curves.png", "samples.png", "best/config.json", "checkpoints/latest"):
        assert (folder / name).exists(), name
    colorizer = Colorizer.from_weights(str(folder))
    assert colorizer.config["architecture"] == architecture and colorizer.input_size == 64
    assert colorizer.colorize(os.path.join(photos, "p0.png")).rgb.shape == (40, 48, 3)


def test_one_epoch_makes_a_usable_run(first_run, photos):
    assert_usable_run(*first_run, "unet", photos)


def test_one_epoch_of_the_reports_network_makes_a_usable_run(photos, tmp_path):
    folder = tmp_path / "run"
    printed = fit_in_process("--data", photos, "--out", folder, "--architecture", "seed", "--loss", "mse",
                             "--encoder", "none", "--epochs", "1", *FAST, *SHEET)
    assert_usable_run(folder, printed, "seed", photos)


def val_losses(run):
    with open(run / "log.csv") as f:
        return [float(row["val_loss"]) for row in csv.DictReader(f)]


def test_killed_fit_resumes_where_an_uninterrupted_one_ends(photos, tmp_path):
    args = ["--data", photos, "--architecture", "unet", "--loss", "mse", "--encoder", "none", "--epochs", "2", *FAST]
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    process = subprocess.Popen([sys.executable, "-m", "train", "fit", *map(str, args), "--out", str(killed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latest = killed / "checkpoints" / "latest"

    def kill_after_the_first_epoch():
        deadline = time.time() + 240
        while not latest.exists() and time.time() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_after_the_first_epoch)
    killer.start()  # the uninterrupted run is made meanwhile, in this process
    fit_in_process(*args, "--out", whole)
    killer.join()
    process.wait()
    assert latest.exists(), "the first epoch never finished"
    with pytest.raises(SystemExit, match="already holds a run"):
        fit_in_process(*args, "--out", killed)
    fit_in_process("--out", killed, "--resume")
    np.testing.assert_allclose(val_losses(killed)[-1], val_losses(whole)[-1], rtol=1e-3)
    assert len(val_losses(killed)) == 2


def test_resume_needs_a_run(tmp_path):
    with pytest.raises(SystemExit, match="nothing to resume"):
        fit_in_process("--out", tmp_path / "empty", "--resume")


def test_resume_without_a_usable_checkpoint_changes_nothing(first_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(first_run[0], run, symlinks=True)
    kept = ["run.json", "log.csv", "best/config.json", "best/model.weights.h5"]
    before = {name: (run / name).read_bytes() for name in kept}
    with open(run / "checkpoints" / "epoch-0001" / "optimizer.npz", "r+b") as f:
        f.seek(100)
        f.write(b"damaged")
    for removed in (False, True):  # a damaged checkpoint, then none at all
        if removed:
            shutil.rmtree(run / "checkpoints")
        with pytest.raises(SystemExit, match="has no usable checkpoint to resume from; nothing was changed"):
            fit_in_process("--out", run, "--resume", "--epochs", "2")
        assert {name: (run / name).read_bytes() for name in kept} == before


def test_a_damaged_log_and_latest_pointer_do_not_stop_a_resume(first_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(first_run[0], run, symlinks=True)
    (run / "log.csv").write_text("garbage,\x00\n")
    (run / "checkpoints" / "latest").write_text("../../elsewhere")  # must not hide the intact checkpoint beside it
    fit_in_process("--out", run, "--resume", "--epochs", "2")
    rows = list(csv.DictReader(open(run / "log.csv")))
    assert [row["epoch"] for row in rows] == ["1"]  # the damaged log started anew
    assert (run / "checkpoints" / "epoch-0002").is_dir()
    err = capsys.readouterr().err
    assert "log.csv is damaged" in err and "not a checkpoint of this run" in err


def test_init_starts_from_the_given_weights(photos, first_run, tmp_path):
    args = ["--data", photos, "--architecture", "unet", "--loss", "bins", "--epochs", "1", *FAST]
    first = first_run[0]
    still = tmp_path / "still"  # learning rate 0: the fine-tuned run must keep the weights it started from
    printed = fit_in_process(*args, "--out", still, "--init", first, "--learning-rate", "0", "--no-freeze-encoder")
    assert f"starting from the weights in {first / 'best'}" in printed
    before, after = Colorizer.from_weights(str(first)), Colorizer.from_weights(str(still))
    for a, b in zip(before.model.trainable_weights, after.model.trainable_weights):  # batch norm's statistics move
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert after.config["init"] == str(first)
    exported = tmp_path / "exported"  # half the rebalancing undone, as in shipped weights: put back for training
    assert run_subcommand(train_export, "--run", first, "--out", exported, "--undo-rebalancing", "0.5") == 0
    again = tmp_path / "again"
    printed = fit_in_process(*args, "--out", again, "--init", exported, "--learning-rate", "0", "--no-freeze-encoder")
    assert "had 0.5 of the class rebalancing undone (train export); put back for training" in printed
    bias = [c.model.get_layer("ab_logits").get_weights()[1] for c in (before, Colorizer.from_weights(str(again)))]
    np.testing.assert_allclose(bias[1], bias[0], atol=0.01)  # float16 storage in between
    with pytest.raises(SystemExit, match="holds a unet model with a bins head"):
        fit_in_process("--data", photos, "--out", tmp_path / "other", "--architecture", "seed", "--loss", "mse",
                       "--init", first, "--epochs", "1", *FAST)
    with pytest.raises(SystemExit, match="fit: --init: no weights at .*nowhere: it does not exist"):
        fit_in_process(*args, "--out", tmp_path / "typo", "--init", tmp_path / "nowhere")
    with pytest.raises(SystemExit, match="fit: unknown encoder 'vgg'"):
        fit_in_process("--data", photos, "--out", tmp_path / "encoder", "--encoder", "vgg", "--epochs", "1", *FAST)
    for refused in ("other", "typo", "encoder"):
        assert not (tmp_path / refused).exists()  # nothing half-made to resume


def test_a_weighted_mix_with_degraded_inputs_and_hints(photos, first_run, tmp_path):
    first = first_run[0]
    more = tmp_path / "more"
    more.mkdir()
    for i in range(3):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (40, 48, 3), dtype=np.uint8)).save(more / f"m{i}.png")
    mixed = tmp_path / "mixed"
    printed = fit_in_process("--data", f"{photos}=1", f"{more}=0.5", "--out", mixed, "--init", first, "--hints",
                             "--degrade", "0.5", "--epoch-photos", "8", "--val-photos", "2", "--epochs", "1",
                             "--crop-scale", "inference", *FAST)
    assert "adding hint inputs" in printed and re.search(r"more \d \(0.5\)", printed)
    config = Colorizer.from_weights(str(mixed)).config
    assert config["hints"] and config["data_weights"] == [1.0, 0.5] and config["degrade"] == 0.5
    assert config["val_photos"] == 2 and config["crop_scale"] == "inference"
    hinted = Colorizer.from_weights(str(mixed)).colorize(os.path.join(photos, "p0.png"), hints=[(3, 3, "#ff0000")])
    assert hinted.rgb.shape == (40, 48, 3)
    with pytest.raises(SystemExit, match="takes hints; add --hints"):
        fit_in_process("--data", photos, "--out", tmp_path / "nohints", "--init", mixed, "--epochs", "1", *FAST)


def test_pack_keeps_names_so_the_split_stays(photos, tmp_path, capsys):
    from train import pack

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert run_subcommand(pack, "--data", photos, "--out", tmp_path, "--parts", "2", "--quality", "60") == 0
    assert "13 photos" in printed.getvalue() and "1 unreadable skipped" in printed.getvalue()
    name = os.path.basename(photos)
    parts = [sorted(os.listdir(tmp_path / f"part{i}" / name)) for i in (1, 2)]
    assert sorted(len(p) for p in parts) == [6, 7]  # dealt in turn
    assert sorted(parts[0] + parts[1]) == sorted(f for f in os.listdir(photos) if f != "corrupt.jpg")
    assert Image.open(tmp_path / "part1" / name / parts[0][0]).format == "WEBP"
    small = tmp_path / "small"
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_subcommand(pack, "--data", photos, "--out", small, "--max-side", "20", "--limit", "5") == 0
    shrunk = sorted(os.listdir(small / name))
    assert len(shrunk) == 4 and set(shrunk) <= set(os.listdir(photos))  # 5 chosen, the corrupt file among them
    assert all(max(Image.open(small / name / f).size) <= 20 for f in shrunk)
    for wrong, message in ((["--data", tmp_path / "nowhere"], "no such data folder"), (["--quality", "0"], "--quality"),
                           (["--max-side", "0"], "--max-side"), (["--limit", "0"], "--limit: must be at least 1")):
        with pytest.raises(SystemExit) as refused:
            run_subcommand(pack, "--data", photos, "--out", tmp_path / "more", *wrong)
        assert message in f"{refused.value} {capsys.readouterr().err}"
    packed = split([str(tmp_path / "part1"), str(tmp_path / "part2")], 0.25)
    original = split([photos], 0.25)
    assert sorted(map(os.path.basename, packed["val"])) == sorted(map(os.path.basename, original["val"]))


def test_train_blocks_fine_tunes_only_the_last_encoder_blocks(photos, first_run, tmp_path):
    first = first_run[0]
    args = ["--data", photos, "--architecture", "unet", "--loss", "bins", "--epochs", "1", *FAST]
    tuned = tmp_path / "tuned"
    fit_in_process(*args, "--out", tuned, "--init", first, "--train-blocks", "1", "--learning-rate", "1e-2")
    before, after = (Colorizer.from_weights(str(run)).model.get_layer("vgg16_encoder") for run in (first, tuned))
    for layer in ("block4_conv3", "block5_conv1", "block5_conv3"):
        moved = not np.array_equal(before.get_layer(layer).kernel.numpy(), after.get_layer(layer).kernel.numpy())
        assert moved == layer.startswith("block5"), layer
    assert Colorizer.from_weights(str(tuned)).config["train_blocks"] == 1
    with pytest.raises(SystemExit, match="--train-blocks or --freeze-encoder, not both"):
        fit_in_process(*args, "--out", tmp_path / "both", "--train-blocks", "2", "--freeze-encoder")


def test_resume_refuses_a_run_written_by_an_older_fit_by_name(first_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(first_run[0], run, symlinks=True)
    settings = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({key: value for key, value in settings.items() if key != "crop_scale"}))
    with pytest.raises(SystemExit, match=r"written by an older fit \(no crop_scale\)"):
        fit_in_process("--out", run, "--resume", "--epochs", "2")


def test_a_new_run_that_cannot_start_leaves_nothing_that_blocks_the_corrected_command(photos, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(SystemExit, match="make no whole batch"):  # 12 photos, batches of 16
        fit_in_process("--data", photos, "--out", out, "--encoder", "none", "--epochs", "1", *FAST,
                       "--batch-size", "16")
    assert not out.exists()
    kept = tmp_path / "mine"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit, match="make no whole batch"):
        fit_in_process("--data", photos, "--out", kept, "--encoder", "none", "--epochs", "1", *FAST,
                       "--batch-size", "16")
    assert os.listdir(kept) == ["notes.txt"]  # what was there before stays; what the run made goes


@pytest.mark.parametrize("option, value", [("--batch-size", "0"), ("--image-size", "0"), ("--epochs", "-3"),
                                           ("--temperature", "0"), ("--learning-rate", "nan"), ("--val-share", "1")])
def test_numbers_out_of_range_are_refused_before_anything_starts(photos, tmp_path, capsys, option, value):
    with pytest.raises(SystemExit):
        fit_in_process("--data", photos, "--out", tmp_path / "run", option, value)
    assert f"argument {option}: must be" in capsys.readouterr().err and not (tmp_path / "run").exists()


def test_ctrl_c_in_fit_is_one_line_and_leaves_a_run_that_resumes_or_nothing(photos, tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "train", "fit", "--data", photos, "--out", str(out), "--encoder", "none",
               "--epochs", "200", *FAST, "--verbose", "0"]
    process = subprocess.Popen(command, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not (out / "run.json").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in err, err
    if out.exists():  # an epoch had ended: the run resumes from it
        assert "continue with: python -m train fit --out" in err and (out / "checkpoints").is_dir()
    else:
        assert "nothing was kept" in err
