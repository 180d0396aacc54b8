"""The training loop behind `python -m train fit`: data, model, loss, callbacks, resume."""
import json
import os
import sys

import keras
import numpy as np

from colorize.ab_bins import ab_bin_centers
from colorize.encoder import EncoderInitError, train_last_blocks
from colorize.fast_model import cpu_has_bfloat16
from colorize.files import made_folder, write_atomically
from colorize.hints import HINT_CHANNELS
from colorize.interrupts import deferred, raise_if_asked
from colorize.model import build_model, encoder_of
from colorize.weights import WeightsError, load_local, model_config
from train.checkpoints import Checkpoint, latest_checkpoint, restore
from train.data import ColorBatches
from train.devices import placement
from train.drawing_loss import DrawingLoss
from train.mix import photos_per_folder, sampling_probabilities
from train.rebalance import ab_prior, rebalancing_weights, undo_rebalancing
from train.reports import plot_learning_curves, save_samples
from train.run_folder import BIN_WEIGHTS_FILE, LEARNING_CURVES, LOG_FILE, RUN_FILE, SAMPLES
from train.splits import split

PRIOR_PHOTOS = 500  # training photos whose colours estimate the ab prior


def has_gpu():
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return any(device.platform == "gpu" for device in jax.devices())
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    return False


def set_precision(choice):
    if choice == "auto":
        choice = "mixed_bfloat16" if has_gpu() or cpu_has_bfloat16() else "float32"
    keras.mixed_precision.set_global_policy(choice)
    return choice


def prepare_run(run_dir, settings, writes=True):
    """Make the split once and store it with the settings in run.json (resume reads it back); only the
    process that `writes` the run folder stores it (the split is the same on every process)."""
    if "split" not in settings:
        settings["split"] = split(settings["data"], settings["val_share"])
        if settings.get("limit"):
            settings["split"]["train"] = settings["split"]["train"][: settings["limit"]]
        val, keep = settings["split"]["val"], settings.get("val_photos")
        if keep and len(val) > keep:
            settings["split"]["val"] = [val[i] for i in np.linspace(0, len(val) - 1, keep).round().astype(int)]
    if writes:
        made_folder(run_dir)
        write_atomically(os.path.join(run_dir, RUN_FILE), json.dumps(settings, indent=1))
    chosen = settings["split"]
    print(f"fit: {len(chosen['train'])} training and {len(chosen['val'])} validation photos; skipped "
          + ", ".join(f"{n} {why}" for why, n in chosen["skipped"].items()))
    if len(settings["data"]) > 1:
        per_folder = photos_per_folder(chosen["train"], settings["data"])
        print("fit: training photos per folder (sampling weight): " + ", ".join(
            f"{name} {n} ({w:g})" for (name, n), w in zip(per_folder.items(), settings["data_weights"])))
    if not chosen["train"] or not chosen["val"]:
        raise SystemExit("fit: need at least one training and one validation photo")


def mixed_probabilities(paths, settings):
    """Per-photo sampling probabilities for a mix of folders; None for one folder (each photo once an epoch)."""
    if len(settings["data"]) < 2:
        return None
    return sampling_probabilities(paths, settings["data"], settings["data_weights"])


def seen_view(settings):
    """The side training crops are cut from (train.data.seen_size): --image-size for --crop-scale inference,
    None for the photo's own scale."""
    return settings["image_size"] if settings["crop_scale"] == "inference" else None


def bin_weights_for(paths, probabilities, crop_size, seed, view=None):
    """Rebalancing weights from the colours of a sample of training photos, drawn as training draws them."""
    chosen = np.random.default_rng(seed).choice(len(paths), min(len(paths), PRIOR_PHOTOS), replace=False,
                                                p=probabilities)
    sample = ColorBatches([paths[i] for i in sorted(chosen)], batch_size=len(chosen), size=crop_size,
                          train=False, seed=seed, view=view)
    _, ab = sample[0]
    return rebalancing_weights(ab_prior(ab[:, ::4, ::4]))


