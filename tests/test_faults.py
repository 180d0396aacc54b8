"""Faults during training and what nothing may ever do: a full disk while checkpointing, photos that go bad
during a run, pickles.

(A fit killed with SIGKILL and resumed is tests/test_fit.py::test_killed_fit_resumes_where_an_uninterrupted_one_ends;
Hub faults are tests/test_hub.py and tests/test_push.py.)
"""
import errno
import hashlib
import json
import os
import re
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from colorize.weights import WEIGHTS_FILE
from train.checkpoints import BEST_PREFIX, Checkpoint, latest_checkpoint, restore
from train.data import ColorBatches
from train.run_folder import BEST, CHECKPOINTS

ROOT = Path(__file__).resolve().parents[1]
DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
# restore() loads the weights file (which holds the optimizer's variables too) before building the optimizer
pytestmark = pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")


def files_under(folder):
    """{relative path: bytes} of every file (not through links), leaving out the temporary files of interrupted
    writes."""
    return {os.path.relpath(os.path.join(root, name), folder): Path(root, name).read_bytes()
            for root, _, names in os.walk(folder) for name in names
            if not name.endswith(".tmp") and not os.path.islink(os.path.join(root, name))}


def full_disk(monkeypatch, owner, name, nth=1):
    """Make the n-th call (1-based) of owner.name write half of its file, then fail with ENOSPC. Returns the calls."""
    original, calls = getattr(owner, name), []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) != nth:
            return original(*args, **kwargs)
        target = next((a for a in args if isinstance(a, (str, os.PathLike))), None)
        if target is not None:
            original(*args, **kwargs)
            with open(target, "r+b") as f:
                f.truncate(os.path.getsize(target) // 2)
        raise DISK_FULL

    monkeypatch.setattr(owner, name, failing)
    return calls


@pytest.fixture
def checkpointed(tmp_path):
    """A tiny compiled model with one epoch checkpointed (checkpoints/epoch-0001 and best/) in tmp_path."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    x, y = np.random.default_rng(0).normal(size=(2, 8, 3)), np.random.default_rng(1).normal(size=(8, 2))
    model.fit(x[0], y, epochs=1, verbose=0)
    callback = Checkpoint(str(tmp_path), model, {"architecture": "tiny", "input_size": 3})
    callback.set_model(model)
    callback.on_epoch_end(0, {"loss": 1.0, "val_loss": 1.0})
    model.fit(x[1], y, epochs=1, verbose=0)  # the weights and optimizer state move on
    return model, callback, tmp_path


BEFORE_BEST = ("epoch weights", "epoch config", "optimizer state", "best config")  # best/ still epoch 1's after


@pytest.mark.parametrize("where, owner, name, nth", [
    ("epoch weights", keras.Model, "save_weights", 1),
    ("epoch config", os, "fsync", 1),
    ("optimizer state", np, "savez", 1),
    ("best config", os, "fsync", 2),  # best/ shares the epoch's weights file: a link, no second write
    ("state.json", os, "fsync", 3),
    ("latest pointer", os, "fsync", 4),
])
def test_a_full_disk_while_checkpointing_keeps_the_last_checkpoint(checkpointed, monkeypatch, where, owner, name, nth):
    model, callback, run = checkpointed
    before = files_under(run)
    assert os.readlink(run / BEST) == f"{BEST_PREFIX}0001"
    assert sorted(before) == [f"{BEST_PREFIX}0001/config.json", f"{BEST_PREFIX}0001/{WEIGHTS_FILE}",
                              f"{CHECKPOINTS}/epoch-0001/config.json",
                              f"{CHECKPOINTS}/epoch-0001/{WEIGHTS_FILE}", f"{CHECKPOINTS}/epoch-0001/optimizer.npz",
                              f"{CHECKPOINTS}/epoch-0001/state.json", f"{CHECKPOINTS}/latest"]
    assert (run / f"{BEST_PREFIX}0001" / WEIGHTS_FILE).samefile(run / CHECKPOINTS / "epoch-0001" / WEIGHTS_FILE)
    calls = full_disk(monkeypatch, owner, name, nth)
    with pytest.raises(SystemExit, match=r"cannot write the checkpoint of epoch 2 \(.*No space left on device\); "
                                         r"the last complete checkpoint, epoch-0001, is intact.*--resume"):
        callback.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.5})  # better: best/ is rewritten too
    assert len(calls) == nth
    monkeypatch.undo()
    after = files_under(run)
    checkpoint_files = [path for path in before if path.startswith(CHECKPOINTS)]
    assert [after.get(path) for path in checkpoint_files] == [before[path] for path in checkpoint_files]
    assert sorted(p for p in after if p.startswith(CHECKPOINTS)) == sorted(checkpoint_files)  # half-written epoch gone
    best = os.readlink(run / BEST)  # as it was, or wholly epoch 2's (written before the failure)
    assert (best == f"{BEST_PREFIX}0001" if where in BEFORE_BEST
            else best in (f"{BEST_PREFIX}0001", f"{BEST_PREFIX}0002"))
    assert {p.split("/")[0] for p in after if p.startswith(BEST_PREFIX)} == {best}  # nothing half-written beside it
    config = json.loads((run / BEST / "config.json").read_text())
    assert config["weights_sha256"] == hashlib.sha256((run / BEST / WEIGHTS_FILE).read_bytes()).hexdigest()
    assert f"{BEST_PREFIX}{config['epoch']:04d}" == best

    again = keras.models.clone_model(model)
    again.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    state = restore(latest_checkpoint(str(run)), again, again.optimizer, again.trainable_variables)
    assert state["epoch"] == 1 and int(again.optimizer.iterations.numpy()) == 1


def test_a_full_disk_stops_fit_with_one_message_and_it_resumes(tmp_path, monkeypatch):
    """The message gets out of Keras' fit loop as it is; `fit --resume` reads what is left (a whole `--resume`
    after a kill is test_fit.py::test_killed_fit_resumes_where_an_uninterrupted_one_ends)."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    x, y = np.random.default_rng(0).normal(size=(8, 3)), np.random.default_rng(1).normal(size=(8, 2))
    callback = Checkpoint(str(tmp_path), model, {"architecture": "tiny", "input_size": 3})
    full_disk(monkeypatch, np, "savez", nth=2)  # the optimizer state of epoch 2
    with pytest.raises(SystemExit, match="epoch 2 .* epoch-0001, is intact"):
        model.fit(x, y, validation_data=(x, y), epochs=3, callbacks=[callback], verbose=0)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path / CHECKPOINTS)) == ["epoch-0001", "latest"]
    state = restore(latest_checkpoint(str(tmp_path)), model, model.optimizer, model.trainable_variables)
    model.fit(x, y, validation_data=(x, y), epochs=3, initial_epoch=state["epoch"], callbacks=[callback], verbose=0)
    assert open(tmp_path / CHECKPOINTS / "latest").read() == "epoch-0003"


