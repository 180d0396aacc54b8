"""The Gradio app: in-process calls of its Blocks, and its API through gradio_client on 127.0.0.1."""
import glob
import importlib
import os
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

import gradio as gr
import httpx
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.bad_inputs import png_header_only
from tests.images import gradient_rgb
from webapp import batch, shown_image

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WIDE = EXAMPLES / "chelsea.jpg"  # 451 x 300: not square, so a swapped width and height would show


def import_app(tmp_path_factory, weights):
    """app imported afresh on these weights."""
    # Gradio reads the examples cache folder again when it serves files: this one stays set.
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(tmp_path_factory.mktemp("examples-cache"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COLORIZE_WEIGHTS", str(weights))
        env.delenv("COLORIZE_HUB_REPO", raising=False)
        env.delenv("COLORIZE_HUB_REVISION", raising=False)
        sys.modules.pop("app", None)
        return importlib.import_module("app")


@pytest.fixture(scope="session")
def app(tmp_path_factory, untrained_weights):
    return import_app(tmp_path_factory, untrained_weights)


@pytest.fixture(scope="session")
def url(app):
    _, local_url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield local_url
    app.demo.close()


@pytest.fixture(scope="session")
def client(url):
    return Client(url, verbose=False)


def batch_endpoint(app):
    """The app's colorize_batch function: a generator (its zip's folder goes when it resumes), which Blocks
    cannot call in process."""
    return next(fn.fn for fn in app.demo.fns.values() if fn.api_name == "colorize_batch")


def size_of(path):
    with Image.open(path) as image:
        return image.size


def bomb_file(path, width, height):
    """A tiny PNG file that claims huge dimensions (see tests.bad_inputs.png_header_only)."""
    Path(path).write_bytes(png_header_only(width, height))
    return path


def bad_inputs(folder):
    """Files a public demo gets, each of which must come back as one readable message."""
    good = (EXAMPLES / "camera.jpg").read_bytes()
    files = {
        "page.jpg": b"<html><body>not an image</body></html>",
        "empty.png": b"",
        "truncated.jpg": good[: len(good) // 3],
        "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    paths = [folder / name for name in files]
    return paths + [bomb_file(folder / "bomb.png", 40_000, 40_000), bomb_file(folder / "wide.png", 60_000, 1_000)]


def test_colorize_in_process_keeps_full_resolution(app):
    lightness, ab, rgb, (before, after) = app.demo(str(WIDE), 1.0, "Auto", "Keep", api_name="colorize")
    assert {size_of(path) for path in (lightness, ab, rgb, before, after)} == {size_of(WIDE)}
    assert rgb.endswith(".png") and Image.open(lightness).mode == "L"


def test_saturation_zero_gives_gray(app):
    rgb = np.asarray(Image.open(app.demo(str(WIDE), 0.0, "Auto", "Keep", api_name="colorize")[2]), dtype=int)
    assert np.abs(rgb - rgb[..., :1]).max() <= 1


def test_saturation_outside_the_slider_is_refused(app):
    with pytest.raises(gr.Error, match="Saturation must be a number from 0 to"):
        app.demo(str(WIDE), float("nan"), "Auto", "Keep", api_name="colorize")


def test_images_over_the_limit_are_scaled_down(app, monkeypatch, tmp_path):
    big = tmp_path / "big.png"
    Image.new("L", (400, 300), 128).save(big)
    monkeypatch.setattr(shown_image, "MAX_OUTPUT_PIXELS", 30_000)
    rgb = app.demo(str(big), 1.0, "Auto", "Keep", api_name="colorize")[2]
    assert size_of(rgb) == (200, 150)


def test_hints_on_a_scaled_down_picture_are_checked_in_its_own_pixels_and_moved_into_the_copy():
    from colorize.hints import DEFAULT_RADIUS, HintError, parse_hint_points
    from webapp.hint_box import scaled_points

    given = parse_hint_points('[{"x": "399", "y": "299.5", "color": "red"}, {"x": 10, "y": 10, "color": "blue", '
                              '"radius": "8"}]')  # numbers, or numeric text, in the uploaded picture's pixels
    moved = scaled_points(given, (400, 300), (200, 150))
    assert [(x, y, r) for x, y, _, r in moved] == [(199.5, 149.5, DEFAULT_RADIUS * 400 / 2), (5, 5, 4)]
    with pytest.raises(HintError, match=r"at \(450, 10\) is outside the 400x300 image"):  # the size the visitor knows
        scaled_points(parse_hint_points('[{"x": "450", "y": 10, "color": "red"}]'), (400, 300), (200, 150))


def page_text(demo):
    return "\n".join(str(block.value) for block in demo.blocks.values() if isinstance(block, gr.Markdown))


def test_page_names_the_weights_and_the_limits(app):
    text = page_text(app.demo)
    assert "**Models:** photos: local weights" in text and "drawings: shipped drawing weights" in text
    assert f"{app.MAX_OUTPUT_PIXELS / 1e6:.0f} megapixels" in text and f"{app.MAX_FILE_MB} MB" in text


def test_a_fallback_warning_is_shown(app):
    fallback = types.SimpleNamespace(source="Hub me/model@main (cached copy)", warning="the Hub could not be reached")
    note = app.weights_note(types.SimpleNamespace(loaded={"photo": fallback}))
    assert "cached copy" in note and "could not be reached" in note


def test_without_weights_the_page_opens_and_explains(app, monkeypatch):
    monkeypatch.setenv("COLORIZE_WEIGHTS", "/nonexistent/weights")
    colorizer, error = app.load_colorizer()
    assert colorizer is None and "does not exist" in error
    demo = app.build_demo(colorizer, error)
    assert "No model weights could be loaded" in page_text(demo) and "/nonexistent/weights" in page_text(demo)
    with pytest.raises(gr.Error, match="No model weights are loaded"):
        demo(str(WIDE), 1.0, "Auto", "Keep", api_name="colorize")


def test_share_flag_asks_for_a_public_link(app, monkeypatch):
    calls = []
    monkeypatch.setattr(app, "launch", lambda **kwargs: calls.append(kwargs))
    app.main(["--share"])
    app.main([])
    assert calls == [{"share": True}, {"share": None}]  # None lets GRADIO_SHARE decide


def test_api_endpoint_colorize_needs_only_the_image(client):
    endpoint = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/colorize"]
    first, *others = endpoint["parameters"]
    assert first["parameter_name"] == "image" and all(p["parameter_has_default"] for p in others)
    lightness, ab, rgb, _ = client.predict(handle_file(str(WIDE)), api_name="/colorize")
    assert size_of(lightness) == size_of(ab) == size_of(rgb) == size_of(WIDE)


def test_bad_inputs_get_messages_and_the_app_keeps_serving(client, tmp_path):
    for path in bad_inputs(tmp_path):
        with pytest.raises(AppError, match=rf"{path.name}.*(not an image|damaged|too large|megapixels|an empty file)"):
            client.predict(handle_file(str(path)), api_name="/colorize")
    with pytest.raises(AppError, match="greater than maximum"):
        client.predict(handle_file(str(WIDE)), 5.0, api_name="/colorize")
    choices = "(must be one of|is not in the list of choices)"  # ours, or Gradio's own check of a Radio
    for arguments, message in ((("Painting",), f"Painting.*{choices}|{choices}.*Painting"), ((None,), choices),
                               (("Auto", 3), choices)):
        with pytest.raises(AppError, match=message):
            client.predict(handle_file(str(WIDE)), 1.0, *arguments, api_name="/colorize")
    with pytest.raises(AppError, match="Hints must be JSON text|hints is not valid JSON"):
        client.predict(handle_file(str(WIDE)), 1.0, {"x": 1}, None, api_name="/colorize_hints")
    assert size_of(client.predict(handle_file(str(WIDE)), api_name="/colorize")[2]) == size_of(WIDE)


def test_uploads_over_the_size_limit_are_refused(app, url, tmp_path):
    too_big = tmp_path / "huge.jpg"
    too_big.write_bytes(b"\0" * (app.MAX_FILE_MB * 1024 * 1024 + 1))
    with open(too_big, "rb") as f:
        response = httpx.post(f"{url}gradio_api/upload", files={"files": f}, timeout=60)
    assert response.status_code == 413


def batch_folders():
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "colorize-batch-*")))


def test_batch_returns_a_zip_of_full_size_pngs(client, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not an image")
    before = batch_folders()
    files = [EXAMPLES / "camera.jpg", WIDE, bad, EXAMPLES / "camera.jpg"]
    archive, summary = client.predict([handle_file(str(p)) for p in files], api_name="/colorize_batch")
    with zipfile.ZipFile(archive) as z:
        assert z.namelist() == ["camera.png", "chelsea.png", "camera-2.png"]
        assert Image.open(z.open("chelsea.png")).size == size_of(WIDE)
    assert "Colorized 3 images" in summary and "notes.jpg" in summary
    name = os.path.basename(archive)
    left = [folder for folder in batch_folders() - before if os.path.exists(os.path.join(folder, name))]
    assert not left  # the zip's own folder is gone once Gradio has its copy (others may be another worker's)


def test_a_batch_takes_files_without_an_extension_and_skips_only_what_is_no_image(client, tmp_path):
    scan, readme = tmp_path / "scan", tmp_path / "README"
    scan.write_bytes((EXAMPLES / "camera.jpg").read_bytes())  # a JPEG whose name says nothing
    readme.write_text("not an image")
    archive, summary = client.predict([handle_file(str(p)) for p in (scan, WIDE, readme)], api_name="/colorize_batch")
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["chelsea.png", "scan.png"]
    assert "Colorized 2 images" in summary and "README" in summary
    assert os.path.basename(archive) == "scan_and_1_more_colorized.zip"  # named after what it holds


def test_batch_size_is_limited(app, client, monkeypatch):
    monkeypatch.setattr(batch, "MAX_BATCH_FILES", 1)
    with pytest.raises(AppError, match="too many for one batch"):
        client.predict([handle_file(str(WIDE))] * 2, api_name="/colorize_batch")


def test_batch_of_only_bad_files_is_an_error(client, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    with pytest.raises(AppError, match="None of the files could be colorized"):
        client.predict([handle_file(str(bad))], api_name="/colorize_batch")


def test_batch_zip_never_holds_a_name_twice(app, tmp_path):
    files = [tmp_path / "a.jpg", tmp_path / "x" / "a.png", tmp_path / "a-2.jpg"]
    files[1].parent.mkdir()
    for path in files:
        Image.open(WIDE).resize((40, 30)).save(path)
    answers = batch_endpoint(app)([str(path) for path in files], 1.0)
    archive, _, previews = next(answers)
    assert [caption for _, caption in previews] == ["a.png", "a-2.png", "a-2-2.png"]
    assert os.path.basename(archive) == "a_and_2_more_colorized.zip"
    with zipfile.ZipFile(archive) as z:
        assert z.namelist() == ["a.png", "a-2.png", "a-2-2.png"]
    answers.close()


@pytest.fixture(scope="module")
def hint_client(tmp_path_factory, untrained_hint_weights):
    """The app on weights with hint inputs (untrained: hints change nothing yet, but they are checked)."""
    hint_app = import_app(tmp_path_factory, weights=untrained_hint_weights)
    _, url, _ = hint_app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield Client(url, verbose=False)
    hint_app.demo.close()


@pytest.fixture(scope="module")
def shipped_client(tmp_path_factory):
    """The app on the shipped weights, whose hint inputs are trained (untrained ones ignore hints)."""
    from colorize.weights import DEFAULT_WEIGHTS_DIR

    shipped_app = import_app(tmp_path_factory, weights=DEFAULT_WEIGHTS_DIR)
    _, url, _ = shipped_app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield Client(url, verbose=False)
    shipped_app.demo.close()


def test_the_api_takes_hints_and_a_reference(shipped_client):
    from skimage import color

    hints = '[{"x": 10, "y": 20, "color": "#ff0000"}, {"x": 400, "y": 250, "color": "rgb(0, 0, 255)", "radius": 9}]'
    plain = shipped_client.predict(handle_file(str(WIDE)), 1.0, "[]", None, "Photo", api_name="/colorize_hints")[2]
    hinted = shipped_client.predict(handle_file(str(WIDE)), 1.0, hints, handle_file(str(WIDE)), "Photo",
                                    api_name="/colorize_hints")[2]
    assert size_of(hinted) == size_of(WIDE)
    blue = [float(color.rgb2lab(np.asarray(Image.open(p).convert("RGB"))[240:260, 390:410])[..., 2].mean())
            for p in (plain, hinted)]
    assert blue[1] < blue[0] - 10  # the blue hint's place turned blue: the hints were not ignored


def test_a_batch_takes_one_reference_for_every_file(shipped_client, tmp_path):
    from skimage import color

    red = tmp_path / "red.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(red)
    files = [handle_file(str(p)) for p in (WIDE, EXAMPLES / "camera.jpg")]
    redness = []
    for reference in (None, handle_file(str(red))):
        archive, summary = shipped_client.predict(files, 1.0, reference, api_name="/colorize_batch")
        with zipfile.ZipFile(archive) as z:
            redness.append([float(color.rgb2lab(np.asarray(Image.open(z.open(name)).convert("RGB")))[..., 1].mean())
                            for name in sorted(z.namelist())])
        assert "Colorized 2 images" in summary
    assert all(lent > own + 3 for own, lent in zip(*redness)), redness  # each file took the red reference


def test_a_batch_refuses_a_reference_that_is_not_an_image_before_any_work(client, tmp_path):
    fake = tmp_path / "page1.png"
    fake.write_text("not an image")
    with pytest.raises(AppError, match="the reference is not usable"):
        client.predict([handle_file(str(WIDE))], 1.0, handle_file(str(fake)), api_name="/colorize_batch")


@pytest.mark.parametrize("hints, message", [
    ('[{"x": 5000, "y": 1, "color": "red"}]', "outside the 451x300 image"),
    ('[{"x": 5, "y": 1, "color": "not-a-colour"}]', "cannot read the colour"),
    ('[{"x": 5, "y": 1', "not valid JSON"),
    ('{"x": 5}', "must be a list"),
    ("[" + ", ".join(['{"x": 1, "y": 1, "color": "red"}'] * 2001) + "]", "at most 2000"),
])
def test_the_api_refuses_each_bad_hint_with_its_message(hint_client, hints, message):
    with pytest.raises(AppError, match=message):
        hint_client.predict(handle_file(str(WIDE)), 1.0, hints, None, api_name="/colorize_hints")


def test_the_api_refuses_a_reference_that_is_not_an_image(hint_client, tmp_path):
    fake = tmp_path / "reference.png"
    fake.write_text("not an image")
    with pytest.raises(AppError, match="not an image file|not usable"):
        hint_client.predict(handle_file(str(WIDE)), 1.0, "[]", handle_file(str(fake)), api_name="/colorize_hints")


def test_the_picture_kind_can_be_chosen_and_a_wrong_one_is_refused(app):
    line_art = str(EXAMPLES / "chibi.png")
    rgb = app.demo(line_art, 1.0, "Drawing", "Smooth", api_name="colorize")[2]
    assert Image.open(rgb).size == Image.open(line_art).size
    with pytest.raises(gr.Error, match=r"'Comic'.* not in the list of choices: \['Auto', 'Photo', 'Drawing'\]"):
        app.demo(line_art, 1.0, "Comic", "Keep", api_name="colorize")


def call_with_data_url(url, data_url):
    """POST /colorize with the image as a data URL, as any HTTP client may; (event, data) of its answer."""
    image = {"url": data_url, "meta": {"_type": "gradio.FileData"}}
    started = httpx.post(f"{url}gradio_api/call/colorize", json={"data": [image, 1.0, "Auto", "Keep"]}, timeout=60)
    answer = httpx.get(f"{url}gradio_api/call/colorize/{started.json()['event_id']}", timeout=120).text
    events = [line.split(":", 1)[1].strip() for line in answer.splitlines() if line.startswith("event:")]
    data = [line.split(":", 1)[1].strip() for line in answer.splitlines() if line.startswith("data:")]
    return events[-1], data[-1]


def test_a_data_url_is_checked_before_anything_decodes_it(url, tmp_path):
    import base64

    bomb = bomb_file(tmp_path / "bomb.png", 40_000, 40_000)
    event, data = call_with_data_url(url, "data:image/png;base64," + base64.b64encode(bomb.read_bytes()).decode())
    assert event == "error"
    assert "image sent as a data URL is too large to decode safely: it claims 1,600 megapixels" in data
    event, data = call_with_data_url(url, "data:image/png;base64,not*base64")
    assert event == "error" and "not valid base64" in data
    event, data = call_with_data_url(url, "data:image/jpeg;base64," + base64.b64encode(WIDE.read_bytes()).decode())
    assert event == "complete" and "_colorized.png" in data


def test_the_api_page_names_every_output_shows_images_and_states_ranges(app):
    endpoints = app.demo.get_api_info()["named_endpoints"]
    batch_api, single = endpoints["/colorize_batch"], endpoints["/colorize"]
    assert [r["label"] for r in batch_api["returns"]] == ["Colorized PNGs (zip)", "Summary"]
    assert all(f["orig_name"].endswith(".png") for f in batch_api["parameters"][0]["example_input"])
    assert [r["label"] for r in single["returns"]] == ["Gray", "Colors", "Result", "Before / after"]
    assert "saturation: 0 (gray) to 2" in single["description"] and "Drawing" in single["description"]


def page_handlers(app):
    return next(fn.fn.__self__ for fn in app.demo.fns.values() if getattr(fn.fn, "__name__", "") == "show")


def test_the_status_line_says_what_was_done_to_the_picture(app, monkeypatch, tmp_path):
    *_, status = page_handlers(app).show(str(WIDE.with_name("rocket.jpg")), 1.0, "[]", None, "Photo", "Keep")
    assert "Colorized as a **photo**" in status and "scaled down" not in status and "color photo" not in status
    colour = tmp_path / "colour.png"
    Image.fromarray(gradient_rgb(90, 60)).save(colour)
    *_, status = page_handlers(app).show(str(colour), 1.0, "[]", None, "Photo", "Keep")
    assert "this was a color photo: its colors were replaced" in status
    toned = tmp_path / "sepia.jpg"  # a black-and-white print toned brown is one hue at varying strength
    gray = np.asarray(Image.open(WIDE.with_name("rocket.jpg")).convert("L"), np.float32)[..., None] / 255
    Image.fromarray(np.uint8(255 * gray ** np.array([0.8, 1.0, 1.3]))).save(toned, quality=85)
    *_, status = page_handlers(app).show(str(toned), 1.0, "[]", None, "Photo", "Keep")
    assert "color photo" not in status
    big = tmp_path / "big.png"
    Image.new("L", (400, 300), 128).save(big)
    monkeypatch.setattr(shown_image, "MAX_OUTPUT_PIXELS", 30_000)
    *outputs, shown, status = page_handlers(app).show(str(big), 1.0, "[]", None, "Auto", "Keep")
    assert "200×150" in status and "scaled down from 400×300" in status and "color photo" not in status
    assert os.path.basename(outputs[2]) == "big_colorized.png" and size_of(outputs[2]) == (200, 150)


def test_the_pages_predictions_are_bounded_together_and_a_let_go_one_reruns_the_model(app, monkeypatch):
    from webapp.kept import KeptPredictions

    handlers = page_handlers(app)
    *_, first, _ = handlers.show(str(WIDE), 1.0, "[]", None, "Photo", "Keep")
    width, height = size_of(WIDE)
    assert first.kept.nbytes <= 2 * width * height + first.kept.planes.ab.nbytes  # a photo's one L plane, float16
    monkeypatch.setattr(handlers, "kept", KeptPredictions(max_bytes=int(1.5 * first.kept.nbytes)))  # room for one
    *_, first, _ = handlers.show(str(WIDE), 1.0, "[]", None, "Photo", "Keep")  # page 1
    *_, again, status = handlers.restyle(str(WIDE), 0.5, "[]", None, "Photo", "Keep", first)
    assert "without the model" in status and again is first
    rocket = str(WIDE.with_name("rocket.jpg"))
    *_, second, _ = handlers.show(rocket, 1.0, "[]", None, "Photo", "Keep")  # page 2: page 1's goes
    assert first.kept.planes is None and handlers.kept.nbytes == second.kept.nbytes
    *outputs, rerun, status = handlers.restyle(str(WIDE), 0.5, "[]", None, "Photo", "Keep", first)
    assert "without the model" not in status and rerun is not first and size_of(outputs[2]) == (width, height)
    *_, status = handlers.restyle(rocket, 0.5, "[]", None, "Photo", "Keep", second)  # page 1's took its place
    assert "without the model" not in status


def test_a_bad_upload_on_the_page_keeps_the_previous_result(app, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    handlers = page_handlers(app)
    *_, first, _ = handlers.show(str(WIDE), 1.0, "[]", None, "Auto", "Keep")
    *outputs, shown, status = handlers.show(str(bad), 1.0, "[]", None, "Auto", "Keep", first)
    assert all(isinstance(o, type(gr.skip())) for o in [*outputs, shown])
    assert "notes.png" in status and "The result shown is the previous one." in status
    assert ".." not in status and not any(f"{w} The result" in status for w in "abcdefghijklmnopqrstuvwxyz")
    *_, status = handlers.show(str(bad), 1.0, "[]", None, "Auto", "Keep")  # nothing shown yet: nothing to keep
    assert "notes.png" in status and "previous" not in status


def test_the_video_tab_colours_a_clip_keeping_its_sound_and_refuses_what_it_cannot(client, tmp_path):
    from tests.videos import pan, read_video, write_video
    from webapp.video import LIMITS

    clip = write_video(tmp_path / "reel.mov", pan(6), audio=True)
    result = client.predict(handle_file(clip), 1.0, "Auto", api_name="/colorize_video")
    path = result["video"] if isinstance(result, dict) else result
    frames, _, _, streams, _ = read_video(path)
    assert Path(path).name == "reel_colorized.mp4" and len(frames) == 6 and streams == ["audio", "video"]
    wide = write_video(tmp_path / "wide.mp4", pan(2, size=(LIMITS.long_side + 2, 64), step=0))
    with pytest.raises(AppError, match=f"the limit here is {LIMITS.long_side} pixels on the long side"):
        client.predict(handle_file(wide), 1.0, "Auto", api_name="/colorize_video")
    (tmp_path / "notes.mp4").write_text("not a film")
    with pytest.raises(AppError, match="Cannot read notes.mp4: not a video file"):
        client.predict(handle_file(str(tmp_path / "notes.mp4")), 1.0, "Auto", api_name="/colorize_video")


def test_hints_are_marked_on_the_picture_in_their_colours():
    from webapp.hint_box import marked_hints, swatch_css

    marked = np.asarray(marked_hints(str(WIDE), '[{"x": 100, "y": 150, "color": "#2060ff"}]'))
    scale = marked.shape[1] / 451  # chelsea.jpg is 451 px wide; the marks picture is at most 480
    assert tuple(marked[round(150 * scale), round(100 * scale)]) == pytest.approx((32, 96, 255), abs=3)
    assert marked_hints(str(WIDE), "not json") is None and marked_hints(None, "[]") is None
    assert "#swatch-sky {background: #6fa8dc; color: black}" in swatch_css()


@pytest.fixture
def full_disk(tmp_path):
    """A 4 MB file system of its own, to fill (skipped where a tmpfs cannot be mounted: it needs root)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder):
    with open(folder / "filler", "wb") as f:
        try:
            while True:
                f.write(bytes(1 << 16))
        except OSError:
            pass


@pytest.mark.slow
def test_a_full_disk_is_told_in_a_sentence_and_the_result_shown_stays(tmp_path_factory, untrained_weights, full_disk,
                                                                     monkeypatch):
    from webapp.uploads import DISK_FULL

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(full_disk))  # Gradio's upload folder, where results are written
    app = import_app(tmp_path_factory, untrained_weights)  # a server of its own, on that disk
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        handlers = page_handlers(app)
        *_, shown, status = handlers.show(str(WIDE), 1.0, "[]", None, "Photo", "Keep")
        assert "Colorized as a" in status
        fill(full_disk)
        *outputs, kept, status = handlers.show(str(WIDE), 1.0, "[]", None, "Photo", "Keep", shown)
        assert status == f"⚠️ {DISK_FULL} The result shown is the previous one."
        assert all(output == gr.skip() for output in [*outputs, kept])
        with pytest.raises(gr.Error, match="disk is full"):
            handlers.colorize(str(WIDE), 1.0)
        answer = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.jpg", WIDE.read_bytes())})
        assert answer.status_code == 507 and answer.json()["detail"] == DISK_FULL  # Gradio's own route: no bare 500
    finally:
        app.demo.close()
