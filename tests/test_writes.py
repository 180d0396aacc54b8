"""Writes that fail midway (a full disk, an encoder error, Ctrl-C) leave every earlier file whole and no
temporary file behind."""
import errno
import gc
import os
import signal
import sys

import numpy as np
import pytest
from PIL import Image

from colorize import interrupts, png
from colorize.cli import main
from colorize.png import write_png
from tests.images import gradient_rgb

DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def failing(error, calls):
    """A stand-in that notes its arguments and raises error."""
    def fail(*args):
        calls.append(args)
        raise error
    return fail


@pytest.mark.parametrize("owner, name", [
    (os, "fsync"),  # the disk fills up once the bytes are written
    (os, "replace"),
    (png.deflate, "compress"),  # the encoder fails before any byte is ready
])
def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch, owner, name):
    target = tmp_path / "result.png"
    write_png(gradient_rgb(8, 6), target)
    before, calls = target.read_bytes(), []
    monkeypatch.setattr(owner, name, failing(DISK_FULL, calls))
    with pytest.raises(OSError):
        write_png(np.zeros((4, 4, 3), np.uint8), target)
    monkeypatch.undo()
    assert calls and target.read_bytes() == before and os.listdir(tmp_path) == ["result.png"]


def test_ctrl_c_ends_the_command_in_one_line_with_130(untrained_weights, tmp_path, monkeypatch, capsys):
    source, out = tmp_path / "a.jpg", tmp_path / "out"
    Image.fromarray(gradient_rgb(20, 10)).save(source)
    out.mkdir()
    (out / "a.png").write_bytes(b"the previous result")
    calls = []
    monkeypatch.setattr(os, "replace", failing(KeyboardInterrupt(), calls))  # Ctrl-C as the PNG is put in place
    assert main([str(source), "-o", str(out), "--weights", untrained_weights]) == 130
    assert [os.path.basename(target) for _, target in calls] == ["a.png"]
    assert capsys.readouterr().err.strip() == "colorize: interrupted"
    assert os.listdir(out) == ["a.png"] and (out / "a.png").read_bytes() == b"the previous result"


def test_a_ctrl_c_swallowed_in_a_garbage_collector_callback_still_ends_the_command(untrained_weights, tmp_path,
                                                                                  monkeypatch, capsys):
    """A Ctrl-C that lands in a garbage-collector callback (JAX has one; TensorFlow imports JAX where it is
    installed) is printed as "Exception ignored" and dropped by Python: the command must end all the same,
    before its next photo."""
    sources = [str(tmp_path / name) for name in ("a.jpg", "b.jpg")]
    for source in sources:
        Image.fromarray(gradient_rgb(20, 10)).save(source)

    def ctrl_c_in_a_callback(phase, info):
        gc.callbacks.remove(ctrl_c_in_a_callback)
        signal.raise_signal(signal.SIGINT)

    def write_during_a_collection(rgb, target, write=png.write_png):
        gc.callbacks.append(ctrl_c_in_a_callback)
        gc.collect()  # KeyboardInterrupt is raised in the callback, printed and dropped
        write(rgb, target)

    monkeypatch.setattr(png, "write_png", write_during_a_collection)
    assert main([*sources, "-o", str(tmp_path / "out"), "--weights", untrained_weights]) == 130
    assert os.listdir(tmp_path / "out") == ["a.png"]
    err = capsys.readouterr().err
    assert err.strip().endswith("colorize: interrupted") and "Exception ignored" not in err  # the dropped one: unsaid


def test_an_error_that_a_ctrl_c_became_is_taken_for_the_ctrl_c():
    """Raised in a C extension's call back into Python, KeyboardInterrupt comes out as another error (seen from
    TensorFlow's tf.data: a SystemError, then a ValueError); after a Ctrl-C it is the Ctrl-C, not a traceback."""
    with pytest.raises(KeyboardInterrupt), interrupts.kept():
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt as interrupt:
            raise ValueError("The two structures don't have the same nested structure.") from interrupt
    with pytest.raises(ValueError), interrupts.kept():  # without a Ctrl-C an error is itself
        raise ValueError("a real error")


