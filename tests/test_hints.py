"""Colour hints in the library and on the command line: where they land, and one message per bad hint."""
import json
import os

import numpy as np
import pytest
from PIL import Image

from colorize.cli import main
from colorize.hints import (
    MAX_POINTS,
    HintError,
    colors_to_ab,
    layer_to_hints,
    local_hints,
    points_to_hints,
    read_hints_file,
    reference_distribution,
)
from tests.images import gradient_rgb

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")

SIZE = 32


def test_a_point_lands_at_its_place_scaled_to_the_model_input():
    hints = points_to_hints([(150, 25, "#c08060", 0)], (200, 100), SIZE)
    row, col = np.argwhere(hints[..., 2] == 1)[0]
    assert (row, col) == (8, 24) and hints[..., 2].sum() == 1
    assert np.allclose(hints[row, col, :2], colors_to_ab([(0xC0, 0x80, 0x60)])[0])
    assert hints[..., :2][hints[..., 2] == 0].max() == 0


def test_a_radius_covers_a_patch_and_colours_may_be_names_or_triples():
    hints = points_to_hints([(50, 50, "red", 10), (10, 10, (0, 0, 255))], (100, 100), SIZE)
    assert hints[..., 2].sum() > 9
    assert hints[16, 16, 0] > 0.3  # red: a well above 0
    assert hints[3, 3, 1] < -0.3  # blue: b well below 0


def test_a_hint_layer_gives_hints_where_it_is_opaque():
    layer = np.zeros((64, 64, 4), np.uint8)
    layer[:16, :16] = (0, 200, 0, 255)
    hints = layer_to_hints(Image.fromarray(layer), SIZE)
    assert hints[:8, :8, 2].all() and not hints[8:, 8:, 2].any()
    assert hints[2, 2, 0] < -0.3  # green: a well below 0
    assert layer_to_hints(Image.new("RGBA", (64, 64)), SIZE) is None


@pytest.mark.parametrize("points, message", [
    ([(500, 10, "#ffffff")], "outside the 200x100 image"),
    ([(-1, 10, "#ffffff")], "outside"),
    ([(10, 10, "#gg0000")], "cannot read the colour"),
    ([(10, 10, (300, 0, 0))], "0-255"),
    ([(10, "top", "#ffffff")], "must be numbers"),
    ([(10, 10)], "is not (x, y, colour)"),
    ([(1, 1, "#ffffff")] * (MAX_POINTS + 1), f"at most {MAX_POINTS}"),
])
def test_bad_points_are_refused_with_a_reason(points, message):
    with pytest.raises(HintError, match=message.replace("(", r"\(").replace(")", r"\)")):
        points_to_hints(points, (200, 100), SIZE)


def test_a_hint_layer_of_another_size_or_not_an_image_is_refused():
    with pytest.raises(HintError, match="must be the image's size, 200x100"):
        local_hints(Image.new("RGBA", (100, 100)), (200, 100), SIZE)
    with pytest.raises(HintError, match="not a readable image"):
        local_hints(b"not a png", (200, 100), SIZE)


@pytest.mark.parametrize("content, message", [
    ("", "is empty"),
    ("[{\"x\": 1, ", "not valid JSON"),
    ("{\"x\": 1}", "must be a list"),
    ("[{\"x\": 1, \"y\": 2}]", "needs \"x\", \"y\" and \"color\""),
])
def test_bad_hints_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "hints.json"
    path.write_text(content)
    with pytest.raises(HintError, match=message):
        read_hints_file(path)


def test_an_endless_or_huge_hints_file_is_refused_unread(tmp_path, monkeypatch):
    from colorize import hints

    monkeypatch.setattr(hints, "MAX_HINTS_BYTES", 1000)
    with pytest.raises(HintError, match="larger than"):
        read_hints_file("/dev/zero")
    with pytest.raises(HintError, match="longer than"):
        hints.parse_hint_points("[" + " " * 2000 + "]")


