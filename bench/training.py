"""Training throughput (images per second) per architecture, crop size and precision, on this machine's CPU.

    python -m bench.training [--crops 128 224] [--precisions float32 mixed_bfloat16] [--steps 3] [--no-write]

The training step of `train/training_loop.py` (Adam; the bins head's logits with sparse cross-entropy, or
the regression head with MSE) on random data through `train_on_batch`, after two warm-up steps (the
first one compiles). Reference in the same run: float32 matrix-multiply GFLOP/s, measured before and
after, which says how much of the CPU the run had.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from bench.common import command_line, machine, report, timed  # noqa: E402
from colorize.ab_bins import ab_bin_centers  # noqa: E402
from colorize.choices import ARCHITECTURES  # noqa: E402
from colorize.model import build_model  # noqa: E402

WARM_UP_STEPS = 2


def matmul_gflops(size=2048, repeats=5):
    a = np.random.default_rng(0).standard_normal((size, size), np.float32)
    best = min(timed(np.matmul, a, a)[1] for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def training_step(architecture, head, crop, batch, precision):
    """A compiled model and one batch, set up as train/training_loop.py does for this head."""
    keras.mixed_precision.set_global_policy(precision)
    try:
        model = build_model(architecture, "none", head)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    rng = np.random.default_rng(0)
    lightness = rng.uniform(0, 100, (batch, crop, crop, 1)).astype(np.float32)
    if head == "bins":
        trained = keras.Model(model.input, model.get_layer("ab_logits").output)
        cells = trained.compute_output_shape((batch, crop, crop, 1))[1]
        targets = rng.integers(0, len(ab_bin_centers()), (batch, cells, cells))
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    else:
        trained, targets, loss = model, rng.uniform(-1, 1, (batch, crop, crop, 2)).astype(np.float32), "mse"
    trained.compile(optimizer=keras.optimizers.Adam(1e-4), loss=loss)
    return lambda: trained.train_on_batch(lightness, targets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architectures", nargs="+", default=list(ARCHITECTURES))
    parser.add_argument("--head", default="bins", choices=("bins", "regression"))
    parser.add_argument("--crops", nargs="+", type=int, default=[128, 224])
    parser.add_argument("--precisions", nargs="+", default=["float32", "mixed_bfloat16"])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=3, help="timed steps after the warm-up")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    about, before = machine(), matmul_gflops()
    rows = []
    for architecture in args.architectures:
        for crop in args.crops:
            rates = {}
            for precision in args.precisions:
                step = training_step(architecture, args.head, crop, args.batch, precision)
                for _ in range(WARM_UP_STEPS):
                    step()
                seconds = [timed(step)[1] for _ in range(args.steps)]
                rates[precision] = args.batch / np.median(seconds)
                ratio = rates[precision] / rates[args.precisions[0]]
                rows.append(f"| {architecture} | {crop} | {precision} | {rates[precision]:.1f} | "
                            f"{args.batch / max(seconds):.1f}-{args.batch / min(seconds):.1f} | {ratio:.2f} |")
                print(rows[-1], flush=True)
    after = matmul_gflops()
    table = f"""
Command: `{command_line()}`; {args.head} head, batch {args.batch}, {args.steps} timed steps after
{WARM_UP_STEPS} warm-up steps, TensorFlow backend on the CPU (no GPU was lent to this task).
Machine: {about}. Reference: float32 2048x2048 matmul {before:.0f} GFLOP/s before the run, {after:.0f} after.

| architecture | crop | precision | images/s (median) | range | vs {args.precisions[0]} |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}
"""
    report("training", table, write=not args.no_write)


if __name__ == "__main__":
    main()
