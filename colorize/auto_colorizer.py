"""Photos and drawings take different models: one colorizer that picks the right one for each image.

"auto" asks `kind_detector` whether the picture is drawn, on the encoder features that the photo model's
own pass gives (the detector is fitted on the photo model's encoder): a photo then costs one model pass, a
drawing two, and one more call of the drawing model at its input size, for its shading, where the drawing
model's encoder is its own.
With weights whose encoder the detector was not fitted on, the model whose encoder it was is asked first.
"photo" and "drawing" say it. Weights given by
path or Hub repo stand in for the shipped model of their own kind (a drawing model's config says
`predicts_lightness`), and the other kind keeps its shipped weights. Each model is loaded when first
needed, unless `eager` (a server: both at once; where LiteRT's cache let a colorizer start without its Keras
model, that is built when first needed, as for a drawing at another size: building it in the background at once,
or right after the first picture, held the app's first picture up by 3-4 s, measured).
"""
from __future__ import annotations

import os

from PIL import Image

from .hints import Hints
from .images import MAX_PIXELS, ImageSource, lightness_of, open_image
from .kind_detector import detector_encoder, drawing_probability
from .kinds import KINDS, MODEL_KINDS
from .pipeline import Colorized, Colorizer, Prediction
from .repeats import Chapter
from .screentone import check_screentone
from .weights import shipped_config


class AutoColorizer:
    """The photo and the drawing colorizer behind one `colorize`; `kind_of` says which one an image gets."""

    def __init__(self, weights: str | os.PathLike | None = None, hub: str | None = None, revision: str | None = None,
                 precision: str = "auto", eager: bool = False) -> None:
        self.precision = precision
        self._colorizers = {}
        self._digests = {}
        if weights or hub:
            given = Colorizer.from_weights(weights, hub, revision, precision)
            self._colorizers[given.kind] = given
        if eager:
            for kind in MODEL_KINDS:
                self.colorizer(kind)

    def colorizer(self, kind: str) -> Colorizer:
        """The Colorizer for "photo" or "drawing" (the given weights, else the shipped ones), loaded once."""
        if kind not in MODEL_KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(MODEL_KINDS)}")
        if kind not in self._colorizers:
            self._colorizers[kind] = Colorizer.from_weights(precision=self.precision, kind=kind)
        return self._colorizers[kind]

    @property
    def loaded(self) -> dict[str, Colorizer]:
        """{kind: Colorizer} of the models loaded so far."""
        return dict(self._colorizers)

    def encoder_sha256(self, kind: str) -> str:
        """The digest of the `kind` model's encoder: the one its config records (`train export` writes it), so
        that a photo never loads the drawing model, nor Keras where the photo model is cached converted; for
        weights that record none, of the encoder itself."""
        if kind not in self._digests:
            recorded = self._config(kind).get("encoder_sha256")
            if not recorded:
                from .model import encoder_digest  # Keras, at first use

                recorded = encoder_digest(self.colorizer(kind).model)
            self._digests[kind] = recorded
        return self._digests[kind]

    def shares_encoder(self) -> bool:
        """Whether the photo and drawing models' encoders hold the same weights (one's features serve both)."""
        return self.encoder_sha256("photo") == self.encoder_sha256("drawing")

    def detector_reads(self) -> str:
        """The kind of model whose encoder features `kind_detector` was fitted on: the photo model's (as
        `train kinds` fits it), the drawing model's where only that one matches the detector's record."""
        fitted_on = detector_encoder()
        if fitted_on and self.encoder_sha256("photo") != fitted_on and self.encoder_sha256("drawing") == fitted_on:
            return "drawing"
        return "photo"

    def _config(self, kind):
        """The config of the weights for `kind`: those loaded, else the shipped ones' (read, not loaded)."""
        loaded = self._colorizers.get(kind)
        return (loaded.config if loaded else shipped_config(kind)) or {}

    def predict(self, picture: Image.Image, hints: Hints | None = None, reference: ImageSource | None = None,
                max_pixels: float = MAX_PIXELS, kind: str = "auto",
                chapter: Chapter | None = None) -> tuple[str, Prediction]:
        """(the kind chosen, its `Colorizer.predict_image`) for an opened picture, whose L is computed once
        for whichever model colours it; for "auto" the photo model runs first and its encoder features decide,
        so a photo is not looked at twice."""
        lightness = lightness_of(picture)
        if kind == "auto" and self.detector_reads() == "photo":
            photo = self.colorizer("photo")
            prediction = photo.predict_lightness(lightness, hints, reference, max_pixels)
            if drawing_probability(photo.last_features[:1])[0] < 0.5:
                return "photo", prediction
            drawing = self.colorizer("drawing")
            if self.shares_encoder():  # its shading detector reads the same features
                drawing.remember_features(lightness, photo.last_features[0])
            return "drawing", drawing.predict_lightness(lightness, hints, reference, max_pixels, chapter)
        chosen = self._kind_of_lightness(lightness, kind)
        return chosen, self.colorizer(chosen).predict_lightness(lightness, hints, reference, max_pixels, chapter)

    def kind_of(self, picture: Image.Image, kind: str = "auto") -> str:
        """The kind to colorize an opened picture as: `kind`, or for "auto" what the detector sees in it."""
        return self._kind_of_lightness(lightness_of(picture), kind)

    def _kind_of_lightness(self, lightness, kind):
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
        if kind != "auto":
            return kind
        features = self.colorizer(self.detector_reads()).features(lightness)
        return "drawing" if drawing_probability(features[None])[0] >= 0.5 else "photo"

    def colorize(self, image: ImageSource, saturation: float = 1.0, hints: Hints | None = None,
                 reference: ImageSource | None = None, max_pixels: float = MAX_PIXELS, screentone: str = "keep",
                 kind: str = "auto", chapter: Chapter | None = None) -> Colorized:
        """`Colorizer.colorize` by the model for the image's kind (see `predict`)."""
        check_screentone(screentone)
        _, prediction = self.predict(open_image(image, max_pixels), hints, reference, max_pixels, kind, chapter)
        return prediction.compose(saturation, screentone)
