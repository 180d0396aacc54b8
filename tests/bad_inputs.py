"""A corpus of bad and odd inputs, made on the fly: what a public demo and a command line get.

Each `Case` is either readable (`view`: the upright RGB picture a browser would show, transparent
pixels over white, first frame only) or not (`error`: a pattern its one-line message must match).
`make_corpus(folder)` writes every case into folder and returns them; nothing here needs the model.
"""
import io
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

W, H = 96, 64  # not square and lightness rising along both axes: a wrong turn or flip shows
UNREADABLE = r"cannot read .*(not an image file|damaged)"
TOO_LARGE = r"(too large|megapixels)"


@dataclass
class Case:
    name: str  # the file's name in the corpus folder
    kind: str  # what it is, for people (and the docs table)
    path: Path
    view: np.ndarray = None  # readable: RGB uint8 (H, W, 3) as a viewer shows it
    error: str = None  # unreadable: regex for its message
    tolerance: float = 1.0  # mean |L*| difference allowed (lossy formats need more)
    app: bool = True  # False where an upload cannot carry it (a missing path, a folder, a dangling link)

    @property
    def size(self):
        """(width, height) of the correct output."""
        return (self.view.shape[1], self.view.shape[0])


def scene(width=W, height=H):
    """A colourful picture whose lightness rises to the right and downwards, with a dark mark top-left."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    fx, fy = x / max(1, width - 1), y / max(1, height - 1)
    rgb = np.stack([40 + 200 * fx, 30 + 160 * fy, 60 + 100 * (fx + fy) / 2], axis=-1)
    rgb[: max(1, height // 6), : max(1, width // 6)] = 10
    return np.round(rgb).astype(np.uint8)


def gray_of(rgb):
    return np.asarray(Image.fromarray(rgb).convert("L"))


def as_rgb(gray):
    return np.repeat(np.asarray(gray, np.uint8)[..., None], 3, axis=-1)


def over_white(rgb, alpha):
    """Composite as a browser does: alpha (uint8) of rgb over a white page."""
    a = alpha.astype(np.float64)[..., None] / 255.0
    return np.round(rgb * a + 255.0 * (1.0 - a)).astype(np.uint8)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width, height):
    """A few dozen bytes claiming width x height pixels: a decompression bomb as far as a reader can tell."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + png_chunk(b"IEND", b"")


def png_rgb48(rgb16):
    """A 16-bit-per-channel RGB PNG written by hand (Pillow writes no such files)."""
    height, width, _ = rgb16.shape
    rows = b"".join(b"\0" + row.astype(">u2").tobytes() for row in rgb16)
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows)) \
        + png_chunk(b"IEND", b"")


def encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def exif_rotated(rgb, orientation):
    """JPEG bytes stored turned so that applying EXIF `orientation` shows rgb upright."""
    # 6: viewers turn it 90 degrees clockwise, so store it turned back
    undo = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
            5: Image.Transpose.TRANSPOSE}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(Image.fromarray(rgb).transpose(undo), "JPEG", quality=95, exif=exif)


