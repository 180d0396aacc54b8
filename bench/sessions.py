"""The app's memory while many pages each hold a large result: N pages (default 10) each colorize a 16 MP
drawing through the page's own handler and keep what it returns, as Gradio keeps a page's state.

    python -m bench.sessions [--pages 10] [--megapixels 16] [--kind Drawing]

Prints the process's resident memory (RSS) idle after a warm-up, after each page and at the end, and the
bytes the pages' kept predictions hold (bounded by `webapp.kept.MAX_KEPT_BYTES`).
"""
import argparse
import os
import tempfile
import time

from PIL import Image

from bench.common import ROOT, machine, process_memory_mb
from webapp.handlers import Handlers
from webapp.serving import limit_allocator_arenas, load_colorizer


def big_copy(folder, megapixels, index):
    """examples/manga-page.png scaled to about `megapixels`, one pixel changed so that each page's differs."""
    with Image.open(os.path.join(ROOT, "examples", "manga-page.png")) as page:
        scale = (megapixels * 1e6 / (page.width * page.height)) ** 0.5
        big = page.convert("L").resize((round(page.width * scale), round(page.height * scale)), Image.BICUBIC)
    big.putpixel((0, 0), index)
    path = os.path.join(folder, f"page-{index}.png")
    big.save(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--megapixels", type=float, default=16)
    parser.add_argument("--kind", default="Drawing", choices=["Auto", "Photo", "Drawing"])
    args = parser.parse_args(argv)
    limit_allocator_arenas()  # as app.py does at start-up
    colorizer, error = load_colorizer()
    if colorizer is None:
        raise SystemExit(f"sessions: {error}")
    handlers = Handlers(colorizer)
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        paths = [big_copy(folder, args.megapixels, i) for i in range(args.pages)]
        handlers.colorize(os.path.join(ROOT, "examples", "chibi.png"), kind=args.kind)  # warm-up, nothing kept
        idle = process_memory_mb()
        print(f"idle after a warm-up: {idle:.0f} MB")
        pages = []
        for i, path in enumerate(paths, 1):
            started = time.perf_counter()
            *_, shown, status = handlers.show(path, 1.0, "[]", None, args.kind, "Keep")
            pages.append(shown)
            rss = process_memory_mb()
            print(f"page {i}: {time.perf_counter() - started:.1f} s, RSS {rss:.0f} MB (+{rss - idle:.0f}), "
                  f"kept {handlers.kept.nbytes / 2**20:.0f} MB")
        held = sum(page.kept.planes is not None for page in pages)
        rss = process_memory_mb()
        print(f"{len(pages)} pages of {args.megapixels:g} MP: RSS {rss:.0f} MB, +{rss - idle:.0f} MB over "
              f"idle; {held} predictions kept ({handlers.kept.nbytes / 2**20:.0f} MB), the others let go")


if __name__ == "__main__":
    main()
