"""The web demo: colorize black-and-white photos and drawings in a browser, one at a time or as a batch, and
videos, or through its API. This file lays out the page; what happens behind it is in `webapp/`.

Weights: `COLORIZE_WEIGHTS` (a local weights or training-run folder), else `COLORIZE_HUB_REPO` (with
`COLORIZE_HUB_REVISION`), else the defaults shipped with colorize. Run `python app.py`, or
`python app.py --share` for a public link; Gradio's `GRADIO_SERVER_NAME`/`GRADIO_SERVER_PORT` apply.
"""
import argparse
import json

import gradio as gr

from colorize.kinds import KINDS
from colorize.screentone import SCREENTONES
from webapp.batch import MAX_BATCH_FILES
from webapp.examples import EXAMPLES, example_paths
from webapp.handlers import Handlers
from webapp.hint_box import SWATCHES, add_hint, marked_hints, swatch_css, undo_hint
from webapp.serving import limit_allocator_arenas, load_colorizer, use_example_cache_for
from webapp.shown_image import MAX_OUTPUT_PIXELS, MAX_SATURATION
from webapp.texts import ABOUT, TAGLINE, weights_note
from webapp.uploads import MAX_FILE_MB, disk_full_answer, guarded
from webapp.video import LIMITS_TEXT

QUEUE_SIZE = 16  # waiting requests; beyond this new ones are told the queue is full
CONCURRENCY = 2  # requests computed at once (each full-size image needs up to about 2 GB)
SESSION_SECONDS = 900  # a page's kept prediction goes 15 minutes after its last use (a restyle then reruns the model)
CACHE_CLEANUP = (600, 3600)  # every 10 minutes delete uploads and results older than an hour
KIND_CHOICES = [kind.capitalize() for kind in KINDS]  # Auto, Photo, Drawing
SCREENTONE_CHOICES = [choice.capitalize() for choice in SCREENTONES]
HERO_HEIGHT = "36vh"  # input and before/after: both fit a phone's first screen, one above the other
THUMB_HEIGHT = "16vh"  # the row of three: lightness, ab, result
# Scroll to the result only when it is of a new picture and not wholly in sight: not at the page's load (no
# picture yet) and not when a display setting remade it (the user's hand is on that setting, below it).
SHOW_RESULT = """(pair) => { const hero = document.getElementById('before-after'); const before = pair && pair[0];
  const source = before && (before.url || before.path); if (!hero || !source || hero.dataset.shown === source) return;
  hero.dataset.shown = source; const box = hero.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) hero.scrollIntoView({block: 'start', behavior: 'smooth'}); }"""
# Soft's labels and tabs are its primary 500 on light fills: under WCAG AA's 4.5:1 (axe-core, in the browser test)
THEME = gr.themes.Soft().set(block_label_text_color="*primary_700", block_title_text_color="*primary_700",
                              body_text_color_subdued="*neutral_600", button_primary_background_fill="*primary_600",
                              button_primary_background_fill_hover="*primary_700",
                              checkbox_label_background_fill_selected="*primary_600", color_accent="*primary_600")
CSS = """#status {min-height: 1.5em} #status p {margin: 0}
#title h1 {font-size: 1.25rem; margin: 0 0 0.25em}  /* the page's one h1 (for screen readers), a heading's size */
/* ImageSlider lays its "before" image in the flow (top-aligned, cut off, below its buttons on a phone) and its
   "after" image over the box (centred): both fill the block's box, the whole picture contained, so the halves
   line up on any aspect ratio; the buttons float over the picture's corner.
   Gradio has no option for it; !important beats the max-height the component sets inline. */
#before-after .slider-wrap {position: absolute; inset: 0}
#before-after .slider-wrap img {position: absolute; inset: 0; width: 100%; height: 100%; max-height: none !important;
  object-fit: contain}
@media (max-width: 720px) {  /* phones: the result right below the input, the examples after it */
  #hero-row {flex-direction: column} #input-column {display: contents} #examples {order: 3}
  /* the examples in one row that scrolls sideways, so that the settings stay close under the result */
  #examples .gallery {flex-wrap: nowrap; overflow-x: auto} #examples .gallery-item {flex: none}
  /* the row of three is a third of the width each: the buttons, which Gradio pins top right over the label,
     go to the bottom corner so that each label can be read */
  #out-l .top-panel, #out-ab .top-panel, #out-rgb .top-panel {top: auto; bottom: var(--block-label-margin)}
}"""

__all__ = ["CACHE_CLEANUP", "MAX_BATCH_FILES", "MAX_FILE_MB", "MAX_OUTPUT_PIXELS", "load_colorizer", "weights_note"]


def example_names(captions):
    """JS that names the example thumbnails by their captions, for screen readers (aria-label) and as a
    tooltip: Gradio gives an example's thumbnail no text, and `example_labels` replaces the thumbnail."""
    return (f"() => {{ const captions = {json.dumps(captions)};"
            " document.querySelectorAll('#examples .gallery-item').forEach((item, i) => {"
            " item.setAttribute('aria-label', captions[i]); item.title = captions[i]; }); }")


