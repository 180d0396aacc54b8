"""What a finished run shows: its learning curves and a grid of validation photos (L, prediction, truth)."""
import csv
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from colorize.files import write_atomically  # noqa: E402
from colorize.images import read_rgb  # noqa: E402
from colorize.lab import convert_lab, gray_rgb  # noqa: E402
from colorize.pipeline import Colorizer  # noqa: E402
from train.data import center_crop  # noqa: E402

SAMPLE_SIZE = 224


def plot_learning_curves(log_csv, out_png):
    with open(log_csv) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return
    epochs = [int(r["epoch"]) + 1 for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key in ("loss", "val_loss"):
        if key in rows[0]:
            ax.plot(epochs, [float(r[key]) for r in rows], marker="o", label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    picture = io.BytesIO()
    fig.savefig(picture, format="png", dpi=100)
    plt.close(fig)
    write_atomically(out_png, picture.getvalue())  # a full disk leaves no empty PNG


def save_samples(weights, photos, out_image, size=SAMPLE_SIZE, truth_column=True):
    """One row per photo: its L, the colours of each of the weights (a list), the true colours (unless
    truth_column is False: black-and-white photos, which have none)."""
    if not photos:
        return
    colorizers = [Colorizer.from_weights(w) for w in weights]
    rows = []
    for path in photos:
        truth = center_crop(read_rgb(path), size)
        lightness = convert_lab(truth)[0]
        predictions = [colorizer.colorize(truth).rgb for colorizer in colorizers]
        rows.append(np.concatenate([gray_rgb(lightness), *predictions, *([truth] if truth_column else [])], axis=1))
    picture = io.BytesIO()
    Image.fromarray(np.concatenate(rows, axis=0)).save(picture, format=Image.registered_extensions()[
        "." + out_image.rsplit(".", 1)[-1].lower()])
    write_atomically(out_image, picture.getvalue())
