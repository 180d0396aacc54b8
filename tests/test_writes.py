"""Writes that fail midway (a full disk, an encoder error, Ctrl-C) leave every earlier file whole and no
temporary file behind."""
import errno
import os

import numpy as np
import pytest
from PIL import Image

from colorize import png
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


def test_the_longest_legal_file_name_is_written(tmp_path):
    name = "n" * 251 + ".png"  # 255 bytes: the most a file name may have; the temporary name must fit too
    write_png(gradient_rgb(8, 8), tmp_path / name)
    assert os.listdir(tmp_path) == [name] and Image.open(tmp_path / name).size == (8, 8)
