"""Damaged files, made by flipping random bytes (seeded) of small images and by retyping EXIF entries:
whatever Pillow makes of them, each one is colorized or refused in one line by the library, the command
line and the app's batch, and never stops the others."""
import random
import struct
import zipfile

import pytest
from PIL import Image

from colorize import ImageError
from colorize.cli import main
from tests.images import gradient_rgb
from tests.test_app import batch_endpoint, import_app
from webapp import batch

FORMATS = {"jpg": "JPEG", "png": "PNG", "tif": "TIFF", "webp": "WEBP", "gif": "GIF"}
MUTANTS_PER_FORMAT = 6
ORIENTATION, IMAGE_WIDTH = 0x0112, 0x0100
SHORT, ASCII, RATIONAL = 3, 2, 5


def exif_block(entries):
    """Raw little-endian EXIF with the given (tag, type, count, 4 value bytes) entries, unchecked."""
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHI", *entry[:3]) + entry[3] for entry in entries)
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0"


RETYPED_EXIF = {  # each has a readable picture: keep it, even where its orientation cannot be applied
    "width-as-text": [(IMAGE_WIDTH, ASCII, 4, b"abc\0"), (ORIENTATION, SHORT, 1, b"\3\0\0\0")],
    "orientation-as-text": [(ORIENTATION, ASCII, 4, b"six\0")],
    "orientation-as-fraction": [(ORIENTATION, RATIONAL, 1, b"\x40\0\0\0")],
    "orientation-pointing-away": [(ORIENTATION, SHORT, 40, b"\xff\xff\0\0")],
}


def mutated_corpus(folder):
    """(path, kind) for each damaged file; the seed keeps the corpus the same every run."""
    picture = Image.fromarray(gradient_rgb(48, 32))
    rng = random.Random(0)
    files = []
    for ext, kind in FORMATS.items():
        good = folder / f"good.{ext}"
        picture.save(good, kind)
        data = good.read_bytes()
        for i in range(MUTANTS_PER_FORMAT):
            mutant = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                mutant[rng.randrange(len(mutant))] ^= rng.randint(1, 255)
            path = folder / f"flipped-{ext}-{i}.{ext}"
            path.write_bytes(bytes(mutant))
            files.append((path, "flipped"))
    for name, entries in RETYPED_EXIF.items():
        for ext in ("jpg", "png", "webp"):
            path = folder / f"exif-{name}-{ext}.{ext}"
            picture.save(path, FORMATS[ext], exif=exif_block(entries))
            files.append((path, "exif"))
    return files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return mutated_corpus(tmp_path_factory.mktemp("mutated"))


@pytest.fixture(scope="module")
def readable(colorizer, corpus):
    """The names the library colorizes; every other file must be refused with a one-line ImageError."""
    names, problems = set(), []
    for path, kind in corpus:
        try:
            result = colorizer.colorize(str(path))
        except ImageError as error:
            if kind == "exif" or "\n" in str(error) or path.name not in str(error):
                problems.append(f"{path.name}: {error!r}")
            continue
        except Exception as error:  # the point of the test: nothing else may come out
            problems.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        assert result.rgb.shape[2] == 3
        names.add(path.name)
    assert not problems, "\n".join(problems)
    return names


def test_library_colorizes_or_refuses_each_in_one_line(readable, corpus):
    assert sum(kind == "flipped" for path, kind in corpus if path.name not in readable) >= 5
    assert {path.name for path, kind in corpus if kind == "exif"} <= readable


@pytest.mark.slow
def test_command_line_writes_every_readable_one(readable, corpus, untrained_weights, tmp_path, capsys):
    out = tmp_path / "out"
    code = main([*(str(path) for path, _ in corpus), "-o", str(out), "--weights", untrained_weights, "--kind", "photo"])
    errors = capsys.readouterr().err.splitlines()
    assert code == 1 and "Traceback" not in "\n".join(errors)
    assert sorted(p.name for p in out.iterdir()) == sorted(name.rsplit(".", 1)[0] + ".png" for name in readable)
    refused = [line for line in errors if line.startswith("colorize: ")]
    assert len(refused) == len(corpus) - len(readable)


@pytest.mark.slow
def test_app_batch_zips_every_readable_one(readable, corpus, untrained_weights, tmp_path_factory, monkeypatch):
    app = import_app(tmp_path_factory, untrained_weights)
    monkeypatch.setattr(batch, "MAX_BATCH_FILES", len(corpus))
    answers = batch_endpoint(app)([str(path) for path, _ in corpus], 1.0)
    archive, summary, _ = next(answers)
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == sorted(name.rsplit(".", 1)[0] + ".png" for name in readable)
    answers.close()
    assert f"Skipped {len(corpus) - len(readable)}:" in summary and "Traceback" not in summary
