"""Data-parallel training (`fit --devices N`) through Keras 3's distribution API, on JAX.

`keras.distribution.DataParallel` keeps a copy of the weights on every device and splits each global
batch over them; the gradients are averaged by XLA. On several machines every machine runs the same
command, once, with the variables `keras.distribution.initialize` reads (KERAS_DISTRIBUTION_JOB_ADDRESSES,
KERAS_DISTRIBUTION_NUM_PROCESSES, KERAS_DISTRIBUTION_PROCESS_ID): each process then loads its own share
of every batch (`Placement.shard`), and only the first writes the run folder, which all of them read.
"""
import contextlib
import os
from typing import NamedTuple

import keras

PROCESSES_VARIABLE = "KERAS_DISTRIBUTION_NUM_PROCESSES"


class Placement(NamedTuple):
    """Where a run trains: its devices, and this process's place among the processes."""

    devices: tuple
    process: int = 0
    processes: int = 1

    @property
    def shard(self):
        """(this process's index, process count): which part of each global batch this process loads."""
        return self.process, self.processes

    @property
    def writes(self):
        """Whether this process writes the run folder (the first one does; the others read it)."""
        return self.process == 0

    def scope(self):
        """The context to build and fit the model in: data parallel over several devices, else as usual."""
        if len(self.devices) < 2:
            return contextlib.nullcontext()
        # each process loads its own share (ColorBatches' shard): no sharding by Keras, which knows tf.data only
        return keras.distribution.DataParallel(devices=list(self.devices), auto_shard_dataset=False).scope()


def accelerators():
    """Every GPU or TPU that JAX sees, on every process; none on a machine with only CPUs."""
    import jax

    for platform in ("gpu", "tpu"):
        try:
            found = jax.devices(platform)
        except RuntimeError:  # no such backend here
            continue
        if found:
            return [f"{platform}:{device.id}" for device in found]
    return []


def placement(requested, batch_size):
    """The devices a run uses: `requested` of them (None: every accelerator, or the one CPU), checked
    against what is there and against the batch it must split."""
    if keras.backend.backend() != "jax":
        if requested and requested > 1:
            raise SystemExit(f"fit: --devices {requested} needs the JAX backend (KERAS_BACKEND=jax; this is "
                             f"{keras.backend.backend()})")
        return Placement(devices=())
    import jax

    if int(os.environ.get(PROCESSES_VARIABLE, "1")) > 1:
        keras.distribution.initialize()  # before anything else touches JAX's devices
    processes = jax.process_count()
    found = accelerators()
    available = found or keras.distribution.list_devices("cpu")
    count = requested or (len(available) if found or processes > 1 else 1)
    if count > len(available):
        raise SystemExit(f"fit: --devices {count}, but there are {len(available)} here ({', '.join(available)})")
    if batch_size % count:
        raise SystemExit(f"fit: --batch-size {batch_size} does not split evenly over {count} devices; "
                         f"give a multiple of {count}")
    if processes > 1 and count != len(available):
        raise SystemExit(f"fit: on {processes} processes a run uses every device ({len(available)}); "
                         f"leave out --devices or give {len(available)}")
    return Placement(tuple(available[:count]), jax.process_index(), processes)
