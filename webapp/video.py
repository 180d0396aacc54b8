"""The video tab: a black-and-white clip in, the colorized MP4 (its sound kept) out, playable in the page."""
import os

import gradio as gr

from colorize.hints import HintError
from colorize.images import ImageError
from colorize.video import VideoError, VideoLimits, colorize_video
from webapp.uploads import MAX_FILE_MB, request_folder

LIMITS = VideoLimits(seconds=60, long_side=1280)  # what a free CPU Space colours in reasonable time
LIMITS_TEXT = (f"up to {LIMITS.seconds:.0f} seconds, {LIMITS.long_side} pixels on the long side and "
               f"{MAX_FILE_MB} MB")


def colorize_video_file(colorizer, video, saturation, kind):
    """The colorized video's path, <input>_colorized.mp4 in a folder of its own; gr.Error for what cannot be
    coloured (nothing is written then)."""
    if not video:
        raise gr.Error("Choose a video file first.")
    stem = os.path.splitext(os.path.basename(str(video)))[0] or "video"
    target = os.path.join(request_folder("colorize-video-"), f"{stem}_colorized.mp4")
    try:
        colorize_video(colorizer, video, target, saturation=saturation, kind=kind, limits=LIMITS)
    except (VideoError, ImageError, HintError) as error:
        raise gr.Error(f"{str(error)[:1].upper()}{str(error)[1:]}.") from error
    return target
