"""The old-photo augmentation: shape, range and determinism, every effect fires, each does what it says."""
import numpy as np
import pytest
from scipy.ndimage import gaussian_filter, laplace
from skimage import data

from train import degrade
from train.degrade import EFFECTS, degrade_lightness, maybe_degrade

EFFECT_NAMES = [effect.__name__ for _, effect in EFFECTS]


@pytest.fixture(scope="module")
def photo():
    """The camera man, 128 x 128, as L in [0, 100] (gray: L is its scaled levels, near enough for these tests)."""
    return (data.camera()[::4, ::4] / np.float32(2.55)).astype(np.float32)


def flat(value=50.0, size=64):
    return np.full((size, size), value, np.float32)


def rng(seed=0):
    return np.random.default_rng(seed)


def high_frequency(image):
    return float(np.mean(laplace(image.astype(np.float64)) ** 2))


def test_shape_dtype_and_range_are_kept(photo):
    for seed in range(20):
        out = degrade_lightness(photo, rng(seed))
        assert out.shape == photo.shape and out.dtype == np.float32
        assert out.min() >= 0.0 and out.max() <= 100.0


def test_input_is_not_modified(photo):
    before = photo.copy()
    for seed in range(20):
        degrade_lightness(photo, rng(seed))
    np.testing.assert_array_equal(photo, before)


def test_non_square_and_float64_inputs(photo):
    out = degrade_lightness(photo[:, :100].astype(np.float64), rng(3))
    assert out.shape == (128, 100) and out.dtype == np.float32


def test_same_seed_same_result_different_seeds_differ(photo):
    np.testing.assert_array_equal(degrade_lightness(photo, rng(7)), degrade_lightness(photo, rng(7)))
    results = [degrade_lightness(photo, rng(seed)) for seed in range(5)]
    for i in range(len(results)):
        for j in range(i + 1, len(results)):
            assert not np.array_equal(results[i], results[j])


def test_always_degrades(photo):
    for seed in range(50):
        applied = []
        out = degrade_lightness(photo, rng(seed), applied=applied)
        assert applied and not np.array_equal(out, photo)


def test_every_effect_fires_within_50_seeds():
    seen = set()
    for seed in range(50):
        applied = []
        degrade_lightness(flat(size=16), rng(seed), applied=applied)
        assert set(applied) <= set(EFFECT_NAMES)
        assert applied == sorted(applied, key=EFFECT_NAMES.index)  # in EFFECTS's order
        seen.update(applied)
    assert seen == set(EFFECT_NAMES)


def test_effects_fire_at_about_their_probabilities():
    counts = dict.fromkeys(EFFECT_NAMES, 0)
    runs = 1000
    for seed in range(runs):
        applied = []
        degrade_lightness(flat(size=8), rng(seed), applied=applied)
        for name in applied:
            counts[name] += 1
    for probability, effect in EFFECTS:
        assert abs(counts[effect.__name__] / runs - probability) < 0.06, effect.__name__


def test_maybe_degrade_probability_zero_and_one(photo):
    for seed in range(10):
        assert maybe_degrade(photo, rng(seed), probability=0.0) is photo
        assert not np.array_equal(maybe_degrade(photo, rng(seed), probability=1.0), photo)


def test_maybe_degrade_about_half_the_time(photo):
    changed = sum(maybe_degrade(photo, rng(seed)) is not photo for seed in range(200))
    assert 70 < changed < 130


def test_strength_zero_is_gentle(photo):
    for seed in range(20):
        out = degrade_lightness(photo, rng(seed), strength=0.0)
        assert np.abs(out - photo).mean() < 3.0


@pytest.mark.parametrize("name", EFFECT_NAMES)
def test_each_effect_keeps_shape_and_is_deterministic(photo, name):
    effect = getattr(degrade, name)
    out = effect(photo, rng(1))
    assert out.shape == photo.shape and out.dtype == np.float32
    np.testing.assert_array_equal(out, effect(photo, rng(1)))
    assert not np.array_equal(out, photo)


def test_blur_lowers_high_frequencies(photo):
    for seed in range(5):
        assert high_frequency(degrade.blur(photo, rng(seed))) < 0.8 * high_frequency(photo)


def test_grain_raises_the_std_of_a_flat_image_most_in_the_mid_tones():
    for seed in range(5):
        mid, dark = degrade.grain(flat(50.0), rng(seed)), degrade.grain(flat(3.0), rng(seed))
        assert mid.std() > 0.5
        assert dark.std() < 0.6 * mid.std()  # 0.47 of it in deep shadows
        assert abs(mid.mean() - 50.0) < 1.0


def test_jpeg_changes_pixels_but_keeps_the_mean(photo):
    for seed in range(5):
        out = degrade.jpeg(photo, rng(seed))
        assert np.abs(out - photo).mean() > 0.3
        assert abs(out.mean() - photo.mean()) < 1.0


def test_levels_lifts_blacks_and_keeps_the_order():
    ramp = np.tile(np.linspace(0, 100, 64, dtype=np.float32), (8, 1))
    lifted = 0
    for seed in range(10):
        out = degrade.levels(ramp, rng(seed))
        assert np.all(np.diff(out, axis=1) >= 0)  # a tone curve: never reverses tones
        assert out.min() >= 0.0 and out.max() <= 100.0
        lifted += out.min() > 1.0
    assert lifted >= 8


def test_contrast_lowers_the_std_and_keeps_the_mean(photo):
    for seed in range(5):
        out = degrade.contrast(photo, rng(seed))
        assert out.std() < 0.9 * photo.std()
        assert abs(out.mean() - photo.mean()) < 0.01


def test_vignette_darkens_the_corners_more_than_the_centre():
    for seed in range(5):
        out = degrade.vignette(flat(80.0, 65), rng(seed))
        assert out[[0, 0, -1, -1], [0, -1, 0, -1]].mean() < out[32, 32] - 3.0
        assert out.max() <= 80.0 + 1e-3


def test_exposure_varies_smoothly():
    for seed in range(5):
        out = degrade.exposure(flat(60.0, 96), rng(seed))
        assert out.std() > 0.5  # uneven ...
        assert np.abs(np.diff(out, axis=1)).max() < 3.0  # ... but smooth: no edges of its own (a photo's are tens of L)


def test_scratches_and_dust_change_few_pixels_towards_light_or_dark():
    for seed in range(5):
        before = flat(50.0, 128)
        changed = np.abs(degrade.scratches(before, rng(seed)) - before) > 1.0
        assert 0 < changed.mean() < 0.05


def test_halftone_is_a_dot_screen_of_a_flat_gray():
    for seed in range(5):
        out = degrade.halftone(flat(50.0, 96), rng(seed))
        assert out.std() > 10.0  # dots and paper, not a flat gray
        assert 30.0 < out.mean() < 70.0  # about the same tone on average
        assert gaussian_filter(out, 3.0).std() < 0.35 * out.std()  # a fine screen: gone when seen from afar
