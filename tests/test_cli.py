"""The command line, run as a user runs it (a real subprocess, real files), and in process where that is enough."""
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from colorize.cli import main
from colorize.files_batch import output_paths
from tests.images import gradient_rgb


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "colorize", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_good_and_broken_inputs(untrained_weights, tmp_path):
    good = tmp_path / "photo one.jpg"
    Image.fromarray(gradient_rgb(120, 80)).convert("L").save(good)
    other = tmp_path / "sub" / "photo one.png"
    other.parent.mkdir()
    Image.fromarray(gradient_rgb(50, 70)).save(other)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"GIF89a this is not really an image")
    missing = tmp_path / "missing.png"
    out = tmp_path / "out"
    result = run_cli(good, broken, other, missing, "--output-dir", out, "--weights", untrained_weights,
                     "--kind", "photo")
    assert result.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["photo one-2.png", "photo one.png"]
    assert Image.open(out / "photo one.png").size == (120, 80)
    assert Image.open(out / "photo one-2.png").size == (50, 70)
    errors = [line for line in result.stderr.splitlines() if line.startswith("colorize: ")]
    assert len(errors) == 2 and "broken.jpg" in errors[0] and "missing.png" in errors[1]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_all_good_exits_zero(untrained_weights, tmp_path):
    path = tmp_path / "a.webp"
    Image.fromarray(gradient_rgb()).save(path)
    result = run_cli(path, "-o", tmp_path / "out", "--weights", untrained_weights, "--saturation", "0",
                     "--kind", "photo")
    assert result.returncode == 0, result.stderr
    output = np.asarray(Image.open(tmp_path / "out" / "a.png"))
    assert output.shape == (64, 96, 3) and np.ptp(output.astype(int), axis=-1).max() <= 1  # saturation 0: gray


@pytest.mark.slow
def test_wrong_arguments_and_weights(tmp_path):
    assert run_cli("x.jpg").returncode == 2  # no --output-dir
    assert "--revision needs --hub" in run_cli("x.jpg", "-o", tmp_path, "--revision", "abc").stderr
    result = run_cli("x.jpg", "-o", tmp_path, "--weights", tmp_path / "none-here")
    assert result.returncode == 2 and "no weights at" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3"])
def test_a_pixel_limit_that_is_no_number_is_refused(value, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["in.png", "-o", "out", "--max-megapixels", value])
    assert stop.value.code == 2 and "--max-megapixels must be a positive number" in capsys.readouterr().err


def test_help_explains_everything():
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--output-dir", "--weights", "--hub", "--revision", "--saturation", "Exit status"):
        assert option in result.stdout


def test_output_names_are_unique_against_the_names_given():
    names = [os.path.basename(p) for p in output_paths(["a.jpg", "x/a.png", "a-2.jpg", "A.tif"], "out")]
    assert names == ["a.png", "a-2.png", "a-2-2.png", "A-3.png"]  # A.png and a.png are one file on some disks


def test_an_input_in_the_output_folder_is_never_replaced(untrained_weights, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    inside, beside = out / "a.png", tmp_path / "a.jpg"
    Image.fromarray(gradient_rgb(40, 30)).save(inside)
    Image.fromarray(gradient_rgb(20, 10)).save(beside)
    before = inside.read_bytes()
    assert main([str(inside), str(beside), "-o", str(out), "--weights", untrained_weights]) == 0
    assert inside.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["a-2.png", "a-3.png", "a.png"]
    assert Image.open(out / "a-2.png").size == (40, 30) and Image.open(out / "a-3.png").size == (20, 10)


EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples")


@pytest.mark.slow
def test_kind_chooses_the_model_and_a_wrong_kind_is_refused(untrained_weights, tmp_path):
    line_art = os.path.join(EXAMPLES, "chibi.png")
    # the given weights are a photo model: a drawing still goes to the shipped drawing weights
    assert main([line_art, "--output-dir", str(tmp_path), "--weights", untrained_weights, "--kind", "drawing",
                 "--screentone", "smooth"]) == 0
    assert Image.open(tmp_path / "chibi.png").size == Image.open(line_art).size
    with pytest.raises(SystemExit) as refused:
        main([line_art, "--output-dir", str(tmp_path), "--kind", "comic"])
    assert refused.value.code == 2


def help_of(module, *argv, heavy=("tensorflow", "keras")):
    """`python -m module *argv --help` run afresh: (what it printed, whether it imported any of `heavy`)."""
    code = (f"import runpy, sys\nsys.argv = [{module!r}, *{list(argv)!r}, '--help']\ntry:\n"
            f"    runpy.run_module({module!r}, run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print('loaded:', any(m in sys.modules for m in {heavy!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return done.stdout, "loaded: False" not in done.stdout


def test_help_starts_without_importing_tensorflow():
    printed, loaded = help_of("colorize")
    assert "--kind" in printed and not loaded


def test_archive_help_starts_without_tensorflow_or_ray():
    printed, loaded = help_of("colorize.archive", heavy=("tensorflow", "keras", "ray"))
    assert "--address" in printed and not loaded


def test_archive_without_ray_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    from colorize import archive

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the archive extra were not installed
    assert archive.main([str(tmp_path), "--output-dir", str(tmp_path / "out")]) == 2
    assert "pip install -r requirements-archive.txt" in capsys.readouterr().err


@pytest.mark.parametrize("command, option", [("fit", "--train-blocks"), ("evaluate", "--undo-rebalancing"),
                                             ("export", "--mute"), ("kinds", "--pages"), ("push", "--repo"),
                                             ("samples", "--no-truth"), ("pack", "--out")])
def test_every_train_command_helps_without_tensorflow(command, option):
    printed, loaded = help_of("train", command)
    assert option in printed and not loaded
