"""What the model made of each page's image, kept so that its saturation and screentone settings remake the
result without the model, and bounded in bytes across all pages: Gradio keeps a page's state for as long as the
page lives whatever its size, and ten pages of 16 MP drawings held 1.5 GB before this bound."""
import collections
import threading
import weakref

import numpy as np

MAX_KEPT_BYTES = 768 << 20  # all pages' predictions together (a 16 MP drawing's is 64 MB); past it the least used go


def _planes_as(prediction, dtype):
    """The prediction with its full-size L planes in dtype; a photo's L and the L the model saw stay one plane."""
    lightness = prediction.lightness.astype(dtype)
    seen = lightness if prediction.seen is prediction.lightness else prediction.seen.astype(dtype)
    return prediction._replace(lightness=lightness, seen=seen)


class Kept:
    """One page's prediction, its full-size planes in float16 (L to 0.06, half the memory; a photo's L and the L
    the model saw are one plane). `planes` becomes None when the app lets it go: the page's next restyle then
    runs the model again."""

    def __init__(self, prediction):
        self.planes = _planes_as(prediction, np.float16)
        self.shape = prediction.shape
        planes = self.planes
        arrays = {id(a): a for a in (planes.lightness, planes.seen, planes.ab, planes.fill) if a is not None}
        self.nbytes = sum(a.nbytes for a in arrays.values())

    def prediction(self):
        """The Prediction in float32, ready to compose; None if it was let go."""
        planes = self.planes
        return None if planes is None else _planes_as(planes, np.float32)


class KeptPredictions:
    """The pages' Kept predictions, least recently used first. `hold` a page's newest or restyled one; those of
    closed pages (gone with Gradio's session state) stop counting by themselves."""

    def __init__(self, max_bytes=MAX_KEPT_BYTES):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._held = collections.OrderedDict()  # id -> weak reference, oldest first

    def _live(self):
        """(id, Kept) of the predictions still held, oldest first; those closed or let go are forgotten."""
        live = []
        for key, ref in list(self._held.items()):
            held = ref()
            if held is None or held.planes is None:
                del self._held[key]
            else:
                live.append((key, held))
        return live

    def hold(self, kept):
        """Count `kept` as just used, and let the least recently used others go while all are over the bound."""
        with self._lock:
            self._held.pop(id(kept), None)
            self._held[id(kept)] = weakref.ref(kept)
            live = self._live()
            total = sum(held.nbytes for _, held in live)
            for key, held in live[:-1]:
                if total <= self.max_bytes:
                    break
                total -= held.nbytes
                held.planes = None
                del self._held[key]

    @property
    def nbytes(self):
        """The bytes of the predictions held now."""
        with self._lock:
            return sum(held.nbytes for _, held in self._live())
