"""The drawing model: its lightness head, descreening, the made-up manga inputs, training and use."""
import contextlib
import io
import json
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorize import Colorizer
from colorize.model import build_model
from colorize.pipeline import PAPER_FADE, compose, drawing_lightness
from colorize.screentone import descreen
from tests.subcommand import run_subcommand
from train import drawn_inputs
from train import evaluate as train_evaluate
from train import fit as train_fit
from train.data import ColorBatches
from train.degrade import dot_screen
from train.metrics import paper_chroma

COLOURS = [(220, 60, 40), (40, 120, 220), (250, 200, 30), (60, 170, 80), (200, 90, 200), (240, 150, 110)]


def cartoon(colour, size=64, fill=True):
    """A filled, black-outlined disc on white paper (its line art when fill=False)."""
    image = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(image).ellipse((12, 10, size - 12, size - 14), fill=colour if fill else "white",
                                  outline="black", width=3)
    return image


@pytest.fixture(scope="module")
def drawings(tmp_path_factory):
    """OpenMoji-like pairs: color/N.png and its exact line art line/N.png."""
    root = tmp_path_factory.mktemp("drawn")
    for kind in ("color", "line"):
        (root / kind).mkdir()
    for i, colour in enumerate(COLOURS * 2):
        cartoon(colour).save(root / "color" / f"d{i}.png")
        cartoon(colour, fill=False).save(root / "line" / f"d{i}.png")
    return str(root)


def test_a_new_lightness_head_starts_at_paper_white():
    model = build_model("unet", "none", "bins", predicts_lightness=True)
    ab, lightness = model(np.full((1, 64, 64, 1), 50.0, np.float32))
    assert ab.shape == (1, 64, 64, 2) and lightness.shape == (1, 64, 64, 1)
    assert float(np.min(lightness)) > 80  # so min(page, fill) starts out as the page itself


def test_the_result_keeps_ink_as_dark_as_drawn_and_gives_white_fills_a_tone():
    page = np.full((40, 40), 100.0, np.float32)
    page[:, 18:21] = 5.0  # an ink line
    fill = np.full((20, 20), 60.0, np.float32)  # the model's tone for the fills
    result = drawing_lightness(page, fill)
    assert np.all(result <= page) and np.all(result[:, 18:21] == 5.0)
    assert abs(float(result[5, 5]) - 60.0) < 1e-3


def test_shaded_art_keeps_its_own_lightness_and_line_art_takes_the_fills():
    page = np.full((8, 8), 100.0, np.float32)
    page[:, :2] = 60.0  # a shaded part
    fill = np.full((4, 4), 70.0, np.float32)  # the model's tone for what it takes for a white fill
    np.testing.assert_allclose(drawing_lightness(page, fill), np.minimum(page, 70.0))
    np.testing.assert_allclose(drawing_lightness(page, fill, shaded=1.0), page)
    np.testing.assert_allclose(drawing_lightness(page, fill, shaded=0.25)[:, 4:], 77.5)  # a quarter of the way back


def test_colour_fades_out_on_white_paper_and_black_ink_only():
    lightness = np.full((16, 16), 100.0, np.float32)
    ab = np.full((8, 8, 2), 0.4, np.float32)
    paper = compose(lightness, ab, result_lightness=lightness, paper_fade=PAPER_FADE).rgb
    assert np.ptp(paper.astype(int), axis=-1).max() == 0  # white stays white
    ink = compose(lightness, ab, result_lightness=np.zeros((16, 16), np.float32), paper_fade=PAPER_FADE).rgb
    assert ink.max() == 0  # and ink black
    toned = compose(lightness, ab, result_lightness=np.full((16, 16), 70.0, np.float32), paper_fade=PAPER_FADE).rgb
    assert np.ptp(toned.astype(int), axis=-1).min() > 40  # a fill the model toned keeps its colour


def screened(coverage, size=96, period=6):
    """A flat gray printed as dark dots on paper (as a screentone is)."""
    gray = np.full((size, size), 100.0 * (1 - coverage), np.float32)
    return np.where((1 - gray / 100) > dot_screen(gray.shape, period, 0.3), 5.0, 100.0).astype(np.float32)


def test_descreening_turns_dots_into_their_gray_and_keeps_lines():
    page = screened(0.2)
    page[40:44, :] = 5.0  # a solid ink line across the tone
    smooth = descreen(page)
    inside = smooth[8:32, 8:88]
    assert inside.std() < 4 and abs(inside.mean() - page[8:32, 8:88].mean()) < 4  # flat, of the dots' mean
    assert smooth[40:44].max() <= 5.0  # the line stays as dark (the dots' ink beside it only darkens it)


def test_a_drawing_without_dots_is_not_changed_by_descreening():
    page = np.asarray(cartoon((200, 60, 40)).convert("L"), np.float32) / 2.55
    np.testing.assert_array_equal(descreen(page), page)


def test_made_up_inputs_look_like_line_art_and_toned_pages():
    lightness = np.asarray(cartoon((200, 60, 40), 96).convert("L"), np.float32) / 2.55
    rng = np.random.default_rng(0)
    lines = drawn_inputs.xdog(lightness, rng)
    assert lines[48, 48] > 95 and lines[:, 10:16].min() < 30  # white fill, dark outline
    for seed in range(5):
        toned = drawn_inputs.toned_page(lightness, np.random.default_rng(seed))
        assert toned.shape == lightness.shape and toned.min() >= 0 and toned.max() <= 100
    made = []
    drawn_inputs.drawn_input(lightness, rng, applied=made)
    assert made[0] in drawn_inputs.MAKERS


