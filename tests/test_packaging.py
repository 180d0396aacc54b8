"""The package's declared dependencies and the requirement files say the same thing."""
import os
import tomllib

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)


def requirement_lines(name):
    with open(os.path.join(ROOT, name)) as f:
        lines = [line.split("#")[0].strip() for line in f]
    return {line for line in lines if line and not line.startswith("-r")}


def test_requirement_files_pin_what_pyproject_declares():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    extras = project["optional-dependencies"]
    everything = set(project["dependencies"]) | set(extras["app"]) | set(extras["train"])
    assert requirement_lines("requirements.txt") == everything
    assert requirement_lines("requirements-test.txt") == set(extras["test"])
    assert requirement_lines("requirements-archive.txt") == set(extras["archive"])
