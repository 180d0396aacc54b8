"""`python -m colorize.archive` on a real local Ray (2 CPUs): a folder tree in, PNGs at the same relative paths
out, the broken file listed, and a run killed partway that a second run completes. Skipped without Ray (the
`archive` extra)."""
import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ray")

from tests.videos import pan, read_video, write_video  # noqa: E402

pytestmark = pytest.mark.slow  # Ray starts in each test

ROOT = Path(__file__).resolve().parents[1]
BROKEN = os.fsdecode(b"broken-caf\xe9.jpg")  # a Latin-1 name, as old archives have


def make_tree(folder, count):
    """count small gradients (48x40 and 40x48, JPEG and PNG, every third in a nested folder), plus one broken
    file whose name is not UTF-8; returns {relative output path: (width, height)} of the good ones."""
    expected = {}
    for index in range(count):
        width, height = (48, 40) if index % 2 else (40, 48)
        relative = Path("a/b" if index % 3 == 0 else ".") / f"photo{index}.{'png' if index % 4 == 0 else 'jpg'}"
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        ramp = np.linspace(index, 255, width * height).reshape(height, width).astype(np.uint8)
        Image.fromarray(ramp).save(folder / relative)
        expected[relative.with_suffix(".png").as_posix()] = (width, height)
    (folder / "a" / BROKEN).write_bytes(b"not an image at all")
    return expected


def archive_command(src, dst, weights, workers):
    return [sys.executable, "-m", "colorize.archive", str(src), "--output-dir", str(dst), "--weights", weights,
            "--kind", "photo", "--workers", str(workers)]


def outputs(dst):
    return {p.relative_to(dst).as_posix() for p in dst.rglob("*") if p.is_file() and p.name != "failures.csv"}


def run_archive(src, dst, weights):
    done = subprocess.run(archive_command(src, dst, weights, 2), cwd=ROOT, capture_output=True, text=True,
                          timeout=180)
    return done.returncode, done.stdout + done.stderr


def test_tree_colorized_at_same_paths_broken_file_listed_and_a_killed_run_completed(tmp_path, untrained_weights):
    """One Ray run killed partway (one worker), then the next run (two workers) completes the tree: every photo
    and the film at its relative path, the broken file listed, nothing done twice, no temporary files."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    expected = make_tree(src, 30)
    write_video(src / "a" / "film.mov", pan(5))
    first = subprocess.Popen(archive_command(src, dst, untrained_weights, 1), cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list(dst.rglob("*.png"))) < 3 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the driver and the Ray processes it started
        first.wait()
    written = len(list(dst.rglob("*.png")))
    assert 3 <= written < len(expected), "the first run was to be killed partway"

    status, log = run_archive(src, dst, untrained_weights)
    assert status == 1, log  # one input could not be read; the others are written
    assert outputs(dst) == set(expected) | {"a/film.mp4"}  # and no temporary files
    assert len(read_video(dst / "a" / "film.mp4")[0]) == 5
    for relative, size in expected.items():
        with Image.open(dst / relative) as image:
            assert (image.format, image.size, image.mode) == ("PNG", size, "RGB")
    with open(dst / "failures.csv", newline="", errors="surrogateescape") as f:  # names as the disk has them
        rows = list(csv.DictReader(f))
    assert [row["path"] for row in rows] == [str(src / "a" / BROKEN)] and rows[0]["reason"]
    found = re.search(rf"archive: (\d+) colorized, (\d+) already done, 1 failed \(see {re.escape(str(dst))}", log)
    assert found, log
    colorized, done = map(int, found.groups())
    assert colorized + done == len(expected) + 1 and done >= written, log


def test_plan_skips_done_outputs_refuses_shared_names_and_clears_temp_files(tmp_path):
    from colorize.archive import plan

    src = tmp_path / "src"
    make_tree(src, 3)  # photo0.png, photo1.jpg, photo2.jpg (photo0 in a/b)
    Image.new("L", (8, 8)).save(src / "a" / "b" / "photo0.jpg")  # the same output as photo0.png
    dst = src / "out"  # inside SRC: its PNGs are not inputs
    (dst / "a" / "b").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(dst / "photo1.png")
    (dst / "photo2.png").mkdir()  # a folder where photo2.jpg's output belongs: not a done output
    (dst / "a" / "b" / "photo0.png.0123456789ab.tmp").write_bytes(b"half")
    (dst / "film.mp4.0123456789ab.tmp").write_bytes(b"half")
    todo, done, refused = plan(str(src), str(dst))
    targets = sorted(Path(t).relative_to(dst).as_posix() for _, t in todo)
    assert targets == ["a/b/photo0.png", f"a/{BROKEN[:-4]}.png"]
    assert done == 1
    assert [Path(s).name for s, _ in refused] == ["photo0.png", "photo2.jpg"] and "rename one" in refused[0][1]
    assert "is a folder" in refused[1][1]
    assert not list(dst.rglob("*.tmp"))
