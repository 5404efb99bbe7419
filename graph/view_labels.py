"""Which labels a view shows at its opening zoom, how large, and room for them.

Label sizes live in layout units (vis-network scales them with the zoom); the page caps them on
screen at LABEL_MAX pixels (vis-network's `scaling.label.maxVisible`) and hides those below
LABEL_THRESHOLD. The policy, at the zoom that fits the whole network on a classroom projector:

- states and the most connected actors are always labelled (MUST_SIZES, largest that fits);
- then the best-ranked others while room is left (TOP_SIZES), the rest appear as you zoom in;
- no label covers another node or another label: a label that would is tried above its node,
  then smaller, else
  dropped to the zoom-in size; a label that must show moves the nodes it covers out from under
  it (only when the positions are ours, never positions given by the caller).
"""

from __future__ import annotations

import math
from collections import defaultdict

SCREEN = (760.0, 540.0)  # the network's share of a 1366x768 classroom projector, in CSS pixels
LABEL_THRESHOLD = 8  # px on screen: smaller labels are not drawn
LABEL_MAX = 20  # px on screen: no label is drawn larger, at any zoom
MUST_SIZES = (18.0, 15.0, 12.0)  # px at the fitted zoom, tried in order
TOP_SIZES = (13.0, 10.0)
TOP_COUNT = 16  # labelled beyond the must-haves, room permitting...
TOP_TRIES = 64  # ...among the best-ranked this many (the rest wait for the zoom)
MUST_ACTORS = 8  # the most connected actors that are always labelled...
MUST_STATES = 12  # ...and the most connected states
LABEL_REST = 5.0  # px at the fitted zoom: below the threshold, drawn from 1.6x the fitted zoom
# Advances of a label's characters, in ems: upper bounds of DejaVu Sans (the default sans-serif of
# Debian and Ubuntu, wider than Arial or Helvetica), so a label is never wider than planned
NARROW, WIDE = frozenset("fijlrtI.,:;'!|() -"), frozenset("mwMW")
NARROW_EM, WIDE_EM, UPPER_EM, CHAR_EM, CJK_EM = 0.42, 1.0, 0.79, 0.64, 1.0
GAP = 3.0  # px between a node and the top of its label
LINE = 1.1  # a label's height, in ems
HANG = 0.5  # the space between a node and its label, in ems


def fitted_scale(positions: dict) -> float:
    """The zoom (screen px per layout unit) at which vis-network's fit() shows every node."""
    if not positions:
        return 1.0
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    return min(SCREEN[0] / (max(xs) - min(xs) + 120), SCREEN[1] / (max(ys) - min(ys) + 120), 1.0)


def text_em(text: str) -> float:
    """The width of `text` in ems (at most; see NARROW_EM...)."""
    width = 0.0
    for ch in text:
        if ch in NARROW:
            width += NARROW_EM
        elif ch in WIDE:
            width += WIDE_EM
        elif ch.isupper():
            width += UPPER_EM
        elif ord(ch) >= 0x1100:
            width += CJK_EM
        else:
            width += CHAR_EM
    return max(width, CHAR_EM)


def label_box(x: float, y: float, radius: float, size: float, text: str, fit: float, above: bool = False):
    """The box (x0, y0, x1, y1) of a label of `size` layout units drawn under a node, as vis-network
    draws it, or above it (moved up by `shift_up`)."""
    half = size * text_em(text) / 2
    top = y + radius + HANG * size  # vis-network hangs the label half a line below the shape
    if above:
        top -= shift_up(radius, size, fit)
    return (x - half, top, x + half, top + LINE * size)


def shift_up(radius: float, size: float, fit: float) -> float:
    """How far up (layout units) a label moves to sit above its node instead of below."""
    return 2 * radius + 2 * HANG * size + LINE * size


