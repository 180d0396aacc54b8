"""The panels of a comic or manga page, so that each is coloured on its own.

Run over a whole page, the drawing model sees each figure a few dozen pixels tall and the long panel
borders and gutters as something to paint: it tints the paper along them. A page's gutters are the paper
that reaches the page's edge; what they enclose are the panels. A panel here is a connected area
that is not gutter and fills nearly all of its bounding box (the frame and everything in it), so a
single drawing on white paper, whose outline is not a rectangle, stays one image.
"""
import numpy as np
from scipy import ndimage

from .images import resize_plane
from .screentone import INK_LEVEL, PAPER_LEVEL  # a frame's rows and columns are mostly ink

SQUARENESS = 0.9  # a panel covers at least this share of its bounding box
SMALLEST = 0.01  # a panel covers at least this share of the page
SHORTEST = 96  # px: and is at least this wide and tall (the parts of a small drawing are no panels)
FRAME = 0.05  # a panel's frame is at most this share of its side thick
HALO = 2  # px: a frame line's blurred edge on either side of its ink, taken off with it
LEFT_OVER = 0.005  # drawn pixels outside the panels above this share of the page: coloured as one image
EDGE = 4  # px along a panel's sides where a frame's leftovers are not taken for drawing (see drawn_box)
FADE = 0.1  # of a drawing's longer side: its colours fade to paper over this much of a panel's paper around it
MARGIN = 0.4  # of a drawing's longer side: the paper around it when a panel is framed to its drawing (measured)


def gutters(lightness):
    """The paper connected to the page's edge (H, W) bool."""
    paper = lightness > PAPER_LEVEL
    labels, _ = ndimage.label(paper)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return np.isin(labels, edge[edge > 0])


def inside_frame(lightness, box):
    """The box without its frame: the rows and columns along each side that are mostly ink are taken off, with
    the blurred lines on either side of them (a scan's, a resampled page's), so the model sees the panel's
    drawing on its paper, as it was trained, and no border to paint along."""
    top, left, bottom, right = box
    part = lightness[top:bottom, left:right]
    ink, dark = part < INK_LEVEL, part <= PAPER_LEVEL
    rows = (ink.mean(axis=1) > 0.5, dark.mean(axis=1) > 0.5)
    columns = (ink.mean(axis=0) > 0.5, dark.mean(axis=0) > 0.5)

    def run(ink, dark):  # the frame's lines from one side: ink, with up to HALO blurred lines on either side
        limit = int(np.ceil(FRAME * len(ink)))
        outer = 0
        while outer < min(HALO, limit) and dark[outer] and not ink[outer]:
            outer += 1
        frame = outer + int(np.argmin(np.append(ink[outer:limit], False)))
        if frame == outer:  # no ink: no frame on this side
            return 0
        inner = frame
        while inner < min(frame + HALO, limit) and dark[inner] and not ink[inner]:
            inner += 1
        return inner

    return (top + run(*rows), left + run(*columns), bottom - run(*(f[::-1] for f in rows)),
            right - run(*(f[::-1] for f in columns)))


def find_panels(lightness):
    """Boxes (top, left, bottom, right) of a page's panels, inside their frames; none when the image is not a
    page of two or more panels with nothing drawn outside them (a title, a figure across the gutter)."""
    gutter = gutters(lightness)
    labels, _ = ndimage.label(~gutter)
    boxes = []
    for index, where in enumerate(ndimage.find_objects(labels), start=1):
        if where is None:
            continue
        height, width = where[0].stop - where[0].start, where[1].stop - where[1].start
        area = height * width
        big = min(height, width) >= SHORTEST and area >= SMALLEST * lightness.size
        if big and np.count_nonzero(labels[where] == index) >= SQUARENESS * area:
            boxes.append((where[0].start, where[1].start, where[0].stop, where[1].stop))
    if len(boxes) < 2:
        return []
    covered = gutter.copy()
    for top, left, bottom, right in boxes:
        covered[top:bottom, left:right] = True
    drawn_outside = np.count_nonzero(~covered & (lightness <= PAPER_LEVEL))
    if drawn_outside > LEFT_OVER * lightness.size:
        return []
    return [inside_frame(lightness, box) for box in boxes]


def drawn_box(lightness, box):
    """The box (top, left, bottom, right) around what is drawn (not paper) inside a box, or None for an empty one.
    What lies within EDGE of the box's sides is not looked at: a frame's leftovers (its blurred or slanted
    edge, which `inside_frame` leaves) would make every panel drawn to its edges; a drawing found within EDGE
    of a side is taken to meet that side."""
    top, left, bottom, right = box
    if min(bottom - top, right - left) <= 2 * EDGE:
        return box
    drawn = lightness[top + EDGE : bottom - EDGE, left + EDGE : right - EDGE] <= PAPER_LEVEL
    rows, columns = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    if not len(rows):
        return None
    height, width = drawn.shape
    return (top if rows[0] == 0 else top + EDGE + rows[0], left if columns[0] == 0 else left + EDGE + columns[0],
            bottom if rows[-1] == height - 1 else top + EDGE + rows[-1] + 1,
            right if columns[-1] == width - 1 else left + EDGE + columns[-1] + 1)


