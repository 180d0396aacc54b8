"""The corpus of bad and odd inputs (tests/bad_inputs.py) through the library, the command line and the app.

Every input gets either a correct output (the size, orientation and lightness the image really has) or
one clear line saying what is wrong with it; nothing crashes, and the app keeps serving.
"""
import os
import re
import subprocess
import sys
import zipfile

import gradio as gr
import numpy as np
import pytest
from gradio.route_utils import delete_files_created_by_app
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from colorize import ImageError
from colorize.files_batch import output_paths
from colorize.lab import convert_lab
from tests.bad_inputs import lightness_error, make_corpus, png_header_only
from tests.test_app import WIDE, import_app
from webapp import batch
from webapp.shown_image import PREVIEW_SIDE, THUMBNAIL_SIDE, preview

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JPEG_OUTPUT_SLACK = 1.5  # the app shows L as a JPEG: a little more error than the PNG


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def app(untrained_weights, tmp_path_factory):
    """app.py imported afresh on the untrained weights."""
    return import_app(tmp_path_factory, untrained_weights)


def test_the_corpus_has_enough_kinds(corpus):
    kinds = {case.kind for case in corpus}
    assert len(kinds) == len(corpus) >= 25
    assert sum(case.error is None for case in corpus) >= 15 and sum(case.error is not None for case in corpus) >= 10


def one_line_matching(message, case):
    """Why a refusal message is not good enough, or None."""
    pattern = case.error
    if "\n" in message.strip():
        return f"{case.name}: message on several lines: {message!r}"
    if case.name not in message or not re.search(pattern, message):
        return f"{case.name}: message {message!r} does not name it and say /{pattern}/"
    return None


def test_library_gives_each_a_correct_picture_or_one_clear_message(colorizer, corpus):
    problems = []
    for case in corpus:
        try:
            result = colorizer.colorize(str(case.path))
        except ImageError as error:
            if case.error is None:
                problems.append(f"{case.name}: refused ({error}) but it is a readable image")
            else:
                problems.append(one_line_matching(str(error), case))
            continue
        if case.error is not None:
            problems.append(f"{case.name}: read, but it should have been refused")
            continue
        shapes = {picture.shape[:2] for picture in result}
        if shapes != {case.view.shape[:2]}:
            problems.append(f"{case.name}: outputs of shapes {shapes}, expected {case.view.shape[:2]}")
        elif (error := lightness_error(result.lightness, case.view)) > case.tolerance:
            problems.append(f"{case.name}: lightness off by {error:.2f} L* on average (turned, flipped or rescaled?)")
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_command_line_writes_the_good_and_names_each_bad_in_one_line(untrained_weights, corpus, tmp_path):
    # One run over the whole corpus, plus a path that climbs out of its folder: the output stays in --output-dir.
    outside = tmp_path / "escape.png"
    Image.fromarray(corpus[-1].view).save(outside)
    climbing = corpus[0].path.parent / ".." / outside.parent.name / "escape.png"
    inputs = [str(case.path) for case in corpus] + [str(climbing)]
    views = [case.view for case in corpus] + [corpus[-1].view]
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "colorize", *inputs, "--output-dir", str(out), "--saturation", "0",
                           "--weights", untrained_weights, "--kind", "photo"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("colorize: ")]
    bad = [case for case in corpus if case.error]
    assert len(errors) == len(bad), "\n".join(errors)
    for case, line in zip(bad, errors):
        assert case.name in line and re.search(case.error, line), line
    targets = list(output_paths(inputs, str(out)))
    expected = {os.path.basename(t) for t, view in zip(targets, views) if view is not None}
    assert set(os.listdir(out)) == expected  # nothing for the bad ones, not even an empty file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["escape.png", "out"]  # nothing written beside
    for target, view in zip(targets, views):
        if view is not None:
            written = np.asarray(Image.open(target).convert("RGB"))
            assert written.shape == view.shape, target
            # saturation 0: the written file is the input's lightness, exactly, the right way up
            assert np.abs(convert_lab(written)[0] - convert_lab(view)[0]).mean() < 2.0, target


def test_a_raised_pixel_limit_is_honoured_above_pillows_warning():
    """Pillow warns about 89 MP and refuses 179 MP: a limit raised to 120 MP lets a 95 MP image through its check."""
    from colorize import open_image

    with pytest.raises(ImageError, match="not an image file, or a damaged one"):  # a header only: then it is damaged
        open_image(png_header_only(10_000, 9_500), max_pixels=120_000_000)
    with pytest.raises(ImageError, match="claims 1,600 megapixels; the limit is 179 megapixels"):
        open_image(png_header_only(40_000, 40_000), max_pixels=2_000_000_000)