def _hits(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Discs:
    """The nodes as discs on a grid, for 'what does this box cover' in time ~ the box's area."""

    def __init__(self, positions: dict, radii: dict, cell: float):
        self.cell, self.pos, self.radii = cell, positions, radii
        self.grid: dict = defaultdict(set)
        for key in positions:
            self._put(key)

    def _cells(self, x0, y0, x1, y1):
        c = self.cell
        for i in range(math.floor(x0 / c), math.floor(x1 / c) + 1):
            for j in range(math.floor(y0 / c), math.floor(y1 / c) + 1):
                yield i, j

    def _put(self, key):
        x, y = self.pos[key]
        r = self.radii.get(key, 0.0)
        for cell in self._cells(x - r, y - r, x + r, y + r):
            self.grid[cell].add(key)

    def move(self, key, xy):
        x, y = self.pos[key]
        r = self.radii.get(key, 0.0)
        for cell in self._cells(x - r, y - r, x + r, y + r):
            self.grid[cell].discard(key)
        self.pos[key] = xy
        self._put(key)

    def covered(self, box, owner) -> list:
        """The nodes other than `owner` whose disc meets the box."""
        out = set()
        for cell in self._cells(*box):
            for key in self.grid.get(cell, ()):
                if key == owner or key in out:
                    continue
                x, y = self.pos[key]
                r = self.radii.get(key, 0.0)
                nx, ny = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
                if (nx - x) ** 2 + (ny - y) ** 2 < r * r:
                    out.add(key)
        return sorted(out)


MOVE_UP_TO = 2000  # nodes: in denser pictures a label that finds no room waits for the zoom
SEARCH_PX = (12, 24, 36, 52, 72, 96, 124, 156)  # how far (screen px at the fitted zoom) a must-label node may move


def _moved_to_room(key, text, r, tiers, fit, discs, placed):
    """Move a node that must be labelled to the nearest spot where it and its label cover nothing:
    (px, box, above), with the node moved in `discs`, or None."""
    x0, y0 = discs.pos[key]
    for step in SEARCH_PX:
        for angle in range(0, 360, 30):
            dx = step / fit * math.cos(math.radians(angle))
            dy = step / fit * math.sin(math.radians(angle))
            x, y = x0 + dx, y0 + dy
            disc = (x - r, y - r, x + r, y + r)
            if discs.covered(disc, key) or any(_hits(disc, b) for b in placed):
                continue
            for px in tiers:
                for above in (False, True):
                    box = label_box(x, y, r, px / fit, text, fit, above)
                    if not any(_hits(box, b) for b in placed) and not discs.covered(box, key):
                        discs.move(key, (x, y))
                        return px, box, above
    return None


def plan_labels(order: list, must: set, positions: dict, radii: dict, labels: dict, *,
                movable: bool = True, keep: set | frozenset = frozenset()) -> tuple[dict, dict, dict]:
    """(label size per node in layout units, vertical shift of labels moved above their node,
    positions) for nodes ranked best first in `order`. Of `must`, those in `keep` are labelled
    even where no room is found; the others then wait for the zoom.

    Positions come back changed only for nodes moved from under a label that must show, and only
    when `movable`."""
    positions = dict(positions)
    fit = fitted_scale(positions)
    discs = _Discs(positions, radii, cell=max(60.0, min(40 / fit, 400.0)))
    ranked = [k for k in order if k in must] + [k for k in order if k not in must]
    placed: list = []
    fixed: set = set(must)
    sizes: dict = {}
    raised: dict = {}
    top_left = TOP_COUNT
    tries_left = TOP_TRIES
    for key in ranked:
        tiers = MUST_SIZES if key in must else TOP_SIZES if top_left > 0 and tries_left > 0 else ()
        if key not in must:
            tries_left -= 1
        x, y = positions[key]
        text = labels.get(key, key)
        chosen = None
        r = radii.get(key, 0.0)
        for px in tiers:
            for above in (False, True):
                box = label_box(x, y, r, px / fit, text, fit, above)
                if not any(_hits(box, b) for b in placed) and not discs.covered(box, key):
                    chosen = (px, box, above)
                    break
            if chosen:
                break
        if chosen is None and key in must and movable and len(positions) <= MOVE_UP_TO:
            chosen = _moved_to_room(key, text, r, tiers, fit, discs, placed)
            if chosen:
                x, y = positions[key]
        if chosen is None and key in must and key not in keep:
            chosen = None  # an actor that would cover others waits for the zoom like the rest
        elif chosen is None and key in must:
            px = tiers[-1]
            box = label_box(x, y, r, px / fit, text, fit)
            if movable:
                for other in discs.covered(box, key):
                    if other not in fixed:
                        ox, _ = discs.pos[other]
                        ro = radii.get(other, 0.0)
                        oy = box[3] + ro + GAP / fit
                        while any(_hits((ox - ro, oy - ro, ox + ro, oy + ro), b) for b in placed):
                            oy += ro + GAP / fit  # not under a label placed before either
                        discs.move(other, (ox, oy))
            chosen = (px, box, False)
        if chosen is None:
            sizes[key] = round(LABEL_REST / fit, 1)
            continue
        if key not in must:
            top_left -= 1
        fixed.add(key)
        placed.append(chosen[1])
        sizes[key] = round(chosen[0] / fit, 1)
        if chosen[2]:
            raised[key] = -round(shift_up(r, chosen[0] / fit, fit), 1)
    if movable:  # whole pixels, as the layout gives them (vis-network truncates them anyway)
        positions = {k: (float(round(x)), float(round(y))) for k, (x, y) in positions.items()}
    return sizes, raised, positions