def frame_of(lightness, box):
    """What the model is shown of a box (top, left, bottom, right): its drawing (the drawn pixels, not paper)
    with a MARGIN of paper around, reaching past the box where the box has too little paper (cut, see
    `cut`), so that a figure is seen at one scale (the one it was trained on), whatever the size of its panel
    and its place there: a character drawn small in one panel and large in the next is coloured alike. A
    side where the drawing meets the box's edge (a figure cut off by its frame, a drawing that fills the
    picture) stays at the edge; nothing drawn: the box."""
    return framed(box, drawn_box(lightness, box))


def framed(box, drawn):
    """`frame_of` for a box whose drawn part (`drawn_box`) is known."""
    if drawn is None:
        return box
    top, left, bottom, right = box
    y0, x0, y1, x1 = drawn
    pad = int(np.ceil(MARGIN * max(y1 - y0, x1 - x0)))
    return (top if y0 == top else y0 - pad, left if x0 == left else x0 - pad,
            bottom if y1 == bottom else y1 + pad, right if x1 == right else x1 + pad)


def overlap(box, other):
    """The box (top, left, bottom, right) where two boxes overlap."""
    return (*np.maximum(box[:2], other[:2]).tolist(), *np.minimum(box[2:], other[2:]).tolist())


def cut(lightness, box, frame, side):
    """The model input (side, side) of a box shown as `frame` (see `frame_of`): L over the frame, paper
    (L 100) where the frame reaches past the box."""
    y0, x0, y1, x1 = frame
    top, left, bottom, right = overlap(box, frame)
    shown = np.full((y1 - y0, x1 - x0), 100.0, np.float32)
    shown[top - y0 : bottom - y0, left - x0 : right - x0] = lightness[top:bottom, left:right]
    return resize_plane(shown, (side, side))


def scaled_box(box, shape, side):
    """A box of an image of `shape` (H, W) in the pixels of a (side, side) plane of it: (y0, x0, y1, x1)."""
    (top, left, bottom, right), (height, width) = box, shape
    y0, x0 = round(top * side / height), round(left * side / width)
    return y0, x0, max(y0 + 1, round(bottom * side / height)), max(x0 + 1, round(right * side / width))


def panel_hints(hints, box, shape, side, frame=None):
    """The part of a page's model hints (S, S, 3) over one box shown as `frame` (default: the box), at the
    model side (nearest pixel: a hint stays a hint); none where the frame reaches past the box."""
    y0, x0, y1, x1 = scaled_box(frame or box, shape, hints.shape[0])
    top, left, bottom, right = scaled_box(box, shape, hints.shape[0])
    rows = y0 + (np.arange(side) * (y1 - y0)) // side
    columns = x0 + (np.arange(side) * (x1 - x0)) // side
    inside = ((rows >= top) & (rows < bottom))[:, None] & ((columns >= left) & (columns < right))[None, :]
    part = hints[np.clip(rows, 0, len(hints) - 1)][:, np.clip(columns, 0, len(hints) - 1)]
    return np.where(inside[..., None], part, 0.0).astype(hints.dtype)


def paste_panels(boxes, shape, side, ab, fills, frames=None, drawn=None):
    """A page's model output (ab (side, side, 2), fills' L (side, side)) from its boxes' own (one per box,
    any size, each covering its frame, see `frame_of`; default: the box), for a page of `shape` (H, W): what
    is outside every box gets no colour and paper's lightness. Where `drawn` gives each box's drawn part
    (`drawn_box`), a box's paper around it fades to paper too, over FADE of the drawing's size: the model
    paints the paper at a panel's edges (orange smudges, a cream wash) where the page is white."""
    page_ab = np.zeros((side, side, 2), np.float32)
    page_fill = np.full((side, side), 100.0, np.float32)
    for box, frame, panel_ab, panel_fill, part in zip(boxes, frames or boxes, ab, fills, drawn or boxes):
        if part is None:  # nothing drawn: paper
            continue
        y0, x0, y1, x1 = scaled_box(frame, shape, side)
        top, left, bottom, right = overlap(scaled_box(box, shape, side), (y0, x0, y1, x1))
        inside = slice(top - y0, bottom - y0), slice(left - x0, right - x0)
        size = (x1 - x0, y1 - y0)
        weight = drawing_weight(scaled_box(part, shape, side), (top, left, bottom, right))
        page_fill[top:bottom, left:right] = 100 - weight * (100 - resize_plane(panel_fill, size)[inside])
        for c in range(2):
            page_ab[top:bottom, left:right, c] = weight * resize_plane(panel_ab[..., c], size)[inside]
    return page_ab, page_fill


def drawing_weight(part, area):
    """How much of the model's colour each pixel of an area (top, left, bottom, right) keeps, (H, W): all of it over
    the box `part`, none from FADE of the part's longer side away from it (at least 2 pixels)."""
    top, left, bottom, right = area
    band = max(2.0, FADE * max(part[2] - part[0], part[3] - part[1]))
    rows = np.maximum(np.maximum(part[0] - np.arange(top, bottom), np.arange(top, bottom) - part[2] + 1), 0)
    columns = np.maximum(np.maximum(part[1] - np.arange(left, right), np.arange(left, right) - part[3] + 1), 0)
    return np.clip(1 - np.maximum(rows[:, None], columns[None, :]) / band, 0, 1).astype(np.float32)
