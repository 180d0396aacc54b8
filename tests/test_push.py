"""`python -m train push` against the local Hub stand-in: what arrives, in one commit, and what a failure leaves."""
import json
import os

import pytest

from colorize.weights import BEST_SUBFOLDER, CONFIG_FILE, WEIGHTS_FILE, model_config, sha256_of
from tests.hub_stand_in import HubStandIn
from tests.subcommand import run_subcommand
from train import push
from train.card import model_card

REPO = "tester/colorize-unet"
TOKEN = "hf_stand_in_secret_0123456789"
RESULTS = {"psnr": 22.5, "ssim": 0.91, "ciede2000": 9.5, "ab_auc": 0.9, "colorfulness_ratio": 0.6}
GRAY = {"psnr": 21.0, "ssim": 0.9, "ciede2000": 11.0, "ab_auc": 0.88, "colorfulness_ratio": 0.0}


@pytest.fixture
def run_dir(tmp_path):
    """An evaluated training run: best/ (small stand-in weights with their true hash), metrics.json, two plots."""
    run = tmp_path / "run"
    (run / BEST_SUBFOLDER).mkdir(parents=True)
    weights = run / BEST_SUBFOLDER / WEIGHTS_FILE
    weights.write_bytes(os.urandom(50_000))
    config = {**model_config("unet", data=["/data/scenes"]), "weights_file": WEIGHTS_FILE,
              "weights_sha256": sha256_of(weights)}
    (run / BEST_SUBFOLDER / CONFIG_FILE).write_text(json.dumps(config))
    metrics = {"weights": "local weights", "split": "val",
               "datasets": {"scenes": {"images": 5, "skipped": {}, "model": RESULTS, "gray": GRAY}}}
    (run / "metrics.json").write_text(json.dumps(metrics))
    for plot in ("learning_curves.png", "samples.png"):
        (run / plot).write_bytes(b"\x89PNG " + plot.encode())
    return run


@pytest.fixture
def hub(monkeypatch, tmp_path):
    with HubStandIn() as stand_in:
        stand_in.point_client(monkeypatch, str(tmp_path / "hf"))
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        yield stand_in


def push_cli(*argv):
    return run_subcommand(push, *argv)


def test_push_uploads_the_run_in_one_commit(run_dir, hub, capfd):
    assert push_cli("--run", run_dir, "--repo", REPO) == 0
    out, err = capfd.readouterr()
    commit = hub.history(REPO)[0]
    assert commit.oid in out and len(hub.history(REPO)) == 2  # the repo's first commit, then ours
    assert sorted(commit.files) == [".gitattributes", "README.md", CONFIG_FILE, "learning_curves.png",
                                    "metrics.json", WEIGHTS_FILE, "samples.png"]
    assert commit.files[WEIGHTS_FILE] == (run_dir / BEST_SUBFOLDER / WEIGHTS_FILE).read_bytes()
    card = commit.files["README.md"].decode()
    for needed in ("model-index", "value: 22.5", "Intel Image Classification", "research and education",
                   "Intended use", "Limitations", f"--hub {REPO} --revision", f'Colorizer.from_weights(hub="{REPO}"'):
        assert needed in card
    assert any(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in hub.requests)
    assert TOKEN not in out + err
    assert not [f for f, data in commit.files.items() if TOKEN.encode() in data]
    assert not [p for p in run_dir.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]


def test_a_failed_upload_leaves_the_repo_as_it_was(run_dir, hub, capfd):
    assert push_cli("--run", run_dir, "--repo", REPO) == 0
    before = hub.history(REPO)
    capfd.readouterr()
    for route in ("commit", "create"):
        hub.fail(500, route)
        assert push_cli("--run", run_dir, "--repo", REPO) == 1
        hub.heal()
    assert hub.history(REPO) == before
    out, err = capfd.readouterr()
    assert not out and err.count("\n") == 2 and err.count("push: upload failed, nothing was committed") == 2
    assert TOKEN not in out + err


def test_push_to_a_branch_with_a_typed_token(run_dir, hub, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setattr(push.getpass, "getpass", lambda prompt: "typed-" + TOKEN)
    assert push_cli("--run", run_dir, "--repo", REPO, "--revision", "trial", "--token", "--private") == 0
    assert [c.message for c in hub.history(REPO)] == ["initial commit"]  # main untouched
    assert "README.md" in hub.history(REPO, "trial")[0].files
    assert all(r.headers.get("authorization") == f"Bearer typed-{TOKEN}" for r in hub.requests if r.route)


def test_push_refuses_an_unevaluated_or_damaged_run(run_dir, hub, capsys):
    (run_dir / "metrics.json").unlink()
    assert push_cli("--run", run_dir, "--repo", REPO) == 1
    assert "python -m train evaluate" in capsys.readouterr().err
    (run_dir / BEST_SUBFOLDER / WEIGHTS_FILE).write_bytes(b"not the weights")
    assert push_cli("--run", run_dir, "--repo", REPO) == 1
    assert "does not match" in capsys.readouterr().err
    assert not hub.requests  # nothing reached the Hub


def test_the_card_renders_as_markdown_for_the_docs(run_dir):
    card = model_card(run_dir)
    assert card.data.eval_results and "model-index" in str(card)
    assert not card.text.startswith("---") and "USER/REPO" in card.text and "| scenes | 5 | gray |" in card.text
