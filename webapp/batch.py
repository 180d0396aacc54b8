"""The batch tab: many files in, a zip of full-size PNGs out, a preview of each, and a list of what failed."""
import os
import tempfile
import zipfile

import gradio as gr

from colorize.files_batch import colorize_files, open_capped
from colorize.hints import open_reference
from colorize.images import MAX_PIXELS
from colorize.png import png_bytes
from webapp.shown_image import JPEG_QUALITY, MAX_OUTPUT_PIXELS, THUMBNAIL_SIDE, preview
from webapp.uploads import request_folder

MAX_BATCH_FILES = 16


def batch_summary(done, failed):
    lines = [f"Colorized {done} image{'s' if done != 1 else ''}."]
    if failed:
        lines += [f"Skipped {len(failed)}:"] + [f"- {reason}" for reason in failed]
    return "\n".join(lines)


def archive_name(colorized):
    """The zip is named after the images it holds, as the one-image download is:
    <first>[_and_N_more]_colorized.zip (the skipped ones are not counted)."""
    first = os.path.splitext(os.path.basename(str(colorized[0])))[0] or "images"
    return f"{first}{f'_and_{len(colorized) - 1}_more' if len(colorized) > 1 else ''}_colorized.zip"


def opened(source):
    """Open upright and scale down to MAX_OUTPUT_PIXELS, as the one-image tab does."""
    return open_capped(source, MAX_OUTPUT_PIXELS, MAX_PIXELS)


def colorize_batch(colorizer, files, saturation, reference, progress):
    """Yield once: (the zip's path, the summary, [(preview, caption)]); unreadable files are listed, not fatal.
    A reference (or None) is opened once, before any file, and lends its colours to all of them; an unusable one,
    or weights that take none, raise the library's HintError (`uploads.told_to_user` words it).
    A generator, so that the zip's folder is deleted when Gradio resumes it, after copying the zip."""
    if not files:
        raise gr.Error("Choose one or more image files first.")
    if len(files) > MAX_BATCH_FILES:
        raise gr.Error(f"{len(files)} files is too many for one batch; the limit is {MAX_BATCH_FILES}.")
    reference = None if reference is None else open_reference(reference, MAX_PIXELS)
    failed, previews = [], []
    previews_folder = request_folder("colorize-batch-")
    with tempfile.TemporaryDirectory(prefix="colorize-batch-") as folder:
        being_written = os.path.join(folder, "colorized.zip")
        colorized = []
        with zipfile.ZipFile(being_written, "w") as archive:
            done = colorize_files(colorizer, files, open_source=opened, saturation=saturation, reference=reference)
            for source, name, result, reason in progress.tqdm(done, total=len(files), desc="Colorizing"):
                if reason:
                    failed.append(reason)
                    continue
                colorized.append(source)
                archive.writestr(name, png_bytes(result.rgb))
                shown = os.path.join(previews_folder, os.path.splitext(name)[0] + ".jpg")
                preview(result.rgb, THUMBNAIL_SIDE).save(shown, quality=JPEG_QUALITY)
                previews.append((shown, name))
        if not colorized:
            raise gr.Error("None of the files could be colorized:\n" + "\n".join(failed))
        archive_path = os.path.join(folder, archive_name(colorized))
        os.replace(being_written, archive_path)
        yield archive_path, batch_summary(len(colorized), failed), previews
