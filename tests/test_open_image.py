"""Float and 32-bit integer images (small TIFFs written by Pillow): scaled by the range their values are in."""
import numpy as np
import pytest
from PIL import Image

from colorize import ImageError, open_image


def tiff(path, values, mode):
    Image.fromarray(np.asarray(values, np.float32 if mode == "F" else np.int32), mode).save(path)
    return str(path)


def ramp(low, high):
    """A 32 x 8 ramp from low (left) to high (right)."""
    return np.tile(np.linspace(low, high, 32), (8, 1))


@pytest.mark.parametrize("mode, low, high", [
    ("F", 0.0, 4000.0),  # raw sensor counts
    ("F", -1.0, 1.0),
    ("F", -3e5, 7e5),
    ("I", -5000, 5000),
    ("I", 0, 1_000_000),
])
def test_values_outside_the_usual_ranges_go_from_black_at_their_min_to_white_at_their_max(tmp_path, mode, low, high):
    image = open_image(tiff(tmp_path / "wide.tif", ramp(low, high), mode))
    assert image.mode == "L"
    assert np.abs(np.asarray(image)[0].astype(int) - np.linspace(0, 255, 32)).max() <= 1  # linear, min to max


@pytest.mark.parametrize("mode, values, expected", [
    ("F", 0.5, 128),  # floats in 0-1
    ("F", 200.0, 200),  # floats in 0-255
    ("I", 100, 100),  # 8-bit values
    ("I", 32896, 128),  # 16-bit values
])
def test_values_in_a_usual_range_keep_their_meaning(tmp_path, mode, values, expected):
    image = open_image(tiff(tmp_path / "flat.tif", np.full((8, 32), values), mode))
    assert np.asarray(image).min() == np.asarray(image).max() == expected


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_pixels_that_are_not_numbers_are_refused(tmp_path, bad):
    values = ramp(0.0, 1.0)
    values[3, 5] = bad
    with pytest.raises(ImageError, match=r"^odd\.tif has pixels that are not numbers \(NaN or infinite\)$"):
        open_image(tiff(tmp_path / "odd.tif", values, "F"))


def test_a_picture_that_would_not_fit_in_free_memory_is_refused_before_decoding(tmp_path, monkeypatch):
    from colorize import memory

    assert 0 < memory.free_memory() < 1 << 50  # this machine's, read from /proc/meminfo (and a cgroup's, if any)
    picture = tmp_path / "scan.png"
    Image.new("L", (400, 300), 128).save(picture)
    meminfo = tmp_path / "meminfo"  # a machine with 1 MB available
    meminfo.write_text("MemTotal:       16384 kB\nMemAvailable:       1024 kB\n")
    monkeypatch.setattr(memory, "_MEMINFO", str(meminfo))
    with pytest.raises(ImageError, match=r"scan.png is 400x300 pixels and needs about 5 MB to colorize, but only "
                                         r"1 MB is free here now: try a smaller version, or again in a moment"):
        open_image(str(picture))
    meminfo.write_text("MemAvailable:   8000000 kB\n")
    assert open_image(str(picture)).size == (400, 300)
