"""Ctrl-C that is never lost.

Python raises KeyboardInterrupt wherever the main thread is when SIGINT arrives. Inside a garbage-collector
callback (JAX installs one, and TensorFlow imports JAX where it is installed) the exception is printed as
"Exception ignored" with a traceback, and dropped: a fit then trained on. Within `kept`, a Ctrl-C is also
remembered, and `raise_if_asked`, called between photos, frames and batches, raises it again; the dropped one
is not printed. Nor are the errors of what the Ctrl-C left half made: Keras' data enqueuer, interrupted in its
`__init__`, fails in its `__del__` ("Exception ignored ... no attribute 'start_stop_lock'").

Within `deferred` (a Keras fit), the first Ctrl-C is only remembered, and raised by `raise_if_asked` at the
next batch's end: raised inside TensorFlow's call back into Python it could corrupt the native heap (glibc's
"free(): invalid next size", the process killed). A second Ctrl-C raises at once.
"""
import contextlib
import gc
import os
import signal
import sys
import threading
import traceback

_asked = False
_deferring = False
DEFERRED_MESSAGE = b"\nstopping at the end of this batch (Ctrl-C again to stop at once)\n"


def _interrupt(signum, frame):
    global _asked
    if _deferring and not _asked:
        _asked = True
        os.write(2, DEFERRED_MESSAGE)  # not print: a signal handler may run in the middle of a print
        return
    _asked = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def kept():
    """Remember Ctrl-C while the block runs, and take an error that ends the block after a Ctrl-C for that
    Ctrl-C: raised inside a C extension's call back into Python, KeyboardInterrupt comes out as another error
    (TensorFlow: "SystemError: ... returned a result with an exception set", then a ValueError). SIGINT is left
    as it is where it is ignored (a shell's background job), handled by someone else, or where this is not the
    main thread; within another `kept`, the outer one holds it."""
    global _asked
    installing = (signal.getsignal(signal.SIGINT) is signal.default_int_handler
                  and threading.current_thread() is threading.main_thread())
    printing = sys.unraisablehook
    if installing:
        def unless_interrupt(unraisable):  # a dropped Ctrl-C (raised again), or what it broke: not printed
            if not (_asked or issubclass(unraisable.exc_type, KeyboardInterrupt)):
                printing(unraisable)

        _asked = False
        signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = unless_interrupt
    try:
        yield
    except BaseException as error:
        if not _asked:
            raise
        # what the interrupted work held is let go here, where its destructors' errors are not printed
        traceback.clear_frames(error.__traceback__)
        del error
        gc.collect()
        raise KeyboardInterrupt from None
    finally:
        if installing:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.unraisablehook = printing
            _asked = False


@contextlib.contextmanager
def deferred():
    """Within `kept`: hold the first Ctrl-C for `raise_if_asked` (see the module's docstring)."""
    global _deferring
    _deferring = True
    try:
        yield
    finally:
        _deferring = False
    raise_if_asked()


def raise_if_asked():
    """Raise KeyboardInterrupt if a Ctrl-C came within `kept` (again, where it was swallowed)."""
    if _asked:
        raise KeyboardInterrupt
