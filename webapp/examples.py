"""The page's examples, each with its caption; sources and licences are in examples/README.md."""
import os

EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
EXAMPLES = {  # file: caption
    "astronaut.jpg": "Portrait",
    "castle.jpg": "Castle in the trees",
    "grace-hopper.jpg": "Navy portrait, 1984",
    "harbour.jpg": "Harbour",
    "horse.jpg": "Horse",
    "camera.jpg": "Black-and-white photo",
    "chelsea.jpg": "Cat",
    "coins.jpg": "Old museum print",
    "river-landscape.png": "Drawn landscape",
    "manga-girl.png": "Manga face",
    "chibi.png": "Line art",
    "manga-page.png": "Manga page",
}


def example_paths():
    return [[os.path.join(EXAMPLES_DIR, name)] for name in EXAMPLES]
