"""Colorizing many files: unique output names, the output-size cap, and the loop that never stops at a
bad file. The command line and the app's batch tab both use it."""
import os

from PIL import Image

from .images import MAX_PIXELS, NO_MEMORY, ImageError, is_video, open_image
from .repeats import Chapter


def output_paths(inputs, output_dir):
    """DIR/<stem>.png per input (.mp4 for a video), kept inside DIR; -2, -3... are added until the name is
    neither one given before in this run (compared as a case-insensitive disk or a zip would) nor an input:
    no result replaces another result or an input."""
    inputs = [str(path) for path in inputs]
    sources = {os.path.realpath(path) for path in inputs}
    given = set()
    for path in inputs:
        stem = os.path.splitext(os.path.basename(os.path.normpath(path)))[0] or "image"
        suffix = ".mp4" if is_video(path) else ".png"
        name, count = f"{stem}{suffix}", 1
        while name.casefold() in given or os.path.realpath(os.path.join(output_dir, name)) in sources:
            count += 1
            name = f"{stem}-{count}{suffix}"
        given.add(name.casefold())
        yield os.path.join(output_dir, name)


def open_capped(source, max_output_pixels, max_pixels=MAX_PIXELS):
    """An image opened upright (refused over max_pixels), scaled down to max_output_pixels if larger."""
    image = source if isinstance(source, Image.Image) else open_image(source, max_pixels)
    pixels = image.width * image.height
    if pixels > max_output_pixels:
        scale = (max_output_pixels / pixels) ** 0.5
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def colorize_files(colorizer, sources, output_dir="", open_source=None, **options):
    """Yield (source, output path, Colorized or None, why it failed or None) for each source in turn: a
    file that cannot be read, or is too large for the memory left, is reported and the others go on.
    `open_source` turns a source into what `colorizer.colorize` takes (the path itself by default);
    `options` go to `colorize`. The files are one chapter (`repeats.Chapter`): a panel repeated from an
    earlier file takes the colours it had there."""
    chapter = Chapter()
    for source, target in zip(sources, output_paths(sources, output_dir)):
        try:
            result = colorizer.colorize(open_source(source) if open_source else source, chapter=chapter, **options)
        except ImageError as error:
            yield source, target, None, str(error)
            continue
        except MemoryError:
            yield source, target, None, NO_MEMORY
            continue
        yield source, target, result, None
