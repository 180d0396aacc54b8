"""The weights shipped in colorize/default_weights/: they load, and they give colour, not gray."""
import os

import numpy as np

from colorize import Colorizer
from colorize.lab import convert_lab

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples")


def test_shipped_weights_load_as_float32_and_colorize_an_example():
    colorizer = Colorizer.from_weights()
    assert "shipped default" in colorizer.source and not colorizer.warning
    assert all(w.dtype == "float32" for w in colorizer.model.weights)
    result = colorizer.colorize(os.path.join(EXAMPLES, "river-landscape.png"))
    _, ab = convert_lab(result.rgb)
    chroma = np.hypot(ab[..., 0], ab[..., 1]) * 128
    assert chroma.mean() > 8, "the default weights should add visible colour"
    assert (chroma > 15).mean() > 0.1, "colour should not be a faint tint everywhere"


def test_the_command_line_uses_them(tmp_path):
    from colorize.cli import main

    assert main([os.path.join(EXAMPLES, "camera.jpg"), "--output-dir", str(tmp_path)]) == 0
    assert (tmp_path / "camera.png").is_file()
