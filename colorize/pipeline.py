"""Full-resolution colorization: the model sees a small L, the output keeps every pixel of the input."""
from __future__ import annotations

import functools
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple, Optional, Sequence

import cv2
import numpy as np

from . import guided
from .decoding import decode
from .fast_model import compiled_predictor
from .hints import HintError, Hints, local_hints, open_reference, reference_distribution
from .images import MAX_PIXELS, ImageError, ImageSource, lightness_of, open_image, resize_plane
from .kind_detector import shaded_probability
from .lab import AB_PICTURE_LIGHTNESS, BAND_PIXELS, LabBand
from .panels import cut, drawn_box, find_panels, framed, panel_hints, paste_panels
from .repeats import Chapter, shared
from .screentone import check_screentone, descreen
from .weights import LoadedWeights, load_weights

if TYPE_CHECKING:
    import keras

PAPER_FADE = 8.0  # L units: a drawing's colours fade out within 8 of paper white and of ink black (see compose)
SHADED_AT = 0.8  # a drawing at least this likely shaded keeps its own lightness (chosen in docs/MODEL.md)
MAX_ASPECT = 8  # a drawing longer than this many times its width is seen at the input size (see model_size)
CHUNK = 2  # several inputs of one size run two at a time, the last chunk padded: one trace per size
COMPOSE_THREADS = int(os.environ.get("COLORIZE_THREADS") or min(4, os.cpu_count() or 1))


class Colorized:
    """What the pipeline gives back, all uint8 at the input's size. The result is made at once; the two views
    beside it, which only the app shows, when first read (each is a full-size conversion of its own). Unpacks
    as (lightness, ab, rgb)."""

    def __init__(self, rgb: np.ndarray, views: Callable[[], tuple[np.ndarray, np.ndarray]]) -> None:
        self.rgb = rgb  # (H, W, 3): the input's L joined with the predicted ab
        self._views = views

    @functools.cached_property
    def _made_views(self):
        return self._views()

    @property
    def lightness(self) -> np.ndarray:
        """(H, W): the input's L channel, 0-100 shown as 0-255."""
        return self._made_views[0]

    @property
    def ab(self) -> np.ndarray:
        """(H, W, 3): the predicted ab planes rendered at constant lightness."""
        return self._made_views[1]

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.lightness, self.ab, self.rgb))


def compose(lightness: np.ndarray, ab_small: np.ndarray, saturation: float = 1.0,
            result_lightness: np.ndarray | None = None, paper_fade: float = 0.0,
            follow_edges: bool = False, keep_lightness: bool = False) -> Colorized:
    """Full-resolution output from L (H, W) and the model's ab (S, S, 2): the RGB result now, the shown L and
    the ab picture when first read, all uint8. The result takes `result_lightness` (H, W) instead of L where
    given (a drawing's lightness, see `drawing_lightness`), and with `paper_fade` > 0 its colour fades to none
    over the last `paper_fade` L units below white and above black: what the drawing model leaves at paper
    white stays white paper, not a tinted wash, and ink stays black ink (sRGB has no dark or light colours of
    high chroma to show there anyway). With `follow_edges` the colour's edges follow L's (`colorize.guided`). With
    `keep_lightness`, dark colours beyond sRGB keep their L (`lab.LabBand.srgb`): drawn ink stays as dark as drawn.

    Equal, to float32 rounding, to resizing ab (or with `follow_edges`, the guided filter's coefficients) with
    `resize_plane`, scaling it by the saturation, clipping it to [-1, 1] and converting with `lab.ab_picture`
    and `lab.convert_rgb` (see `in_bands`)."""
    height, width = lightness.shape
    result_lightness = lightness if result_lightness is None else result_lightness
    rgb = np.empty((height, width, 3), np.uint8)

    def result(band, part, a, b):
        result_l = result_lightness[part].reshape(-1)
        if paper_fade:
            fade = np.minimum(np.float32(100) - result_l, result_l)
            np.clip(fade * np.float32(1 / paper_fade), 0.0, 1.0, out=fade)
            a, b = a * fade, b * fade
        band.srgb(result_l, a, b, rgb[part].reshape(-1, 3), keep_lightness)

    def views():
        shown_l, picture = np.empty((height, width), np.uint8), np.empty((height, width, 3), np.uint8)

        def view(band, part, a, b):
            band.srgb(AB_PICTURE_LIGHTNESS, a, b, picture[part].reshape(-1, 3))
            shown_l[part] = np.rint(lightness[part] * np.float32(2.55))

        in_bands(grid, (height, width), saturation, view, guide)
        return shown_l, picture

    guide = lightness if follow_edges else None  # the coefficients fitted once, for the result and the views
    grid = (np.moveaxis(np.asarray(ab_small, np.float32), -1, 0) if guide is None
            else guided.coefficients(ab_small, guide))  # (K, S, S) planes
    in_bands(grid, (height, width), saturation, result, guide)
    return Colorized(rgb, views)


