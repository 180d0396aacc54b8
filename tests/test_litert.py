"""The model call through the converted network, what precision="auto" picks: LiteRT on CPUs without bfloat16
units, OpenVINO (bfloat16 there) on CPUs with them: TensorFlow's float32 colours within half a Delta E,
converted once and then read from the cache. (The drawing model's panels go the same way: `bench.page_speed`
times them.)"""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

from colorize import Colorizer, litert
from colorize.fast_model import cpu_has_bfloat16, resolve_precision
from tests.subcommand import ctrl_c_as_in_a_terminal

pytestmark = pytest.mark.slow  # each model is converted once (about 5 s)

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples")


@pytest.fixture
def litert_on(tmp_path, monkeypatch):
    pytest.importorskip("ai_edge_litert")
    monkeypatch.setenv("COLORIZE_LITERT", "1")
    monkeypatch.setenv("COLORIZE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_auto_picks_openvino_where_the_cpu_has_bfloat16_litert_elsewhere_and_they_can_be_turned_off(
        litert_on, monkeypatch):
    pytest.importorskip("openvino")
    assert resolve_precision("auto") == ("openvino" if cpu_has_bfloat16() else "litert")
    monkeypatch.setenv("COLORIZE_LITERT", "0")
    assert resolve_precision("auto") in ("bfloat16", "float32") and not litert.wanted()


def mean_delta_e(rgb, expected_rgb):
    return float(deltaE_ciede2000(rgb2lab(rgb), rgb2lab(expected_rgb)).mean())


@pytest.mark.parametrize("runtime", litert.RUNTIMES)
def test_the_converted_model_gives_tensorflows_colours_is_converted_once_and_read_from_the_cache(
        litert_on, monkeypatch, runtime):
    pytest.importorskip(runtime if runtime == "openvino" else "ai_edge_litert")
    names = ("harbour.jpg", "astronaut.jpg", "castle.jpg")  # photos at the model's input size (224) use it
    reference = Colorizer.from_weights(precision="float32")
    fast = Colorizer.from_weights(precision=runtime)
    first = fast.colorize(os.path.join(EXAMPLES, names[0]))  # TensorFlow answers while the converted model is made
    if runtime == "litert":  # in float32 (OpenVINO's stand-in is TensorFlow's bfloat16 where the CPU has it)
        np.testing.assert_array_equal(first.rgb, reference.colorize(os.path.join(EXAMPLES, names[0])).rgb)
    assert fast.fast_path_ready(timeout=120), "the converted model was not ready in time"
    assert len(list(litert_on.glob("*.tflite"))) == 1, "one converted model, cached"
    for name in names:
        expected = reference.colorize(os.path.join(EXAMPLES, name)).rgb
        assert mean_delta_e(fast.colorize(os.path.join(EXAMPLES, name)).rgb, expected) < 0.5, name

    with monkeypatch.context() as patched:
        patched.setattr(litert, "converted", lambda *args: pytest.fail("converted again instead of read"))
        again = Colorizer.from_weights(precision=runtime)
        again.predict(np.zeros((1, again.input_size, again.input_size), np.float32))
        assert again.fast_path_ready(timeout=30), "the cached model is read"
    if runtime == "litert":  # what follows is the same for both
        cached = next(litert_on.glob("*.tflite"))
        cached.write_bytes(b"half a file")  # damaged: made again, and used
        mended = Colorizer.from_weights(precision=runtime)
        mended.predict(np.zeros((1, mended.input_size, mended.input_size), np.float32))
        assert mended.fast_path_ready(timeout=120) and cached.stat().st_size > 1000


WATCHED_CLI = """
import runpy, sys
try:
    runpy.run_module("colorize", run_name="__main__", alter_sys=True)
finally:
    print("TensorFlow imported:", "tensorflow" in sys.modules)
"""


def test_a_script_ending_as_the_fast_models_are_made_leaves_them_cached_and_the_cli_then_starts_without_tensorflow(
        litert_on, tmp_path):
    root = os.path.join(os.path.dirname(__file__), os.pardir)
    photo, drawing = os.path.join(EXAMPLES, "harbour.jpg"), os.path.join(EXAMPLES, "chibi.png")
    script = (f"from colorize import AutoColorizer; auto = AutoColorizer(); auto.colorize({photo!r}); "
              f"auto.colorize({drawing!r})")  # each model converted after its first picture: the photo's at 224,
    # the drawing's at the side its model sees this 640 px drawing at (320) and at 224, where its shading
    # detector looks
    ended = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300)
    assert ended.returncode == 0 and ended.stderr == "", ended.stderr  # not "terminate called ...", nor a warning
    assert len(list(litert_on.glob("*.tflite"))) == 3, "all finished at the exit, for the next process"

    later = subprocess.run([sys.executable, "-c", WATCHED_CLI, photo, drawing, "-o", str(tmp_path)], cwd=root,
                           capture_output=True, text=True, timeout=300)
    assert later.returncode == 0, later.stderr
    assert "TensorFlow imported: False" in later.stdout, "a photo and a drawing by `--kind auto`, cached models alone"
    said = [line for line in later.stderr.splitlines() if line.strip() and not line.startswith("colorizing")]
    assert said == [], "nothing but the progress bar, not even LiteRT's notice of its delegate"
    by_tensorflow = Colorizer.from_weights(precision="float32").colorize(photo).rgb
    by_converted = np.asarray(Image.open(tmp_path / "harbour.png").convert("RGB"))
    assert mean_delta_e(by_converted, by_tensorflow) < 0.5, "colours within half a Delta E of TensorFlow's"
    assert (tmp_path / "chibi.png").is_file()


def test_the_cache_keeps_the_most_recently_used_converted_models(litert_on):
    litert_on.mkdir()
    for age in range(litert.KEPT + 2):  # age 0 the newest
        model = litert_on / f"{age}.tflite"
        model.write_bytes(b"converted")
        with open(litert.check_record(str(model)), "w") as record:
            record.write("{}")
        os.utime(model, (1e9 - age, 1e9 - age))
    litert.forget_unused()
    assert sorted(int(p.stem) for p in litert_on.glob("*.tflite")) == list(range(litert.KEPT))
    assert sorted(p.stem for p in litert_on.glob("*.json")) == sorted(p.stem for p in litert_on.glob("*.tflite"))


def test_a_ctrl_c_while_the_cli_makes_the_fast_model_is_one_line(litert_on, tmp_path):
    cli = subprocess.Popen([sys.executable, "-m", "colorize", os.path.join(EXAMPLES, "harbour.jpg"), "-o",
                            str(tmp_path)], cwd=os.path.join(os.path.dirname(__file__), os.pardir),
                           stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_as_in_a_terminal)
    try:
        assert "making the fast model for later runs" in cli.stderr.readline()  # said while the CLI waits for it
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=60) == 130
        assert cli.stderr.read() == "colorize: interrupted\n"  # not "terminate called ... FATAL"
    finally:
        cli.kill()
    assert (tmp_path / "harbour.png").is_file(), "the photo written before stays"
