"""What an upload may be before anything decodes it: a file of at most MAX_FILE_MB, or a `data:` URL of as
many bytes. The image itself is opened by the library's guarded opener, which refuses too many pixels."""
import base64
import binascii
import contextlib
import errno
import os
import tempfile
from urllib.parse import unquote_to_bytes

import gradio as gr
from fastapi.responses import JSONResponse
from gradio.utils import get_upload_folder

from colorize.hints import HintError
from colorize.images import ImageError

MAX_FILE_MB = 30  # per uploaded file; Gradio answers larger uploads with HTTP 413
DATA_URL_NAME = "image sent as a data URL"  # the file a data URL is saved as: messages name it so
DISK_FULL = "The server's disk is full: nothing was lost, try again in a few minutes (old files are cleared hourly)."


def guarded(image):
    """Gradio decodes a `data:` URL sent to an image input, whatever its claimed size, before the handler is
    called (and re-encodes it): here no image is decoded before the handler. An upload, or a URL Gradio
    fetched, is passed on as its path; a data URL is written to a file as it is, after a size check.

    (A gr.Image subclass would do the same, but Gradio writes a .pyi file beside any module defining one.)
    """

    def checked(payload):
        if payload is None:
            return None
        name = payload.orig_name or os.path.basename(payload.path or "") or "the image"
        if payload.url and payload.url.startswith("data:"):
            return saved_data_url(payload.url)
        if payload.path is None or not os.path.isfile(payload.path):
            raise gr.Error(f"{name} did not arrive: send an image file")
        size = os.path.getsize(payload.path)
        if size > MAX_FILE_MB * 1e6:
            raise gr.Error(f"{name} is {size / 1e6:.0f} MB; the limit is {MAX_FILE_MB} MB")
        return payload.path

    image.preprocess = checked
    return image


def saved_data_url(url):
    """The bytes of a `data:` URL in a file of the upload folder, refused before decoding if over the file limit."""
    header, _, data = url.partition(",")
    if len(data) > MAX_FILE_MB * 1e6 * 4 / 3 + 4:
        raise gr.Error(f"the image sent as a data URL is over {MAX_FILE_MB} MB; the limit is {MAX_FILE_MB} MB")
    try:
        content = base64.b64decode(data, validate=True) if header.endswith(";base64") else unquote_to_bytes(data)
    except (binascii.Error, ValueError) as error:
        raise gr.Error("the image sent as a data URL is not valid base64") from error
    return write_in_upload_folder(content, "data-url-", DATA_URL_NAME)


def request_folder(prefix):
    """A new folder of its own in Gradio's cache, which Gradio serves as it is and cleans up with the rest."""
    os.makedirs(get_upload_folder(), exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=get_upload_folder())


def write_in_upload_folder(content, prefix, name):
    path = os.path.join(request_folder(prefix), name)
    with open(path, "wb") as f:
        f.write(content)
    return path


async def disk_full_answer(request, error):
    """A full disk while Gradio stores an upload (before any handler runs): HTTP 507 with a sentence, where
    Gradio answers a bare 500. Passed to FastAPI as an exception handler (launch's `app_kwargs`)."""
    if getattr(error, "errno", None) == errno.ENOSPC:
        return JSONResponse({"detail": DISK_FULL, "error": DISK_FULL}, status_code=507)
    raise error


@contextlib.contextmanager
def told_to_user():
    """The one way a handler's failures reach people: the library's one-line ImageError and HintError, and a
    full disk while results are written (DISK_FULL), as gr.Error; the page keeps what it showed."""
    try:
        yield
    except (ImageError, HintError) as bad:
        raise gr.Error(str(bad)) from bad
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise gr.Error(DISK_FULL) from error
        raise
