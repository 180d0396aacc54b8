"""The weights shipped in colorize/default_weights/: they load, and they give colour, not gray."""
import os

import numpy as np
import pytest

from colorize import Colorizer
from colorize.lab import convert_lab

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples")


def test_shipped_weights_load_as_float32_and_colorize_an_example():
    colorizer = Colorizer.from_weights()
    assert "shipped default" in colorizer.source and not colorizer.warning
    assert all(w.dtype == "float32" for w in colorizer.model.weights)
    result = colorizer.colorize(os.path.join(EXAMPLES, "chelsea.jpg"))  # a photo: line art is another model's
    _, ab = convert_lab(result.rgb)
    chroma = np.hypot(ab[..., 0], ab[..., 1]) * 128
    assert chroma.mean() > 8, "the default weights should add visible colour"
    assert (chroma > 15).mean() > 0.1, "colour should not be a faint tint everywhere"


def test_the_command_line_uses_them(tmp_path):
    from colorize.cli import main

    assert main([os.path.join(EXAMPLES, "camera.jpg"), "--output-dir", str(tmp_path)]) == 0
    assert (tmp_path / "camera.png").is_file()


def test_shipped_weights_give_a_face_a_warm_skin_tone_not_blue_or_green():
    colorizer = Colorizer.from_weights()
    result = colorizer.colorize(os.path.join(EXAMPLES, "astronaut.jpg"))  # NASA portrait, 512 x 512
    _, ab = convert_lab(result.rgb[90:150, 190:250])  # her cheeks and nose
    a, b = ab[..., 0] * 128, ab[..., 1] * 128
    assert a.mean() > 0.5 and b.mean() > 4, f"skin should be warm, got a={a.mean():.1f}, b={b.mean():.1f}"
    assert (b < -3).mean() < 0.02 and (a < -3).mean() < 0.02, "no blue or green patches on the face"


def test_shipped_weights_follow_hints_there_and_not_far_away():
    colorizer = Colorizer.from_weights()
    assert colorizer.takes_hints
    photo = os.path.join(EXAMPLES, "camera.jpg")  # 512 x 512: grass at the bottom, sky at the top
    plain = colorizer.colorize(photo)
    np.testing.assert_array_equal(colorizer.colorize(photo, hints=[]).rgb, plain.rgb)
    hinted = colorizer.colorize(photo, hints=[(100, 440, "#b22222", 12), (420, 470, "#b22222", 12)])
    near, far = (slice(425, 455), slice(85, 115)), (slice(10, 60), slice(380, 480))
    (_, ab_plain), (_, ab_hinted) = convert_lab(plain.rgb), convert_lab(hinted.rgb)
    assert ab_hinted[near][..., 0].mean() * 128 > ab_plain[near][..., 0].mean() * 128 + 10, "the grass turns red"
    assert np.abs(ab_hinted[far] - ab_plain[far]).mean() * 128 < 3, "the sky stays as it was"


@pytest.mark.slow
def test_auto_picks_the_drawing_model_for_drawn_examples_and_the_photo_model_for_photos():
    from colorize.auto_colorizer import AutoColorizer
    from colorize.images import open_image
    from colorize.kind_detector import detector_encoder, shading_encoder
    from colorize.model import encoder_digest

    colorizer = AutoColorizer()
    chosen, _ = colorizer.predict(open_image(os.path.join(EXAMPLES, "harbour.jpg")))
    assert chosen == "photo" and set(colorizer.loaded) == {"photo"}, "a photo never loads the drawing model"
    photo, drawing = (colorizer.colorizer(kind) for kind in ("photo", "drawing"))
    for loaded in (photo, drawing):  # the digests in the configs, which --kind auto compares, are true
        assert loaded.config["encoder_sha256"] == encoder_digest(loaded.model)
    assert detector_encoder() == encoder_digest(photo.model), "the detector reads the photo model's own pass"
    assert shading_encoder() == encoder_digest(drawing.model), "the shading part reads the drawing model's"
    shared = colorizer.shares_encoder()
    for name, kind in (("manga-girl.png", "drawing"), ("chibi.png", "drawing"), ("river-landscape.png", "drawing"),
                       ("astronaut.jpg", "photo"), ("camera.jpg", "photo"), ("chelsea.jpg", "photo"),
                       ("coins.jpg", "photo"), ("rocket.jpg", "photo"), ("castle.jpg", "photo"),
                       ("grace-hopper.jpg", "photo"), ("harbour.jpg", "photo"), ("horse.jpg", "photo")):
        picture = open_image(os.path.join(EXAMPLES, name))
        original = {k: loaded._predict for k, loaded in colorizer.loaded.items()}
        calls = {k: [] for k in original}
        for k, loaded in colorizer.loaded.items():
            loaded._predict = lambda *args, k=k: calls[k].append(1) or original[k](*args)
        chosen, _ = colorizer.predict(picture)
        for k, loaded in colorizer.loaded.items():
            loaded._predict = original[k]
        assert chosen == kind, name
        # the photo model's call decides; a drawing's shading reads that call's features where the encoders are
        # shared, else one call of the drawing model at its input size
        passes = 0 if kind == "photo" else 1 if shared else 2
        assert len(calls["photo"]) == 1 and len(calls["drawing"]) == passes, f"{name}: no pass more than needed"
        assert colorizer.kind_of(picture) == kind, name


@pytest.mark.slow
def test_shipped_drawing_weights_colour_line_art_and_keep_paper_white():
    colorizer = Colorizer.from_weights(kind="drawing")
    assert "shipped drawing" in colorizer.source and colorizer.kind == "drawing" and colorizer.takes_hints
    page = os.path.join(EXAMPLES, "chibi.png")  # a black-and-white chibi girl on white paper
    result = colorizer.colorize(page)
    _, ab = convert_lab(result.rgb)
    chroma = np.hypot(ab[..., 0], ab[..., 1]) * 128
    gray = np.asarray(result.lightness, np.float32)
    figure = gray < 240
    assert chroma[figure].mean() > 6, "the figure gets colour"
    assert chroma[:40, :40].mean() < 3 and chroma[-40:, -40:].mean() < 3, "the paper stays white"
    result_l = convert_lab(result.rgb)[0]
    assert np.all(result_l[gray < 40] <= gray[gray < 40] / 2.55 + 3), "ink stays as dark as drawn"


@pytest.mark.slow
def test_hints_work_for_drawings_too():
    colorizer = Colorizer.from_weights(kind="drawing")
    page = os.path.join(EXAMPLES, "chibi.png")  # 453 x 640: the dress is around (210, 385)
    plain, hinted = colorizer.colorize(page), colorizer.colorize(page, hints=[(210, 385, "#1f3a6e", 10)])
    dress, paper = (slice(372, 398), slice(198, 222)), (slice(20, 80), slice(20, 80))
    (_, ab_plain), (_, ab_hinted) = convert_lab(plain.rgb), convert_lab(hinted.rgb)
    assert ab_hinted[dress][..., 1].mean() * 128 < ab_plain[dress][..., 1].mean() * 128 - 8, "the dress turns navy"
    assert np.abs(ab_hinted[paper] - ab_plain[paper]).mean() * 128 < 1, "the paper stays as it was"
