"""Cold start (process start to first result) and peak memory, for the CLI and for the app, and the app's API times.

    python -m bench.startup [--weights DIR] [--repeats 3] [--no-app] [--no-write]

Both with nothing cached (a fresh machine: TensorFlow runs the first call, and the fast model of
`colorize.litert`, where the CPU takes it, is made then) and with the fast models cached (every later start on
the same disk), in a cache folder of the bench's own.

References run alongside: `python -c "import keras"` (the floor for any process that loads a Keras
model) and the library's own end-to-end time in this process for the photos sent to the app's API.
Peak memory is the process's peak resident set (VmHWM / ru_maxrss), after serving the largest photo.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    SIZES,
    command_line,
    free_port,
    machine,
    photo_jpeg,
    process_memory_mb,
    report,
    source_photo,
    spread,
    timed,
    untrained_weights,
)

QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}


def run_process(command, env=None):
    """Wall time and peak resident memory (MB) of a command run to its end."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **QUIET, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{command} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def cli(weights, photo, folder, repeats):
    """The CLI on one 1024x768 photo (cold, repeated) and on one 4000x3000 photo (for its peak memory)."""
    paths = {}
    for size in ((1024, 768), (4000, 3000)):
        paths[size] = os.path.join(folder, f"photo-{size[0]}x{size[1]}.jpg")
        with open(paths[size], "wb") as f:
            f.write(photo_jpeg(photo, size))
    cli_command = [sys.executable, "-m", "colorize", "-o", folder, "--weights", weights]
    first = run_process(cli_command + [paths[(1024, 768)]])
    floor, small, large = [], [], []
    for _ in range(repeats):
        floor.append(run_process([sys.executable, "-c", "import keras"])[0])
        small.append(run_process(cli_command + [paths[(1024, 768)]]))
    large.append(run_process(cli_command + [paths[(4000, 3000)]]))
    return [f"| CLI, one 1024x768 photo, nothing cached (the fast model made for later runs) | {first[0]:.1f} s | | "
            f"{first[1]:.0f} MB |",
            f"| CLI, one 1024x768 photo, fast model cached | {spread([t for t, _ in small], 1, 1)} s | "
            f"{spread(floor, 1, 1)} s | {max(m for _, m in small):.0f} MB |",
            f"| CLI, one 4000x3000 photo | {large[0][0]:.1f} s | | {large[0][1]:.0f} MB |"]


def app(weights, photo, folder, repeats, state, api=True, env=None):
    """Launch app.py, time its first result, then (`api`) its API per photo size next to the library in this
    process; `state` says what was cached."""
    from gradio_client import Client, handle_file

    from colorize.pipeline import Colorizer
    from colorize.png import png_bytes

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    first = os.path.join(folder, "first.jpg")
    with open(first, "wb") as f:
        f.write(photo_jpeg(photo, (1024, 768)))
    start = time.perf_counter()
    env = {**os.environ, **QUIET, "COLORIZE_WEIGHTS": weights, "GRADIO_SERVER_PORT": str(port),
           "GRADIO_SERVER_NAME": "127.0.0.1", **(env or {})}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("app.py exited before it answered")
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        up = time.perf_counter() - start
        client = Client(url, verbose=False)
        client.predict(handle_file(first), 1.0, api_name="/colorize")
        cold = time.perf_counter() - start
        rows = [f"| app, {state}: start to page served | {up:.1f} s | | |",
                f"| app, {state}: start to first result (1024x768) | {cold:.1f} s | | |"]
        if not api:
            return rows, []
        library = Colorizer.from_weights(weights)
        api_rows = []
        for width, height in SIZES:
            path = os.path.join(folder, f"api-{width}x{height}.jpg")
            with open(path, "wb") as f:
                f.write(photo_jpeg(photo, (width, height)))
            api, local = [], []
            for repeat in range(repeats + 1):
                elapsed = timed(lambda: client.predict(handle_file(path), 1.0, api_name="/colorize"))[1]
                mine = timed(lambda: png_bytes(library.colorize(path).rgb))[1]
                if repeat:
                    api.append(elapsed)
                    local.append(mine)
            ratio = np.median(api) / np.median(local)
            api_rows.append(f"| {width}x{height} | {spread(api)} | {spread(local)} | {ratio:.1f} |")
            print(api_rows[-1], flush=True)
        peak = process_memory_mb("VmHWM", process.pid)
        rows.append(f"| app: peak memory after serving the photos below, 4000x3000 included | | | {peak:.0f} MB |")
        return rows, api_rows
    finally:
        process.terminate()
        process.wait(timeout=30)


def make_fast_models(weights):
    """The fast models (`colorize.litert`) of the photo weights and the shipped drawing weights made and cached, as
    the app makes them after its first photo and first page of panels."""
    from colorize.pipeline import Colorizer

    for colorizer in (Colorizer.from_weights(weights), Colorizer.from_weights(kind="drawing")):
        colorizer.predict(np.zeros((1, colorizer.input_size, colorizer.input_size), np.float32))
        colorizer.fast_path_ready(timeout=300)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="a weights folder (default: an untrained unet with the bins head)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-app", action="store_true", help="measure the CLI only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    about = machine()
    weights = args.weights or untrained_weights()
    label = args.weights or "an untrained unet with the bins head (as fast as a trained one)"
    photo, photo_name = source_photo()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        os.environ["COLORIZE_CACHE"] = os.path.join(folder, "cache")  # for this process and those it starts
        app_rows, api_rows = [], []
        if not args.no_app:
            fresh = {"COLORIZE_CACHE": os.path.join(folder, "fresh-cache")}  # the others' conversions not seen
            app_rows = app(weights, photo, folder, args.repeats, "nothing cached", api=False, env=fresh)[0]
        rows = cli(weights, photo, folder, args.repeats)
        print("\n".join(rows + app_rows), flush=True)
        if not args.no_app:
            make_fast_models(weights)
            cached_rows, api_rows = app(weights, photo, folder, args.repeats, "fast models cached")
            app_rows += cached_rows
    table = f"""
Command: `{command_line()}`; model: {label}; photo {photo_name} made gray and resized (JPEG quality 90).
Machine: {about}.

| what | time, median (min-max) | reference: `python -c "import keras"` | peak resident memory |
| --- | --- | --- | --- |
{chr(10).join(rows + app_rows)}
"""
    if api_rows:
        table += f"""
The app's API (`gradio_client` on 127.0.0.1, `/colorize`, saturation 1; upload, all four outputs, download)
next to the library in the bench process (`Colorizer.colorize` and `colorize.png`), ms, {args.repeats} repeats after
a warm-up:

| photo | app API | library | API / library |
| --- | --- | --- | --- |
{chr(10).join(api_rows)}
"""
    report("startup", table, write=not args.no_write)


if __name__ == "__main__":
    main()