def test_in_a_keras_fit_the_first_ctrl_c_waits_for_the_batch_end_and_a_second_stops_at_once(capfd):
    """Raised inside TensorFlow's call back into Python, a Ctrl-C could corrupt the native heap: a fit holds the
    first one for `raise_if_asked` between batches."""
    with pytest.raises(KeyboardInterrupt), interrupts.kept(), interrupts.deferred():
        signal.raise_signal(signal.SIGINT)  # held: the batch goes on
        assert "stopping at the end of this batch" in capfd.readouterr().err
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # a second: at once
        interrupts.raise_if_asked()
    with pytest.raises(KeyboardInterrupt), interrupts.kept():
        with interrupts.deferred():
            signal.raise_signal(signal.SIGINT)  # the last batch ended before raise_if_asked ran
        pytest.fail("the held Ctrl-C was lost at the end of the fit")


class HalfMade:
    """Interrupted in its `__init__`, it fails in its `__del__`, as Keras' data enqueuer does."""

    def __init__(self):
        signal.raise_signal(signal.SIGINT)
        self.lock = None

    def __del__(self):
        self.lock.release()


def test_what_a_ctrl_c_left_half_made_goes_without_a_printed_error(monkeypatch):
    printed = []
    monkeypatch.setattr(sys, "unraisablehook", printed.append)  # where "Exception ignored ..." is printed

    def work():
        started = HalfMade()  # noqa: F841  (held by this frame when the Ctrl-C comes)

    with pytest.raises(KeyboardInterrupt), interrupts.kept():
        work()
    gc.collect()
    assert printed == []


def test_ctrl_c_in_any_train_command_ends_it_in_one_line_with_130(tmp_path, monkeypatch, capsys):
    from train import pack
    from train.__main__ import main as train_main

    photos = tmp_path / "photos"
    photos.mkdir()
    Image.fromarray(gradient_rgb(20, 10)).save(photos / "a.jpg")
    monkeypatch.setattr(pack, "read_rgb", failing(KeyboardInterrupt(), []))  # Ctrl-C as the first photo is read
    assert train_main(["pack", "--data", str(photos), "--out", str(tmp_path / "packed")]) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == "pack: interrupted" and "Traceback" not in err


def test_the_longest_legal_file_name_is_written(tmp_path):
    name = "n" * 251 + ".png"  # 255 bytes: the most a file name may have; the temporary name must fit too
    write_png(gradient_rgb(8, 8), tmp_path / name)
    assert os.listdir(tmp_path) == [name] and Image.open(tmp_path / name).size == (8, 8)


def test_an_output_folder_that_cannot_be_made_is_one_line_for_every_command(untrained_weights, tmp_path, capsys):
    from colorize import archive
    from train.__main__ import main as train_main

    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(4):
        Image.fromarray(gradient_rgb(24 + i, 20)).save(photos / f"p{i}.png")
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("mine")
    out = str(in_the_way / "out")
    said = f"cannot make the folder {out}: {in_the_way} is a file"
    for command, status in (
        (lambda: main([str(photos / "p0.png"), "-o", out, "--weights", untrained_weights, "--kind", "photo"]), 2),
        (lambda: archive.main([str(photos), "--output-dir", out, "--weights", untrained_weights]), 2),
        (lambda: train_main(["pack", "--data", str(photos), "--out", out]), 1),
        (lambda: train_main(["evaluate", "--weights", untrained_weights, "--data", str(photos), "--split", "all",
                             "--out", os.path.join(out, "metrics.json")]), 2),
        (lambda: train_main(["samples", "--weights", untrained_weights, "--photos", str(photos / "p0.png"),
                             "--out", os.path.join(out, "sheet.png")]), 1),
        (lambda: train_main(["fit", "--data", str(photos), "--out", out, "--encoder", "none", "--epochs", "1",
                             "--batch-size", "1", "--val-share", "0.25", "--verbose", "0"]), 1),
    ):
        assert command() == status
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err, err
    assert in_the_way.read_text() == "mine"


def test_a_train_command_meeting_a_picture_it_cannot_read_says_so_in_one_line(untrained_weights, tmp_path, capsys):
    from train.__main__ import main as train_main

    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    assert train_main(["samples", "--weights", untrained_weights, "--photos", str(notes),
                       "--out", str(tmp_path / "sheet.png")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "samples: cannot read notes.png: not an image file, or a damaged one", err
