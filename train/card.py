"""The model card of a training run: the Hub README (metrics as model-index) and, as markdown, docs/MODEL.md.

Its text describes this project's training data (scenes, faces, street photos, objects, more photos, a
little drawn art) and their terms.
"""
import json
import math
import os

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from colorize.weights import CONFIG_FILE, read_config
from train.run_folder import BEST, METRICS_FILE, PLOTS

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "card_template.md")
METRIC_NAMES = {"psnr": "PSNR (dB)", "ssim": "SSIM", "ciede2000": "mean CIEDE2000",
                "colorfulness_ratio": "colorfulness ratio", "ab_auc": "AuC of ab error (0-150)",
                "splotch_share": "splotch share (ab error over 30)"}
# shown elsewhere, or not for people
NOT_SETTINGS = ("format", "weights_file", "weights_sha256", "data", "data_weights", "stages")


def eval_results(metrics):
    """The model's (not the gray baseline's) finite measures, one EvalResult each, for model-index."""
    return [
        EvalResult(task_type="image-to-image", task_name="Image colorization", dataset_type=name,
                   dataset_name=name, dataset_split=metrics["split"], metric_type=key, metric_name=METRIC_NAMES[key],
                   metric_value=round(value, 4))
        for name, result in metrics["datasets"].items() if result["model"]
        for key, value in result["model"].items() if math.isfinite(value)
    ]


def model_card(run_dir, repo_id=None):
    """The card of a run folder that holds best/ and metrics.json.

    str(card) is the Hub README (YAML front matter, then markdown); card.text is the markdown alone.
    """
    config = read_config(os.path.join(run_dir, BEST, CONFIG_FILE))
    with open(os.path.join(run_dir, METRICS_FILE)) as f:
        metrics = json.load(f)
    name = f"colorize-{config['architecture']}"
    card_data = ModelCardData(model_name=name, library_name="keras", pipeline_tag="image-to-image",
                              # the code is MIT, but the weights come from photos published for research
                              # and education only: say so rather than claim an open licence
                              license="other", license_name="research-and-education-only",
                              tags=["image-colorization", "keras", "colorize", config["architecture"]],
                              eval_results=eval_results(metrics))
    folders = [os.path.basename(os.path.normpath(d)) for d in config.get("data", [])]
    return ModelCard.from_template(
        card_data, template_path=TEMPLATE, model_name=name, repo_id=repo_id or "USER/REPO",
        architecture=config["architecture"], head=config["head"], input_size=config["input_size"],
        split=metrics["split"], datasets={k: v for k, v in metrics["datasets"].items() if v["model"] and v["gray"]},
        plots=[p for p in PLOTS if os.path.isfile(os.path.join(run_dir, p))],
        training_data=", ".join(f"`{f}`" for f in folders) or "not recorded",
        mix=list(zip(folders, config.get("data_weights") or [1.0] * len(folders))),
        hints=bool(config.get("hints")),
        settings={k: v for k, v in config.items() if k not in NOT_SETTINGS},
    )
