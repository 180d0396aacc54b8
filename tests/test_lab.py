import numpy as np
from PIL import Image

from colorize.images import lightness_of
from colorize.lab import KEEP_LIGHTNESS_BELOW, LabBand, ab_picture, convert_lab, convert_rgb, gray_rgb


def test_round_trip_is_exact_to_rounding():
    rgb = np.random.default_rng(0).integers(0, 256, (64, 48, 3), dtype=np.uint8)
    lightness, ab = convert_lab(rgb)
    assert lightness.shape == (64, 48) and ab.shape == (64, 48, 2)
    assert lightness.min() >= 0 and lightness.max() <= 100
    assert np.abs(ab).max() <= 1.0
    assert np.abs(convert_rgb(lightness, ab).astype(int) - rgb).max() <= 1


def test_known_colours():
    lightness, ab = convert_lab(np.array([[[255, 255, 255], [0, 0, 0], [255, 0, 0]]], np.uint8))
    np.testing.assert_allclose(lightness[0, :2], [100, 0], atol=1e-3)
    np.testing.assert_allclose(ab[0, :2], 0, atol=1e-3)
    assert ab[0, 2, 0] > 0.6  # red has a large positive a (about 80 / 128)


def test_gray_and_ab_picture():
    gray = gray_rgb(np.full((2, 2), 50.0))
    assert gray.dtype == np.uint8 and np.ptp(gray) == 0
    picture = ab_picture(np.array([[[0.5, 0.0], [-0.5, 0.0]]], np.float32))
    assert picture[0, 0, 0] > picture[0, 0, 1]  # +a is red
    assert picture[0, 1, 1] > picture[0, 1, 0]  # -a is green


def test_nearest_bins_matches_comparing_every_centre():
    from colorize.ab_bins import ab_bin_centers, nearest_bins

    ab = np.random.default_rng(0).uniform(-1, 1, (4, 50, 50, 2)).astype(np.float32)  # in and out of gamut
    centers = ab_bin_centers()
    distances = ((ab[..., None, :] - centers) ** 2).sum(axis=-1)
    bins = nearest_bins(ab)
    assert bins.shape == (4, 50, 50)
    chosen = np.take_along_axis(distances, bins[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(chosen, distances.min(axis=-1), atol=1e-6)  # ties may pick either bin


def test_a_gray_picture_has_one_lightness_whether_stored_as_gray_or_as_rgb():
    gray = np.random.default_rng(0).integers(0, 256, (40, 60), dtype=np.uint8)
    as_l, as_rgb = Image.fromarray(gray), Image.fromarray(np.repeat(gray[..., None], 3, axis=-1))
    expected = convert_lab(np.asarray(as_rgb))[0]
    np.testing.assert_allclose(lightness_of(as_rgb), expected, atol=1e-3)
    np.testing.assert_allclose(lightness_of(as_l), expected, atol=1e-3)
    tinted = np.asarray(as_rgb).copy()
    tinted[0, 0, 2] ^= 1  # one pixel not gray: the picture takes the RGB path
    np.testing.assert_allclose(lightness_of(Image.fromarray(tinted)), convert_lab(tinted)[0], atol=1e-3)


def test_keeping_lightness_clips_colours_beyond_srgb_toward_their_own_gray():
    levels = np.repeat(np.float32([5, 9, 13, 30, 50, 70, 90, 99]), 6)
    a = np.tile(np.float32([0.6, -0.4, 0.5, -0.6, 0.2, 0.0]), 8)
    b = np.tile(np.float32([0.5, -0.6, -0.7, 0.6, 0.2, 0.0]), 8)
    band = LabBand(len(a))
    kept, clipped = np.empty((len(a), 3), np.uint8), np.empty((len(a), 3), np.uint8)
    band.srgb(levels, a, b, kept, keep_lightness=True)
    band.srgb(levels, a, b, clipped)
    dark = levels < KEEP_LIGHTNESS_BELOW
    assert np.abs(convert_lab(kept[None])[0][0] - levels)[dark].max() < 0.5, "every dark colour keeps its L"
    assert np.abs(convert_lab(clipped[None])[0][0] - levels)[dark].max() > 10, "clipping each channel does not"
    inside = np.hypot(a, b) * 128 < 1  # the grays: the same bytes either way
    assert np.array_equal(kept[inside | ~dark], clipped[inside | ~dark]), "and light colours are clipped as before"
    hue = np.arctan2(*convert_lab(kept[None])[1][0][:, ::-1].T)
    assert np.all(np.cos(hue - np.arctan2(b, a))[~inside] > 0.7), "and nearly its hue"


def test_keeping_lightness_takes_lightness_at_and_beyond_its_range():
    levels, a, b = np.float32([150, 100, -5, 0]), np.full(4, 0.3, np.float32), np.full(4, 0.2, np.float32)
    kept, clipped = np.empty((4, 3), np.uint8), np.empty((4, 3), np.uint8)
    LabBand(4).srgb(levels, a, b, kept, keep_lightness=True)
    LabBand(4).srgb(levels, a, b, clipped)
    assert np.array_equal(kept[:2], clipped[:2]), "light: clipped channel by channel"
    assert kept[2:].max() <= 10 and np.all(kept[3] == 0), "ink black holds no colour: black"