def test_a_hints_file_is_judged_by_its_content(tmp_path):
    points = tmp_path / "points.png"  # JSON whatever the name says
    points.write_text(json.dumps([{"x": 3, "y": 4, "color": "#102030", "radius": 2}]))
    assert read_hints_file(points) == [(3, 4, "#102030", 2)]
    layer = tmp_path / "layer.json"
    Image.new("RGBA", (8, 8)).save(layer, format="PNG")
    assert read_hints_file(layer)[:4] == b"\x89PNG"


def test_a_reference_gives_its_colour_distribution():
    red = reference_distribution(Image.new("RGB", (40, 30), (200, 30, 30)))
    assert red.sum() == pytest.approx(1.0) and red.max() == pytest.approx(1.0)


def test_weights_without_hint_inputs_refuse_hints(colorizer, tmp_path):
    with pytest.raises(HintError, match="take no colour hints"):
        colorizer.colorize(gradient_rgb(), hints=[(1, 1, "#ff0000")])


@pytest.mark.parametrize("content, message", [
    ("[]x", "not valid JSON"),
    ("", "is empty"),
    ("{}", "must be a list"),
    ("[{\"x\": 5000, \"y\": 1, \"color\": \"red\"}]", "outside the 96x64 image"),
    ("[{\"x\": 5, \"y\": 1, \"color\": \"#12345\"}]", "cannot read the colour"),
    ("[{\"x\": 5, \"y\": 1, \"color\": \"rgb(256, 0, 0)\"}]", "must be three numbers 0-255"),
    ("[{\"x\": 5, \"y\": 1, \"color\": [Infinity, 0, 0]}]", "cannot read the colour"),
    ("[" * 3000 + "]" * 3000, "nested too deeply"),
    ("[" + ", ".join(["{\"x\": 1, \"y\": 1, \"color\": \"red\"}"] * 2001) + "]", "at most 2000"),
    (b"PNG-LAYER", "must be the image's size, 96x64"),
    (b"not a png at all", "not a readable image"),
])
def test_the_command_line_gives_one_line_and_exit_2_for_bad_hints(untrained_hint_weights, tmp_path, capsys, content,
                                                                  message):
    photo, hints = tmp_path / "photo.png", tmp_path / "hints.json"
    Image.fromarray(gradient_rgb()).convert("L").save(photo)
    if content == b"PNG-LAYER":
        Image.new("RGBA", (50, 50), (255, 0, 0, 255)).save(hints, format="PNG")
    elif isinstance(content, bytes):
        hints.write_bytes(content)
    else:
        hints.write_text(content)
    assert main([str(photo), "-o", str(tmp_path / "out"), "--hints", str(hints),
                 "--weights", untrained_hint_weights]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "out" / "photo.png").exists()


@pytest.mark.slow
def test_a_reference_moves_the_colours_towards_its_own(untrained_hint_weights, tmp_path):
    """On the shipped weights, whose hint inputs are trained (untrained ones start at zero and ignore them):
    a blue reference makes the picture bluer, which a colorizer ignoring it would not. (Point hints on the
    shipped weights: test_default_weights.py.)"""
    from skimage import color

    from colorize import Colorizer

    colorizer = Colorizer.from_weights()
    photo = np.asarray(Image.open(os.path.join(EXAMPLES, "camera.jpg")).convert("RGB"))  # 512 x 512, gray
    sky = np.zeros((64, 64, 3), np.uint8) + np.uint8([40, 90, 200])
    plain, referenced = colorizer.colorize(photo).rgb, colorizer.colorize(photo, reference=Image.fromarray(sky)).rgb
    blueness = [float(np.mean(color.rgb2lab(x)[..., 2])) for x in (plain, referenced)]
    assert blueness[1] < blueness[0] - 2
    colorizer = Colorizer.from_weights(untrained_hint_weights)
    with pytest.raises(HintError, match="reference is not usable"):
        colorizer.colorize(photo, reference=b"not an image")
    assert main([str(tmp_path / "none.png"), "-o", str(tmp_path), "--weights", untrained_hint_weights,
                 "--reference", str(tmp_path / "none.png")]) == 2
