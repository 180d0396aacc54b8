"""Blind pairs: both pictures shown at one size a judge can see, small ones enlarged, large ones reduced."""
import numpy as np

from bench.blind_pairs import GAP, SIDE, side_by_side


def test_small_and_large_pictures_are_shown_side_by_side_at_the_judging_size():
    for height, width in ((64, 48), (900, 1200)):
        left = np.zeros((height, width, 3), np.uint8)
        right = np.full((height, width, 3), 200, np.uint8)
        pair = np.asarray(side_by_side(left, right))
        half = (pair.shape[1] - GAP) // 2
        assert max(pair.shape[0], half) == SIDE
        assert pair[:, :half].max() == 0 and pair[:, half + GAP:].min() == 200  # left stays left, right right
        assert pair[:, half:half + GAP].min() == 255  # the white gap between
