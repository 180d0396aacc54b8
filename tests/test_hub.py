"""The library's Hub path against the local stand-in: pinned downloads, the cache, 404s and Hub faults."""
import os
import subprocess
import sys

import numpy as np
import pytest
from huggingface_hub import constants
from PIL import Image

from colorize import Colorizer, WeightsError, cli, load_weights, weights
from colorize.weights import CONFIG_FILE, WEIGHTS_FILE
from tests.hub_stand_in import HubStandIn

REPO = "tester/colorize-unet"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def weight_files(untrained_weights):
    """config.json and model.weights.h5 of an untrained model, as bytes."""
    return {name: open(os.path.join(untrained_weights, name), "rb").read() for name in (CONFIG_FILE, WEIGHTS_FILE)}


@pytest.fixture
def hub(weight_files, monkeypatch, tmp_path):
    monkeypatch.setattr(weights, "DEFAULT_WEIGHTS_DIR", str(tmp_path / "no-default"))  # as if none were shipped
    with HubStandIn() as stand_in:
        stand_in.point_client(monkeypatch, str(tmp_path / "hf"))
        stand_in.add_commit(REPO, weight_files)
        yield stand_in


def test_a_pinned_revision_downloads_is_cached_and_loads_offline(hub, tmp_path):
    oid = hub.head(REPO)
    first = load_weights(hub=REPO, revision=oid)
    assert oid in first.source and not first.warning
    snapshot = tmp_path / "hf" / "hub" / "models--tester--colorize-unet" / "snapshots" / oid
    assert sorted(os.listdir(snapshot)) == [CONFIG_FILE, WEIGHTS_FILE]
    hub.stop()
    second = load_weights(hub=REPO, revision=oid)
    assert not second.warning  # a pinned, cached commit needs no Hub: nothing was missed
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("repo, revision, says", [
    ("tester/nothing-here", None, "Repository Not Found"),
    (REPO, "0" * 40, "Revision Not Found"),
    (REPO, "no-such-branch", "Revision Not Found"),
    (REPO, "config-only", "Entry Not Found"),
])
def test_what_does_not_exist_is_a_clear_error(hub, weight_files, repo, revision, says):
    hub.add_commit(REPO, {CONFIG_FILE: weight_files[CONFIG_FILE]}, branch="config-only")
    with pytest.raises(WeightsError, match=f"not found on the Hub: {says}") as error:
        load_weights(hub=repo, revision=revision)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("fault", ["500", "hang"])
def test_a_failing_hub_falls_back_to_the_cache_and_says_so(hub, fault, monkeypatch):
    assert not Colorizer.from_weights(hub=REPO, revision="main").warning
    if fault == "hang":
        monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", 1)  # give up on a silent Hub after a second
        hub.hang()
    else:
        hub.fail(500)
    colorizer = Colorizer.from_weights(hub=REPO, revision="main")
    assert "cached copy" in colorizer.source
    assert "could not be reached" in colorizer.warning and "cached copy" in colorizer.warning


def test_a_failing_hub_with_nothing_cached_is_a_clear_error(hub):
    hub.fail(503)
    with pytest.raises(WeightsError, match="cannot get .* from the Hub .*503.*not cached"):
        load_weights(hub=REPO, revision="main")


def test_a_failing_hub_with_nothing_cached_falls_back_to_shipped_weights(hub, weight_files, monkeypatch, tmp_path):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for name, data in weight_files.items():
        (shipped / name).write_bytes(data)
    monkeypatch.setattr(weights, "DEFAULT_WEIGHTS_DIR", str(shipped))
    hub.fail(500)
    loaded = load_weights(hub=REPO, revision="main")
    assert "shipped default" in loaded.source and "using the shipped default" in loaded.warning


@pytest.mark.parametrize("damage, says", [
    (lambda data: data[:1000] + bytes([data[1000] ^ 1]) + data[1001:], "does not match the hash"),
    (lambda data: data[: len(data) // 2], "Consistency check failed"),
], ids=["altered", "truncated"])
def test_an_altered_or_truncated_weights_file_is_refused(hub, weight_files, damage, says):
    hub.corrupt(WEIGHTS_FILE, damage(weight_files[WEIGHTS_FILE]))
    with pytest.raises(WeightsError, match=says):
        load_weights(hub=REPO, revision=hub.head(REPO))


@pytest.mark.slow
def test_the_command_line_colorizes_with_a_pinned_hub_revision(hub, tmp_path):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 56), np.uint8)).save(photo)
    command = [sys.executable, "-m", "colorize", str(photo), "--output-dir", str(tmp_path / "out"),
               "--hub", REPO, "--revision", hub.head(REPO), "--kind", "photo"]
    done = subprocess.run(command, env=hub.environment(str(tmp_path / "hf-cli")), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "out" / "photo.png").size == (56, 40)
    assert [r.route for r in hub.requests].count("resolve") >= 2  # it really came from the stand-in


def test_the_command_line_says_in_one_line_what_is_missing(hub, tmp_path, capsys):
    status = cli.main([str(tmp_path / "photo.png"), "--output-dir", str(tmp_path / "out"),
                       "--hub", REPO, "--revision", "f" * 40])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith("colorize: ") and "Revision Not Found" in lines[0]

