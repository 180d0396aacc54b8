"""Colorizing a video: frames streamed through PyAV, colours carried from frame to frame along the motion.

Colouring each frame on its own makes colours flicker: each frame's prediction differs a little from the
last. Here the model colours a key frame, and the frames after it take its colours moved along the motion
(OpenCV's DIS optical flow on the lightness). Where the flow explains a frame well its carried colours are
trusted; a new key frame comes every KEY_EVERY frames, or sooner when much of the frame is new (things that
came into view get their own colours, not their neighbours' smeared on), and at a scene cut it starts
afresh. A key frame's prediction is blended with the carried colours where they are trusted. The output
is H.264 in MP4, with the original audio kept, written whole or not at all.
"""
import logging
import os
from fractions import Fraction
from typing import NamedTuple, Optional

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from . import interrupts
from .files import missing_file, temporary_path
from .images import MAX_PIXELS, lightness_of, resize_plane
from .pipeline import Prediction
from .screentone import check_screentone, descreen

GRID = 224  # side of the square grid on which motion is found and colours are carried (the model's input size)
KEY_EVERY = 8  # the model colours at least every 8th frame
CARRY_WEIGHT = 0.9  # at a key frame, the share of trusted carried colour kept over the fresh prediction
TRUST_L = 6.0  # L units: a carried pixel whose lightness moved this far from where the flow says is not trusted
NEW_SHARE = 0.05  # a key frame comes early when more than this share of the frame is not trusted
CUT_TRUST = 0.25  # a frame whose mean trust is below this starts afresh: a scene cut (cuts measured 0.02-0.19)
ENCODING = {"crf": "18", "preset": "veryfast"}  # libx264: visually lossless, several times real time
MP4_AUDIO = {"aac", "mp3", "ac3", "eac3", "alac", "flac", "opus"}  # copied as they are; other audio becomes AAC


class VideoError(ValueError):
    """A video that cannot be colorized; the message is meant for the person who gave it."""


class VideoLimits(NamedTuple):
    """What a caller accepts: length in seconds and the frame's long side (None: any), pixels per frame."""

    seconds: Optional[float] = None
    long_side: Optional[int] = None
    pixels: int = MAX_PIXELS


