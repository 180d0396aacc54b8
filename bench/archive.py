"""Throughput of the Ray archive job against the plain command line on the same photos, whole commands
timed from the shell (start-up included, as a user waits for them).

    python -m bench.archive [--photos 48] [--size 1024x768]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from bench.common import command_line, machine, photo_jpeg, report, source_photo

QUIET = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "HF_HUB_OFFLINE": "1"}


def timed_command(args):
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", *args], check=True, env=QUIET, capture_output=True, timeout=1800)
    return time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=48)
    parser.add_argument("--size", default="1024x768")
    args = parser.parse_args(argv)
    size = tuple(int(v) for v in args.size.split("x"))
    photo, name = source_photo()
    with tempfile.TemporaryDirectory() as folder:
        src = os.path.join(folder, "src")
        os.makedirs(os.path.join(src, "nested"))
        data = photo_jpeg(photo, size)
        inputs = []
        for i in range(args.photos):
            path = os.path.join(src, "nested" if i % 2 else "", f"photo-{i:03d}.jpg")
            with open(path, "wb") as f:
                f.write(data)
            inputs.append(path)
        runs = {"CLI (`python -m colorize FILES --output-dir`)":
                ["colorize", *inputs, "--output-dir", os.path.join(folder, "cli"), "--kind", "photo"]}
        for workers in (1, 2):
            runs[f"archive, {workers} worker{'s' if workers > 1 else ''}"] = [
                "colorize.archive", src, "--output-dir", os.path.join(folder, f"archive{workers}"),
                "--workers", str(workers), "--kind", "photo"]
        rows = ["| command | wall time, s | photos/s |", "| --- | ---: | ---: |"]
        for label, command in runs.items():
            seconds = timed_command(command)
            rows.append(f"| {label} | {seconds:.1f} | {args.photos / seconds:.2f} |")
            print(rows[-1])
    report("archive", f"{machine()}\n\n`{command_line()}`: {args.photos} copies of {name} made gray, "
           f"{size[0]}x{size[1]} JPEG, on the shipped photo model; one run each, start-up included.\n\n"
           + "\n".join(rows))


if __name__ == "__main__":
    main()
