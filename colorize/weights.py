"""One saved form for trained colorizers: `config.json` beside `model.weights.h5`, nothing pickled.

Weights come from a local file or folder (a training run's folder included), from the Hugging Face
Hub at a pinned revision (cached, and usable offline from the cache), or from the default shipped
in this repository.

Keras is imported only to build a model, so that commands which only name weights start at once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import reprlib
import shutil
import tempfile
import threading
from typing import TYPE_CHECKING

import httpx2
import numpy as np
from huggingface_hub import constants, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import RemoteEntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError

from .choices import ARCHITECTURES, BEST_SUBFOLDER, DEFAULT_TEMPERATURE, HEADS, TEMPERATURES
from .files import write_atomically

if TYPE_CHECKING:
    import keras

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
DEFAULT_WEIGHTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_weights")
DRAWING_WEIGHTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drawing_weights")
FORMAT = "colorize-weights-1"
KINDS = ("photo", "drawing")  # what a model is for: photos keep their L, drawings get their fills' L too
COMMIT_HASH = re.compile(r"[0-9a-f]{40}")
logger = logging.getLogger("colorize")


class WeightsError(RuntimeError):
    """Weights that cannot be found, downloaded or trusted; the message says which and why."""


class LoadedWeights:
    """Weights and their config, checked against the config's hash; the Keras model is built when first asked
    for (`model`), so that a model call that LiteRT has already converted (`colorize.litert`) starts without
    Keras or TensorFlow."""

    def __init__(self, config: dict, source: str, warning: str = "", weights_path: str | None = None,
                 model: keras.Model | None = None, sha256: str | None = None) -> None:
        self.config, self.source = config, source  # source: for people, where these weights came from
        self.warning = warning  # set when the weights asked for could not be had and others stand in
        self.weights_path = weights_path
        self._model, self._sha256 = model, sha256
        self._building = threading.Lock()

    @property
    def model(self) -> keras.Model:
        with self._building:
            if self._model is None:
                self._model = built_model(self.config, self.weights_path)
            return self._model

    @property
    def built(self) -> bool:
        """Whether the Keras model exists yet."""
        return self._model is not None

    @property
    def sha256(self) -> str:
        """What identifies these weights: the weights file's SHA-256, or for a model made in memory the hash of
        its values."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            for weight in self.model.weights:
                digest.update(np.ascontiguousarray(weight.numpy()).tobytes())
            self._sha256 = digest.hexdigest()
        return self._sha256

    def with_warning(self, warning: str) -> LoadedWeights:
        return LoadedWeights(self.config, self.source, warning, self.weights_path, self._model, self._sha256)


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_config(architecture, head="regression", input_size=224, temperature=DEFAULT_TEMPERATURE, **extra):
    """The settings that rebuild a model in code; `extra` records how it was trained."""
    return {"format": FORMAT, "architecture": architecture, "head": head, "input_size": int(input_size),
            "temperature": float(temperature), **extra}


def save_weights(model: keras.Model, config: dict, folder: str | os.PathLike) -> dict:
    """Write config.json and model.weights.h5 into folder, each replaced atomically (a kill leaves the old)."""
    os.makedirs(folder, exist_ok=True)
    fd, tmp_weights = tempfile.mkstemp(suffix=".weights.h5", dir=folder)
    os.close(fd)
    try:
        model.save_weights(tmp_weights, overwrite=True)
        config = {**config, "weights_file": WEIGHTS_FILE, "weights_sha256": sha256_of(tmp_weights)}
        os.replace(tmp_weights, os.path.join(folder, WEIGHTS_FILE))
    finally:
        if os.path.exists(tmp_weights):
            os.remove(tmp_weights)
    write_atomically(os.path.join(folder, CONFIG_FILE), json.dumps(config, indent=2))
    return config


def save_shared_weights(source, config, folder):
    """Write folder as a weights folder holding the weights of the weights folder `source` (saved with `config`
    by `save_weights`) and `config`: a hard link to its model.weights.h5, so training's best epoch costs no
    second copy of the checkpoint it shares (a copy where the disk has no links)."""
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, WEIGHTS_FILE)
    if os.path.lexists(target):
        os.remove(target)
    try:
        os.link(os.path.join(source, WEIGHTS_FILE), target)
    except OSError:
        shutil.copyfile(os.path.join(source, WEIGHTS_FILE), target)
    write_atomically(os.path.join(folder, CONFIG_FILE), json.dumps(config, indent=2))


def _finite_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _input_size(value):
    return isinstance(value, int) and not isinstance(value, bool) and 32 <= value <= 1024 and value % 32 == 0