class ColourCarry:
    """The colour planes of each frame of a shot, carried along the motion between key frames (see above).

    `every=1, weight=0` colours every frame on its own (frame by frame), without finding motion at all."""

    def __init__(self, every=KEY_EVERY, weight=CARRY_WEIGHT):
        self.every, self.weight = every, weight
        self._flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._grid = np.stack(np.meshgrid(np.arange(GRID, dtype=np.float32), np.arange(GRID, dtype=np.float32)), -1)
        self._last = None  # (the last frame's lightness on the grid as uint8, its planes (GRID, GRID, C))
        self._since_key = 0

    def step(self, lightness, predict):
        """The planes (GRID, GRID, C) of the frame whose L (H, W) is given: those carried from the last frame,
        or at a key frame `predict()` (planes on the grid) blended with them where they are trusted."""
        level = np.clip(resize_plane(lightness, (GRID, GRID)) * np.float32(2.55), 0, 255).astype(np.uint8)
        carried = trust = None
        if self._last is not None and (self.every > 1 or self.weight):
            carried, trust = self._carried(level)
        cut = trust is None or trust.mean() < CUT_TRUST
        if cut or self._since_key + 1 >= self.every or (trust < 0.5).mean() > NEW_SHARE:
            planes = np.asarray(predict(), np.float32)
            if not cut and self.weight:
                kept = (np.float32(self.weight) * trust)[..., None]
                planes = kept * carried + (1 - kept) * planes
            self._since_key = 0
        else:
            planes, self._since_key = carried, self._since_key + 1
        self._last = (level, planes)
        return planes

    def _carried(self, level):
        """The last frame's planes moved onto this frame, and how far each pixel can be trusted (0 to 1)."""
        last_level, planes = self._last
        where = self._grid + self._flow.calc(level, last_level, None)  # where each pixel was in the last frame
        mapped = [cv2.remap(p, where[..., 0], where[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                  for p in (planes, last_level.astype(np.float32))]
        carried, was = mapped[0].reshape(planes.shape), mapped[1]
        # compared a little blurred: texture that the grid cannot resolve is no sign of wrong motion
        error = np.abs(cv2.GaussianBlur(level.astype(np.float32), (0, 0), 1.5) - cv2.GaussianBlur(was, (0, 0), 1.5))
        error *= np.float32(1 / 2.55)
        trust = np.clip(1 - error / np.float32(TRUST_L), 0, 1)
        inside = (where >= 0).all(-1) & (where <= GRID - 1).all(-1)  # came from inside the last frame
        return carried, trust * inside


def on_grid(plane):
    """A small prediction plane (S, S[, C]) resized to the carry grid as (GRID, GRID, C) float32."""
    resized = cv2.resize(np.asarray(plane, np.float32), (GRID, GRID), interpolation=cv2.INTER_LINEAR)
    return resized.reshape(GRID, GRID, -1)


class FramePainter:
    """Colours a video's frames in order with one model: the first frame picks the model (for "auto") and
    takes the hints; every key frame takes the reference."""

    def __init__(self, auto, kind="auto", hints=None, reference=None, saturation=1.0, screentone="keep",
                 stable=True):
        self.auto, self.kind, self.hints, self.reference = auto, kind, hints, reference
        self.saturation, self.screentone = saturation, screentone
        self.carry = ColourCarry() if stable else ColourCarry(every=1, weight=0.0)
        self.colorizer = None
        self.shaded = 0.0

    def _predict(self, picture):
        if self.colorizer is None:
            self.kind, prediction = self.auto.predict(picture, self.hints, self.reference, kind=self.kind)
            self.colorizer, self.shaded = self.auto.colorizer(self.kind), prediction.shaded
        else:
            prediction = self.colorizer.predict_image(picture, reference=self.reference)
        fill = [] if prediction.fill is None else [on_grid(prediction.fill)]
        return np.concatenate([on_grid(prediction.ab), *fill], axis=-1)

    def paint(self, picture):
        """An upright PIL frame -> its colorized RGB (H, W, 3) uint8."""
        lightness = lightness_of(picture)
        planes = self.carry.step(lightness, lambda: self._predict(picture))
        ab, fill = planes[..., :2], (planes[..., 2] if planes.shape[-1] > 2 else None)
        drawn = fill is not None
        seen = descreen(lightness) if drawn and self.screentone == "smooth" else lightness
        prediction = Prediction(lightness, seen, ab, fill, self.shaded if drawn else 0.0)
        return prediction.compose(self.saturation, self.screentone).rgb


def _name(source):
    return os.path.basename(os.fspath(source))


def open_video(source, limits=VideoLimits()):
    """(the opened container, its video stream), or VideoError with a one-line reason."""
    import av

    name, missing = _name(source), missing_file(source, "a video file")
    if missing:
        raise VideoError(missing)
    try:
        container = av.open(os.fspath(source), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise VideoError(f"cannot read {name}: not a video file, or a damaged one") from error
    try:
        streams = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if not streams:
            raise VideoError(f"{name} has no video stream")
        video = streams[0]
        width, height = video.codec_context.width, video.codec_context.height
        if not width or not height:
            raise VideoError(f"{name} has a video stream without a frame size")
        check_limits(name, limits, width, height, seconds_of(container, video))
    except BaseException:
        container.close()
        raise
    return container, video


def seconds_of(container, video):
    """The video's length in seconds as its file says (None if it does not say)."""
    import av

    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return container.duration / av.time_base if container.duration else None


def check_limits(name, limits, width, height, seconds):
    if width * height > limits.pixels:
        raise VideoError(f"{name}'s frames are {width}x{height} pixels; the limit is "
                         f"{limits.pixels / 1e6:.0f} megapixels a frame")
    if limits.long_side and max(width, height) > limits.long_side:
        raise VideoError(f"{name}'s frames are {width}x{height} pixels; the limit here is {limits.long_side} "
                         "pixels on the long side: scale it down first")
    if limits.seconds and seconds is not None and seconds > limits.seconds:
        raise VideoError(f"{name} is {seconds:.0f} s long; the limit here is {limits.seconds:.0f} s: cut it first")


def _audio_out(output, audio):
    """The output stream for the input's audio: a copy where MP4 takes its codec, else AAC."""
    if audio.codec_context.name in MP4_AUDIO:
        return output.add_stream_from_template(audio), True
    return output.add_stream("aac", rate=audio.codec_context.sample_rate or 48000), False


def colorize_video(auto, source, target, saturation=1.0, hints=None, reference=None, kind="auto",
                   screentone="keep", stable=True, limits=VideoLimits(), progress=True):
    """Colorize a video file into an MP4 (H.264, the original audio kept) at `target`, frame by frame in
    order, keeping memory flat; returns how many frames were written. `auto` is an AutoColorizer; hints
    apply to the first frame, a reference to all. stable=False colours each frame on its own. Raises
    VideoError (nothing written) for a file that cannot be read or is beyond `limits`."""
    import av

    check_screentone(screentone)
    painter = FramePainter(auto, kind, hints, reference, saturation, screentone, stable)
    container, video = open_video(source, limits)
    name = _name(source)
    with container:
        audio = next(iter(container.streams.audio), None)
        rate = video.average_rate or video.guessed_rate or Fraction(25)
        total = video.frames or round((seconds_of(container, video) or 0) * rate) or None
        bar = tqdm(total=total, desc=name, unit="frame", disable=not progress, leave=False)
        with bar, temporary_path(target) as tmp, av.open(tmp, "w", format="mp4") as output:
            encoder = output.add_stream("libx264", rate=rate, options=ENCODING)
            encoder.codec_context.time_base = video.time_base or Fraction(1, 90000)
            sound, copied = _audio_out(output, audio) if audio is not None else (None, False)
            written, last_pts = 0, None
            for frame in _frames(container, video, audio, lambda packet: _write_audio(output, packet, sound, copied)):
                if written == 0:
                    _shape_encoder(encoder, frame)
                if limits.seconds and frame.time is not None and frame.time > limits.seconds:
                    raise VideoError(f"{name} is longer than {limits.seconds:.0f} s, the limit here")
                last_pts = _next_pts(frame, last_pts, rate, encoder.codec_context.time_base)
                interrupts.raise_if_asked()
                painted = _painted_frame(painter, frame, encoder)
                painted.pts, painted.time_base = last_pts, encoder.codec_context.time_base
                output.mux(encoder.encode(painted))
                written += 1
                bar.update()
            if written == 0:
                raise VideoError(f"{name} has no frames that can be read")
            output.mux(encoder.encode(None))
            if sound is not None and not copied:
                output.mux(sound.encode(None))
    return written


def _frames(container, video, audio, write_audio):
    """The video's frames in order, its audio packets handed to `write_audio` as they come. A packet that
    does not decode is skipped; a file cut short (a download stopped partway) or damaged past reading gives
    the frames before that, with a warning, as a player shows them."""
    import av

    packets = container.demux(*[s for s in (video, audio) if s is not None])
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError:
            logging.warning("%s is cut short or damaged; the frames before that are coloured",
                            _name(container.name))
            break
        if packet.stream is audio:
            write_audio(packet)
            continue
        try:
            yield from packet.decode()
        except av.FFmpegError:
            continue  # one damaged packet: its frame is lost, the next key frame decodes again
    try:
        yield from video.codec_context.decode(None)  # what the decoder still holds
    except av.FFmpegError:
        return


def _shape_encoder(encoder, frame):
    """The output keeps the stored frame size and the turn the player is told to give it. H.264 in 4:2:0
    needs even sides; odd ones keep their size in 4:4:4."""
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuv420p" if frame.width % 2 == 0 and frame.height % 2 == 0 else "yuv444p"
    if frame.rotation:
        encoder.set_display_rotation(frame.rotation)


def _next_pts(frame, last, rate, time_base):
    """The frame's own time stamp (variable frame rates keep their timing), made to increase."""
    step = max(1, round(1 / (rate * time_base)))
    pts = frame.pts if frame.pts is not None else (0 if last is None else last + step)
    if frame.time_base is not None and frame.time_base != time_base and frame.pts is not None:
        pts = round(frame.pts * frame.time_base / time_base)
    return pts if last is None or pts > last else last + 1


def _painted_frame(painter, frame, encoder):
    """The colorized frame, painted upright and turned back as it is stored, at the output's size."""
    import av

    turns = round((frame.rotation or 0) / 90) % 4
    picture = frame.to_image()
    if (picture.width, picture.height) != (encoder.width, encoder.height):  # a stream whose size changes
        picture = picture.resize((encoder.width, encoder.height), Image.Resampling.BILINEAR)
    rgb = np.rot90(painter.paint(Image.fromarray(np.rot90(np.asarray(picture), turns))), -turns)
    return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")


def _write_audio(output, packet, sound, copied):
    if copied:
        if packet.dts is not None:  # not the demuxer's final empty packet
            packet.stream = sound
            output.mux(packet)
        return
    for frame in packet.decode():
        frame.pts = None  # the encoder counts samples itself
        output.mux(sound.encode(frame))
