"""What every benchmark script shares: the machine's description, test photos, timing, and the report file."""
import io
import os
import platform
import re
import socket
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORT = os.path.join(ROOT, "docs", "BENCHMARKS.md")
PHOTO_FOLDER = os.path.join(ROOT, "..", "shared", "data", "highres", "sun_hays80")
SIZES = ((512, 512), (1024, 768), (2048, 1536), (4000, 3000))


def process_memory_mb(field="VmRSS", pid="self"):
    """A process's memory figure from /proc (VmRSS: resident now; VmHWM: its peak), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:")) / 1024


CPU_FLAGS = ("amx_bf16", "avx512_bf16", "avx512_vnni", "avx512f", "avx2")  # what decides the speed here
CPU_KINDS = (("amx", "amx_bf16"), ("avx512-bf16", "avx512_bf16"), ("avx512", "avx512f"), ("avx2", "avx2"))


def cpu_flags():
    """The CPU model's name and which of CPU_FLAGS it has."""
    with open("/proc/cpuinfo") as f:
        info = f.read()
    flags = set(re.search(r"flags\s*:\s*(.*)", info).group(1).split())
    return re.search(r"model name\s*:\s*(.*)", info).group(1), [flag for flag in CPU_FLAGS if flag in flags]


def cpu_kind():
    """The kind of CPU a figure was measured on (its tables are kept per kind): amx, avx512-bf16, avx512, avx2."""
    flags = cpu_flags()[1]
    return next((kind for kind, flag in CPU_KINDS if flag in flags), "other")


def machine():
    """One line: CPU and its flags, cores, load, and the versions that decide the speed."""
    import keras
    import PIL
    import skimage
    import tensorflow as tf

    cpu, flags = cpu_flags()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu} ({', '.join(flags) or 'none of ' + ', '.join(CPU_FLAGS)}), {os.cpu_count()} cores (load "
            f"average {load} when the run started); Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__} ({keras.backend.backend()}), "
            f"NumPy {np.__version__}, Pillow {PIL.__version__}, scikit-image {skimage.__version__}")


def source_photo():
    """A real photo when the project's check data is there (a scene of about 1024x768), else scikit-image's
    astronaut."""
    from PIL import Image

    if os.path.isdir(PHOTO_FOLDER):
        name = sorted(os.listdir(PHOTO_FOLDER))[0]
        return Image.open(os.path.join(PHOTO_FOLDER, name)).convert("RGB"), f"highres/sun_hays80/{name}"
    from skimage import data

    return Image.fromarray(data.astronaut()), "skimage.data.astronaut()"


def photo_jpeg(photo, size, mode="L", quality=90):
    """The photo resized to size=(width, height) as JPEG bytes, gray (mode L: what users mostly upload) or RGB."""
    from PIL import Image

    buffer = io.BytesIO()
    photo.convert(mode).resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def untrained_weights(architecture="unet", head="bins"):
    """A weights folder of an untrained model: for speed it is the same as a trained one."""
    from colorize.model import build_model
    from colorize.weights import model_config, save_weights

    folder = tempfile.mkdtemp(prefix=f"bench-{architecture}-{head}-")
    save_weights(build_model(architecture, "none", head), model_config(architecture, head=head), folder)
    return folder


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (for an app a benchmark starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def spread(seconds, unit=1000.0, digits=0):
    """'median (min-max)', in milliseconds unless unit says otherwise."""
    values = np.asarray(seconds) * unit
    return f"{np.median(values):.{digits}f} ({values.min():.{digits}f}-{values.max():.{digits}f})"


def report(name, markdown, write=True):
    """Print a benchmark's table and, unless told not to, put it in its section of docs/BENCHMARKS.md."""
    print(markdown)
    if write:
        write_section(name, markdown)


def write_section(name, markdown):
    """Replace the text between `<!-- bench:name KIND -->` and `<!-- /bench:name KIND -->` in docs/BENCHMARKS.md,
    KIND this machine's (`cpu_kind`): each kind of CPU keeps its own table, a new kind's goes after the others'."""
    kind = cpu_kind()
    begin, end = f"<!-- bench:{name} {kind} -->", f"<!-- /bench:{name} {kind} -->"
    text = open(REPORT).read() if os.path.exists(REPORT) else "# Benchmarks\n"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    others = list(re.finditer(rf"<!-- /bench:{re.escape(name)} [^ ]+ -->", text))
    if begin in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    elif others:
        text = text[: others[-1].end()] + "\n\n" + block + text[others[-1].end():]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, "w") as f:
        f.write(text)


def command_line():
    """How this script was run, as `python -m bench.NAME ...`."""
    module = os.path.splitext(os.path.relpath(sys.argv[0], ROOT))[0].replace(os.sep, ".")
    return " ".join(["python -m", module] + sys.argv[1:])