CONFIG_SCHEMA = {  # field: (required, the test its value must pass, what it must be, for the message)
    "format": (False, lambda v: v == FORMAT, f'"{FORMAT}"'),
    "architecture": (True, lambda v: v in ARCHITECTURES, f"one of {', '.join(ARCHITECTURES)}"),
    "head": (True, lambda v: v in HEADS, f"one of {', '.join(HEADS)}"),
    "input_size": (True, _input_size, "a whole number of pixels from 32 to 1024, divisible by 32"),
    "max_input_size": (False, _input_size, "a whole number of pixels from 32 to 1024, divisible by 32"),
    "temperature": (False, lambda v: _finite_number(v) and TEMPERATURES[0] <= v <= TEMPERATURES[1],
                    f"a number from {TEMPERATURES[0]} to {TEMPERATURES[1]}"),
    "hints": (False, lambda v: isinstance(v, bool), "true or false"),
    "predicts_lightness": (False, lambda v: isinstance(v, bool), "true or false"),
    "kind": (False, lambda v: v in KINDS, f"one of {', '.join(KINDS)}"),
    "mute": (False, lambda v: _finite_number(v) and 0 <= v <= 100, "a number from 0 to 100"),
    "regions": (False, lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 4096,
                "a whole number of regions from 0 (each pixel decoded alone) to 4096"),
    "undo_rebalancing": (False, lambda v: _finite_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "weights_sha256": (False, lambda v: isinstance(v, str) and re.fullmatch("[0-9a-f]{64}", v), "64 hex digits"),
    "encoder_sha256": (False, lambda v: isinstance(v, str) and re.fullmatch("[0-9a-f]{64}", v), "64 hex digits"),
}


def read_config(path: str | os.PathLike) -> dict:
    """A config.json, checked field by field against CONFIG_SCHEMA: a wrong value is refused here, with its
    name, not met later as a shape error (or a model that silently computes something else)."""
    try:
        with open(path) as f:
            config = json.load(f)
    except (OSError, ValueError) as error:
        raise WeightsError(f"cannot read the weights' config {path}: {error}") from error
    except RecursionError as error:  # JSON nested thousands deep
        raise WeightsError(f"{path} is not a colorize config (nested too deep)") from error
    if not isinstance(config, dict):
        raise WeightsError(f"{path} is not a colorize config (not a JSON object)")
    missing = {field for field, (required, _, _) in CONFIG_SCHEMA.items() if required} - set(config)
    if missing:
        raise WeightsError(f"{path} is not a colorize config (no {', '.join(sorted(missing))})")
    problem = config_problem(config)
    if problem:
        raise WeightsError(f"{path}: {problem}")
    return config


def config_problem(fields):
    """What is wrong with the first of these config fields that CONFIG_SCHEMA refuses ("mute is -1; it must be a
    number from 0 to 100"), or None: for a config read, and for values asked for before they are written."""
    for field, (_, valid, wanted) in CONFIG_SCHEMA.items():
        if field in fields and not valid(fields[field]):
            return f"{field} is {reprlib.repr(fields[field])}; it must be {wanted}"
    return None


def resolve_folder(path: str | os.PathLike) -> str:
    """A weights folder, a training run folder (its best epoch), or a weights file -> its folder."""
    path = os.path.abspath(os.path.expanduser(str(path)))
    if os.path.isfile(path):
        path = os.path.dirname(path)
    for folder in (path, os.path.join(path, BEST_SUBFOLDER)):
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)):
            return folder
    if not os.path.exists(path):
        raise WeightsError(f"no weights at {path}: it does not exist")
    raise WeightsError(f"no weights at {path}: expected {CONFIG_FILE} and {WEIGHTS_FILE} there or in {BEST_SUBFOLDER}/")


def nonfinite_variables(model):
    """The paths of the model's variables that hold an infinite or NaN value."""
    return [variable.path for variable in model.weights if not np.isfinite(variable.numpy()).all()]


def checked_files(config_path, weights_path, source, build=True):
    """LoadedWeights for a config and weights file, their hash checked (an altered or damaged file is refused);
    the model built now, unless not `build` (then at first use, see `LoadedWeights.model`)."""
    config = read_config(config_path)
    if not os.path.isfile(weights_path):
        raise WeightsError(f"{weights_path} is missing")
    digest = sha256_of(weights_path)
    if config.get("weights_sha256") not in (None, digest):
        raise WeightsError(f"{weights_path} does not match the hash in its config: damaged or altered, not loaded")
    loaded = LoadedWeights(config, source, weights_path=weights_path, sha256=digest)
    if build:
        loaded.model  # noqa: B018 (built now, so that weights that do not load are refused here)
    return loaded


