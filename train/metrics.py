"""How close a colorization is to the photo's true colours: the measures papers report, in numpy and skimage.

Every function takes the truth first. RGB images are uint8 (H, W, 3); ab is CIELab a and b in their own
units (about -128..127), not the model's [-1, 1] scale.
"""
import warnings

import cv2
import numpy as np
from skimage import color, metrics

AUC_THRESHOLDS = np.arange(151)  # Zhang et al. 2016 sweep the ab distance from 0 to 150
SPLOTCH_ERROR = 30.0  # ab units: a pixel this far off shows a wrong hue (a green cheek), not a muted one
MIN_SIDE = 7  # SSIM's 7x7 window needs at least this many pixels each way
PAPER_L, PAPER_CHROMA = 95.0, 5.0  # a pixel of white paper (in a drawing's truth)
TRUSTED_MOTION_L = 3.0  # flicker: a pixel whose lightness moved this far from where the flow says is left out
COLOURED_CHROMA, HUE_APART = 15.0, 45.0  # hue spread: pixels this coloured, this many degrees from the mean hue


def psnr(truth, pred):
    """Peak signal-to-noise ratio in dB over RGB; infinite for identical images."""
    with np.errstate(divide="ignore"):
        return float(metrics.peak_signal_noise_ratio(truth, pred, data_range=255))


def ssim(truth, pred):
    """Structural similarity over RGB (1 for identical images)."""
    return float(metrics.structural_similarity(truth, pred, channel_axis=-1, data_range=255))


def ciede2000(truth_lab, pred_lab):
    """Mean CIEDE2000 colour difference per pixel (about 1 is a just-noticeable difference)."""
    return float(np.mean(color.deltaE_ciede2000(truth_lab, pred_lab)))


def colorfulness(rgb):
    """Hasler and Suesstrunk's (2003) colorfulness M: 0 for a gray image, above 100 for extremely vivid ones."""
    r, g, b = np.moveaxis(np.asarray(rgb, np.float64), -1, 0)
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def hue_spread(lab):
    """The share of an image's pixels that are coloured (chroma over COLOURED_CHROMA) and more than HUE_APART
    degrees of hue from the mean hue of its coloured pixels: near 0 for a one-hue wash, however strong."""
    a, b = lab[..., 1], lab[..., 2]
    coloured = np.hypot(a, b) > COLOURED_CHROMA
    if not coloured.any():
        return 0.0
    hue = np.arctan2(b[coloured], a[coloured])
    mean = np.arctan2(np.sin(hue).mean(), np.cos(hue).mean())
    apart = np.abs(np.angle(np.exp(1j * (hue - mean)))) > np.radians(HUE_APART)
    return float(apart.sum() / lab[..., 0].size)


def ab_auc(truth_ab, pred_ab):
    """Area under the curve of the share of pixels whose ab error is within each threshold 0..150, over 150.

    Zhang et al. 2016's raw accuracy measure: 1 when every pixel's colour is exact; it rewards getting most
    pixels nearly right rather than the mean, which a dull, brownish average can minimise.
    """
    errors = np.sort(np.linalg.norm(np.asarray(truth_ab, np.float64) - pred_ab, axis=-1).ravel())
    within = np.searchsorted(errors, AUC_THRESHOLDS, side="right") / errors.size
    return float(np.trapezoid(within, AUC_THRESHOLDS) / AUC_THRESHOLDS[-1])


def splotch_share(truth_ab, pred_ab):
    """The share of pixels whose ab error exceeds SPLOTCH_ERROR: confidently wrong colour. For the gray
    baseline (ab = 0) it is the share of pixels with chroma above it, the bar a colorizer must stay under."""
    return float(np.mean(np.linalg.norm(np.asarray(truth_ab, np.float64) - pred_ab, axis=-1) > SPLOTCH_ERROR))


def paper_chroma(truth_lab, pred_lab):
    """Mean chroma of the prediction where the truth is white paper (L above PAPER_L, chroma below
    PAPER_CHROMA): a drawing's paper must stay white, not take a wash. NaN where the truth has no paper."""
    paper = (truth_lab[..., 0] > PAPER_L) & (np.hypot(truth_lab[..., 1], truth_lab[..., 2]) < PAPER_CHROMA)
    return float(np.hypot(pred_lab[paper, 1], pred_lab[paper, 2]).mean()) if paper.any() else float("nan")


def true_motion(truth_before, truth_after):
    """Where each pixel of a true frame was in the frame before, (H, W, 2) x and y, and whether that is
    trusted (the lightness it came from matches within TRUSTED_MOTION_L): OpenCV's DIS flow, finest preset."""
    before, after = (cv2.cvtColor(np.asarray(f, np.uint8), cv2.COLOR_RGB2GRAY) for f in (truth_before, truth_after))
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(after, before, None)
    height, width = after.shape
    where = np.stack(np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)), -1) + flow
    came = cv2.remap(before, where[..., 0], where[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    inside = (where >= 0).all(-1) & (where[..., 0] <= width - 1) & (where[..., 1] <= height - 1)
    return where, inside & (np.abs(came.astype(np.float32) - after) < TRUSTED_MOTION_L * 2.55)


def flicker(truth_frames, frames, motion=None):
    """Colour flicker of a colorized clip: the mean ab distance between each frame and the frame before
    moved along the true motion, over the pixels whose motion is trusted (see `true_motion`; `motion` may
    give (where, trusted) per pair instead, for a clip whose motion is known). Colours that hold still
    on moving things give 0; frames coloured each on its own give more."""
    total, count = 0.0, 0
    for i in range(1, len(frames)):
        where, trusted = motion[i - 1] if motion is not None else true_motion(truth_frames[i - 1], truth_frames[i])
        before, now = (color.rgb2lab(frames[j])[..., 1:].astype(np.float32) for j in (i - 1, i))
        moved = cv2.remap(before, where[..., 0], where[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        distance = np.linalg.norm(now - moved, axis=-1)
        total, count = total + float(distance[trusted].sum()), count + int(trusted.sum())
    return total / max(count, 1)


def compare(truth_rgb, pred_rgb):
    """Every measure of one prediction against its truth, and both images' colorfulness."""
    truth_lab, pred_lab = color.rgb2lab(truth_rgb), color.rgb2lab(pred_rgb)
    return {
        "psnr": psnr(truth_rgb, pred_rgb),
        "ssim": ssim(truth_rgb, pred_rgb),
        "ciede2000": ciede2000(truth_lab, pred_lab),
        "ab_auc": ab_auc(truth_lab[..., 1:], pred_lab[..., 1:]),
        "splotch_share": splotch_share(truth_lab[..., 1:], pred_lab[..., 1:]),
        "paper_chroma": paper_chroma(truth_lab, pred_lab),
        "colorfulness": colorfulness(pred_rgb),
        "truth_colorfulness": colorfulness(truth_rgb),
        "hue_spread": hue_spread(pred_lab),
        "truth_hue_spread": hue_spread(truth_lab),
    }


def summarize(results):
    """Means over images (paper chroma over those with paper); colorfulness and hue spread as the ratio of
    their means to the truth's (1: as vivid, and as varied in hue, as life)."""
    with warnings.catch_warnings():  # a measure that is NaN for every image (no paper anywhere) stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        means = {key: float(np.nanmean([r[key] for r in results])) for key in results[0]}
    ratios = {}
    for measure in ("colorfulness", "hue_spread"):
        truth, predicted = means.pop(f"truth_{measure}"), means.pop(measure)
        ratios[f"{measure}_ratio"] = predicted / truth if truth else float("nan")
    return {**means, **ratios}
