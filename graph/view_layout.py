"""Stable positions for a view, computed in Python so the picture is the same on every machine.

    layout(keys, pairs)     {key: (x, y)} in pixels, one ideal edge about PIXELS long

By default our seeded, grid-accelerated Fruchterman-Reingold in pure Python (linear per
iteration). With PENINSULA_LAYOUT=igraph and python-igraph installed: igraph's
Fruchterman-Reingold (in C) per connected component, the components packed in rows. Looked at
side by side on the curated views (2026-12-03), igraph's picture packs the main component into a
denser core than ours, so ours stays the default; igraph is an option, not a dependency.
"""

from __future__ import annotations

import math
import os
import random
from collections import defaultdict

PIXELS = 150.0  # one ideal edge length of the layout, in screen pixels
SEED = 1729
FAR_FIELD_ABOVE = 1000  # nodes; smaller graphs get only the cut-off repulsion (it reads better on hub graphs)
PULL_CAP = 2.0  # edges longer than this pull like springs (linear), not d^2: dense graphs do not collapse


def grid_layout(keys: list[str], pairs, *, seed: int = SEED, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Stable positions (pixels) for the nodes: seeded Fruchterman-Reingold, repulsion on a grid.

    Near repulsion only between nodes within the cut-off (found on a grid), attraction along the
    edges, and above FAR_FIELD_ABOVE nodes the far field of the repulsion as for a disc (a sort):
    each iteration costs O(n log n + edges), the number of iterations falls as the graph grows,
    so 10k nodes lay out in seconds without numpy (networkx's spring layout is O(n^2) per step)."""
    keys = sorted(keys)
    n = len(keys)
    if n == 0:
        return {}
    if n == 1:
        return {keys[0]: (0.0, 0.0)}
    index = {k: i for i, k in enumerate(keys)}
    links = sorted({(min(a, b), max(a, b)) for a, b in ((index.get(s), index.get(d)) for s, d in pairs)
                    if a is not None and b is not None and a != b})
    rnd = random.Random(seed)
    side = math.sqrt(n) * 1.2
    xs = [rnd.uniform(-side / 2, side / 2) for _ in range(n)]
    ys = [rnd.uniform(-side / 2, side / 2) for _ in range(n)]
    if iterations is None:
        iterations = 150 if n <= 1000 else 60 if n <= 2000 else 25
    cell = 3.0 if n <= 1000 else 2.0  # repulsion cutoff, in ideal edge lengths (k = 1)
    cutoff2 = cell * cell
    far = n > FAR_FIELD_ABOVE
    gravity = 1.0 if far else 0.06 if n <= 300 else 0.03
    temp = side / 6
    cool = temp / (iterations + 1)
    for _ in range(iterations):
        fx = [0.0] * n
        fy = [0.0] * n
        grid: dict = defaultdict(list)
        for i in range(n):
            grid[(math.floor(xs[i] / cell), math.floor(ys[i] / cell))].append(i)
        for (cx, cy), members in grid.items():
            groups = [(members, True)]
            for ox, oy in ((1, 0), (1, 1), (0, 1), (-1, 1)):
                other = grid.get((cx + ox, cy + oy))
                if other:
                    groups.append((other, False))
            for other, same in groups:
                for a, i in enumerate(members):
                    xi, yi = xs[i], ys[i]
                    for j in (other[a + 1:] if same else other):
                        dx, dy = xi - xs[j], yi - ys[j]
                        d2 = dx * dx + dy * dy
                        if d2 > cutoff2:
                            continue
                        if d2 < 1e-6:
                            dx, dy, d2 = 0.01 * ((i - j) % 7 - 3) or 0.01, 0.01, 2e-4
                        f = 1.0 / d2
                        fx[i] += dx * f
                        fy[i] += dy * f
                        fx[j] -= dx * f
                        fy[j] -= dy * f
        if far:
            # the far field of every other node's repulsion, as for a disc: |F| = (nodes nearer the
            # centre) / r, outward. Sorting is O(n log n); without it big graphs collapse into a
            # dense core that the cut-off repulsion cannot open, and each iteration grows superlinear.
            cx, cy = sum(xs) / n, sum(ys) / n
            for rank, (r2, i) in enumerate(sorted(((xs[i] - cx) ** 2 + (ys[i] - cy) ** 2, i) for i in range(n))):
                if r2 > 1e-9:
                    fx[i] += (xs[i] - cx) * rank / r2
                    fy[i] += (ys[i] - cy) * rank / r2
        for i, j in links:
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            d = min(math.sqrt(dx * dx + dy * dy), PULL_CAP)
            fx[i] -= dx * d
            fy[i] -= dy * d
            fx[j] += dx * d
            fy[j] += dy * d
        for i in range(n):
            gx = fx[i] - gravity * xs[i]
            gy = fy[i] - gravity * ys[i]
            disp = math.sqrt(gx * gx + gy * gy)
            if disp > temp:
                gx, gy = gx * temp / disp, gy * temp / disp
            xs[i] += gx
            ys[i] += gy
        temp = max(temp - cool, 0.01)
    mx, my = sum(xs) / n, sum(ys) / n
    # whole pixels: vis-network truncates positions to integers anyway
    return {k: (float(round((xs[i] - mx) * PIXELS)), float(round((ys[i] - my) * PIXELS))) for i, k in enumerate(keys)}




def _igraph():
    if os.environ.get("PENINSULA_LAYOUT", "").lower() != "igraph":
        return None
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def layout(keys: list[str], pairs, *, seed: int = SEED, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Stable positions (pixels) for the nodes: grid_layout, or with PENINSULA_LAYOUT=igraph
    igraph's Fruchterman-Reingold per connected component, components packed in rows."""
    ig = _igraph()
    keys = sorted(set(keys))
    if ig is None or len(keys) < 3:
        return grid_layout(keys, pairs, seed=seed, iterations=iterations)
    index = {k: i for i, k in enumerate(keys)}
    links = sorted({(min(a, b), max(a, b)) for a, b in ((index.get(s), index.get(d)) for s, d in pairs)
                    if a is not None and b is not None and a != b})
    graph = ig.Graph(n=len(keys), edges=links)
    rnd = random.Random(seed)
    ig.set_random_number_generator(random.Random(seed))  # igraph draws from Python's RNG: seed it
    try:
        pieces = _igraph_pieces(graph, rnd, iterations)
    finally:
        ig.set_random_number_generator(random)
    return _pack(keys, pieces)


def _igraph_pieces(graph, rnd, iterations):
    pieces = []
    for members in sorted(graph.connected_components(), key=lambda c: (-len(c), min(c))):
        sub = graph.induced_subgraph(members)
        n = len(members)
        if n == 1:
            coords = [(0.0, 0.0)]
        else:
            start = [[rnd.uniform(-1, 1) * math.sqrt(n), rnd.uniform(-1, 1) * math.sqrt(n)] for _ in range(n)]
            niter = iterations or (1000 if n <= 1000 else 500 if n <= 5000 else 300)
            coords = [tuple(p) for p in sub.layout_fruchterman_reingold(seed=start, niter=niter,
                                                                          grid="auto" if n > 1000 else "nogrid")]
        pieces.append((members, _unit_edges(coords, [(a, b) for a, b in sub.get_edgelist()])))
    return pieces


def _unit_edges(coords, edges):
    """Coordinates scaled so that the median edge is one unit long, centred."""
    if edges:
        lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edges)
        unit = lengths[len(lengths) // 2] or 1.0
    else:
        unit = 1.0
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    return [((x - cx) / unit, (y - cy) / unit) for x, y in coords]


def _pack(keys, pieces, gap: float = 1.2) -> dict:
    """Components side by side in rows about as wide as the largest is (shelf packing), in pixels."""
    boxes = []
    for members, coords in pieces:
        xs = [x for x, _ in coords]
        ys = [y for _, y in coords]
        boxes.append((members, coords, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    width = max(max(b[4] for b in boxes), math.sqrt(sum((b[4] + gap) * (b[5] + gap) for b in boxes)) * 1.6)
    out, x, y, row = {}, 0.0, 0.0, 0.0
    for members, coords, x0, y0, w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row + gap, 0.0
        for i, (px, py) in zip(members, coords, strict=True):
            out[keys[i]] = (px - x0 + x, py - y0 + y)
        x += w + gap
        row = max(row, h)
    mx = sum(p[0] for p in out.values()) / len(out)
    my = sum(p[1] for p in out.values()) / len(out)
    return {k: (float(round((px - mx) * PIXELS)), float(round((py - my) * PIXELS))) for k, (px, py) in out.items()}
