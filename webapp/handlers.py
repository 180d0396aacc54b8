"""The functions behind the page and its API, bound to the loaded models (or to the reason there are none).

The API's functions raise gr.Error for bad input; the page's never do: a bad upload leaves the previous
result where it is and says what was wrong in the status line, until the next result replaces it."""
import time

import gradio as gr

from colorize.kinds import KINDS
from colorize.screentone import SCREENTONES
from webapp.batch import colorize_batch
from webapp.kept import KeptPredictions
from webapp.shown_image import MAX_SATURATION, predict, render, status_line
from webapp.uploads import told_to_user
from webapp.video import colorize_video_file

NO_CHANGE = 4  # the page's image outputs: lightness, ab, result, before/after


class Handlers:
    def __init__(self, colorizer, error="", kept=None):
        self.colorizer, self.error = colorizer, error
        self.kept = kept or KeptPredictions()  # the pages' predictions, bounded in bytes together

    def check_ready(self, saturation, hints="[]", kind="Auto", screentone="Keep"):
        """The page's controls bound every argument, but API callers can send anything: each is checked here,
        so that a wrong one gets a message naming it (any other exception reaches them as a bare error)."""
        if self.colorizer is None:
            raise gr.Error(f"No model weights are loaded, so nothing can be colorized: {self.error}")
        if isinstance(saturation, bool) or not isinstance(saturation, (int, float)) \
                or not 0.0 <= saturation <= MAX_SATURATION:  # also refuses NaN
            raise gr.Error(f"Saturation must be a number from 0 to {MAX_SATURATION:g}, not {saturation!r}.")
        for name, value, allowed in (("kind", kind, KINDS), ("screentone", screentone, SCREENTONES)):
            if not isinstance(value, str) or value.lower() not in allowed:
                raise gr.Error(f"{name} must be one of {', '.join(a.capitalize() for a in allowed)}, not {value!r}.")
        if not isinstance(hints, str):
            raise gr.Error(f'Hints must be JSON text like [{{"x": 120, "y": 45, "color": "#c08060"}}], not {hints!r}.')

    def shown(self, image, saturation, hints, reference, kind, screentone):
        """-> (the page's four image outputs, Shown with the whole time taken)."""
        self.check_ready(saturation, hints, kind, screentone)
        with told_to_user():
            shown, prediction = predict(self.colorizer, image, hints, reference, kind)
            started = time.perf_counter()
            outputs = render(shown, prediction, saturation, screentone)
        return outputs, shown._replace(seconds=shown.seconds + time.perf_counter() - started)

    def colorize(self, image, saturation=1.0, hints="[]", reference=None, kind="Auto", screentone="Keep"):
        """Colorize one image, with optional color hints and a reference image. saturation: 0 (gray) to 2 (1: the
        model's colors); hints: JSON points [{"x": 120, "y": 45, "color": "#c08060", "radius": 6}] in the image's
        pixels (origin top left), "[]" for none; kind: "Auto", "Photo" or "Drawing"; screentone: "Keep" or
        "Smooth". Returns the lightness and ab previews (JPEG), the full-size result (PNG) and the before/after
        previews.

        Args:
            image: the black-and-white photo or drawing (any size up to 50 megapixels; results keep full size up to 16)
            saturation: 0 (gray) to 2 (twice the model's colors); 1 is the model's colors
            hints: JSON points [{"x": 120, "y": 45, "color": "#c08060", "radius": 6}] ("radius" optional); "[]" for none
            reference: an image whose colors the result should take on (optional)
            kind: "Auto" (detected), "Photo" or "Drawing" (drawn art, line art, manga)
            screentone: for drawings, "Keep" the page's dots in the result or "Smooth" them
        Returns:
            lightness: the input's L channel (JPEG preview)
            ab: the predicted colors at constant lightness (JPEG preview)
            result: the full-size colorized PNG, named <input>_colorized.png
            before_after: the input and the result as JPEG previews
        """
        return self.shown(image, saturation, hints, reference, kind, screentone)[0]

    def colorize_image(self, image, saturation=1.0, kind="Auto", screentone="Keep"):
        """Colorize one image without hints. saturation: 0 (gray) to 2 (1: the model's colors); kind: "Auto"
        (detected), "Photo" or "Drawing"; screentone: "Keep" or "Smooth" a drawing's dots. Returns the lightness
        and ab previews (JPEG), the full-size result (PNG) and the before/after previews (JPEG).
        (The arguments and outputs are `colorize_hints`'s, without the hints and reference.)
        """
        return self.colorize(image, saturation, "[]", None, kind, screentone)

    def show(self, image, saturation, hints, reference, kind, screentone, previous=None):
        """The page's run: the four outputs, the Shown kept for the session and the status line; bad input
        keeps the previous result (`previous`, the Shown on the page, if any) and says why."""
        try:
            outputs, shown = self.shown(image, saturation, hints, reference, kind, screentone)
        except gr.Error as bad:
            message = bad.message if bad.message.rstrip().endswith((".", "!", "?")) else f"{bad.message.rstrip()}."
            kept = " The result shown is the previous one." if previous is not None else ""
            gr.Warning(message)  # a toast where the visitor is looking (on a phone the status line may be off screen)
            return (*[gr.skip()] * NO_CHANGE, gr.skip(), f"⚠️ {message}{kept}")
        self.kept.hold(shown.kept)
        return (*outputs, shown, status_line(shown))

    def restyle(self, image, saturation, hints, reference, kind, screentone, shown):
        """Saturation or screentones changed: the result is remade from the kept prediction, without the model
        (which runs only if the page holds none for this image, as after a cached example, or the app let it go
        to stay within its memory bound)."""
        prediction = None if shown is None or shown.request != (image, hints, reference, kind) \
            else shown.kept.prediction()
        if prediction is None:
            return self.show(image, saturation, hints, reference, kind, screentone, shown)
        self.kept.hold(shown.kept)
        started = time.perf_counter()
        with told_to_user():  # an error leaves the page's outputs as they were
            outputs = render(shown, prediction, saturation, screentone)
        return (*outputs, shown, status_line(shown, time.perf_counter() - started))

    def example(self, image):
        """An example's outputs at the default settings (Gradio caches them)."""
        outputs, shown = self.shown(image, 1.0, "[]", None, "Auto", "Keep")
        return (*outputs, status_line(shown))

    def colorize_batch(self, files, saturation=1.0, reference=None, progress=gr.Progress()):
        """Colorize up to 16 image files into a zip of full-resolution PNGs; unreadable files are listed, not
        fatal. saturation: 0 (gray) to 2 (1: the model's colors). Returns the zip and a summary.

        Args:
            files: up to 16 image files
            saturation: 0 (gray) to 2 (twice the model's colors); 1 is the model's colors
            reference: optional colour image whose colors every result takes on (a chapter's first page)
        Returns:
            archive: a zip of <name>.png, one per file colorized
            summary: how many were colorized, and why any were skipped
        """
        self.check_ready(saturation)
        with told_to_user():
            yield from colorize_batch(self.colorizer, files, saturation, reference, progress)

    def colorize_video(self, video, saturation=1.0, kind="Auto", progress=gr.Progress(track_tqdm=True)):
        """Colorize a black-and-white video into an MP4 (H.264, the same size, frame rate and length, its sound
        kept), colors carried along the motion so that they hold still. A video over the app's limits (length,
        frame size) is refused with a message naming them.

        Args:
            video: the black-and-white video (MP4, MOV, MKV, WebM, AVI...)
            saturation: 0 (gray) to 2 (twice the model's colors); 1 is the model's colors
            kind: "Auto" (detected on the first frame), "Photo" or "Drawing" (animation)
        Returns:
            video: the colorized MP4, named <input>_colorized.mp4
        """
        self.check_ready(saturation, kind=kind)
        with told_to_user():
            return colorize_video_file(self.colorizer, video, saturation, kind.lower())