def with_example(component, value):
    """The value the API page's snippets show for this input (Gradio's own: a PDF for files, a slider's minimum)."""
    component.example_inputs = lambda: value
    return component


def build_demo(colorizer, error=""):
    """The page and its API endpoints `colorize`, `colorize_hints`, `colorize_batch` and `colorize_video`."""
    use_example_cache_for(colorizer)
    run = Handlers(colorizer, error)
    with gr.Blocks(title="Colorize black-and-white photos and drawings", delete_cache=CACHE_CLEANUP) as demo:
        gr.Markdown(f"# Colorize black-and-white photos and drawings\n{TAGLINE}", elem_id="title")
        with gr.Tab("One image"):
            # the results are made first (unrendered) so that the examples below the input can fill them
            slider = gr.ImageSlider(label="Before / after", format="jpeg", height=HERO_HEIGHT, elem_id="before-after",
                                    render=False)
            status = gr.Markdown(elem_id="status", render=False)
            # the row of three, a third of a phone's width each: short plain labels and one or two buttons, so
            # that neither covers the other; what each shows is said in full to screen readers (alt_text)
            lightness = gr.Image(label="Gray", format="jpeg", height=THUMB_HEIGHT, min_width=80, buttons=["fullscreen"],
                                 elem_id="out-l", render=False, alt_text="The picture's lightness: what the model sees")
            ab = gr.Image(label="Colors", format="jpeg", height=THUMB_HEIGHT, min_width=80, buttons=["fullscreen"],
                          elem_id="out-ab", render=False, alt_text="The colors the model chose, at even lightness")
            rgb = gr.Image(label="Result", format="png", height=THUMB_HEIGHT, min_width=80,
                           buttons=["download", "fullscreen"], elem_id="out-rgb", render=False,
                           alt_text="The colorized picture (the download is a full-size PNG)")
            outputs = [lightness, ab, rgb, slider]
            with gr.Row(equal_height=False, elem_id="hero-row"):
                with gr.Column(min_width=300, elem_id="input-column"):
                    image = guarded(gr.Image(label="Black-and-white image", type="filepath", image_mode=None,
                                             sources=["upload", "clipboard", "webcam"], height=HERO_HEIGHT,
                                             elem_id="input-image"))
                    gr.Examples(example_paths(), [image], [*outputs, status], fn=run.example, cache_examples=True,
                                cache_mode="lazy", label="Examples: tap one",
                                examples_per_page=len(EXAMPLES), elem_id="examples")
                with gr.Column(min_width=300, elem_id="result-column"):
                    slider.render()
                    status.render()
                    with gr.Row():
                        for output in outputs[:3]:
                            output.render()
            with gr.Row(equal_height=True):
                saturation = with_example(gr.Slider(
                    0.0, MAX_SATURATION, value=1.0, step=0.05, label="Saturation", elem_id="saturation",
                    info=f"0 gray, 1 the model's colors, {MAX_SATURATION:g} twice as vivid"), 1.0)
                kind = gr.Radio(KIND_CHOICES, value="Auto", label="Picture", elem_id="kind",
                                info="Auto tells photos from drawings and manga")
                screentone = gr.Radio(SCREENTONE_CHOICES, value="Keep", label="Screentones (drawings)",
                                      elem_id="screentone", info="keep the page's dots, or smooth them")
                with gr.Column(min_width=160):
                    colorize_button = gr.Button("Colorize", variant="primary", elem_id="colorize")
                    gr.DeepLinkButton("Share a link to this result", size="md")
            with gr.Accordion("Color hints (optional)", open=False, elem_id="hints-panel"):
                gr.Markdown("Pick a color, then click the image where it belongs: the result follows. "
                            "A hint sets the color, not the lightness; a few on each object are enough.")
                hint_color = gr.ColorPicker(value=SWATCHES["Medium skin"], label="Hint color", elem_id="hint-color")
                with gr.Row():
                    swatches = [gr.Button(name, size="sm", elem_id=f"swatch-{name.lower().replace(' ', '-')}")
                                for name in SWATCHES]
                hints = gr.Textbox(value="[]", label="Hints (JSON, pixels of the image)", lines=2, elem_id="hints-json")
                marks = gr.Image(label="Your hints on the picture", type="pil", format="jpeg", interactive=False,
                                 height=HERO_HEIGHT, elem_id="hints-marks",
                                 alt_text="The picture with a ring of its color at each hint")
                with gr.Row():
                    undo = gr.Button("Undo last hint", size="sm", elem_id="hints-undo")
                    clear = gr.Button("Clear hints", size="sm", elem_id="hints-clear")
                reference = guarded(gr.Image(label="Reference image: take its colors (optional)", type="filepath",
                                             image_mode=None, sources=["upload", "clipboard"],
                                             elem_id="reference-image"))
            shown = gr.State(time_to_live=SESSION_SECONDS)  # the page's prediction, for instant restyling
            inputs = [image, saturation, hints, reference, kind, screentone]
            # the API: the same work, raising its errors (the page's own events below keep the last result)
            api = gr.Button(visible=False)
            api.click(run.colorize_image, [image, saturation, kind, screentone], outputs, api_name="colorize")
            api.click(run.colorize, inputs, outputs, api_name="colorize_hints")

            # each reads the kept prediction (restyle to reuse it, show to say it stays)
            def on(event, handler=run.show):
                return event(handler, [*inputs, shown], [*outputs, shown, status], api_visibility="private")

            # a new image starts without hints, cleared before its result shows (a later click's hint stays)
            on(image.upload(lambda: "[]", None, hints, api_visibility="private").then)
            on(colorize_button.click)
            for display in (saturation.change, screentone.change):  # no model call: see Handlers.restyle
                on(display, run.restyle)
            for button, color in zip(swatches, SWATCHES.values()):
                button.click(lambda c=color: c, None, hint_color, api_visibility="private")
            on(image.select(add_hint, [hints, hint_color], hints, api_visibility="private").then)
            on(undo.click(undo_hint, hints, hints, api_visibility="private").then)
            on(clear.click(lambda: "[]", None, hints, api_visibility="private").then)
            on(reference.change)
            for changed in (hints.change, image.change):  # the marks follow the hints, however they changed
                changed(marked_hints, [image, hints], marks, api_visibility="private")
            on(kind.change)
            slider.change(None, slider, None, js=SHOW_RESULT)
        with gr.Tab("Batch"):
            # no file_types: Gradio would refuse the whole batch for one file it cannot name as an image (no
            # extension); the batch reads each file itself and lists what is not an image, colorizing the rest
            files = with_example(gr.File(label=f"Image files (up to {MAX_BATCH_FILES})", file_count="multiple",
                                         type="filepath"), [image.example_inputs()] * 2)
            batch_saturation = with_example(gr.Slider(0.0, MAX_SATURATION, value=1.0, step=0.05, label="Saturation"),
                                            1.0)
            # a chapter's pages or a shoot's photos coloured alike: one colour image lends them its colours
            batch_reference = guarded(gr.Image(label="Reference image: all take its colors (optional)",
                                               type="filepath", sources=["upload", "clipboard"], height=160,
                                               elem_id="batch-reference"))
            run_batch = gr.Button("Colorize all", variant="primary")
            summary = gr.Markdown(label="Summary")  # what was done and the zip first, in sight; the previews after
            archive = gr.File(label="Colorized PNGs (zip)")
            gallery = gr.Gallery(label="Colorized", columns=4, height="auto", object_fit="contain",
                                 elem_id="batch-gallery")
            previews = gr.State()
            run_batch.click(run.colorize_batch, [files, batch_saturation, batch_reference],
                            [archive, summary, previews], api_name="colorize_batch", concurrency_limit=1).then(
                lambda shown_previews: shown_previews, previews, gallery, api_visibility="private")
        with gr.Tab("Video"):
            gr.Markdown(f"A black-and-white film clip, {LIMITS_TEXT}: colors carried along the motion hold still "
                        "from frame to frame, and the sound is kept.")
            video = gr.Video(label="Black-and-white video", sources=["upload"], elem_id="input-video")
            with gr.Row(equal_height=True):
                video_saturation = with_example(gr.Slider(0.0, MAX_SATURATION, value=1.0, step=0.05, label="Saturation",
                                                          elem_id="video-saturation"), 1.0)
                video_kind = gr.Radio(KIND_CHOICES, value="Auto", label="Film", elem_id="video-kind",
                                      info="Auto tells live action from animation on the first frame")
                colorize_video = gr.Button("Colorize video", variant="primary", elem_id="colorize-video")
            colorized_video = gr.Video(label="Colorized video", buttons=["download"], elem_id="output-video")
            colorize_video.click(run.colorize_video, [video, video_saturation, video_kind], colorized_video,
                                 api_name="colorize_video", concurrency_limit=1)
        with gr.Accordion("About this demo", open=False, elem_id="about"):
            gr.Markdown(ABOUT)
            gr.Markdown(weights_note(colorizer, error), elem_id="weights-note")
        demo.load(None, js=example_names(list(EXAMPLES.values())))
    return demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)


limit_allocator_arenas()
demo = build_demo(*load_colorizer())


def launch(**kwargs):
    """Launch with the app's limits; keyword arguments go to Blocks.launch (share, server_name...)."""
    return demo.launch(max_file_size=f"{MAX_FILE_MB}mb", theme=THEME, css=CSS + swatch_css(),
                       app_kwargs={"exception_handlers": {OSError: disk_full_answer}}, **kwargs)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the colorize web demo.")
    parser.add_argument("--share", action="store_true", help="also open a public *.gradio.live link")
    args = parser.parse_args(argv)
    launch(share=True if args.share else None)


if __name__ == "__main__":
    main()
