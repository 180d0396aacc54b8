"""The page's words: one line up top, the details under "About", and which models are loaded."""
from colorize.images import MAX_PIXELS
from webapp.batch import MAX_BATCH_FILES
from webapp.shown_image import MAX_OUTPUT_PIXELS, MAX_SATURATION
from webapp.uploads import MAX_FILE_MB

TAGLINE = ("Drop a black-and-white photo, old print, drawing or manga page: it comes back in color, full size. "
           "The colors are plausible guesses.")

ABOUT = f"""
- **Works well** on landscapes and streets, on faces and people (skin tones, hair, lips), and on old
  prints: it learned from scenes, faces, street photos and everyday objects, part of them made grainy,
  faded or scratched like old prints.
- **Drawings, manga and comics** go to a second model made for drawn art (Picture: Auto tells them
  apart): colors inside the lines, ink kept black, paper kept white, shading kept as drawn. A page of framed panels is
  colored panel by panel, so small figures get color too and the gutters stay white; its screentones
  can be kept or smoothed.
- **Works less well** on things that could be any color (clothes, cars, painted objects: plausible,
  not right, colors) and on rare subjects (muted, brownish guesses). Use **color hints** to say what
  you know.
- **Color photos** are reduced to their lightness and colored again (the line under the result says so).
- **Saturation** (0 to {MAX_SATURATION:g}) scales the predicted colors: 0 gives gray, 1 the model's colors,
  2 twice as vivid. It and the screentone choice apply at once, without running the model again.
- **Limits:** files up to {MAX_FILE_MB} MB; results keep your image's full resolution
  up to {MAX_OUTPUT_PIXELS / 1e6:.0f} megapixels (larger images, up to {MAX_PIXELS / 1e6:.0f}
  megapixels, are scaled down to that, and the line under the result says so); up to
  {MAX_BATCH_FILES} files per batch, returned as previews and a zip of PNGs.
- **Share** copies a link that opens this page with your result; downloads are named after your file.
- Uploads and results are deleted from the server within about an hour.
"""


def weights_note(colorizer, error=""):
    """The line that tells visitors which model they are using, or why there is none."""
    if colorizer is None:
        return (f"⚠️ **No model weights could be loaded:** {error}. The page works, but colorizing answers "
                "with an error until the app is restarted with weights: set `COLORIZE_WEIGHTS` to a weights "
                "folder or `COLORIZE_HUB_REPO` to a Hub model repo.")
    loaded = colorizer.loaded.items()
    note = "**Models:** " + "; ".join(f"{kind}s: {model.source}" for kind, model in loaded) + "."
    return note + "".join(f"  \n⚠️ {model.warning}" for _, model in loaded if model.warning)
