"""Writing files so that a reader never sees half of one."""
import contextlib
import os
import re
import uuid

TEMP_NAME = re.compile(r"\.[0-9a-f]{12}\.tmp$")  # what `temporary_path` adds to a name; a kill may leave one
NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems


def missing_file(path, what):
    """Why `path` cannot be read as `what` ("an image file", "a video file"), said by its name: a folder, not
    there, or empty; None when it is a file with something in it."""
    name = os.path.basename(os.fspath(path))
    if os.path.isdir(path):
        return f"{name} is a folder, not {what}"
    if not os.path.exists(path):
        return f"{name} does not exist"
    if os.path.getsize(path) == 0:
        return f"{name} is an empty file"
    return None


def made_folder(path):
    """Make the folder `path` and its parents where they are missing; an OSError that says in words why it cannot
    be made (a file in the way, no permission, a read-only or full disk), for one line, not a traceback."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        in_the_way = os.path.abspath(path)
        while not os.path.isfile(in_the_way) and os.path.dirname(in_the_way) != in_the_way:
            in_the_way = os.path.dirname(in_the_way)
        refusal = OSError(f"cannot make the folder {path}: "
                          + (f"{in_the_way} is a file" if os.path.isfile(in_the_way) else error.strerror))
        refusal.errno = error.errno  # a full disk stays recognisable (webapp.uploads.told_to_user)
        raise refusal from None
    return path


def made_folder_for(path):
    """The folder that will hold the file `path`, made now (see `made_folder`): before the work whose result goes
    there, so that a file in its way is told at once, not after minutes of work."""
    return made_folder(os.path.dirname(os.path.abspath(path)))


@contextlib.contextmanager
def temporary_path(path):
    """A temporary name in path's folder to write to; renamed to path when the block ends, removed if it
    raises: a kill, Ctrl-C or a full disk leaves the previous file whole and no partial one under its name."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    mark = f".{uuid.uuid4().hex[:12]}.tmp"
    longest = NAME_MAX - len(mark.encode())  # a name that is legal as it is stays legal with the mark added
    while len(name.encode(errors="surrogateescape")) > longest:
        name = name[:-1]
    tmp = os.path.join(folder, name + mark)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_atomically(path, data):
    """Write bytes (or text, as UTF-8) to path whole or not at all (see `temporary_path`)."""
    with temporary_path(path) as tmp:
        # not mkstemp: its files are private (0600); this one gets the mode a plain open would give
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as f:
            # surrogateescape: file names that are not UTF-8 (read as such by Python) are written back as they were
            f.write(data.encode(errors="surrogateescape") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