def in_bands(grid, shape, saturation, write, guide=None):
    """Call write(band, rows, a, b) for bands of rows of the full-size ab, resized from the grid and scaled by the
    saturation, clipped to [-1, 1], a and b flat float32 (`band` a LabBand to convert with), so that the
    full-size ab never exists. The grid is planes (K, S, S): a and b, or with `guide`, the full-size L (H, W),
    the guided filter's coefficients (4, S, S), applied to it so that ab follow its edges (`colorize.guided`).

    The resize is Pillow's bilinear one (`resize_plane`), done as two passes that give the same planes to float32
    rounding: Pillow shrinks the axes that shrink, OpenCV enlarges the grid to the full height at once and each
    band to the full width, several times faster. The bands are shared among COMPOSE_THREADS threads (NumPy and
    OpenCV let go of the interpreter lock)."""
    height, width = shape
    small = (min(grid.shape[2], width), min(grid.shape[1], height))
    shrinks = small != grid.shape[:0:-1]
    tall = np.empty((len(grid), height, small[0]), np.float32)
    for plane, out in zip(grid, tall):
        plane = resize_plane(plane, small) if shrinks else plane
        cv2.resize(plane * np.float32(saturation), (small[0], height), dst=out, interpolation=cv2.INTER_LINEAR)
    step = max(1, BAND_PIXELS // width)

    def fill(tops):
        band, planes = LabBand(step * width), np.empty((len(grid), step, width), np.float32)
        for top in tops:
            part = slice(top, top + step)
            n = len(tall[0, part])
            for source, plane in zip(tall[:, part], planes[:, :n]):
                cv2.resize(source, (width, n), dst=plane, interpolation=cv2.INTER_LINEAR)
            ab = planes[:, :n] if guide is None else guided.apply(planes[:, :n], guide[part])
            a, b = (np.clip(plane, -1.0, 1.0, out=plane).reshape(-1) for plane in ab)
            write(band, part, a, b)

    tops = range(0, height, step)
    threads = min(COMPOSE_THREADS, len(tops))
    if threads > 1:
        list(_compose_pool().map(fill, [tops[i::threads] for i in range(threads)]))
    else:
        fill(tops)


def drawing_lightness(lightness: np.ndarray, fill_small: np.ndarray, screentone: str = "keep",
                      descreened: np.ndarray | None = None, shaded: float = 0.0) -> np.ndarray:
    """A drawing's result L: the darker of the page's L and the predicted fills' L (any small size) at full
    size, so ink lines stay as dark as drawn, white fills get a tone, and shading is kept. screentone="keep"
    keeps the page's dots and hatching over the colours; "smooth" takes the descreened page instead.
    `shaded` (0 to 1) keeps that share of the page's own L; the pipeline gives 1 to what the shading
    detector takes for shaded art (kind_detector.shaded_probability), whose light colours look like white
    fills to the model, which would darken them."""
    if screentone == "smooth":
        page = descreen(lightness) if descreened is None else descreened
    else:
        page = lightness
    height, width = lightness.shape
    result = np.minimum(page, resize_plane(fill_small, (width, height)))
    return result + np.float32(shaded) * (page - result) if shaded else result


class Prediction(NamedTuple):
    """What the model made of one image: the result can be composed from it at any saturation or screentone
    without running the model again (the app's sliders do)."""

    lightness: np.ndarray  # (H, W) float32: the input's L
    seen: np.ndarray  # (H, W): the L the model looked at (a drawing's, descreened; a photo's is `lightness`)
    ab: np.ndarray  # (S, S, 2) in [-1, 1]
    fill: Optional[np.ndarray]  # (S, S): a drawing's fills' L; None for a photo model
    shaded: float = 0.0  # a drawing's: the share of its own L the result keeps (1: shaded art, see drawing_lightness)

    @property
    def shape(self) -> tuple[int, int]:
        return self.lightness.shape

    def compose(self, saturation: float = 1.0, screentone: str = "keep") -> Colorized:
        """The full-resolution Colorized (see `compose` and `drawing_lightness`)."""
        check_screentone(screentone)
        if self.fill is None:
            return compose(self.lightness, self.ab, saturation, follow_edges=True)
        # a drawing's regions already end at its ink lines: following its edges measured no better (docs/MODEL.md)
        result_lightness = drawing_lightness(self.lightness, self.fill, screentone, self.seen, self.shaded)
        return compose(self.lightness, self.ab, saturation, result_lightness, PAPER_FADE, keep_lightness=True)


@functools.lru_cache(maxsize=1)
def _compose_pool():
    return ThreadPoolExecutor(COMPOSE_THREADS, thread_name_prefix="compose")


class Colorizer:
    """A loaded model and its settings; colorizes any number of images without reloading.

    precision: "auto" (OpenVINO's bfloat16 where the CPU has it natively, else LiteRT's float32, where installed;
    see `fast_model`), "float32", "bfloat16", "litert" or "openvino".
    """

    def __init__(self, model: keras.Model, config: dict, source: str = "weights in memory", warning: str = "",
                 precision: str = "auto") -> None:
        self._start(LoadedWeights(config, source, warning, model=model), precision)

    def _start(self, loaded, precision):
        self.loaded = loaded  # the weights; their Keras model is built when first needed (`model`)
        self.config, self.source, self.warning = loaded.config, loaded.source, loaded.warning
        self.input_size = int(self.config["input_size"])
        self._predict = compiled_predictor(loaded, precision, features=True)
        self.last_features = None  # the kind detector's features of the last model call's inputs (N, F)
        self._cached_features = None  # (a weak reference to an L, its features), see `features`

    @classmethod
    def from_weights(cls, weights: str | os.PathLike | None = None, hub: str | None = None,
                     revision: str | None = None, precision: str = "auto", kind: str = "photo") -> Colorizer:
        """Load from a local path, a Hub repo (pinned by revision), or the shipped default for `kind`
        ("photo" or "drawing") when neither is given. The Keras model is built now, unless the model call
        has been converted and cached before (`colorize.litert`): then at first need, so that a photo starts
        without TensorFlow."""
        colorizer = cls.__new__(cls)
        colorizer._start(load_weights(weights=weights, hub=hub, revision=revision, kind=kind, build=False), precision)
        return colorizer

    @property
    def model(self) -> keras.Model:
        """The Keras model (built at first use)."""
        return self.loaded.model

    def fast_path_ready(self, timeout: float = 0.0) -> bool:
        """Whether the model call runs through the converted network now (precision "litert" or "openvino", see
        `colorize.litert`), waiting up to `timeout` seconds for it to be made; it is made in the background after
        the first call at the input size (benchmarks wait for it)."""
        fast = self._predict.converted
        return fast is not None and fast.ready(timeout)

    @property
    def fast_path_converting(self) -> bool:
        """Whether a converted network is being made now, at any input size (see `fast_path_ready`)."""
        return self._predict.converting()

    @property
    def takes_hints(self) -> bool:
        return bool(self.config.get("hints"))

    @property
    def kind(self) -> str:
        """What the weights are for: "drawing" (they predict the fills' lightness too) or "photo"."""
        return "drawing" if self.config.get("predicts_lightness") else "photo"

    def predict(self, lightness_batch: np.ndarray, hints: np.ndarray | None = None,
                reference: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """L (N, S, S) at the model's input size -> (ab (N, s, s, 2) in [-1, 1], the fills' L (N, S, S) or
        None for a photo model); s is S, or S / 2 for weights decoded by region (see `colorize.decoding`).
        A hint model also takes local hints (N, S, S, 3) and a reference distribution (N, Q); either may be
        None (no hints)."""
        lightness_batch = np.asarray(lightness_batch, np.float32)
        *outputs, self.last_features = self._predict(lightness_batch[..., None], hints, reference)
        ab, fills = (outputs[0], outputs[1][..., 0]) if self.kind == "drawing" else (outputs[0], None)
        if self.config.get("regions"):
            given = [None] * len(ab) if hints is None else hints
            ab = np.stack([decode(distribution, lightness, self.config["regions"], self.config["temperature"],
                                  self.config.get("mute", 0.0), self.kind == "drawing", hinted)
                           for distribution, lightness, hinted in zip(ab, lightness_batch, given)])
        return ab, fills

    def features(self, lightness: np.ndarray) -> np.ndarray:
        """What the encoder sees in L (H, W) at the model's input size, averaged over the image (for
        `kind_detector`), from a model call at that size: its last output (`fast_model.with_features`), so
        that the converted model answers where it is made and TensorFlow is not needed. The last L's are
        kept, by identity: `--kind auto` hands one L to the detector and to the model it picks."""
        last = self._cached_features
        if last is not None and last[0]() is lightness:
            return last[1].copy()
        small = resize_plane(lightness, (self.input_size, self.input_size))
        self.remember_features(lightness, np.asarray(self._predict(small[None, ..., None], None, None)[-1])[0])
        return self._cached_features[1].copy()

    def remember_features(self, lightness: np.ndarray, features: np.ndarray) -> None:
        """Take `features` as what this model's encoder sees in L (H, W): another model with the same encoder
        has just computed them (see `AutoColorizer.predict`), so `features` need not run it again. Held by a
        weak reference: a big picture's L is not kept alive for it."""
        self._cached_features = (weakref.ref(lightness), np.asarray(features))

    def _predict_each(self, inputs, hints=None, reference=None):
        """(ab, fills' L or None) for each model input (and its hints and reference, each a list or None),
        those of one size run together, CHUNK at a time."""
        ab, fills = [None] * len(inputs), [None] * len(inputs)
        for shape in dict.fromkeys(x.shape for x in inputs):
            chosen = [i for i, x in enumerate(inputs) if x.shape == shape]
            for start in range(0, len(chosen), CHUNK):
                part = chosen[start : start + CHUNK]
                padded = part + part[-1:] * (CHUNK - len(part)) if len(chosen) > 1 else part
                batch_ab, batch_fill = self.predict(*(None if given is None else np.stack([given[i] for i in padded])
                                                      for given in (inputs, hints, reference)))
                for j, i in enumerate(part):
                    ab[i], fills[i] = batch_ab[j], None if batch_fill is None else batch_fill[j]
        return ab, fills

    def _shading(self, lightness_planes):
        """For each L, the share of its own lightness its result keeps: all of it for what the detector takes
        for shaded art (at least SHADED_AT likely), none for line art, toned pages and photos."""
        if self.kind != "drawing":
            return [0.0] * len(lightness_planes)
        likely = shaded_probability(np.stack([self.features(plane) for plane in lightness_planes]))
        return [float(p >= SHADED_AT) for p in likely]

    def _assemble(self, seen, pieces, inputs, ab, fills, hints=None, chapter=None):
        """One image's (ab, fills' L) from its pieces' model inputs, outputs and hints (see `_pieces`); panels
        that show the same drawing, on this page or an earlier one of the chapter, are coloured alike
        (`repeats.shared`)."""
        if pieces:
            ab, fills = shared(inputs, ab, fills, hints and [bool(part[..., 2].any()) for part in hints], chapter)
            boxes, frames, drawn = zip(*pieces)
            return paste_panels(boxes, seen.shape, self.model_size(seen.shape), ab, fills, frames, drawn)
        return ab[0], fills[0]

    def _seen(self, lightness):
        """The L the model looks at: a drawing's screentones are descreened first."""
        return descreen(lightness) if self.kind == "drawing" else lightness

    def model_size(self, shape: tuple[int, int]) -> int:
        """The model's input side for an image of shape (H, W): `input_size`; for weights with a larger
        `max_input_size` (the drawing model: whole pages, whose figures are small) about half the image's
        long side, between the two, unless the image is over MAX_ASPECT times longer than wide (a strip,
        squashed square for the model, shows no more at a larger size and costs its memory: gigabytes)."""
        largest = int(self.config.get("max_input_size") or self.input_size)
        if max(shape) > MAX_ASPECT * min(shape):
            return self.input_size
        return int(min(largest, max(self.input_size, round(max(shape) / 64) * 32)))

    def _model_input(self, seen):
        side = self.model_size(seen.shape)
        return resize_plane(seen, (side, side))

    def _pieces(self, seen):
        """(pieces, model inputs) for one seen L. The drawing model colours a page of panels panel by panel
        (colorize.panels) at the input size, so that the gutters stay paper (unless the config says "panels":
        false), each panel framed to what is drawn in it (`panels.frame_of`): a piece is (box, frame, drawn), where
        its colours go, what the model was shown and the part of the box that is drawn (`panels.drawn_box`). No
        pieces: the whole image (photos, single drawings)."""
        boxes = find_panels(seen) if self.kind == "drawing" and self.config.get("panels", True) else []
        if not boxes:
            return [], [self._model_input(seen)]
        side = self.input_size  # measured better and faster than larger panel inputs (docs/MODEL.md)
        drawn = [drawn_box(seen, box) for box in boxes]
        pieces = [(box, framed(box, part), part) for box, part in zip(boxes, drawn)]
        return pieces, [cut(seen, box, frame, side) for box, frame, _ in pieces]

    def predict_image(self, image: ImageSource, hints: Hints | None = None, reference: ImageSource | None = None,
                      max_pixels: float = MAX_PIXELS, chapter: Chapter | None = None) -> Prediction:
        """One image (path, bytes, PIL image or array) -> its Prediction, to compose at any saturation.

        hints: points (x, y, colour[, radius]) in the image's pixels (origin top left; colour '#rrggbb' or
        (r, g, b)), or a hint layer (an RGBA image of the image's size whose opaque pixels are hints).
        reference: an image whose colours the result should take on. Both need weights with hint inputs;
        bad ones raise HintError.
        chapter: a `repeats.Chapter` shared by pages colorized together: a panel repeated from an earlier page
        takes the colours it had there."""
        return self.predict_lightness(lightness_of(open_image(image, max_pixels)), hints, reference, max_pixels,
                                      chapter)

    def predict_lightness(self, lightness: np.ndarray, hints: Hints | None = None,
                          reference: ImageSource | None = None, max_pixels: float = MAX_PIXELS,
                          chapter: Chapter | None = None) -> Prediction:
        """`predict_image` of a picture whose L (H, W) is already known: `AutoColorizer` hands the drawing model
        the L the photo model was given, so that a picture is read once whichever model colours it. Anything but
        a non-empty (H, W) array of finite numbers raises ImageError."""
        lightness = np.asarray(lightness, np.float32)  # the same array where it is one already (`features`' key)
        if lightness.ndim != 2 or not lightness.size:
            raise ImageError(f"the lightness to colorize must be a non-empty 2-D array (H, W), not {lightness.shape}")
        if not np.isfinite(lightness.sum()):  # any NaN or infinite value makes the sum so
            raise ImageError("the lightness to colorize has values that are not numbers (NaN or infinite)")
        if hints is None and reference is None:
            return self._predict_planes([lightness], chapter=chapter)[0]
        if not self.takes_hints:
            raise HintError("these weights take no colour hints or reference (train them with --hints; "
                            "the shipped default takes them)")
        size = lightness.shape[::-1]
        local = None if hints is None else local_hints(hints, size, self.model_size(lightness.shape))
        distribution = None if reference is None else reference_distribution(open_reference(reference, max_pixels))
        seen = self._seen(lightness)
        pieces, inputs = self._pieces(seen)
        if local is not None:
            local = [panel_hints(local, box, seen.shape, len(x), frame)
                     for (box, frame, _), x in zip(pieces, inputs)] or [local]
        distribution = None if distribution is None else [distribution] * len(inputs)
        ab, fills = self._predict_each(inputs, local, distribution)
        return Prediction(lightness, seen, *self._assemble(seen, pieces, inputs, ab, fills, local, chapter),
                          *self._shading([lightness]))

    def predict_images(self, images: Sequence[ImageSource], max_pixels: float = MAX_PIXELS,
                       batch_size: int = 8) -> list[Prediction]:
        """Predictions for several images, run through the model in batches; raises ImageError on the first
        bad one."""
        return self._predict_planes([lightness_of(open_image(image, max_pixels)) for image in images], batch_size)

    def _predict_planes(self, lightness, batch_size=8, chapter=None):
        """Predictions for several L planes (H, W), run through the model in batches, pages of one chapter
        (a `repeats.Chapter` or None) in turn."""
        predictions = []
        for start in range(0, len(lightness), batch_size):
            chunk = lightness[start : start + batch_size]
            seen = [self._seen(plane) for plane in chunk]
            pieces = [self._pieces(s) for s in seen]
            ab, fills = self._predict_each([x for _, inputs in pieces for x in inputs])
            first = 0
            for plane, seen_plane, (framing, inputs), shaded in zip(chunk, seen, pieces, self._shading(chunk)):
                last = first + len(inputs)
                parts = self._assemble(seen_plane, framing, inputs, ab[first:last], fills[first:last],
                                       chapter=chapter)
                predictions.append(Prediction(plane, seen_plane, *parts, shaded))
                first = last
        return predictions

    def colorize(self, image: ImageSource, saturation: float = 1.0, hints: Hints | None = None,
                 reference: ImageSource | None = None, max_pixels: float = MAX_PIXELS,
                 screentone: str = "keep", chapter: Chapter | None = None) -> Colorized:
        """One image -> Colorized at the image's full resolution (`predict_image`, then `Prediction.compose`).
        screentone: for a drawing model, "keep" the page's dots and hatching in the result, or "smooth" them
        into flat gray (see `drawing_lightness`)."""
        check_screentone(screentone)
        return self.predict_image(image, hints, reference, max_pixels, chapter).compose(saturation, screentone)