@pytest.mark.parametrize("given, expected", [
    ("../x.png", "x.png"), ("a/../../x.png", "x.png"), ("/etc/passwd", "passwd.png"), ("..", "...png"),
    (".", "..png"), ("/", "image.png"), ("dir/", "dir.png"), ("../../..", "...png"),
    ("..png", "..png.png"), ("C:\\Users\\x.png", "C:\\Users\\x.png"), ("~/x.png", "x.png"),
])
def test_output_names_cannot_leave_the_output_folder(tmp_path, given, expected):
    out = tmp_path / "out"
    (target,) = output_paths([given], str(out))
    assert os.path.dirname(os.path.realpath(target)) == os.path.realpath(out) and os.path.basename(target) == expected


def app_message(call):
    try:
        call()
    except (gr.Error, AppError) as error:
        return str(error.message if isinstance(error, gr.Error) else error)
    return None


@pytest.mark.slow
def test_app_gives_each_upload_a_correct_picture_or_one_clear_message(app, corpus):
    problems = []
    for case in (c for c in corpus if c.app):
        outputs = []
        message = app_message(
            lambda: outputs.append(app.demo(str(case.path), 1.0, "Auto", "Keep", api_name="colorize")))
        if case.error is not None:
            problems.append(one_line_matching(message, case) if message else f"{case.name}: accepted")
            continue
        if message is not None:
            problems.append(f"{case.name}: refused with {message!r}")
            continue
        lightness, ab, rgb, (before, after) = outputs[0]
        small, shown = preview(case.view, THUMBNAIL_SIDE), preview(case.view, PREVIEW_SIDE)
        sizes = [Image.open(path).size for path in (rgb, lightness, ab, before, after)]
        expected = [case.size, small.size, small.size, shown.size, shown.size]
        if sizes != expected:  # the download at full size; the previews fit the screen, in the same shape
            problems.append(f"{case.name}: outputs of sizes {sizes}, expected {expected}")
            continue
        error = lightness_error(np.asarray(Image.open(lightness).convert("L"), np.float32), np.asarray(small))
        if error > case.tolerance + JPEG_OUTPUT_SLACK:
            problems.append(f"{case.name}: lightness off by {error:.2f} L* on average")
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def client(app):
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield Client(url, verbose=False)
    app.demo.close()


@pytest.mark.slow
def test_launched_app_batch_of_the_whole_corpus(app, client, corpus, monkeypatch):
    # Every upload through HTTP in one call: the good ones come back in the zip, upright at full size,
    # the bad ones are listed by name. Saturation 0, so that each PNG's lightness is the input's, exactly.
    uploads = [case for case in corpus if case.app]
    monkeypatch.setattr(batch, "MAX_BATCH_FILES", len(uploads))
    archive, summary = client.predict([handle_file(str(case.path)) for case in uploads], 0.0,
                                      api_name="/colorize_batch")
    names = list(output_paths([str(case.path) for case in uploads], ""))  # as the app names them
    with zipfile.ZipFile(archive) as z:
        assert z.namelist() == [name for name, case in zip(names, uploads) if case.error is None]
        for name, case in zip(names, uploads):
            if case.error is None:
                written = np.asarray(Image.open(z.open(name)).convert("RGB"))
                assert written.shape == case.view.shape, name
                assert np.abs(convert_lab(written)[0] - convert_lab(case.view)[0]).mean() < 2.0, name
    bad = [case for case in uploads if case.error]
    assert f"Colorized {len(uploads) - len(bad)} images." in summary and f"Skipped {len(bad)}:" in summary
    assert all(case.name in summary for case in bad)


@pytest.mark.slow
def test_launched_app_refuses_each_bad_upload_in_one_line_keeps_serving_and_cleans_up(app, client, corpus):
    problems = []
    for case in (c for c in corpus if c.app and c.error):
        try:
            client.predict(handle_file(str(case.path)), api_name="/colorize")
            problems.append(f"{case.name}: accepted")
        except AppError as error:
            problems.append(one_line_matching(str(error), case))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
    assert Image.open(client.predict(handle_file(str(WIDE)), api_name="/colorize")[2]).size == Image.open(WIDE).size
    transparent = next(case for case in corpus if case.name == "rgba-transparent.png")
    client.predict([handle_file(str(transparent.path))], 1.0, api_name="/colorize_batch")  # a batch zip to clean

    # Uploads, results and batch zips stay in Gradio's cache until its cleaner (every CACHE_CLEANUP[0] seconds)
    # removes those older than CACHE_CLEANUP[1]; the shipped examples are kept.
    assert app.demo.delete_cache == app.CACHE_CLEANUP
    examples = {path for block in app.demo.blocks.values() for path in getattr(block, "keep_in_cache", ())}
    kept = [path for files in app.demo.temp_file_sets for path in files if path not in examples]
    assert any(path.endswith("colorized.zip") for path in kept) and any("rgba-transparent" in path for path in kept)
    delete_files_created_by_app(app.demo, age=0)  # what the cleaner does, here for files of any age
    assert not [path for path in kept if os.path.exists(path)]
