"""Small test videos, written with PyAV on the fly."""
from fractions import Fraction

import av
import numpy as np
from PIL import Image

EXAMPLE = "examples/harbour.jpg"


def pan(frames=12, size=(96, 64), step=3, gray=True, source=EXAMPLE):
    """Frames of a camera moving right `step` pixels a frame over a picture: the true motion is known."""
    picture = Image.open(source).convert("RGB")
    scale = size[1] / picture.height
    wide = np.asarray(picture.resize((max(round(picture.width * scale), size[0] + step * frames), size[1])))
    clip = [wide[:, i * step : i * step + size[0]] for i in range(frames)]
    return [np.repeat(np.asarray(Image.fromarray(f).convert("L"))[..., None], 3, -1) for f in clip] if gray else clip


def write_video(path, frames, rate=12, audio=False, rotation=0, times=None, pix_fmt="yuv420p"):
    """An H.264 file of the RGB frames; audio: a second of 440 Hz AAC per 12 frames; times: each frame's
    time in seconds (a variable frame rate), else one frame per 1/rate."""
    with av.open(str(path), "w", format="mp4" if str(path).endswith(".mp4") else None) as output:
        video = output.add_stream("libx264", rate=rate)
        video.height, video.width = frames[0].shape[:2]
        video.pix_fmt = pix_fmt
        video.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            video.set_display_rotation(rotation)
        sound = output.add_stream("aac", rate=16000) if audio else None
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = round((times[i] if times else i / rate) * 1000)
            frame.time_base = Fraction(1, 1000)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
        if sound is not None:
            wave = (0.3 * np.sin(np.arange(16000 * len(frames) // rate) * 2 * np.pi * 440 / 16000)).astype(np.float32)
            for start in range(0, len(wave), 1024):
                chunk = av.AudioFrame.from_ndarray(wave[None, start : start + 1024], format="flt", layout="mono")
                chunk.sample_rate = 16000
                output.mux(sound.encode(chunk))
            output.mux(sound.encode(None))
    return str(path)


def read_video(path):
    """(RGB frames as stored, frame times in seconds, display rotation, stream types, frame rate)."""
    with av.open(str(path)) as container:
        decoded = list(container.decode(video=0))
        stream = container.streams.video[0]
        return ([f.to_ndarray(format="rgb24") for f in decoded], [float(f.time) for f in decoded],
                decoded[0].rotation if decoded else 0, sorted(s.type for s in container.streams),
                stream.average_rate)
