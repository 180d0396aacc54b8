"""The fast paths stay within a stated tolerance of the float32 / scikit-image reference (tests/reference.py).

Tolerances: L of RGB within 0.001; colour conversion and composition within 1 level of 255 on every pixel,
with under 1% of values off by one; bfloat16 predictions within TOLERANCE_AB of float32 (mean absolute ab, Lab units).
"""
import os

import numpy as np
import pytest
from PIL import Image

from colorize.fast_model import compiled_predictor
from colorize.images import lightness_of
from colorize.lab import AB_SCALE, convert_lab, convert_rgb, rgb_lightness
from colorize.pipeline import compose
from colorize.weights import CONFIG_FILE, DEFAULT_WEIGHTS_DIR, LoadedWeights, load_weights
from tests import reference
from tests.images import gradient_rgb

MAX_LEVELS = 1
MAX_SHARE_OFF = 0.01
TOLERANCE_AB = 1.0  # Lab units, mean over pixels: below what people see side by side (about 2)


def assert_close(fast, slow):
    difference = np.abs(fast.astype(np.int16) - slow.astype(np.int16))
    assert difference.max() <= MAX_LEVELS
    assert (difference > 0).mean() < MAX_SHARE_OFF


def test_convert_rgb_matches_scikit_image_over_all_of_lab():
    rng = np.random.default_rng(0)
    lightness = rng.uniform(0, 100, (200, 300)).astype(np.float32)
    ab = rng.uniform(-1, 1, (200, 300, 2)).astype(np.float32)  # most of it outside sRGB: tests the clipping
    assert_close(convert_rgb(lightness, ab), reference.lab_to_rgb(lightness, ab))


def test_rgb_lightness_matches_scikit_image():
    levels = np.arange(0, 256, 5, dtype=np.uint8)
    every_colour = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 52, 3)
    np.testing.assert_allclose(rgb_lightness(every_colour), convert_lab(every_colour)[0], atol=1e-3)


@pytest.mark.parametrize("size", [(301, 203), (96, 64), (5, 3)])  # enlarged ab, shrunk ab, tiny
@pytest.mark.parametrize("saturation", [0.0, 1.0, 2.0])
@pytest.mark.parametrize("follow_edges", [False, True])
def test_compose_matches_reference(size, saturation, follow_edges):
    rng = np.random.default_rng(1)
    photo = Image.fromarray(gradient_rgb(*size)).convert("L")
    noisy = np.clip(np.asarray(photo, np.int16) + rng.integers(-40, 40, photo.size[::-1]), 0, 255)
    lightness = lightness_of(Image.fromarray(noisy.astype(np.uint8)))
    coarse = rng.uniform(-0.9, 0.9, (8, 8, 2)).astype(np.float32)
    ab_small = np.stack([np.asarray(Image.fromarray(coarse[..., c]).resize((224, 224), Image.BICUBIC))
                         for c in range(2)], axis=-1)
    for fast, slow in zip(compose(lightness, ab_small, saturation, follow_edges=follow_edges),
                          reference.compose(lightness, ab_small, saturation, follow_edges)):
        assert fast.shape == slow.shape and fast.dtype == slow.dtype == np.uint8
        assert_close(fast, slow)


CHECKED_EXAMPLES = ("astronaut.jpg", "grace-hopper.jpg", "harbour.jpg", "river-landscape.png")  # faces, scenes:
# four, not all thirteen, as bfloat16 is emulated (slowly) on CPUs without its units


def _example_batch(size):
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
    return np.stack([np.asarray(Image.open(os.path.join(folder, n)).convert("L").resize((size, size)), np.float32)
                     for n in CHECKED_EXAMPLES]) / 2.55


def mean_ab_difference(model, config):
    batch = _example_batch(int(config["input_size"]))[..., None]
    own_ab = LoadedWeights({**config, "regions": 0}, "the network's own ab", model=model)
    fast = compiled_predictor(own_ab, "bfloat16")(batch)
    return float(np.abs(fast - reference.predict(model, batch[..., 0])).mean() * AB_SCALE)


def test_bfloat16_twin_carries_the_weights(colorizer):
    """On the untrained test model: catches a twin without the weights (its ab would differ wholesale)."""
    assert mean_ab_difference(colorizer.model, colorizer.config) < TOLERANCE_AB


NO_DEFAULT_WEIGHTS = not os.path.isfile(os.path.join(DEFAULT_WEIGHTS_DIR, CONFIG_FILE))


@pytest.mark.skipif(NO_DEFAULT_WEIGHTS, reason="no default weights shipped yet")
@pytest.mark.slow
def test_bfloat16_stays_close_on_the_shipped_model():
    loaded = load_weights()
    assert mean_ab_difference(loaded.model, loaded.config) < TOLERANCE_AB


@pytest.mark.parametrize("shape", [(37, 53, 3), (20, 31), (1, 1, 3)])
def test_fast_png_is_lossless(shape):
    import io

    from colorize.png import png_bytes

    pixels = np.random.default_rng(2).integers(0, 256, shape, dtype=np.uint8)
    decoded = Image.open(io.BytesIO(png_bytes(pixels)))
    assert decoded.mode == ("RGB" if len(shape) == 3 else "L")
    np.testing.assert_array_equal(np.asarray(decoded), pixels)