def make_corpus(folder):
    """Write every case into folder (created if needed); returns the list of Case."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rgb = scene()
    gray = gray_of(rgb)
    ramp16 = (gray.astype(np.uint16) * 257)  # 16-bit, full range: shows as `gray`
    alpha = np.tile(np.linspace(0, 255, W).round().astype(np.uint8), (H, 1))  # fully transparent at the left
    jpeg = encoded(Image.fromarray(rgb), "JPEG", quality=95)
    png = encoded(Image.fromarray(rgb), "PNG")
    cases = []

    def add(name, kind, data=None, **expected):
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        cases.append(Case(name, kind, path, **expected))

    # Not images at all, or damaged: one clear message each.
    add("empty.jpg", "empty file", b"", error=r"empty file")
    add("truncated.jpg", "JPEG cut to a third", jpeg[: len(jpeg) // 3], error=UNREADABLE)
    add("truncated.png", "PNG cut in half", png[: len(png) // 2], error=UNREADABLE)
    add("header-only.jpg", "JPEG with only its first marker", jpeg[:20], error=UNREADABLE)
    add("notes.jpg", "plain text renamed .jpg", b"shopping list: milk, eggs\n", error=UNREADABLE)
    add("page.jpg", "HTML page renamed .jpg", b"<!doctype html><html><body><img src=x.jpg></body></html>",
        error=UNREADABLE)
    add("drawing.svg", "SVG drawing", b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="60">'
        b'<rect width="90" height="60" fill="gray"/></svg>', error=UNREADABLE)
    add("document.png", "PDF renamed .png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", error=UNREADABLE)
    add("archive.png", "ZIP archive renamed .png", zip_bytes(), error=UNREADABLE)
    add("noise.png", "random bytes renamed .png", np.random.default_rng(5).bytes(4096), error=UNREADABLE)
    add("photo.heic", "HEIC photo (a format Pillow cannot read)",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(64), error=UNREADABLE)
    add("bomb.png", "decompression bomb: 120 bytes claiming 40000 x 40000 pixels", png_header_only(40_000, 40_000),
        error=TOO_LARGE)
    add("over-limit.png", "header claiming 9000 x 6000 (54 MP, over the 50 MP limit)", png_header_only(9000, 6000),
        error=TOO_LARGE)
    add("missing.png", "a path that does not exist", error=r"does not exist", app=False)
    (folder / "holiday.jpg").mkdir(exist_ok=True)
    add("holiday.jpg", "a folder named like an image", error=r"folder", app=False)
    os.symlink(folder / "gone.png", folder / "dangling.png")
    add("dangling.png", "a symbolic link to nothing", error=r"does not exist", app=False)

    # Odd but readable: each must come out at its real size, upright, with its lightness.
    add("tiny-1x1.png", "1 x 1 pixel", encoded(Image.new("RGB", (1, 1), (200, 120, 40)), "PNG"),
        view=np.array([[[200, 120, 40]]], np.uint8))
    tall = scene(1, 10_000)
    add("tall-1x10000.png", "1 x 10000 pixels", encoded(Image.fromarray(tall), "PNG"), view=tall)
    wide = scene(10_000, 1)
    add("wide-10000x1.png", "10000 x 1 pixels", encoded(Image.fromarray(wide), "PNG"), view=wide)
    add("deep-16bit.png", "16-bit grayscale PNG", encoded(Image.fromarray(ramp16), "PNG"), view=as_rgb(gray))
    add("deep-16bit.tiff", "16-bit grayscale TIFF", encoded(Image.fromarray(ramp16), "TIFF"), view=as_rgb(gray))
    add("deep-rgb48.png", "16-bit-per-channel RGB PNG", png_rgb48(rgb.astype(np.uint16) * 257), view=rgb)
    add("float.tiff", "32-bit float TIFF (values 0..1)",
        encoded(Image.fromarray((gray / 255.0).astype(np.float32), "F"), "TIFF"), view=as_rgb(gray))
    cmyk = Image.fromarray(rgb).convert("CMYK")
    add("cmyk.jpg", "CMYK JPEG", encoded(cmyk, "JPEG", quality=95), view=np.asarray(cmyk.convert("RGB")),
        tolerance=2.0)
    rgba = Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
    add("rgba-transparent.png", "RGBA, transparent at the left", encoded(rgba, "PNG"), view=over_white(rgb, alpha))
    palette = Image.fromarray(rgb).quantize(64)
    palette_rgb = np.asarray(palette.convert("RGB"))
    index = np.asarray(palette)
    transparent = int(index[0, 0])  # the dark mark's colour is see-through
    add("palette-transparent.png", "palette PNG with a transparent colour",
        encoded(palette, "PNG", transparency=transparent),
        view=np.where((index == transparent)[..., None], 255, palette_rgb).astype(np.uint8))
    add("gray-alpha.png", "LA (gray with alpha)", encoded(Image.fromarray(np.dstack([gray, alpha]), "LA"), "PNG"),
        view=over_white(as_rgb(gray), alpha))
    frames = [Image.fromarray(rgb), Image.new("RGB", (W, H), (250, 250, 250)), Image.new("RGB", (W, H), (0, 0, 0))]
    gif_first = frames[0].quantize(256)
    add("animated.gif", "animated GIF, 3 frames (the first is used)",
        encoded(gif_first, "GIF", save_all=True, append_images=[f.quantize(256) for f in frames[1:]], duration=100,
                loop=0), view=np.asarray(gif_first.convert("RGB")), tolerance=1.5)
    add("animated.webp", "animated WebP, 3 frames (the first is used)",
        encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True, duration=100), view=rgb)
    add("exif-6.jpg", "JPEG stored sideways, EXIF orientation 6", exif_rotated(rgb, 6), view=rgb, tolerance=2.0)
    add("exif-3.jpg", "JPEG stored upside down, EXIF orientation 3", exif_rotated(rgb, 3), view=rgb, tolerance=2.0)
    add("exif-5.jpg", "JPEG stored transposed, EXIF orientation 5", exif_rotated(rgb, 5), view=rgb, tolerance=2.0)
    add("progressive.jpg", "progressive JPEG", encoded(Image.fromarray(rgb), "JPEG", quality=95, progressive=True),
        view=rgb, tolerance=2.0)
    add("colour-photo.jpg", "an already coloured photo", jpeg, view=rgb, tolerance=2.0)
    add("gray.jpg", "ordinary grayscale JPEG", encoded(Image.fromarray(gray), "JPEG", quality=95), view=as_rgb(gray),
        tolerance=2.0)
    bits = gray > 128
    add("one-bit.png", "1-bit black and white PNG", encoded(Image.fromarray(bits), "PNG"),
        view=as_rgb(np.where(bits, 255, 0)))
    add("photo.bmp", "BMP", encoded(Image.fromarray(rgb), "BMP"), view=rgb)
    add("lossless.webp", "WebP (lossless)", encoded(Image.fromarray(rgb), "WEBP", lossless=True), view=rgb)
    add("png-named.jpg", "a PNG named .jpg", png, view=rgb)
    add("pages.tiff", "two-page TIFF (the first page is used)",
        encoded(Image.fromarray(rgb), "TIFF", save_all=True, append_images=[Image.new("RGB", (W, H))]), view=rgb)
    add("фото 写真 é.png", "unicode file name with spaces", png, view=rgb)
    os.symlink(folder / "photo.bmp", folder / "link-to-photo.bmp")
    add("link-to-photo.bmp", "a symbolic link to a photo", view=rgb)
    return cases


def zip_bytes():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.png", b"not really")
    return buffer.getvalue()


def lightness_error(result_lightness, view):
    """Mean |L*| difference between the pipeline's shown L (0-255 for L* 0-100) and the view's."""
    from colorize.lab import convert_lab

    return float(np.abs(result_lightness / 2.55 - convert_lab(view)[0]).mean())
