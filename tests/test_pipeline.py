import io

import numpy as np
import pytest
from PIL import Image

from colorize import Colorized, ImageError, open_image
from colorize.images import lightness_of
from colorize.lab import convert_lab
from tests.images import gradient_rgb, image_in_mode

MODES = ["L", "LA", "RGB", "RGBA", "P", "I;16", "CMYK", "1"]


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_keeps_size_and_lightness(colorizer, mode, tmp_path):
    image = image_in_mode(mode)
    path = tmp_path / f"in.{'tiff' if mode in ('CMYK', 'I;16') else 'png'}"
    image.save(path)
    result = colorizer.colorize(str(path))
    assert isinstance(result, Colorized)
    for picture in result:
        assert picture.dtype == np.uint8 and picture.shape[:2] == (64, 96)
    expected = lightness_of(open_image(str(path)))
    np.testing.assert_allclose(result.lightness, np.round(expected * 2.55), atol=1)
    gray = colorizer.colorize(str(path), saturation=0.0).rgb
    np.testing.assert_allclose(convert_lab(gray)[0], expected, atol=0.6)


def test_sixteen_bit_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "deep.png"
    image_in_mode("I;16").save(path)  # each 8-bit gray v stored as 257 v
    expected = np.asarray(image_in_mode("L"), int)
    assert np.abs(np.asarray(open_image(str(path)).convert("L"), int) - expected).max() <= 1  # clipping would give 255


def test_exif_rotation_is_applied(colorizer, tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: viewers rotate it 90 degrees clockwise
    Image.fromarray(gradient_rgb(96, 64)).save(path, exif=exif)
    assert colorizer.colorize(str(path)).rgb.shape == (96, 64, 3)


def test_output_keeps_full_resolution_detail(colorizer):
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (300, 500), dtype=np.uint8)  # detail far finer than the model's 224
    result = colorizer.colorize(Image.fromarray(noisy), saturation=0.0)
    np.testing.assert_allclose(convert_lab(result.rgb)[0], lightness_of(Image.fromarray(noisy)), atol=0.6)


def test_saturation_scales_the_colours(colorizer):
    image = Image.fromarray(gradient_rgb()).convert("L")
    plain, vivid = colorizer.colorize(image), colorizer.colorize(image, saturation=2.0)
    assert np.abs(convert_lab(vivid.rgb)[1]).mean() > np.abs(convert_lab(plain.rgb)[1]).mean()


def test_batches_match_single_calls(colorizer):
    images = [Image.fromarray(gradient_rgb(96, 64)), Image.fromarray(gradient_rgb(40, 30)).convert("L"),
              Image.fromarray(gradient_rgb(64, 96)), Image.fromarray(gradient_rgb(96, 64)[::-1])]  # 3 of one model size
    batched = [prediction.compose() for prediction in colorizer.predict_images(images)]
    for image, result in zip(images, batched):
        np.testing.assert_allclose(result.rgb, colorizer.colorize(image).rgb, atol=1)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<html>not an image</html>", "cannot read"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "cannot read"),
])
def test_bad_bytes_are_clear_errors(colorizer, tmp_path, data, message):
    path = tmp_path / "bad.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageError, match=message):
        colorizer.colorize(str(path))


def test_a_known_lightness_is_coloured_as_its_picture_and_a_bad_one_is_refused(colorizer):
    picture = Image.fromarray(gradient_rgb(96, 64))
    lightness = lightness_of(picture)
    np.testing.assert_array_equal(colorizer.predict_lightness(lightness).compose().rgb, colorizer.colorize(picture).rgb)
    for bad, message in ((np.zeros((8, 8, 3)), "2-D"), (np.zeros((0, 5)), "2-D"), (np.float32(50), "2-D"),
                         (np.where(np.eye(8) > 0, np.nan, 50.0), "not numbers"),
                         (np.full((8, 8), np.inf), "not numbers")):
        with pytest.raises(ImageError, match=message):
            colorizer.predict_lightness(bad)


def test_pixel_limit(colorizer):
    buffer = io.BytesIO()
    Image.new("L", (4000, 3000)).save(buffer, "PNG")
    with pytest.raises(ImageError, match="megapixels"):
        colorizer.colorize(buffer.getvalue(), max_pixels=1_000_000)


def test_missing_file_and_folder(colorizer, tmp_path):
    with pytest.raises(ImageError, match="does not exist"):
        colorizer.colorize(str(tmp_path / "nope.jpg"))
    with pytest.raises(ImageError, match="folder"):
        colorizer.colorize(str(tmp_path))


def test_memory_follows_pixels_not_sides_for_a_thin_strip(colorizer):
    """A 12 x 400,000 strip (4.8 MP, a sliver of the 16 x 1,000,000 page that once took 9 GB): composing
    it allocates a few times its pixels, not a 400,000-wide copy of the model's grid; and a drawing model
    sees such a strip at its input size, not at its largest."""
    import tracemalloc

    from colorize.pipeline import compose

    lightness = np.random.default_rng(0).uniform(0, 100, (12, 400_000)).astype(np.float32)
    ab = np.random.default_rng(1).uniform(-0.5, 0.5, (112, 112, 2)).astype(np.float32)
    tracemalloc.start()
    result = compose(lightness, ab, 1.0, follow_edges=True)  # as a photo is composed
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.rgb.shape == (12, 400_000, 3)
    assert peak < 40 * lightness.size  # the outputs are 7 bytes a pixel; a 112 x 400,000 grid would be 75
    drawing_like = type(colorizer)(colorizer.model, {**colorizer.config, "max_input_size": 576})
    assert drawing_like.model_size((12, 400_000)) == colorizer.input_size
    assert drawing_like.model_size((1400, 1000)) > colorizer.input_size


@pytest.mark.parametrize("edge", [101, 203, 250])  # here and there between the grid's pixels
def test_colour_edges_follow_the_full_size_lightness_not_the_models_grid(edge):
    """A blue sky against an orange wall: the model's ab changes over a grid pixel (3.6 photo pixels here);
    following the lightness, the colour changes where the lightness does, from one pixel to the next."""
    from colorize.pipeline import compose

    lightness = np.where(np.arange(400) < edge, 80.0, 40.0).astype(np.float32)[None].repeat(300, axis=0)
    sky, wall = np.float32([-0.05, -0.15]), np.float32([0.1, 0.15])
    grid = np.where((np.arange(112) + 0.5) * 400 / 112 < edge, 0, 1)[None].repeat(112, axis=0)
    ab_small = np.where(grid[..., None] == 0, sky, wall).astype(np.float32)

    def sharpest(follow_edges):  # the largest change of b from one pixel to the next, as a share of the step
        b = convert_lab(compose(lightness, ab_small, 1.0, follow_edges=follow_edges).rgb)[1][150, :, 1]
        return np.abs(np.diff(b)).max() / (wall[1] - sky[1])

    assert sharpest(True) > 0.8 and sharpest(False) < 0.5