def initial_model(settings, head, restoring=False):
    """(The model a run starts from, the share of the class rebalancing its bins head has undone): built on its
    --encoder, or a copy of the --init weights (exported weights record a share, `train export
    --undo-rebalancing`); when a checkpoint will overwrite every weight, the bare network (so a resumed run needs
    neither again)."""
    hints, drawing = bool(settings.get("hints")), bool(settings.get("drawing"))
    if restoring or not settings.get("init"):
        encoder = "none" if restoring else settings["encoder"]
        try:
            return build_model(settings["architecture"], encoder, head, settings["temperature"], hints,
                               predicts_lightness=drawing), 0.0
        except EncoderInitError as error:
            raise SystemExit(f"fit: {error}") from error
    try:
        loaded = load_local(settings["init"])
        model, config, folder = loaded.model, loaded.config, os.path.dirname(loaded.weights_path)
    except WeightsError as error:
        raise SystemExit(f"fit: --init: {error}") from error
    if (config["architecture"], config["head"]) != (settings["architecture"], head):
        raise SystemExit(f"fit: --init {folder} holds a {config['architecture']} model with a "
                         f"{config['head']} head; this run trains {settings['architecture']} "
                         f"with a {head} head")
    print(f"fit: starting from the weights in {folder}")
    if config.get("hints") and not hints:
        raise SystemExit(f"fit: --init {folder} takes hints; add --hints")
    if config.get("predicts_lightness") and not drawing:
        raise SystemExit(f"fit: --init {folder} is a drawing model; add --drawing")
    parts = (("hint inputs, at zero", hints, config.get("hints")),
             ("a lightness head, at paper white", drawing, config.get("predicts_lightness")))
    added = [what for what, wanted, has in parts if wanted and not has]
    undone = config.get("undo_rebalancing", 0.0)
    if not added:
        return model, undone
    print(f"fit: adding {' and '.join(added)}: the model starts out colorizing as those weights do")
    return with_weights_of(model, build_model(settings["architecture"], "none", head, settings["temperature"], hints,
                                              predicts_lightness=drawing)), undone


def with_weights_of(source, target):
    """`target` with every layer that `source` has by name (the rest as built: hint layers start at zero)."""
    for layer in source.layers:
        target.get_layer(layer.name).set_weights(layer.get_weights())
    return target


def keep_log_rows(path, epochs):
    """Drop the log's rows for epochs after the checkpoint (a kill after the log was written): they run again."""
    if not os.path.isfile(path):
        return
    try:
        with open(path) as f:
            lines = f.read().splitlines(keepends=True)
        if not lines or not lines[0].startswith("epoch,"):
            raise ValueError("no epoch column")
        kept = lines[:1] + [line for line in lines[1:] if int(line.split(",", 1)[0]) < epochs]
    except (ValueError, UnicodeDecodeError) as error:  # a damaged log costs its rows, not the run
        print(f"fit: {path} is damaged ({error}); it starts again from this epoch", file=sys.stderr)
        os.remove(path)
        return
    if len(kept) != len(lines):
        write_atomically(path, "".join(kept))


