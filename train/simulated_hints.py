"""Hints simulated from the truth, so that the hint model learns to follow them (Zhang et al. 2017).

Half of the photos get no local hints (the automatic case must stay as good as without hint inputs);
the others a geometric number of square patches of 1-9 pixels at random places, each carrying its
patch's mean true ab. The global hint, the truth's own ab distribution, is given a fifth of the time;
at inference a reference image's distribution stands in for it.
"""
import numpy as np

from colorize.ab_bins import ab_bin_centers
from colorize.hints import ab_distribution, hint_array

NO_HINTS_SHARE = 0.5
POINTS_P = 1 / 8  # geometric distribution of the number of points (mean 8), as Zhang et al.
MAX_PATCH = 9
REFERENCE_SHARE = 0.2


def simulate_hints(ab, rng):
    """(local hints (S, S, 3), reference (Q,)) for one training crop's true ab (S, S, 2) in [-1, 1]."""
    size = ab.shape[0]
    patches = []
    if rng.random() >= NO_HINTS_SHARE:
        for _ in range(min(rng.geometric(POINTS_P), 256)):
            side = int(rng.integers(1, MAX_PATCH + 1))
            top, left = (int(v) for v in rng.integers(0, size - side + 1, size=2))
            patches.append((top, left, side, side, ab[top : top + side, left : left + side].mean(axis=(0, 1))))
    reference = (ab_distribution(ab[::2, ::2]) if rng.random() < REFERENCE_SHARE
                 else np.zeros(len(ab_bin_centers()), np.float32))
    return hint_array(size, patches), reference
