"""Small test images in every mode a user may upload, made on the fly."""
import numpy as np
from PIL import Image


def gradient_rgb(width=96, height=64):
    """A colourful RGB uint8 image with structure in both directions."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1),
                     (x + y) * 255 // max(1, width + height - 2)], axis=-1).astype(np.uint8)


def image_in_mode(mode, width=96, height=64):
    """A PIL image of the given mode whose lightness varies across it."""
    rgb = Image.fromarray(gradient_rgb(width, height))
    if mode == "I;16":
        return Image.fromarray((np.asarray(rgb.convert("L"), np.uint16) * 257).astype(np.uint16))
    if mode == "RGBA":
        rgba = rgb.convert("RGBA")
        rgba.putalpha(200)
        return rgba
    if mode == "P":
        return rgb.convert("P", palette=Image.Palette.ADAPTIVE)
    return rgb.convert(mode)
