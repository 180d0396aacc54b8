"""The web demo: colorize black-and-white photos in a browser, one at a time or as a batch, or through its API.

Weights: `COLORIZE_WEIGHTS` (a local weights or training-run folder), else `COLORIZE_HUB_REPO` (with
`COLORIZE_HUB_REVISION`), else the default shipped with colorize. Run `python app.py`, or
`python app.py --share` for a public link; Gradio's `GRADIO_SERVER_NAME`/`GRADIO_SERVER_PORT` apply.
"""
import argparse
import base64
import binascii
import ctypes
import json
import os
import tempfile
import zipfile
from urllib.parse import unquote_to_bytes

import gradio as gr
from gradio.utils import get_upload_folder
import numpy as np
from PIL import Image

from colorize import ImageError, WeightsError
from colorize.auto_colorizer import AutoColorizer
from colorize.kinds import KINDS
from colorize.screentone import SCREENTONES
from colorize.files_batch import colorize_files, open_capped
from colorize.hints import HintError, parse_hint_points
from colorize.images import MAX_PIXELS as DECODE_LIMIT
from colorize.images import open_image
from colorize.png import png_bytes, write_png

MAX_OUTPUT_PIXELS = 16_000_000  # results keep full resolution up to this; larger inputs are scaled down to it
MAX_FILE_MB = 30  # per uploaded file; Gradio answers larger uploads with HTTP 413
MAX_BATCH_FILES = 16
MAX_SATURATION = 2.0
QUEUE_SIZE = 16  # waiting requests; beyond this new ones are told the queue is full
CONCURRENCY = 2  # requests computed at once (each full-size image needs up to about 2 GB)
M_ARENA_MAX = -8  # glibc's mallopt parameter
CACHE_CLEANUP = (600, 3600)  # every 10 minutes delete uploads and results older than an hour
DATA_URL_NAME = "image sent as a data URL"  # the file a data URL is saved as: messages name it so
EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples")
EXAMPLES = [  # historical and B&W photos, outdoor scenes, drawn line art; sources in examples/README.md
    "coins.jpg", "camera.jpg", "rocket.jpg", "river-landscape.png", "astronaut.jpg", "chelsea.jpg",
    "manga-girl.png", "chibi.png", "manga-page.png",
]

KIND_CHOICES = [kind.capitalize() for kind in KINDS]  # Auto, Photo, Drawing
SCREENTONE_CHOICES = [choice.capitalize() for choice in SCREENTONES]

SWATCHES = {  # ready colours for hints: skin tones, sky, foliage and a few clothes colours
    "Light skin": "#e8b89a", "Medium skin": "#c68642", "Dark skin": "#8d5524", "Sky": "#6fa8dc",
    "Foliage": "#4f7942", "Red": "#b22222", "Navy": "#1f3a6e", "Yellow": "#e1b12c",
}

GUIDANCE = f"""
Upload, paste or photograph a black-and-white picture and get it back in color, at its full size.

- **Works well** on landscapes and streets, on faces and people (skin tones, hair, lips), and on old
  prints: it learned from scenes, faces, street photos and everyday objects, part of them made grainy,
  faded or scratched like old prints.
- **Drawings, manga and comics** go to a second model made for drawn art (Picture: Auto tells them
  apart): colors inside the lines, ink kept black, paper kept white; a manga page's screentones can be
  kept or smoothed.
- **Works less well** on things that could be any color (clothes, cars, painted objects: plausible,
  not right, colors) and on rare subjects (muted, brownish guesses). Use **color hints** below the
  image to say what you know. The colors are plausible guesses, never the true ones.
- **Color photos** are reduced to their lightness and colored again.
- **Saturation** scales the predicted colors: 0 gives gray, 1 the model's colors, 2 twice as vivid.
- **Limits:** files up to {MAX_FILE_MB} MB; results keep your image's full resolution
  up to {MAX_OUTPUT_PIXELS / 1e6:.0f} megapixels (larger images, up to {DECODE_LIMIT / 1e6:.0f}
  megapixels, are scaled down to that); up to {MAX_BATCH_FILES} files per batch, returned as a zip of PNGs.
- Uploads and results are deleted from the server within about an hour.
"""


