"""Training on a mix of folders: sampling weights, and a split that keeps a video's frames together."""
import argparse

import numpy as np
import pytest

from train.fit import folder_weight
from train.mix import parse_folder_weight, photos_per_folder, sampling_probabilities
from train.splits import is_validation, split_key


def test_folder_weights_parse_with_a_default_of_one():
    assert parse_folder_weight("data/scenes=0.6") == ("data/scenes", 0.6)
    assert parse_folder_weight("data/scenes") == ("data/scenes", 1.0)
    assert parse_folder_weight("data/a=b") == ("data/a=b", 1.0)
    with pytest.raises(argparse.ArgumentTypeError, match="positive number"):
        folder_weight("data/scenes=-1")


def test_each_folder_gets_its_share_whatever_its_size(tmp_path):
    big, small = str(tmp_path / "big"), str(tmp_path / "small")
    paths = [f"{big}/{i}.png" for i in range(90)] + [f"{small}/{i}.png" for i in range(10)]
    p = sampling_probabilities(paths, [big, small], [1.0, 1.0])
    assert p.sum() == pytest.approx(1.0)
    assert p[:90].sum() == pytest.approx(0.5) and p[90:].sum() == pytest.approx(0.5)
    drawn = np.random.default_rng(0).choice(len(paths), 4000, p=p)
    assert abs((drawn >= 90).mean() - 0.5) < 0.03


def test_parts_of_a_packed_copy_are_counted_apart():
    folders = ["pack/part1/scenes", "pack/part1/faces", "pack/part2/scenes"]
    paths = ["pack/part1/scenes/a.jpg", "pack/part1/scenes/b.jpg", "pack/part1/faces/c.jpg", "pack/part2/scenes/d.jpg"]
    assert photos_per_folder(paths, folders) == {"part1/scenes": 2, "faces": 1, "part2/scenes": 1}


def test_frames_of_one_clip_fall_on_the_same_side():
    assert split_key("x/davis_blackswan_00016.webp") == split_key("y/davis_blackswan_00024.webp")
    assert split_key("scenes/10006.webp") == "10006.webp"
    sides = {is_validation(f"davis_cows_{n:05d}.webp", 0.5) for n in range(0, 200, 8)}
    assert len(sides) == 1
