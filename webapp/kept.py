"""What the model made of each page's image, kept so that its saturation and screentone settings remake the
result without the model, and bounded in bytes across all pages: Gradio keeps a page's state for as long as the
page lives whatever its size, and ten pages of 16 MP drawings held 1.5 GB before this bound."""
import collections
import threading
import weakref

import numpy as np

MAX_KEPT_BYTES = 768 << 20  # all pages' predictions together (a 16 MP drawing's is 64 MB); past it the least used go


class Kept:
    """One page's prediction, its full-size planes in float16 (L to 0.06, half the memory; a photo's L and the L
    the model saw are one plane). `planes` becomes None when the app lets it go: the page's next restyle then
    runs the model again."""

    def __init__(self, prediction):
        lightness = prediction.lightness.astype(np.float16)
        seen = lightness if prediction.seen is prediction.lightness else prediction.seen.astype(np.float16)
        self.planes = prediction._replace(lightness=lightness, seen=seen)
        self.shape = prediction.shape
        arrays = {id(a): a for a in (lightness, seen, prediction.ab, prediction.fill) if a is not None}
        self.nbytes = sum(a.nbytes for a in arrays.values())

    def prediction(self):
        """The Prediction in float32, ready to compose; None if it was let go."""
        planes = self.planes
        if planes is None:
            return None
        lightness = planes.lightness.astype(np.float32)
        seen = lightness if planes.seen is planes.lightness else planes.seen.astype(np.float32)
        return planes._replace(lightness=lightness, seen=seen)


class KeptPredictions:
    """The pages' Kept predictions, least recently used first. `hold` a page's newest or restyled one; those of
    closed pages (gone with Gradio's session state) stop counting by themselves."""

    def __init__(self, max_bytes=MAX_KEPT_BYTES):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._held = collections.OrderedDict()  # id -> weak reference, oldest first

    def hold(self, kept):
        """Count `kept` as just used, and let the least recently used others go while all are over the bound."""
        with self._lock:
            self._held.pop(id(kept), None)
            self._held[id(kept)] = weakref.ref(kept)
            live = [(key, ref()) for key, ref in self._held.items()]
            for key, held in live:
                if held is None or held.planes is None:
                    del self._held[key]
            total = sum(held.nbytes for _, held in live if held is not None and held.planes is not None)
            for key, held in live[:-1]:
                if total <= self.max_bytes:
                    break
                if held is not None and held.planes is not None:
                    total -= held.nbytes
                    held.planes = None
                    del self._held[key]

    @property
    def nbytes(self):
        """The bytes of the predictions held now."""
        with self._lock:
            return sum(held.nbytes for held in (ref() for ref in self._held.values())
                       if held is not None and held.planes is not None)
