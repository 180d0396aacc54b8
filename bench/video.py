"""Video: flicker, colour and speed of colours carried along the motion against frames coloured each on
its own, and memory over a video's length.

    python -m bench.video                     # flicker and PSNR on the clips, speed; --memory adds the RSS runs

Clips, made gray and colorized both ways: a slow pan and zoom over each of the first --photos highres
photos (640x360, 48 frames at 24 fps), and the DAVIS clips of photos_misc/davis_frames (every 8th frame of
each clip, so motion 8 times larger than in the film). Flicker is `train.metrics.flicker` against the true
frames' motion; PSNR is the mean over frames against the colour truth.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np
from PIL import Image

from bench.common import ROOT, command_line, machine, report, source_photo
from colorize.auto_colorizer import AutoColorizer
from colorize.video import colorize_video
from train.metrics import flicker, psnr

DATA = os.path.join(ROOT, "..", "shared", "data")
SIZE = (640, 360)


def pan_zoom(photo, frames=48, size=SIZE):
    """A camera moving slowly over a photo: the window drifts right and closes in by a quarter."""
    width, height = photo.size
    out = []
    for i in range(frames):
        t = i / max(frames - 1, 1)
        crop_w = width * (0.8 - 0.2 * t)
        crop_h = crop_w * size[1] / size[0]
        if crop_h > height:
            crop_h, crop_w = height, height * size[0] / size[1]
        left = (width - crop_w) * (0.2 + 0.5 * t)
        top = (height - crop_h) * 0.5
        box = (left, top, left + crop_w, top + crop_h)
        out.append(np.asarray(photo.resize(size, Image.Resampling.BILINEAR, box=box)))
    return out


def davis_clips(size=(512, 288)):
    folder = os.path.join(DATA, "photos_misc", "davis_frames")
    clips = defaultdict(list)
    for name in sorted(os.listdir(folder)):
        clip = re.match(r"davis_(.+)_\d+\.", name)
        if clip:
            clips[clip.group(1)].append(np.asarray(Image.open(os.path.join(folder, name)).convert("RGB").resize(size)))
    return dict(clips)


def write_clip(frames, path, rate=24, gray=True):
    import av

    with av.open(path, "w") as output:
        stream = output.add_stream("libx264", rate=rate, options={"crf": "12"})
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for rgb in frames:
            shown = np.repeat(np.asarray(Image.fromarray(rgb).convert("L"))[..., None], 3, -1) if gray else rgb
            output.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(shown), format="rgb24")))
        output.mux(stream.encode(None))


def read_frames(path):
    import av

    with av.open(path) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def colour_clips(auto, clips, folder):
    """{mode: (flicker, PSNR)} over all clips, and per clip."""
    rows = []
    for name, truth in clips.items():
        gray = os.path.join(folder, "gray.mp4")
        write_clip(truth, gray)
        row = [name, len(truth)]
        for stable in (False, True):
            out = os.path.join(folder, "out.mp4")
            colorize_video(auto, gray, out, stable=stable, progress=False)
            frames = read_frames(out)
            row += [flicker(truth, frames), float(np.mean([psnr(t, f) for t, f in zip(truth, frames)]))]
        rows.append(row)
    return rows


def speed(auto, folder, photo, repeats):
    """Frames per second for each size and mode, and one 1024x768 photo's seconds, in the same run."""
    seconds = {}
    for size in ((640, 360), (1280, 720)):
        path = os.path.join(folder, f"speed-{size[0]}.mp4")
        write_clip(pan_zoom(photo, 48, size), path)
        for stable in (False, True):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                colorize_video(auto, path, os.path.join(folder, "out.mp4"), stable=stable, progress=False)
                times.append(time.perf_counter() - started)
            seconds[size, stable] = 48 / float(np.median(times))
    picture = photo.convert("L").resize((1024, 768))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        auto.colorize(picture, kind="photo")
        times.append(time.perf_counter() - started)
    return seconds, float(np.median(times))


def peak_memory(path):
    """Peak RSS in MB of a fresh process colorizing the video at path."""
    code = ("import resource, sys; from colorize.auto_colorizer import AutoColorizer; "
            "from colorize.video import colorize_video; "
            "colorize_video(AutoColorizer(), sys.argv[1], sys.argv[1] + '.out.mp4', progress=False); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.split()[-1]) / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=4, help="pan-and-zoom clips, one per highres photo")
    parser.add_argument("--repeats", type=int, default=3, help="runs per speed figure (the median is reported)")
    parser.add_argument("--memory", type=float, nargs=2, default=None, metavar=("SHORT_S", "LONG_S"),
                        help="also the peak RSS for 640x360 videos this many seconds long (at 8 fps)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md as it is")
    args = parser.parse_args(argv)
    auto = AutoColorizer()
    folder = tempfile.mkdtemp(prefix="bench-video-")
    photos_dir = os.path.join(DATA, "highres", "sun_hays80")
    clips = {f"pan and zoom {name}": pan_zoom(Image.open(os.path.join(photos_dir, name)).convert("RGB"))
             for name in sorted(os.listdir(photos_dir))[: args.photos]}
    clips.update({f"DAVIS {name}": frames for name, frames in davis_clips().items()})
    rows = colour_clips(auto, clips, folder)
    lines = [f"`{command_line()}`", "", machine(), "",
             "| clip | frames | flicker, frame by frame | PSNR dB | flicker, carried | PSNR dB |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.2f} |" for r in rows]
    for label, chosen in (("pan and zoom", "pan"), ("DAVIS", "DAVIS")):
        part = np.array([r[2:] for r in rows if r[0].startswith(chosen)])
        if len(part):
            f0, p0, f1, p1 = part.mean(0)
            lines.append(f"| **{label}, mean** | | **{f0:.2f}** | {p0:.2f} | **{f1:.2f}** ({f1 / f0:.2f}x) "
                         f"| {p1:.2f} ({p1 - p0:+.2f}) |")
    photo, _ = source_photo()
    fps, photo_seconds = speed(auto, folder, photo, args.repeats)
    lines += ["", f"| frames per second (median of {args.repeats}) | frame by frame | carried |", "| --- | --- | --- |"]
    lines += [f"| {w}x{h} | {fps[(w, h), False]:.1f} | {fps[(w, h), True]:.1f} |" for w, h in ((640, 360), (1280, 720))]
    lines += ["", f"One 1024x768 photo in the same run: {photo_seconds:.3f} s (median)."]
    if args.memory:
        rss = []
        for seconds in args.memory:
            path = os.path.join(folder, f"memory-{seconds:g}.mp4")
            write_clip(pan_zoom(photo, int(seconds * 8)), path, rate=8)
            rss.append(peak_memory(path))
        lines += ["", f"Peak RSS, 640x360 at 8 fps: {args.memory[0]:g} s {rss[0]:.0f} MB, {args.memory[1]:g} s "
                  f"{rss[1]:.0f} MB ({rss[1] / rss[0] - 1:+.1%})."]
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    report("video", "\n".join(lines), write=not args.no_write)


if __name__ == "__main__":
    main()
