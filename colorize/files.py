"""Writing files so that a reader never sees half of one."""
import contextlib
import os
import uuid


def write_atomically(path, data):
    """Write bytes (or text, as UTF-8) to path through a temporary file in the same folder, renamed into
    place: a kill, Ctrl-C or a full disk leaves the previous file whole and no partial one."""
    path = os.fspath(path)
    tmp = f"{path}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        # not mkstemp: its files are private (0600); this one gets the mode a plain open would give
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