def whole_batches(paths, batch, devices):
    """Validation photos in whole batches when a batch is split over several devices (a partial last batch
    would not split evenly); all of them on one device."""
    return paths if devices < 2 else paths[: len(paths) // batch * batch]


def fit(run_dir, settings, resume=False, verbose=1, workers=1, devices=None):
    place = placement(devices, settings["batch_size"])  # first: several machines must meet before JAX starts
    previous = keras.mixed_precision.global_policy()
    try:
        with place.scope():
            val_paths = fit_placed(run_dir, settings, place, resume, verbose, workers)
        if place.writes:  # outside the scope: the samples' model runs on this process's device alone
            plot_learning_curves(os.path.join(run_dir, LOG_FILE), os.path.join(run_dir, LEARNING_CURVES))
            save_samples([run_dir], val_paths[: settings["samples"]], os.path.join(run_dir, SAMPLES))
    finally:  # the run's precision (`set_precision`) ends with it: a caller's later models keep their own
        keras.mixed_precision.set_global_policy(previous)


def fit_placed(run_dir, settings, place, resume, verbose, workers):
    """The run, with the model built and fitted where `place` says (data parallel over its devices); returns
    the validation photos."""
    keras.utils.set_random_seed(settings["seed"])
    policy = set_precision(settings["precision"])
    head = "bins" if settings["loss"] == "bins" else "regression"
    checkpoint = latest_checkpoint(run_dir) if resume else None
    if resume and not checkpoint:  # starting over would overwrite the run's log and best weights
        raise SystemExit(f"fit: {run_dir} has no usable checkpoint to resume from; nothing was changed "
                         "(start a new run with another --out)")
    # before the run folder exists: a wrong --init or --encoder leaves nothing behind
    model, undone = initial_model(settings, head, restoring=bool(checkpoint))
    prepare_run(run_dir, settings, place.writes)
    batch, spread = settings["batch_size"], len(place.devices)
    train_paths, val_paths = settings["split"]["train"], whole_batches(settings["split"]["val"], batch, spread)
    if not val_paths:
        raise SystemExit(f"fit: {len(settings['split']['val'])} validation photos make no whole batch of {batch} "
                         f"to split over {spread} devices; use a smaller --batch-size")
    if len(train_paths) < batch:
        raise SystemExit(f"fit: {len(train_paths)} training photos make no whole batch of {batch}; use a smaller "
                         "--batch-size")
    if spread > 1:
        print(f"fit: data parallel on {spread} devices ({', '.join(place.devices)}), {batch // spread} photos each "
              f"per step; validating on {len(val_paths)} of the {len(settings['split']['val'])} held-out photos "
              f"(whole batches)"
              + (f"; process {place.process + 1} of {place.processes}" if place.processes > 1 else ""))
    train_last_blocks(encoder_of(model), settings["train_blocks"])
    weights_config = model_config(
        settings["architecture"], head, settings["image_size"], settings["temperature"],
        encoder=str(settings["encoder"]), init=settings.get("init"), loss=settings["loss"],
        crop_size=settings["crop_size"], epochs=settings["epochs"], batch_size=settings["batch_size"],
        learning_rate=settings["learning_rate"], freeze_encoder=settings["freeze_encoder"],
        train_blocks=settings["train_blocks"], precision=policy, data=settings["data"],
        data_weights=settings["data_weights"], degrade=settings.get("degrade", 0.0), hints=bool(settings.get("hints")),
        predicts_lightness=bool(settings.get("drawing")), kind="drawing" if settings.get("drawing") else "photo",
        train_photos=len(train_paths), val_photos=len(val_paths), backend=keras.backend.backend(),
        devices=max(1, spread), crop_scale=settings["crop_scale"],
    )
    size = settings["crop_size"]
    probabilities = mixed_probabilities(train_paths, settings)
    epoch_photos = settings.get("epoch_photos") or len(train_paths)
    drawing = bool(settings.get("drawing"))
    if head == "bins":
        logits = model.get_layer("ab_logits").output
        if drawing:  # the fills' L beside the logits, at the same (half) size: one output for DrawingLoss
            fill = model.get_layer("fill_lightness").output
            logits = keras.layers.Concatenate(name="logits_and_fill")([logits, fill])
        trained = keras.Model(model.input, logits)
        shapes = [(1, size, size, 1), (1, size, size, HINT_CHANNELS), (1, len(ab_bin_centers()))]
        stride = size // trained.compute_output_shape(shapes if settings.get("hints") else shapes[0])[1]
        weights_path = os.path.join(run_dir, BIN_WEIGHTS_FILE)
        if os.path.isfile(weights_path):
            bin_weights = np.load(weights_path, allow_pickle=False)
        else:  # the same on every process: each computes it, the first stores it
            bin_weights = bin_weights_for(train_paths, probabilities, size, settings["seed"], seen_view(settings))
            if place.writes:
                np.save(weights_path, bin_weights)
        if undone and not checkpoint:  # trained as rebalanced logits: Adam's small steps could not move it back
            undo_rebalancing(model, bin_weights, -undone)
            print(f"fit: the --init weights had {undone} of the class rebalancing undone (train export); put back "
                  "for training")
        data = {"targets": "bins", "target_stride": stride, "bin_weights": bin_weights}
        loss = DrawingLoss() if drawing else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    elif drawing:
        raise SystemExit("fit: --drawing needs --loss bins")
    else:
        trained, data, loss = model, {"targets": "ab"}, keras.losses.MeanSquaredError()
    steps = max(1, epoch_photos // batch)
    rate = settings["learning_rate"]
    if settings["schedule"] == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps * settings["epochs"], alpha=0.05)
    trained.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)

    initial_epoch, best = 0, float("inf")
    if checkpoint:
        state = restore(checkpoint, model, trained.optimizer, trained.trainable_variables)
        initial_epoch, best = state["epoch"], state["best_val_loss"]
        print(f"fit: resuming after epoch {initial_epoch} from {checkpoint}")
        keep_log_rows(os.path.join(run_dir, LOG_FILE), initial_epoch)
    if initial_epoch >= settings["epochs"]:
        print(f"fit: the run already has {initial_epoch} of {settings['epochs']} epochs")
    threads = {"workers": workers, "max_queue_size": 4 * workers}
    data.update(hints=bool(settings.get("hints")), drawing=drawing, shard=place.shard, view=seen_view(settings))
    train_data = ColorBatches(train_paths, batch, size, True, seed=settings["seed"], epoch=initial_epoch,
                              probabilities=probabilities, epoch_photos=epoch_photos,
                              degrade=settings.get("degrade", 0.0), **data, **threads)
    val_data = ColorBatches(val_paths, batch, size, False, **data, **threads)
    stop_if_asked = lambda batch, logs: raise_if_asked()  # noqa: E731  (a held Ctrl-C, between batches)
    with deferred():
        trained.fit(
            train_data, validation_data=val_data, epochs=settings["epochs"], initial_epoch=initial_epoch,
            shuffle=False,  # ColorBatches shuffles by (seed, epoch): a resumed run sees the same batches
            # the log row first: a kill between the two leaves a row for an epoch that resume runs again (and drops)
            callbacks=([keras.callbacks.CSVLogger(os.path.join(run_dir, LOG_FILE), append=initial_epoch > 0),
                        Checkpoint(run_dir, model, weights_config, best)] if place.writes else [])
            + [keras.callbacks.LambdaCallback(on_train_batch_end=stop_if_asked, on_test_batch_end=stop_if_asked)],
            verbose=verbose if place.writes else 0,
        )
    return val_paths