def built_model(config, weights_path):
    """Rebuild the model in float32 from its config and load the weights, checking that every value is finite:
    an infinite batch-norm variance silences its channel without any error, which is how float16 exports
    before December 2026 lost colour."""
    from .model import model_from_config  # Keras, at first use

    try:
        model = model_from_config(config)
        model.load_weights(weights_path)
    except (ValueError, OSError, KeyError) as error:
        raise WeightsError(f"cannot load {weights_path} into a {config['architecture']} model: {error}") from error
    broken = nonfinite_variables(model)
    if broken:
        raise WeightsError(f"{weights_path} holds infinite or NaN values in {len(broken)} variables "
                           f"({', '.join(broken[:3])}): not loaded; `python -m train export` the run they came from "
                           "again (it keeps in float32 what float16 cannot hold), or train them again")
    return model


def folder_files(folder, source, build=True):
    return checked_files(os.path.join(folder, CONFIG_FILE), os.path.join(folder, WEIGHTS_FILE), source, build)


def load_local(path, build=True):
    folder = resolve_folder(path)
    return folder_files(folder, f"local weights {folder}", build)


def shipped_folder(kind="photo"):
    return DRAWING_WEIGHTS_DIR if kind == "drawing" else DEFAULT_WEIGHTS_DIR


def shipped_config(kind="photo"):
    """The shipped weights' config for photos or drawings, read without building the model; None where none is
    shipped."""
    path = os.path.join(shipped_folder(kind), CONFIG_FILE)
    return read_config(path) if os.path.isfile(path) else None


def load_default(kind="photo", build=True):
    """The shipped weights for photos (the default) or for drawings."""
    folder = shipped_folder(kind)
    config = shipped_config(kind)
    if config is None:
        raise WeightsError(
            f"no default {kind} weights are shipped in this copy of colorize; use local weights or a Hub repo"
        )
    label = "shipped default weights" if kind == "photo" else "shipped drawing weights"
    return folder_files(folder, f"{label} ({config['architecture']})", build)


def _download(repo_id, revision, offline):
    if not offline and not COMMIT_HASH.fullmatch(revision or ""):
        # hf_hub_download quietly serves a branch from the cache when the Hub fails; this HEAD request raises
        # instead, so that load_hub's fallback can say so
        get_hf_file_metadata(hf_hub_url(repo_id, CONFIG_FILE, revision=revision), timeout=constants.HF_HUB_ETAG_TIMEOUT)
    return [hf_hub_download(repo_id, name, revision=revision, local_files_only=offline)
            for name in (CONFIG_FILE, WEIGHTS_FILE)]


def reason_of(error):
    """The telling line of an error: huggingface_hub's 404s start with a bare '404 Client Error.'"""
    lines = [line for line in str(error).splitlines() if line.strip() and not line.endswith("Client Error.")]
    return lines[0] if lines else type(error).__name__


def load_hub(repo_id, revision=None):
    """Download (or reuse from the cache) a Hub repo's weights; if the Hub is unreachable, use the cache,
    then the shipped default, and say so in the source. A repo, revision or file that does not exist is an error."""
    label = f"{repo_id}@{revision or 'main'}"
    try:
        return checked_files(*_download(repo_id, revision, offline=False), f"Hub {label}")
    except (RepositoryNotFoundError, RevisionNotFoundError, RemoteEntryNotFoundError) as error:
        raise WeightsError(f"{label} not found on the Hub: {reason_of(error)}") from error
    except (OSError, httpx2.HTTPError, WeightsError) as error:  # unreachable, 5xx, timeouts, a damaged download
        reason = reason_of(error)
    try:
        return checked_files(*_download(repo_id, revision, offline=True), f"Hub {label} (cached copy)").with_warning(
            f"the Hub could not be reached ({reason}); using the cached copy of {label}")
    except (OSError, WeightsError):
        pass
    try:
        fallback = load_default()
    except WeightsError:
        raise WeightsError(f"cannot get {label} from the Hub ({reason}); it is not cached and no default is shipped")
    return fallback.with_warning(f"{label} could not be downloaded ({reason}); using the shipped default weights")


def load_weights(weights: str | os.PathLike | None = None, hub: str | None = None, revision: str | None = None,
                 kind: str = "photo", build: bool = True) -> LoadedWeights:
    """The one entry point: a local path, else a Hub repo, else the shipped default (for photos, or the
    shipped drawing weights for kind="drawing"). Not `build`: local and shipped weights are checked against
    their hash and their model built at first use (Hub weights are built at once: a download that does not
    load falls back to the cache)."""
    if weights and hub:
        raise WeightsError("give either a local weights path or a Hub repo, not both")
    if revision and not hub:
        raise WeightsError("a revision needs a Hub repo to go with it")
    loaded = load_local(weights, build) if weights else load_hub(hub, revision) if hub else load_default(kind, build)
    if loaded.warning:
        logger.warning(loaded.warning)
    return loaded