def test_the_fill_target_thins_out_lines():
    lightness = np.full((1, 32, 32), 90.0, np.float32)
    lightness[0, :, 15] = 5.0  # a 1 px line
    assert np.allclose(drawn_inputs.fill_lightness(lightness, 2), 0.9)


def test_a_colour_drawing_finds_its_line_twin(drawings):
    assert drawn_inputs.line_twin(os.path.join(drawings, "color", "d0.png")) == os.path.join(drawings, "line", "d0.png")
    assert drawn_inputs.line_twin(os.path.join(drawings, "line", "d0.png")) is None


def test_drawing_batches_carry_bins_weights_and_fill_lightness(drawings):
    paths = sorted(os.path.join(drawings, "color", f) for f in os.listdir(os.path.join(drawings, "color")))
    batches = ColorBatches(paths, 4, 32, True, targets="bins", target_stride=2,
                           bin_weights=np.ones(261, np.float32), drawing=True)
    x, y = batches[0]
    assert x.shape == (4, 32, 32, 1) and y.shape == (4, 16, 16, 3)
    assert y[..., 1].min() == 1.0 and 0.0 <= y[..., 2].min() and y[..., 2].max() <= 1.0


@pytest.fixture(scope="module")
def drawing_run(drawings, tmp_path_factory):
    out = tmp_path_factory.mktemp("drawing_run") / "run"
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_subcommand(train_fit, "--data", drawings, "--drawing", "--encoder", "none", "--crop-size", "32",
                              "--image-size", "64", "--batch-size", "4", "--val-share", "0.25", "--epochs", "1",
                              "--precision", "float32", "--samples", "1", "--out", str(out), "--verbose", "0") == 0
    return str(out)


@pytest.mark.slow
def test_fit_drawing_gives_drawing_weights_that_keep_ink(drawing_run, drawings):
    colorizer = Colorizer.from_weights(drawing_run)
    assert colorizer.kind == "drawing" and colorizer.config["predicts_lightness"] is True
    line = cartoon((0, 0, 0), fill=False).convert("L")
    result = colorizer.colorize(line)
    assert result.rgb.shape == (64, 64, 3)
    page = np.asarray(line, np.float32)
    ink = page < 50
    assert np.asarray(Image.fromarray(result.rgb).convert("L"), np.float32)[ink].max() <= page[ink].max() + 1


def test_fit_refuses_a_drawing_model_with_the_regression_head(drawings, tmp_path):
    with pytest.raises(SystemExit, match="--drawing needs"):
        run_subcommand(train_fit, "--data", drawings, "--drawing", "--loss", "mse", "--out", str(tmp_path / "r"))


@pytest.mark.slow
def test_evaluate_measures_line_art_against_its_colour_twin(drawing_run, drawings, tmp_path):
    out = tmp_path / "metrics.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_subcommand(train_evaluate, "--weights", drawing_run, "--data", os.path.join(drawings, "color"),
                              "--input", "lines", "--out", str(out)) == 0
    report = json.loads(out.read_text())
    result = report["datasets"]["color"]
    assert report["input"] == "lines" and result["images"] == 12
    assert result["gray"]["paper_chroma"] == pytest.approx(0.0, abs=0.01)  # the line art's paper is white


def test_paper_chroma_is_measured_where_the_truth_is_white():
    from skimage import color

    truth = np.asarray(cartoon((200, 60, 40)), np.float64) / 255
    washed = truth * [1.0, 0.97, 0.88]
    assert paper_chroma(color.rgb2lab(truth), color.rgb2lab(truth)) < 0.5
    assert paper_chroma(color.rgb2lab(truth), color.rgb2lab(washed)) > 5
    assert np.isnan(paper_chroma(color.rgb2lab(truth * 0.5), color.rgb2lab(truth)))


@pytest.mark.slow
def test_train_kinds_fits_a_detector_that_tells_the_kinds_apart(drawings, untrained_weights, tmp_path):
    from colorize.kind_detector import drawing_probability, shaded_probability
    from tests.images import gradient_rgb
    from train import kinds as train_kinds

    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(0)
    for i in range(12):  # noisy gradients: textured, as photos are
        noisy = gradient_rgb(64, 64).astype(int) + rng.integers(-40, 40, (64, 64, 3))
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(photos / f"p{i}.png")
    out = tmp_path / "detector.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert run_subcommand(train_kinds, "--weights", untrained_weights, "--drawing-weights", untrained_weights,
                              "--drawn", os.path.join(drawings, "color"),
                              "--photos", str(photos), "--val-share", "0.3", "--pages", "6", "--out", str(out)) == 0
    detector = json.loads(out.read_text())
    groups = {"drawn (all views)", "photos (all views)", "drawn (gray art only)", "pages: manga",
              "pages: photos laid out"}
    assert set(detector["validation_share_right"]) >= groups
    colorizer = Colorizer.from_weights(untrained_weights)
    line = np.asarray(cartoon((0, 0, 0), fill=False).convert("L"), np.float32) / 2.55
    photo = np.asarray(Image.open(photos / "p0.png").convert("L"), np.float32) / 2.55
    drawn, photographed = (drawing_probability(colorizer.features(x)[None], detector)[0] for x in (line, photo))
    assert drawn > 0.5 > photographed
    gray = np.asarray(cartoon(COLOURS[0]).convert("L"), np.float32) / 2.55
    shaded, lined = (shaded_probability(colorizer.features(x)[None], detector)[0] for x in (gray, line))
    assert detector["shading"]["validation_share_right"]["all drawn views"] > 0.5 and shaded > lined
    from colorize.model import encoder_digest

    assert detector["encoder_sha256"] == detector["shading"]["encoder_sha256"] == encoder_digest(colorizer.model)