def limit_allocator_arenas(arenas=2):
    """Cap glibc's per-thread memory pools, as MALLOC_ARENA_MAX=2 would if it were set before Python started:
    under Gradio's worker threads each pool keeps its own high-water mark, and the app's memory creeps up."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to cap


def load_colorizer():
    """The photo and drawing models (the weights the environment names standing in for the shipped ones of
    their kind), or (None, reason): the page should open even without weights."""
    try:
        colorizer = AutoColorizer(
            os.environ.get("COLORIZE_WEIGHTS") or None,
            os.environ.get("COLORIZE_HUB_REPO") or None,
            os.environ.get("COLORIZE_HUB_REVISION") or None,
            eager=True,
        )
    except WeightsError as error:
        return None, str(error)
    return colorizer, ""


def weights_note(colorizer, error=""):
    """The line that tells visitors which model they are using, or why there is none."""
    if colorizer is None:
        return (f"⚠️ **No model weights could be loaded:** {error}. The page works, but colorizing answers "
                "with an error until the app is restarted with weights: set `COLORIZE_WEIGHTS` to a weights "
                "folder or `COLORIZE_HUB_REPO` to a Hub model repo.")
    loaded = colorizer.loaded.items()
    note = "**Models:** " + "; ".join(f"{kind}s: {model.source}" for kind, model in loaded) + "."
    return note + "".join(f"  \n⚠️ {model.warning}" for _, model in loaded if model.warning)


def use_example_cache_for(colorizer):
    """Gradio reuses cached example results even after the model changed: keep one cache per weights file
    (unless GRADIO_EXAMPLES_CACHE is set)."""
    key = "-".join(model.config.get("weights_sha256", "unhashed")[:8] for model in colorizer.loaded.values()) \
        if colorizer else "no-weights"
    os.environ.setdefault("GRADIO_EXAMPLES_CACHE", os.path.join(".gradio", "cached_examples", key))


def guarded(image):
    """Gradio decodes a `data:` URL sent to an image input, whatever its claimed size, before the handler is
    called (and re-encodes it): here no image is decoded before the handler, which opens the file with the
    library's guarded opener (it refuses too many pixels from the header alone). An upload, or a URL Gradio
    fetched, is passed on as its path; a data URL is written to a file as it is, after a size check.

    (A gr.Image subclass would do the same, but Gradio writes a .pyi file beside any module defining one.)
    """

    def checked(payload):
        if payload is None:
            return None
        name = payload.orig_name or os.path.basename(payload.path or "") or "the image"
        if payload.url and payload.url.startswith("data:"):
            return saved_data_url(payload.url)
        if payload.path is None or not os.path.isfile(payload.path):
            raise gr.Error(f"{name} did not arrive: send an image file")
        size = os.path.getsize(payload.path)
        if size > MAX_FILE_MB * 1e6:
            raise gr.Error(f"{name} is {size / 1e6:.0f} MB; the limit is {MAX_FILE_MB} MB")
        return payload.path

    image.preprocess = checked
    return image


def saved_data_url(url):
    """The bytes of a `data:` URL in a file of the upload folder, refused before decoding if over the file limit."""
    header, _, data = url.partition(",")
    if len(data) > MAX_FILE_MB * 1e6 * 4 / 3 + 4:
        raise gr.Error(f"the image sent as a data URL is over {MAX_FILE_MB} MB; the limit is {MAX_FILE_MB} MB")
    try:
        content = base64.b64decode(data, validate=True) if header.endswith(";base64") else unquote_to_bytes(data)
    except (binascii.Error, ValueError) as error:
        raise gr.Error("the image sent as a data URL is not valid base64") from error
    os.makedirs(get_upload_folder(), exist_ok=True)
    path = os.path.join(tempfile.mkdtemp(prefix="data-url-", dir=get_upload_folder()), DATA_URL_NAME)
    with open(path, "wb") as f:
        f.write(content)
    return path


def prepare(source):
    """Open upright; scale down to MAX_OUTPUT_PIXELS (the model sees a small copy anyway)."""
    return open_capped(source, MAX_OUTPUT_PIXELS, DECODE_LIMIT)


def check_ready(colorizer, error, saturation):
    """The checks both handlers share; the sliders bound saturation, but API callers can send anything."""
    if colorizer is None:
        raise gr.Error(f"No model weights are loaded, so nothing can be colorized: {error}")
    if not 0.0 <= saturation <= MAX_SATURATION:  # also refuses NaN
        raise gr.Error(f"Saturation must be between 0 and {MAX_SATURATION:g}, not {saturation}.")


def parsed_hints(hints):
    """The hints text of the page or the API (JSON points) -> points, or None when there are none."""
    if hints is None or not str(hints).strip() or str(hints).strip() == "[]":
        return None
    return parse_hint_points(str(hints))


def scaled(value, factor):
    """A hint's coordinate in the scaled-down image; anything but a number goes on, as it is, to the library's check."""
    return value * factor if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def points_in_box(hints):
    """The hints box as a list to add to or take from; text that is not a JSON list starts afresh."""
    try:
        points = json.loads(hints) if hints and hints.strip() else []
    except ValueError:
        return []
    return points if isinstance(points, list) else []


def add_hint(hints, color, event: gr.SelectData):
    """A click on the input image adds a hint of the chosen colour there (pixels of the image)."""
    x, y = event.index
    return json.dumps([*points_in_box(hints), {"x": int(x), "y": int(y), "color": color}])


def undo_hint(hints):
    return json.dumps(points_in_box(hints)[:-1])


def make_colorize(colorizer, error=""):
    """The single-image handler bound to one model (or to the reason there is none)."""

    def colorize(image, saturation=1.0, hints="[]", reference=None, kind="Auto", screentone="Keep"):
        """Colorize one image: returns its lightness (L), the predicted colors (ab), the result and a before/after pair.

        hints: JSON points [{"x": 120, "y": 45, "color": "#c08060", "radius": 6}] in the image's pixels (origin
        top left; radius optional); reference: an image whose colours the result should take on; kind: "Auto"
        (detected), "Photo" or "Drawing" (drawn art, line art, manga); screentone: a drawing's dots in the
        result, "Keep" or "Smooth"."""
        # Files, not arrays: the full-size PNG comes from colorize.png (many times faster than Gradio's
        # encoder), and each request gets its own folder in Gradio's cache, which Gradio serves as they are
        # and deletes with the rest of its cache; Gradio saves arrays under a hash of their content and
        # rewrites them in place, so two identical results at once could truncate one being downloaded.
        check_ready(colorizer, error, saturation)
        if image is None:
            raise gr.Error("Upload, paste or capture an image first.")
        try:
            points = parsed_hints(hints)
            original = open_image(image, DECODE_LIMIT)
            upright = prepare(original)
            if points and upright.size != original.size:  # hints are in the uploaded image's pixels
                sx, sy = upright.width / original.width, upright.height / original.height
                points = [(scaled(x, sx), scaled(y, sy), c, scaled(r, sx)) for x, y, c, r in points]
            # the radios refuse other values (API calls included) before this runs
            chosen = colorizer.kind_of(upright, kind.lower())
            result = colorizer.colorize(upright, saturation, points, reference, DECODE_LIMIT, screentone.lower(),
                                        chosen)
        except (ImageError, HintError) as bad:
            raise gr.Error(str(bad)) from bad
        os.makedirs(get_upload_folder(), exist_ok=True)
        folder = tempfile.mkdtemp(prefix="colorize-", dir=get_upload_folder())
        paths = [os.path.join(folder, name) for name in ("lightness.jpg", "ab.jpg", "input.jpg", "result.png")]
        for path, pixels in zip(paths, (result.lightness, result.ab, np.asarray(upright.convert("RGB")))):
            Image.fromarray(pixels).save(path, quality=90)
        write_png(result.rgb, paths[3])
        if kind == "Auto":
            gr.Info(f"Colorized as a {chosen}: set Picture to {'Photo' if chosen == 'drawing' else 'Drawing'} "
                    "if that is wrong.")
        return paths[0], paths[1], paths[3], (paths[2], paths[3])

    def colorize_image(image, saturation=1.0, kind="Auto", screentone="Keep"):
        """Colorize one image without hints: returns its lightness (L), the predicted colors (ab), the result and
        a before/after pair. kind: "Auto" (detected), "Photo" or "Drawing"; screentone: "Keep" or "Smooth"."""
        return colorize(image, saturation, "[]", None, kind, screentone)

    return colorize, colorize_image


def batch_summary(done, failed):
    lines = [f"Colorized {done} image{'s' if done != 1 else ''}."]
    if failed:
        lines += [f"Skipped {len(failed)}:"] + [f"- {reason}" for reason in failed]
    return "\n".join(lines)


def make_colorize_batch(colorizer, error=""):
    """The batch handler bound to one model."""

    def colorize_batch(files, saturation=1.0, progress=gr.Progress()):
        """Colorize several image files into a zip of full-resolution PNGs; unreadable files are listed, not fatal."""
        # A generator: the zip's folder is deleted when Gradio resumes it, after copying the zip to its cache.
        check_ready(colorizer, error, saturation)
        if not files:
            raise gr.Error("Choose one or more image files first.")
        if len(files) > MAX_BATCH_FILES:
            raise gr.Error(f"{len(files)} files is too many for one batch; the limit is {MAX_BATCH_FILES}.")
        failed = []
        with tempfile.TemporaryDirectory(prefix="colorize-batch-") as folder:
            archive_path = os.path.join(folder, "colorized.zip")
            with zipfile.ZipFile(archive_path, "w") as archive:
                done = colorize_files(colorizer, files, open_source=prepare, saturation=saturation)
                for _, name, result, reason in progress.tqdm(done, total=len(files), desc="Colorizing"):
                    if reason:
                        failed.append(reason)
                    else:
                        archive.writestr(name, png_bytes(result.rgb))
            if len(failed) == len(files):
                raise gr.Error("None of the files could be colorized:\n" + "\n".join(failed))
            yield archive_path, batch_summary(len(files) - len(failed), failed)

    return colorize_batch


def build_demo(colorizer, error=""):
    """The page and its two API endpoints, `colorize` and `colorize_batch`, for one loaded model."""
    use_example_cache_for(colorizer)
    colorize, colorize_image = make_colorize(colorizer, error)
    with gr.Blocks(title="Colorize black-and-white photos and drawings", delete_cache=CACHE_CLEANUP) as demo:
        gr.Markdown("# Colorize black-and-white photos and drawings")
        gr.Markdown(GUIDANCE)
        gr.Markdown(weights_note(colorizer, error), elem_id="weights-note")
        with gr.Tab("One image"):
            with gr.Row():
                with gr.Column():
                    image = guarded(gr.Image(
                        label="Black-and-white image", type="filepath", image_mode=None,
                        sources=["upload", "clipboard", "webcam"], elem_id="input-image"))
                    saturation = gr.Slider(0.0, MAX_SATURATION, value=1.0, step=0.05, label="Saturation")
                    with gr.Row():
                        kind = gr.Radio(KIND_CHOICES, value="Auto", label="Picture", elem_id="kind",
                                        info="Auto tells photos from drawings and manga")
                        screentone = gr.Radio(SCREENTONE_CHOICES, value="Keep", label="Screentones (drawings)",
                                              elem_id="screentone", info="keep the page's dots, or smooth them")
                    run = gr.Button("Colorize", variant="primary")
                    with gr.Accordion("Color hints (optional)", open=False, elem_id="hints-panel"):
                        gr.Markdown("Pick a color, then click the image where it belongs: the result follows. "
                                    "A hint sets the color, not the lightness; a few on each object are enough.")
                        hint_color = gr.ColorPicker(value=SWATCHES["Medium skin"], label="Hint color",
                                                    elem_id="hint-color")
                        with gr.Row():
                            swatches = [gr.Button(name, size="sm", elem_id=f"swatch-{name.lower().replace(' ', '-')}")
                                        for name in SWATCHES]
                        hints = gr.Textbox(value="[]", label="Hints (JSON, pixels of the image)", lines=2,
                                           elem_id="hints-json")
                        with gr.Row():
                            undo = gr.Button("Undo last hint", size="sm", elem_id="hints-undo")
                            clear = gr.Button("Clear hints", size="sm", elem_id="hints-clear")
                        reference = guarded(gr.Image(
                            label="Reference image: take its colors (optional)", type="filepath", image_mode=None,
                            sources=["upload", "clipboard"], elem_id="reference-image"))
                slider = gr.ImageSlider(label="Before / after", format="jpeg", elem_id="before-after")
            with gr.Row():
                lightness = gr.Image(label="Lightness (L)", format="jpeg", elem_id="out-l")
                ab = gr.Image(label="Predicted colors (ab)", format="jpeg", elem_id="out-ab")
                rgb = gr.Image(label="Result (full-size PNG)", format="png", buttons=["download", "fullscreen"],
                               elem_id="out-rgb")
            outputs = [lightness, ab, rgb, slider]
            inputs = [image, saturation, hints, reference, kind, screentone]
            # a new image starts without hints, cleared before its result shows (a later click's hint stays)
            image.upload(lambda: "[]", None, hints, api_visibility="private").then(
                colorize_image, [image, saturation, kind, screentone], outputs, api_name="colorize")
            run.click(colorize, inputs, outputs, api_name="colorize_hints")
            for button, color in zip(swatches, SWATCHES.values()):
                button.click(lambda c=color: c, None, hint_color, api_visibility="private")
            image.select(add_hint, [hints, hint_color], hints, api_visibility="private").then(
                colorize, inputs, outputs, api_visibility="private")
            undo.click(undo_hint, hints, hints, api_visibility="private").then(
                colorize, inputs, outputs, api_visibility="private")
            clear.click(lambda: "[]", None, hints, api_visibility="private").then(
                colorize, inputs, outputs, api_visibility="private")
            reference.change(colorize, inputs, outputs, api_visibility="private")
            for choice in (kind, screentone):
                choice.change(colorize, inputs, outputs, api_visibility="private")
            gr.Examples([[os.path.join(EXAMPLES_DIR, name)] for name in EXAMPLES], [image], outputs,
                        fn=colorize, cache_examples=True, cache_mode="lazy")
        with gr.Tab("Batch"):
            files = gr.File(label="Image files", file_count="multiple", file_types=["image"], type="filepath")
            batch_saturation = gr.Slider(0.0, MAX_SATURATION, value=1.0, step=0.05, label="Saturation")
            run_batch = gr.Button("Colorize all", variant="primary")
            archive = gr.File(label="Colorized PNGs (zip)")
            summary = gr.Markdown()
            run_batch.click(make_colorize_batch(colorizer, error), [files, batch_saturation], [archive, summary],
                            api_name="colorize_batch", concurrency_limit=1)
    return demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)


limit_allocator_arenas()
demo = build_demo(*load_colorizer())


def launch(**kwargs):
    """Launch with the app's limits; keyword arguments go to Blocks.launch (share, server_name...)."""
    return demo.launch(max_file_size=f"{MAX_FILE_MB}mb", theme=gr.themes.Soft(), **kwargs)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the colorize web demo.")
    parser.add_argument("--share", action="store_true", help="also open a public *.gradio.live link")
    args = parser.parse_args(argv)
    launch(share=True if args.share else None)


if __name__ == "__main__":
    main()
