"""Decoding by region: one clean colour per region, regions that follow edges and ink, the pipeline using it."""
import json
import os
import shutil

import numpy as np
import pytest
from scipy import ndimage

from colorize.ab_bins import ab_bin_centers
from colorize.decoding import annealed_mean, decode, regions
from colorize.weights import CONFIG_FILE


def two_areas(size=32):
    """L with a dark left half and a light right half."""
    lightness = np.full((size, size), 80.0, np.float32)
    lightness[:, : size // 2] = 30.0
    return lightness


def sure_of(bins, shape):
    """Distributions (H, W, Q) sure of the bin `bins[y, x]` with noise around it, summing to 1."""
    rng = np.random.default_rng(0)
    probabilities = rng.uniform(0, 0.2 / len(ab_bin_centers()), shape + (len(ab_bin_centers()),))
    probabilities[np.arange(shape[0])[:, None], np.arange(shape[1]), bins] += 0.8
    return (probabilities / probabilities.sum(-1, keepdims=True)).astype(np.float32)


def test_annealed_mean_matches_the_model_layer():
    from colorize.layers import AnnealedMean

    logits = np.random.default_rng(1).normal(0, 2, (1, 4, 4, len(ab_bin_centers()))).astype(np.float32)
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(annealed_mean(probabilities[0], 0.38), np.asarray(AnnealedMean(0.38)(logits))[0],
                               atol=1e-5)


def test_each_region_gets_one_colour_and_speckle_is_outvoted():
    centers = ab_bin_centers()
    red, blue = int(np.argmax(centers[:, 0])), int(np.argmin(centers[:, 1]))
    bins = np.where(np.arange(32)[None, :] < 16, red, blue).repeat(32, 0)
    bins[5, 5] = bins[20, 25] = int(np.argmin(centers[:, 0]))  # two speckles of green
    ab = decode(sure_of(bins, (32, 32)), two_areas(), count=4, temperature=0.38)
    left, right = ab[:, :16].reshape(-1, 2), ab[:, 16:].reshape(-1, 2)
    assert np.ptp(left, axis=0).max() < 0.02 and np.ptp(right, axis=0).max() < 0.02  # flat: no speckle
    np.testing.assert_allclose(left[0], centers[red], atol=0.05)  # red on the left, blue on the right
    np.testing.assert_allclose(right[0], centers[blue], atol=0.05)


def test_an_unsure_region_is_muted_and_a_sure_one_keeps_its_colour():
    centers = ab_bin_centers()
    red, green = int(np.argmax(centers[:, 0])), int(np.argmin(centers[:, 0]))
    probabilities = np.zeros((32, 32, len(centers)), np.float32)
    probabilities[:, :16, red] = 1.0  # sure
    probabilities[:, 16:, red] = probabilities[:, 16:, green] = 0.5  # torn between two far colours
    plain, muted = (decode(probabilities, two_areas(), 4, 0.38, mute) for mute in (0.0, 3.0))
    np.testing.assert_allclose(muted[:, :16], plain[:, :16], atol=1e-4)
    assert np.abs(muted[:, 16:]).max() < 0.2 * np.abs(plain[:, 16:]).max() + 1e-3


def test_a_drawings_regions_never_cross_its_ink():
    lightness = np.full((64, 64), 98.0, np.float32)
    lightness[:, 31:33] = 5.0  # one ink line down the middle
    lightness[40:, :31] = 60.0  # a shaded area left of the line: still not joined to the right
    labels = regions(lightness, count=1, drawing=True)
    assert not set(np.unique(labels[:, :31])) & set(np.unique(labels[:, 33:]))
    assert len(np.unique(regions(lightness, count=1))) == 1  # a photo's single region ignores the line


def test_a_drawings_flat_fill_takes_one_colour_where_a_photos_area_may_take_two():
    centers = ab_bin_centers()
    red, blue = int(np.argmax(centers[:, 0])), int(np.argmin(centers[:, 1]))
    bins = np.where(np.arange(64)[None, :] < 32, red, blue).repeat(64, 0)  # beliefs that change halfway across
    flat = np.full((64, 64), 70.0, np.float32)  # one flat gray fill, no ink
    drawing = decode(sure_of(bins, (64, 64)), flat, count=16, temperature=0.38, drawing=True)
    assert np.ptp(drawing.reshape(-1, 2), axis=0).max() < 0.02
    photo = decode(sure_of(bins, (64, 64)), flat, count=16, temperature=0.38)
    assert np.abs(photo[:, 2] - photo[:, -3]).max() > 0.2  # SLIC's pieces each keep their own belief
    shaded = np.tile(np.linspace(40.0, 95.0, 64, dtype=np.float32), (64, 1))  # a gradient is not a flat fill
    assert len(np.unique(regions(shaded, count=16, drawing=True))) > 4


def outlined_square(inside, outline, width=3, blur=1.0):
    """A 96x96 page (L 100) with a square of L `inside` drawn in lines of L `outline`, `width` px, blurred like a
    scan made small by `blur` (sigma, px), and its labels as a drawing's regions (count 60)."""
    lightness = np.full((96, 96), 100.0, np.float32)
    lightness[16:80, 16:80] = outline
    lightness[16 + width : 80 - width, 16 + width : 80 - width] = inside
    lightness = ndimage.gaussian_filter(lightness, blur) if blur else lightness
    return lightness, regions(lightness, count=60, drawing=True)


def test_a_tinted_fills_pieces_along_its_outline_join_it_and_a_faint_line_still_parts_paper():
    lightness, labels = outlined_square(80.0, 5.0)  # a gray fill: the pieces along its ink hold blurred edge pixels
    assert len(np.unique(labels[23:73, 23:73])) == 1
    lightness, labels = outlined_square(100.0, 75.0, width=1, blur=0)  # a white figure, its outline faint and thin
    assert not set(np.unique(labels[22:74, 22:74])) & set(np.unique(labels[:12]))  # its fill is not the page


@pytest.fixture(scope="module")
def region_weights(tmp_path_factory, untrained_hint_weights):
    folder = tmp_path_factory.mktemp("regions")
    shutil.copytree(untrained_hint_weights, folder, dirs_exist_ok=True)
    with open(os.path.join(folder, CONFIG_FILE)) as f:
        config = json.load(f)
    with open(os.path.join(folder, CONFIG_FILE), "w") as f:
        json.dump({**config, "regions": 20, "mute": 1.0}, f)
    return str(folder)


def test_the_pipeline_decodes_by_region_when_the_weights_say_so(region_weights):
    from colorize import Colorizer
    from tests.images import gradient_rgb

    colorizer = Colorizer.from_weights(region_weights)
    ab, _ = colorizer.predict(np.stack([two_areas(64)] * 2))
    assert ab.shape == (2, 32, 32, 2) and np.isfinite(ab).all()
    assert len(np.unique(ab[0].reshape(-1, 2), axis=0)) <= 20 + 5  # about `regions` colours, not one per pixel
    result = colorizer.colorize(gradient_rgb(90, 70))
    assert result.rgb.shape == (70, 90, 3)


def test_weights_with_a_bad_region_count_are_refused(tmp_path, untrained_hint_weights):
    from colorize.weights import WeightsError, load_weights

    shutil.copytree(untrained_hint_weights, tmp_path, dirs_exist_ok=True)
    with open(tmp_path / CONFIG_FILE) as f:
        config = json.load(f)
    for bad in (-1, 1.5, "many", 10**6):
        (tmp_path / CONFIG_FILE).write_text(json.dumps({**config, "regions": bad}))
        with pytest.raises(WeightsError, match="regions"):
            load_weights(weights=str(tmp_path))


def test_a_hint_colours_the_whole_region_it_falls_on():
    from colorize.hints import hint_array

    centers = ab_bin_centers()
    probabilities = np.zeros((32, 32, len(centers)), np.float32)
    probabilities[..., int(np.argmax(centers[:, 0]))] = 1.0  # the model is sure of red everywhere
    blue = centers[int(np.argmin(centers[:, 1]))]
    hints = hint_array(64, [(10, 40, 3, 3, blue)])  # one small blue hint in the right half, at the input size
    plain = decode(probabilities, two_areas(), 4, 0.38)
    hinted = decode(probabilities, two_areas(), 4, 0.38, hints=hints)
    assert np.abs(hinted[:, :16] - plain[:, :16]).max() < 0.03  # the other side of the edge keeps its colour
    taken = np.all(np.abs(hinted - blue) < 0.02, axis=-1)
    assert taken[5, 20] and taken.sum() >= 0.2 * 32 * 32  # well beyond the hint's own 2x2 model pixels



def test_a_hints_correction_carries_to_alike_regions_and_not_across_unlike_ones():
    """Light | dark | light stripes, the model sure of red everywhere, one blue hint in the right stripe: the left
    stripe, apart from it but alike, turns blue too; the dark stripe between them stays red."""
    from colorize.hints import hint_array

    centers = ab_bin_centers()
    probabilities = np.zeros((48, 48, len(centers)), np.float32)
    probabilities[..., int(np.argmax(centers[:, 0]))] = 1.0
    blue = centers[int(np.argmin(centers[:, 1]))]
    lightness = np.full((96, 96), 80.0, np.float32)
    lightness[:, 32:64] = 20.0
    hints = hint_array(96, [(48, 80, 3, 3, blue)])  # (row, column, ...)
    plain = decode(probabilities, lightness, 6, 0.38)
    hinted = decode(probabilities, lightness, 6, 0.38, hints=hints)
    moved = np.linalg.norm(hinted - plain, axis=-1) / np.linalg.norm(blue - plain[0, 0])  # share of the way to blue
    assert moved[:, 34:46].mean() > 0.5  # the right stripe, hinted
    assert moved[:, :14].mean() > 0.3  # the left one, not touching it, alike
    assert moved[:, 18:30].max() < 0.1  # the dark one between them
