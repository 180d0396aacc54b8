"""Load test of the web demo: concurrent gradio_client callers against the app launched on 127.0.0.1.

    python -m bench.load [--callers 16] [--requests 8] [--burst 48] [--max-seconds 480] [--weights PATH]
    python -m bench.load --url http://127.0.0.1:7860/ [--pid PID]   # drive an app that is already running

Unless --url is given it starts `python app.py` on a free port (weights: --weights, else the shipped default,
else an untrained unet of the same size, which costs the same to run) and stops it at the end. Then:

1. warm-up: one request;
2. steady load: CALLERS callers, each sending REQUESTS requests one after the other (so at most CALLERS
   requests wait at once: the queue's size in app.py is 16);
3. burst: BURST callers send one request each at the same moment, more than the queue holds: what do the
   callers beyond it see?
4. steady load again (--rounds times): memory should stay where it was after step 2;
5. with --data-url-bombs N: N requests at once whose image is a data URL of a small PNG claiming 144
   megapixels (what Gradio used to decode before the app's checks), and beside them one ordinary request:
   they must be refused, memory must stay near idle, and the ordinary request must not wait for them.

It samples the app's resident memory (RSS) every half second, and prints a Markdown report: errors,
latency percentiles, throughput, the burst's answers and memory. Everything is bounded by --max-seconds.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

from bench.common import ROOT, free_port, machine, process_memory_mb, untrained_weights

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=16, help="concurrent callers in the steady phases (16)")
    parser.add_argument("--requests", type=int, default=8, help="requests per caller in each steady phase (8)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="steady phases after the burst (1); more show whether memory keeps growing")
    parser.add_argument("--burst", type=int, default=48, help="callers sending at the same moment in the burst (48)")
    parser.add_argument("--max-seconds", type=float, default=480, help="the whole run's time limit (480)")
    parser.add_argument("--request-timeout", type=float, default=180, help="give up on one request after this (180)")
    parser.add_argument("--image", help="the photo the callers send (default: a 1024x768 JPEG made from examples/)")
    parser.add_argument("--identical", action="store_true",
                        help="every request sends the very same file (by default each request's copy differs in "
                        "a few pixels, as different visitors' photos do, so that their results differ too)")
    parser.add_argument("--weights", help="weights for the app it starts (default: shipped, else untrained unet)")
    parser.add_argument("--url", help="drive this running app instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the app's process id, for its memory")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--data-url-bombs", type=int, default=0, metavar="N",
                        help="also send N data-URL decompression bombs at once beside one ordinary request (step 5)")
    return parser.parse_args(argv)


def one_line(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text[:160]}"


def default_image(folder):
    """A 1024x768 JPEG (a typical upload) made from one of the shipped examples."""
    from PIL import Image

    path = os.path.join(folder, "photo-1024x768.jpg")
    Image.open(os.path.join(ROOT, "examples", "river-landscape.png")).convert("L").resize(
        (1024, 768), Image.Resampling.BICUBIC).save(path, quality=90)
    return path


class Photos:
    """The file each request sends: the photo itself, or a copy of it that differs in a few pixels."""

    def __init__(self, image, folder, identical):
        from PIL import Image

        self.image, self.folder, self.identical = image, folder, identical
        self.pixels = None if identical else np.asarray(Image.open(image).convert("RGB"))
        self.count, self.lock = 0, threading.Lock()

    def next(self):
        if self.identical:
            return self.image
        from PIL import Image

        with self.lock:
            self.count += 1
            number = self.count
        pixels = self.pixels.copy()
        pixels[:8, :8], pixels[8:16, :8] = number % 256, number // 256 % 256  # a mark of its own
        path = os.path.join(self.folder, f"request-{number:05d}.jpg")
        Image.fromarray(pixels).save(path, quality=90)
        return path


def weights_for_app(args):
    """What COLORIZE_WEIGHTS should be for the app started here, and how to describe it."""
    if args.weights:
        return args.weights, f"weights {args.weights}"
    from colorize.weights import CONFIG_FILE, DEFAULT_WEIGHTS_DIR

    if os.path.isfile(os.path.join(DEFAULT_WEIGHTS_DIR, CONFIG_FILE)):
        return "", "the shipped weights"
    return untrained_weights("unet", "regression"), "an untrained unet at 224 (this copy ships no weights; same cost)"


def start_app(weights, log_path, timeout=240):
    import httpx

    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
           "COLORIZE_WEIGHTS": weights}
    env.pop("COLORIZE_HUB_REPO", None)
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: the app exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit(f"load: the app did not answer within {timeout} s; see {log_path}")


class Memory(threading.Thread):
    """Samples a process's RSS (MiB) every `every` seconds."""

    def __init__(self, pid, every=0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.stopping = pid, every, [], threading.Event()

    def rss(self):
        try:
            return process_memory_mb(pid=self.pid)
        except OSError:  # the process has ended
            return None

    def run(self):
        start = time.time()
        while not self.stopping.is_set():
            value = self.rss()
            if value is not None:
                self.samples.append((time.time() - start, value))
            self.stopping.wait(self.every)

    def now(self):
        return self.rss() if self.pid else None


def request(client, photos, timeout):
    """(outcome, seconds, message): outcome is 'ok' or 'error'."""
    from gradio_client import handle_file

    image = photos.next()
    started = time.perf_counter()
    try:
        client.submit(handle_file(image), api_name="/colorize").result(timeout=timeout)
        return "ok", time.perf_counter() - started, ""
    except Exception as error:  # noqa: BLE001 - every failure is a result here
        return "error", time.perf_counter() - started, one_line(error)
    finally:
        if image != photos.image:
            os.remove(image)


def clients(url, count):
    from gradio_client import Client

    made = [None] * count

    def make(i):
        made[i] = Client(url, verbose=False)

    run_threads(make, range(count))
    return made


def run_threads(work, items):
    """One thread per item running work(item); returns the wall seconds until all are done."""
    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def steady(url, photos, callers, requests, deadline, timeout):
    """callers threads x requests each, one after the other; returns (results, wall seconds)."""
    results, lock = [], threading.Lock()
    pool = clients(url, callers)

    def caller(client):
        for _ in range(requests):
            left = deadline - time.time()
            if left <= 1:
                with lock:
                    results.append(("not sent", 0.0, "the run's time limit"))
                continue
            outcome = request(client, photos, min(timeout, left))
            with lock:
                results.append(outcome)

    return results, run_threads(caller, pool)


def burst(url, photos, count, deadline, timeout):
    """count callers send at the same moment; returns (results, wall seconds)."""
    pool = clients(url, count)
    results, lock, gate = [], threading.Lock(), threading.Barrier(count)

    def caller(client):
        gate.wait()
        outcome = request(client, photos, max(1.0, min(timeout, deadline - time.time())))
        with lock:
            results.append(outcome)

    return results, run_threads(caller, pool)


def bomb_data_url(width=12_000, height=12_000):
    """A data URL of a gray PNG of width x height zeros: under a megabyte, 144 MP once decoded."""
    import base64
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(9), b"\0" * (width + 1)
    pixels = b"".join(packer.compress(row * 500) for _ in range(height // 500)) + packer.flush()
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def data_url_request(url, data_url, timeout):
    """(outcome, seconds, message) of one /colorize call with its image as a data URL, over plain HTTP."""
    import httpx

    started = time.perf_counter()
    image = {"url": data_url, "meta": {"_type": "gradio.FileData"}}
    try:
        event = httpx.post(f"{url}gradio_api/call/colorize", json={"data": [image, 1.0, "Auto", "Keep"]},
                           timeout=timeout).json()
        answer = httpx.get(f"{url}gradio_api/call/colorize/{event['event_id']}", timeout=timeout).text
    except Exception as error:  # noqa: BLE001 - every failure is a result here
        return "error", time.perf_counter() - started, one_line(error)
    outcome = "ok" if "event: complete" in answer else "error"
    message = answer.strip().splitlines()[-1][:120] if outcome == "error" else ""
    return outcome, time.perf_counter() - started, message


def bombs_beside_one_request(url, photos, count, timeout):
    """(bomb results, the ordinary request's result, wall seconds): all sent at the same moment."""
    bomb, client = bomb_data_url(), clients(url, 1)[0]
    bombs, ordinary, gate = [], [], threading.Barrier(count + 1)

    def send(i):
        gate.wait()
        if i == count:
            ordinary.append(request(client, photos, timeout))
        else:
            bombs.append(data_url_request(url, bomb, timeout))

    wall = run_threads(send, range(count + 1))
    return bombs, ordinary, wall


def summary(name, results, wall):
    latencies = np.array([seconds for outcome, seconds, _ in results if outcome == "ok"])
    errors = collections.Counter(message for outcome, _, message in results if outcome != "ok")
    row = {"phase": name, "requests": len(results), "ok": int(latencies.size), "errors": dict(errors),
           "wall_s": round(wall, 1), "throughput_per_s": round(latencies.size / wall, 2) if wall else 0.0}
    if latencies.size:
        for p in (50, 90, 99):
            row[f"p{p}_s"] = round(float(np.percentile(latencies, p)), 2)
        row["max_s"] = round(float(latencies.max()), 2)
    return row


def report(rows, memory, setup):
    lines = [f"Machine: {setup['machine']}.", f"App: {setup['app']}; model: {setup['weights']}; "
             f"each request: {setup['image']}.", "",
             "| phase | requests | ok | errors | p50 s | p90 s | p99 s | max s | throughput /s | wall s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        errors = sum(r["errors"].values())
        lines.append(f"| {r['phase']} | {r['requests']} | {r['ok']} | {errors} | {r.get('p50_s', '-')} | "
                     f"{r.get('p90_s', '-')} | {r.get('p99_s', '-')} | {r.get('max_s', '-')} | "
                     f"{r['throughput_per_s']} | {r['wall_s']} |")
    lines.append("")
    for r in rows:
        for message, count in r["errors"].items():
            lines.append(f"- {r['phase']}: {count} x `{message}`")
    if memory:
        lines += ["", "Memory (RSS of the app, MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items())]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    deadline = time.time() + args.max_seconds
    folder = tempfile.mkdtemp(prefix="colorize-load-")
    image = args.image or default_image(folder)
    from PIL import Image

    with Image.open(image) as opened:
        setup = {"machine": machine(), "image": f"{os.path.basename(image)} ({opened.width}x{opened.height})"
                 + (", the same file every time" if args.identical else ", each request's copy marked apart")}
    photos = Photos(image, folder, args.identical)
    process = None
    if args.url:
        url, pid = args.url, args.pid
        setup.update(app=f"running app at {url}", weights="whatever it loaded")
    else:
        weights, setup["weights"] = weights_for_app(args)
        process, url = start_app(weights, os.path.join(folder, "app.log"))
        pid = process.pid
        setup["app"] = f"`python app.py` on {url} (pid {pid}, log {folder}/app.log)"
    memory = Memory(pid) if pid else None
    if memory:
        memory.start()
    marks, rows = {}, []
    try:
        marks["at start"] = memory.now() if memory else None
        rows.append(summary("warm-up", [request(clients(url, 1)[0], photos, args.request_timeout)], 0.0))
        marks["after warm-up"] = memory.now() if memory else None
        for phase in ("steady 1", "burst", *(f"steady {n}" for n in range(2, args.rounds + 2))):
            if phase == "burst":
                results, wall = burst(url, photos, args.burst, deadline, args.request_timeout)
            else:
                results, wall = steady(url, photos, args.callers, args.requests, deadline, args.request_timeout)
            rows.append(summary(f"{phase} ({args.burst if phase == 'burst' else args.callers} callers)", results,
                                wall))
            marks[f"after {phase}"] = memory.now() if memory else None
            print(f"load: {phase} done", file=sys.stderr)
        if args.data_url_bombs:
            idle = len(memory.samples) if memory else 0
            bombs, ordinary, wall = bombs_beside_one_request(url, photos, args.data_url_bombs, args.request_timeout)
            rows.append(summary(f"{args.data_url_bombs} data-URL bombs (refused = right)", bombs, wall))
            rows.append(summary("one ordinary request beside them", ordinary, wall))
            if memory:
                marks["peak during the bombs"] = max(v for _, v in memory.samples[idle:] or [(0, memory.now())])
    finally:
        if memory:
            memory.stopping.set()
            memory.join()
        if process:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    memory_report = {k: v for k, v in marks.items() if v is not None}
    if memory and memory.samples:
        memory_report["peak"] = max(v for _, v in memory.samples)
    print(report(rows, memory_report, setup))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"setup": setup, "phases": rows, "memory_mib": memory_report,
                       "samples": memory.samples if memory else []}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
