"""Publish a training run to the Hugging Face Hub: its best weights, config, metrics, plots and a model card,
in one commit, so the repo never holds half a model. Prints the commit hash to pin.

The token comes from huggingface_hub (the HF_TOKEN variable, or `hf auth login`), or is typed at a prompt
with --token; it is never printed or written anywhere.
"""
import getpass
import os
import sys

import httpx2
from huggingface_hub import CommitOperationAdd, HfApi

from colorize.weights import CONFIG_FILE, WEIGHTS_FILE, WeightsError, read_config, reason_of, sha256_of
from train.card import model_card
from train.run_folder import BEST, METRICS_FILE, PLOTS


def add_arguments(parser):
    parser.add_argument("--run", required=True, metavar="RUN_DIR", help="a training run folder, evaluated (it holds "
                        f"{BEST}/ and {METRICS_FILE}: python -m train evaluate --weights RUN_DIR ...)")
    parser.add_argument("--repo", required=True, metavar="REPO_ID", help="the model repo, e.g. user/colorize-unet "
                        "(created if needed)")
    parser.add_argument("--private", action="store_true", help="create the repo private")
    parser.add_argument("--revision", default="main", metavar="BRANCH", help="the branch to commit to (created from "
                        "main if needed; default main)")
    parser.add_argument("--token", action="store_true", help="type the Hub token at a prompt instead of using "
                        "HF_TOKEN or the saved login")


def files_to_upload(run_dir):
    """{path in the repo: local path}; raises WeightsError when the run is incomplete or its weights damaged."""
    best = os.path.join(run_dir, BEST)
    config = read_config(os.path.join(best, CONFIG_FILE))
    weights = os.path.join(best, WEIGHTS_FILE)
    if not os.path.isfile(weights) or sha256_of(weights) != config.get("weights_sha256"):
        raise WeightsError(f"{weights} is missing or does not match the hash in its config; not publishing it")
    if not os.path.isfile(os.path.join(run_dir, METRICS_FILE)):
        raise WeightsError(f"{run_dir} has no {METRICS_FILE}: run python -m train evaluate --weights {run_dir} "
                           "--data DIR first, so that the card can show how well the model does")
    files = {CONFIG_FILE: os.path.join(best, CONFIG_FILE), WEIGHTS_FILE: weights}
    for name in (METRICS_FILE, *PLOTS):
        if os.path.isfile(os.path.join(run_dir, name)):
            files[name] = os.path.join(run_dir, name)
    return files


def publish(api, run_dir, repo_id, private=False, branch="main"):
    """Create the repo (and branch) if needed, then commit everything at once; returns the CommitInfo."""
    files = files_to_upload(run_dir)
    card = str(model_card(run_dir, repo_id)).encode()
    operations = [CommitOperationAdd(path_in_repo=name, path_or_fileobj=path) for name, path in files.items()]
    operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card))
    api.create_repo(repo_id, private=private, exist_ok=True)
    if branch != "main":
        api.create_branch(repo_id, branch=branch, exist_ok=True)
    name = os.path.basename(os.path.normpath(run_dir))
    return api.create_commit(repo_id, operations=operations, revision=branch,
                             commit_message=f"Upload colorize weights from run {name}")


def run(args):
    token = getpass.getpass("Hugging Face token: ") if args.token else None
    try:
        commit = publish(HfApi(token=token), args.run, args.repo, args.private, args.revision)
    except httpx2.HTTPError as error:  # the Hub refused or could not be reached; a commit is all or nothing
        print(f"push: upload failed, nothing was committed to {args.repo}: {reason_of(error)}", file=sys.stderr)
        return 1
    except (WeightsError, OSError, KeyError, ValueError) as error:
        print(f"push: {reason_of(error)}", file=sys.stderr)
        return 1
    print(f"push: committed {commit.oid} to {args.repo} ({args.revision})")
    print(f"push: pin it: python -m colorize PHOTO --output-dir OUT --hub {args.repo} --revision {commit.oid}")
    return 0
