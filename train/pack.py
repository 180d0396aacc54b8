"""Re-encode training photos small (WebP), in parts, to carry them to a GPU machine that limits uploads.

Each photo keeps its folder and its exact file name (the content is WebP whatever the name ends with:
Pillow reads by content), so a fit on the packed copy makes the same train/validation split as on the
original, which goes by name. `--parts N` deals the photos in turn into part1 ... partN. `--max-side` and
`--limit` make a mix of large folders small enough to travel: the training crops (at most 224) need no more
than a few hundred pixels, and an epoch samples a few thousand photos of each folder.
"""
import os

from PIL import Image
from tqdm import tqdm

from colorize.files import made_folder
from colorize.images import ImageError, read_rgb
from train.arguments import positive
from train.splits import check_folders, photos_of


def add_arguments(parser):
    parser.add_argument("--data", nargs="+", required=True, metavar="DIR", help="folders of colour photos")
    parser.add_argument("--out", required=True, metavar="DIR", help="where the packed copy goes")
    parser.add_argument("--quality", type=int, default=70, help="WebP quality, 1-100 (default 70)")
    parser.add_argument("--parts", type=positive, default=1, help="deal the photos into this many folders (default 1)")
    parser.add_argument("--max-side", type=int, metavar="PX",
                        help="shrink photos whose longer side is above PX to PX (default: keep their size)")
    parser.add_argument("--limit", type=positive, metavar="N",
                        help="at most N photos of each folder, spread evenly over it")


def run(args):
    if not 1 <= args.quality <= 100:
        raise SystemExit("pack: --quality must be 1-100")
    if args.max_side is not None and args.max_side < 16:
        raise SystemExit("pack: --max-side must be at least 16 pixels")
    try:
        check_folders(args.data)
    except FileNotFoundError as error:
        raise SystemExit(f"pack: {error}") from None
    made_folder(args.out)  # a file in its way is told before any photo is read
    written, skipped, sizes = 0, 0, [0] * args.parts
    for folder in args.data:
        root = os.path.abspath(folder)
        for index, path in enumerate(tqdm(photos_of(root, args.limit), desc=f"pack {folder}", unit="photo")):
            part = index % args.parts
            relative = os.path.relpath(os.path.dirname(path), os.path.dirname(root))
            target_dir = os.path.join(args.out, f"part{part + 1}" if args.parts > 1 else "", relative)
            try:
                rgb = read_rgb(path)
            except ImageError:
                skipped += 1
                continue
            made_folder(target_dir)
            target = os.path.join(target_dir, os.path.basename(path))
            photo = Image.fromarray(rgb)
            if args.max_side:
                photo.thumbnail((args.max_side, args.max_side), Image.Resampling.LANCZOS)
            photo.save(target, "WEBP", quality=args.quality, method=6)
            sizes[part] += os.path.getsize(target)
            written += 1
    print(f"pack: {written} photos into {args.out} ({', '.join(f'{s / 2**20:.1f} MiB' for s in sizes)}), "
          f"{skipped} unreadable skipped")
    return 0