def test_a_photo_that_goes_bad_during_training_is_skipped_and_counted(tmp_path, capsys):
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"p{i}.png")
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (40, 48, 3), np.uint8)).save(paths[-1])
    batches = ColorBatches([str(p) for p in paths], batch_size=4, size=32, train=True)
    first = batches[0]
    paths[1].write_bytes(b"\xff\xd8\xff truncated by a sync tool")
    paths[2].unlink()
    lightness, ab = batches[0]
    assert lightness.shape == first[0].shape and ab.shape == first[1].shape
    assert batches.unreadable == {str(paths[1]), str(paths[2])}
    batches[0]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith("fit: skipping ") for line in lines)  # once per photo


def test_nothing_unpickles_and_keras_loads_safely():
    """Downloaded weights are an h5 file and JSON; checkpoints are npz read without pickles."""
    sources = [*ROOT.joinpath("colorize").rglob("*.py"), *ROOT.joinpath("train").rglob("*.py"), ROOT / "app.py"]
    risky = re.compile(r"\bpickle\b|allow_pickle\s*=\s*True|safe_mode\s*=\s*False|\bjoblib\b|torch\.load|"
                       r"\bmarshal\b|\bshelve\b|\beval\(|\bexec\(")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in sources
             for n, line in enumerate(p.read_text().splitlines(), 1) if risky.search(line)]
    assert not found, "\n".join(found)
    loads = [line for p in sources for line in p.read_text().splitlines() if "np.load(" in line]
    assert all("allow_pickle=False" in line for line in loads), loads


def damage(path):
    """Flip bytes in the middle of a file, as a failing disk or a sync tool might."""
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8] = bytes(b ^ 0xFF for b in data[len(data) // 2 : len(data) // 2 + 8])
    Path(path).write_bytes(bytes(data))


def test_checkpoints_are_hashed_and_a_damaged_latest_falls_back_to_the_one_before(checkpointed, capsys):
    model, callback, run = checkpointed
    for epoch in (1, 2):
        callback.on_epoch_end(epoch, {"loss": 2.0, "val_loss": 2.0})
    folder = run / CHECKPOINTS
    assert sorted(os.listdir(folder)) == ["epoch-0002", "epoch-0003", "latest"]  # the two newest are kept
    state = json.loads((folder / "epoch-0003" / "state.json").read_text())
    assert state["sha256"] == {name: hashlib.sha256((folder / "epoch-0003" / name).read_bytes()).hexdigest()
                               for name in ("model.weights.h5", "optimizer.npz")}

    damage(folder / "epoch-0003" / WEIGHTS_FILE)
    assert latest_checkpoint(str(run)) == str(folder / "epoch-0002")
    assert "epoch-0003 cannot be used (model.weights.h5 does not match its hash)" in capsys.readouterr().err
    assert restore(str(folder / "epoch-0002"), model, model.optimizer, model.trainable_variables)["epoch"] == 2
    damage(folder / "epoch-0002" / "optimizer.npz")
    assert latest_checkpoint(str(run)) is None
