"""`fit --devices N`: data parallel over two CPU devices under JAX (XLA's host device count), resumed as two
processes meeting as machines do, and loaded back under TensorFlow; the checks on --devices."""
import csv
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from colorize import Colorizer
from tests.test_fit import FAST, fit_in_process, photos  # noqa: F401  (photos: the fixture)

pytestmark = pytest.mark.slow  # two processes train together

pytest.importorskip("jax")

QUICK_COMPILE = "--xla_backend_optimization_level=0"  # a third less CPU a process; these runs are a few steps
TWO_CPUS = {"KERAS_BACKEND": "jax", "XLA_FLAGS": f"--xla_force_host_platform_device_count=2 {QUICK_COMPILE}",
            "JAX_PLATFORMS": "cpu"}
SMALL = ["--architecture", "unet", "--encoder", "none", *FAST, "--batch-size", "2", "--schedule", "constant"]


@pytest.fixture(autouse=True)
def shared_compilation_cache(tmp_path, monkeypatch):
    """The test's JAX processes share their compiled programs (the same network's initialisers and steps): each
    process after the first compiles less."""
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(tmp_path / "jax-cache"))
    monkeypatch.setenv("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")


def jax_env(**extra):
    return {**os.environ, **TWO_CPUS, **extra}


def start_jax_fit(*args):
    """`python -m train fit` under JAX with two CPU devices, started; `finished` waits for it."""
    return subprocess.Popen([sys.executable, "-m", "train", "fit", *map(str, args), "--verbose", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=jax_env())


def finished(process):
    """A started fit's output, once it has ended well."""
    printed = process.communicate(timeout=600)[0]
    assert process.returncode == 0, printed
    return printed


def jax_fit(*args):
    return finished(start_jax_fit(*args))


def two_process_fit(*args):
    """The same fit as two processes of one CPU device each, meeting as the README's machines do."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    meeting = {"XLA_FLAGS": QUICK_COMPILE, "KERAS_DISTRIBUTION_JOB_ADDRESSES": f"127.0.0.1:{port}",
               "KERAS_DISTRIBUTION_NUM_PROCESSES": "2"}
    processes = [subprocess.Popen([sys.executable, "-m", "train", "fit", *map(str, args), "--verbose", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  env=jax_env(**meeting, KERAS_DISTRIBUTION_PROCESS_ID=str(i))) for i in range(2)]
    outputs = [process.communicate(timeout=600)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], "\n".join(outputs)
    return outputs


def log_rows(run):
    with open(run / "log.csv") as f:
        return list(csv.DictReader(f))


def test_two_devices_fit_resume_and_load_under_tensorflow(photos, tmp_path):  # noqa: F811
    run, single = tmp_path / "two", tmp_path / "one"
    # the same global batches on one device, for the comparison below, started first: its start-up and
    # compilation overlap the two-device runs'
    reference = start_jax_fit("--data", photos, "--out", single, "--epochs", "2", *SMALL)
    printed = jax_fit("--data", photos, "--out", run, "--epochs", "1", "--devices", "2", *SMALL)
    assert "data parallel on 2 devices (cpu:0, cpu:1), 1 photos each per step" in printed
    outputs = two_process_fit("--out", run, "--resume", "--epochs", "2")  # another placement: the README's recipe
    assert all("resuming after epoch 1" in printed for printed in outputs)
    assert "process 1 of 2" in outputs[0] and "process 2 of 2" in outputs[1]
    assert [row["epoch"] for row in log_rows(run)] == ["0", "1"]

    # data parallelism changes where, not what, is computed (training losses: validation on two devices drops
    # a partial last batch)
    finished(reference)
    np.testing.assert_allclose([float(r["loss"]) for r in log_rows(run)],
                               [float(r["loss"]) for r in log_rows(single)], rtol=1e-4)

    colorizer = Colorizer.from_weights(str(run))  # this test process runs TensorFlow
    assert colorizer.config["devices"] == 2 and colorizer.config["backend"] == "jax"
    rgb = colorizer.colorize(os.path.join(photos, "p0.png")).rgb
    assert rgb.shape == (40, 48, 3) and np.isfinite(rgb).all()


@pytest.mark.parametrize("extra, message", [
    (["--devices", "2"], "needs the JAX backend"),  # this process runs TensorFlow
    (["--devices", "0"], "must be at least 1"),
])
def test_devices_that_cannot_be_used_are_refused(photos, tmp_path, extra, message, capsys):  # noqa: F811
    with pytest.raises(SystemExit) as stopped:
        fit_in_process("--data", photos, "--out", tmp_path / "run", "--epochs", "1", *SMALL, *extra)
    assert message in str(stopped.value) + capsys.readouterr().err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("extra, message", [
    (["--devices", "3"], "--devices 3, but there are 2 here (cpu:0, cpu:1)"),
    (["--devices", "2", "--batch-size", "3"], "--batch-size 3 does not split evenly over 2 devices"),
])
def test_jax_refuses_devices_it_does_not_have_or_cannot_split_a_batch_over(photos, tmp_path, extra, message):  # noqa: F811
    done = subprocess.run([sys.executable, "-m", "train", "fit", "--data", photos, "--out", str(tmp_path / "run"),
                           "--epochs", "1", *SMALL, *extra], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **TWO_CPUS})
    assert done.returncode != 0 and message in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "run").exists()
