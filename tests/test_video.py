"""Videos: the command line writes an MP4 of the same size, timing, rotation and sound; bad files get a
message and no output; colours carried along the motion flicker less than frames coloured each on its own."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from colorize.auto_colorizer import AutoColorizer
from colorize.cli import main
from colorize.video import VideoError, VideoLimits, colorize_video
from tests.subcommand import ctrl_c_as_in_a_terminal
from tests.videos import pan, read_video, write_video
from train.metrics import flicker

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chroma(rgb):
    from skimage import color

    return float(np.hypot(*np.moveaxis(color.rgb2lab(rgb)[..., 1:], -1, 0)).mean())


def test_a_video_comes_back_the_same_size_rate_and_length_with_its_sound_and_colours(tmp_path, untrained_weights):
    source = write_video(tmp_path / "film.mp4", pan(12), audio=True)
    out = tmp_path / "out"
    assert main([source, "-o", str(out), "--weights", untrained_weights, "--kind", "photo", "--saturation", "4"]) == 0
    frames, times, _, streams, rate = read_video(out / "film.mp4")
    truth_frames, truth_times, _, _, truth_rate = read_video(source)
    assert len(frames) == 12 and frames[0].shape == truth_frames[0].shape
    assert times == pytest.approx(truth_times, abs=1e-3) and float(rate) == pytest.approx(float(truth_rate), rel=1e-3)
    assert streams == ["audio", "video"]
    assert chroma(frames[5]) > 2 * chroma(truth_frames[5]) + 1  # coloured, not the gray input
    assert sorted(os.listdir(out)) == ["film.mp4"]  # no temporary file left


def test_rotation_odd_sizes_and_variable_frame_rates_are_kept(tmp_path, untrained_weights):
    times = [0.0, 0.1, 0.3, 0.35, 0.9]
    turned = write_video(tmp_path / "phone.mov", pan(5, size=(95, 63)), rotation=90, times=times, pix_fmt="yuv444p")
    assert main([turned, "-o", str(tmp_path), "--weights", untrained_weights, "--kind", "photo"]) == 0
    frames, out_times, rotation, _, _ = read_video(tmp_path / "phone.mp4")
    assert rotation == 90 and frames[0].shape == (63, 95, 3)
    assert out_times == pytest.approx(times, abs=1e-3)


def test_hints_apply_to_the_first_frame_and_images_and_videos_share_a_run(tmp_path, untrained_hint_weights, capsys):
    clip = write_video(tmp_path / "clip.mkv", pan(3))
    hints = tmp_path / "hints.json"
    hints.write_text('[{"x": 10, "y": 10, "color": "#2060ff"}]')
    code = main([clip, os.path.join(ROOT, "examples", "horse.jpg"), "-o", str(tmp_path / "out"), "--hints", str(hints),
                 "--weights", untrained_hint_weights, "--kind", "photo", "--frame-by-frame"])
    assert code == 0 and sorted(os.listdir(tmp_path / "out")) == ["clip.mp4", "horse.png"]


def zero_frames(path):
    import av

    with av.open(str(path), "w") as output:
        stream = output.add_stream("libx264", rate=12)
        stream.width, stream.height = 64, 48
        output.start_encoding()  # the header, and no frame
    return str(path)


def audio_only(path):
    import av

    with av.open(str(path), "w") as output:
        sound = output.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
        frame.sample_rate = 16000
        output.mux(sound.encode(frame))
        output.mux(sound.encode(None))
    return str(path)


def test_bad_videos_get_one_line_each_and_no_output(tmp_path, untrained_weights, capsys):
    good = write_video(tmp_path / "good.mp4", pan(24))
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(open(good, "rb").read()[: os.path.getsize(good) // 2])
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.avi").write_text("not a video")
    (tmp_path / "folder.mov").mkdir()
    bad = [zero_frames(tmp_path / "none.mp4"), audio_only(tmp_path / "sound.mp4"), str(tmp_path / "empty.mp4"),
           str(tmp_path / "text.avi"), str(tmp_path / "folder.mov"), str(tmp_path / "missing.webm")]
    out = tmp_path / "out"
    one = write_video(tmp_path / "one.mp4", pan(1))
    code = main([*bad, str(truncated), one, "-o", str(out), "--weights", untrained_weights, "--kind", "photo"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "none.mp4 has no video stream" in err  # MP4 keeps no track without frames
    for reason in ("sound.mp4 has no video stream", "empty.mp4 is an empty file",
                   "cannot read text.avi: not a video file", "folder.mov is a folder", "missing.webm does not exist"):
        assert reason in err
    assert len(read_video(out / "one.mp4")[0]) == 1
    written = sorted(os.listdir(out))
    assert written in (["one.mp4"], ["one.mp4", "truncated.mp4"])  # a truncated file: what it holds, or nothing
    if "truncated.mp4" in written:
        assert 0 < len(read_video(out / "truncated.mp4")[0]) <= 24


def test_limits_refuse_before_anything_is_written(tmp_path, untrained_weights):
    clip = write_video(tmp_path / "clip.mp4", pan(24))  # 2 s, 96x64
    auto = AutoColorizer(untrained_weights)
    for limits, said in ((VideoLimits(seconds=1), "2 s long; the limit here is 1 s"),
                         (VideoLimits(long_side=64), "the limit here is 64 pixels on the long side"),
                         (VideoLimits(pixels=5000), "the limit is 0 megapixels a frame")):
        with pytest.raises(VideoError, match=said):
            colorize_video(auto, clip, tmp_path / "out.mp4", kind="photo", limits=limits, progress=False)
    assert sorted(os.listdir(tmp_path)) == ["clip.mp4"]


@pytest.mark.slow
def test_an_interrupted_video_leaves_no_file(tmp_path, untrained_weights):
    clip = write_video(tmp_path / "long.mp4", pan(240, step=0))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "colorize", clip, "-o", str(out), "--weights", untrained_weights,
               "--kind", "photo", "--frame-by-frame"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not (out.exists() and os.listdir(out)) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in err
    assert os.listdir(out) == []  # neither the MP4 nor its temporary file


@pytest.mark.slow
def test_flicker_follows_known_motion_and_carried_colours_flicker_less(tmp_path):
    step = 3
    truth = pan(10, size=(128, 96), step=step, gray=False)
    height, width = truth[0].shape[:2]
    grid = np.stack(np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)), -1)
    where = grid + np.float32([step, 0])  # each pixel was `step` to the right in the frame before
    known = [(where, where[..., 0] <= width - 1)] * (len(truth) - 1)
    assert flicker(truth, truth, known) < 0.5  # colours that move with the scene do not flicker
    assert flicker(truth, truth) < 1.0  # and the measured motion agrees
    noisy = [np.clip(f.astype(int) + (i % 2) * np.int64([30, -20, 10]), 0, 255).astype(np.uint8)
             for i, f in enumerate(truth)]
    assert flicker(truth, noisy, known) > 10
    gray = write_video(tmp_path / "gray.mp4", pan(10, size=(128, 96), step=step))
    auto = AutoColorizer()
    measured = {}
    for stable in (False, True):
        colorize_video(auto, gray, tmp_path / "out.mp4", kind="photo", stable=stable, progress=False)
        measured[stable] = flicker(truth, read_video(tmp_path / "out.mp4")[0], known)
    assert measured[True] < 0.7 * measured[False]
