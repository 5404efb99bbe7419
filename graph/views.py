"""Offline interactive views: one self-contained HTML file per view, no network request at all.

    render(nodes, edges, title=...)      nodes/edges in the store's shape -> HTML
    named_view(store, "alliances")       the edges of some relationship families, their ends, their sources
    query_view(rows, spec, store)        a query result whose header says `graph: from=A to=B type=T`
    View                                 what they return: a str that shows inline in Jupyter (iframe srcdoc)
    write_view(page, path)               writes inside path's folder only (no `..`, never through a symlink)

The page is our own template (graph/templates/view.html + view.js + view.css) around the
vis-network build that ships inside the pyvis package, inlined. Data travels as JSON inside a
<script type="application/json"> block with `<`, `>`, `&`, U+2028 and U+2029 escaped; the page
builds every label, tooltip and inspector line with textContent, never HTML from data. Positions
are computed here (a seeded, grid-accelerated Fruchterman-Reingold in pure Python: linear per
iteration), so the picture is the same on every machine and vis-network's physics stays off.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF

from peninsula.graph.files import write_text_safely
from peninsula.ontology import InputError, QueryError, load

FAMILY_COLORS = {
    "membership": "#5d6d7e", "agreement": "#27ae60", "alliance": "#2e86de", "sanction": "#c0392b",
    "capability": "#d35400", "event": "#95a5a6", "diplomacy": "#d4ac0d", "influence": "#8e44ad",
    "cyber": "#af7ac5", "policy": "#a569bd",
}
PIXELS = 150.0  # one ideal edge length of the layout, in screen pixels
SEED = 1729
FAR_FIELD_ABOVE = 1000  # nodes; smaller graphs get only the cut-off repulsion (it reads better on hub graphs)
PULL_CAP = 2.0  # edges longer than this pull like springs (linear), not d^2: dense graphs do not collapse
_YEAR = re.compile(r"^\s*(-?\d{1,4})")


@dataclass(frozen=True)
class ViewSpec:
    title: str
    families: tuple[str, ...]
    description: str


VIEWS = {
    "alliances": ViewSpec("Alliances and memberships", ("alliance", "membership", "agreement"),
                          "Who is allied with whom, who belongs to which organization, who is party to what."),
    "influence": ViewSpec("Influence and support", ("influence", "alliance", "policy"),
                          "Support, arms supplies and policies between the actors."),
    "sanctions": ViewSpec("Sanctions", ("sanction",),
                          "Who imposes which instruments, what they target, which events they answer."),
    "missiles": ViewSpec("Missiles and tests", ("capability", "event"),
                         "Systems, who develops and operates them, their tests and what they can reach."),
    "diplomacy": ViewSpec("Diplomacy", ("diplomacy", "agreement"),
                          "Talks, summits and the agreements they produced or suspended."),
    "cyber": ViewSpec("Cyber operations", ("cyber",), "Operations and whom they are attributed to, and by whom."),
}


# ---------------------------------------------------------------------------- time
def year_of(value) -> int | None:
    """The year of a partial date ('2006', '2006-10', '2006-10-09'), or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    m = _YEAR.match(str(value))
    return int(m.group(1)) if m else None


def interval(props: dict, *, event: bool = False) -> tuple[int | None, int | None]:
    """[first year, last year] an item holds; None is open (-inf / +inf).

    Start: valid_from, else date (else date_signed). End: valid_to, else end_date, else the date of
    an event (it happened that year), else date_terminated; open while it still holds."""
    start = year_of(props.get("valid_from")) or year_of(props.get("date")) or year_of(props.get("date_signed"))
    end = year_of(props.get("valid_to")) or year_of(props.get("end_date"))
    if end is None and event:
        end = year_of(props.get("date"))
    if end is None:
        end = year_of(props.get("date_terminated"))
    return start, end


def valid_in(span: tuple[int | None, int | None], year_from: int, year_to: int) -> bool:
    start, end = span
    return (start is None or start <= year_to) and (end is None or end >= year_from)


# ---------------------------------------------------------------------------- layout
def layout(keys: list[str], pairs, *, seed: int = SEED, iterations: int | None = None) -> dict[str, tuple[float, float]]:
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


# ---------------------------------------------------------------------------- data for the page
def _clean(value):
    """Props -> JSON-safe values (NaN and infinities become None, other types their text); maps in key
    order, so the page is the same whichever engine the properties came from."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return str(value)


def script_json(data) -> str:
    """JSON that cannot end its <script> block: `<`, `>`, `&`, U+2028, U+2029 become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, esc)
    return text


def class_of(node: dict, ont) -> str:
    """The most specific ontology class of a node (props.class, else its labels)."""
    cls = node.get("props", {}).get("class")
    candidates = cls if isinstance(cls, list) else [cls] if cls else list(node.get("labels") or [])
    candidates = [c for c in candidates if c in ont.classes] or ["Entity"]
    return max(candidates, key=lambda c: (len(ont.ancestors(c)), c))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@cache
def _symmetric_types(ont) -> frozenset:
    return frozenset(t for t, p in ont.rel_types.items() if (p.iri, RDF.type, OWL.SymmetricProperty) in ont.graph)


def _derived(rel_type: str, ont) -> bool:
    prop = ont.rel_types.get(rel_type)
    return bool(prop and prop.definition.lower().startswith("derived"))


def _label(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@cache
def _asset(name: str) -> str:
    if name.startswith("vis-network"):
        return resources.files("pyvis").joinpath("lib", "vis-9.1.2", name).read_text(encoding="utf-8")
    return resources.files("peninsula.graph").joinpath("templates", name).read_text(encoding="utf-8")


def _legend_html(classes: list[dict], types: list[dict]) -> tuple[str, str]:
    """Legend rows: a checkbox shows or hides the kind; the row itself selects its members."""
    esc = html.escape
    rows = [f'<li class="pen-row"><input type="checkbox" class="pen-vis" data-cls="{esc(c["name"])}" checked '
            f'aria-label="show {esc(c["label"])}" title="show or hide">'
            f'<button type="button" class="pen-leg" data-cls="{esc(c["name"])}" data-count="{c["count"]}" '
            f'title="select every {esc(c["label"])}">'
            f'<span class="pen-sw pen-shape-{esc(c["shape"])}" style="--c:{esc(c["color"])}"></span>'
            f'<span class="pen-leg-name">{esc(c["label"])}</span><span class="pen-count">{c["count"]}</span>'
            f'</button></li>' for c in classes]
    trows = [f'<li class="pen-row"><input type="checkbox" class="pen-vis" data-type="{esc(t["type"])}" checked '
             f'aria-label="show {esc(t["label"])}" title="show or hide">'
             f'<button type="button" class="pen-leg" data-type="{esc(t["type"])}" data-count="{t["count"]}" '
             f'title="{esc(t["family"])}: select every {esc(t["label"])} relationship">'
             f'<span class="pen-line{" pen-dashed" if t["dashed"] else ""}" style="--c:{esc(t["color"])}"></span>'
             f'<span class="pen-leg-name">{esc(t["label"])}</span><span class="pen-count">{t["count"]}</span>'
             f'</button></li>' for t in types]
    return "\n".join(rows), "\n".join(trows)


SCREEN = (760.0, 540.0)  # the network's share of a 1366x768 classroom projector, in CSS pixels
LABEL_TIERS = ((8, 19.0), (24, 13.0))  # at the zoom that fits the view: the 8 best-connected nodes read at 19 px, the next 16 at 13
LABEL_REST = 5.0  # ...the rest at 5 px, below the page's draw threshold (8 px): they appear once zoomed in 1.6x
LABEL_THRESHOLD = 8


def label_sizes(rank_by: dict, positions: dict, labels: dict | None = None) -> dict:
    """Label sizes in world units: at the zoom that fits the whole network on a projector, the
    highest-ranked nodes read at 19 and 13 CSS pixels and the rest appear on zooming in. A large
    label that would overlap one already placed at the fitted zoom drops to the small size."""
    xs = [positions.get(k, (0.0, 0.0))[0] for k in rank_by]
    ys = [positions.get(k, (0.0, 0.0))[1] for k in rank_by]
    if not xs:
        return {}
    fit = min(SCREEN[0] / (max(xs) - min(xs) + 120), SCREEN[1] / (max(ys) - min(ys) + 120), 1.0)
    ranked = sorted(rank_by, key=lambda k: (tuple(-v for v in rank_by[k]), k))
    placed: list[tuple[float, float, float, float]] = []
    out = {}
    for key in ranked:
        px = next((size for limit, size in LABEL_TIERS if len(placed) < limit), LABEL_REST)
        if px > LABEL_REST:
            x, y = positions.get(key, (0.0, 0.0))
            size = px / fit
            half = 0.29 * size * len((labels or {}).get(key, key)) + 4 / fit
            box = (x - half, y + 8 / fit, x + half, y + 8 / fit + 1.25 * size)
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                px = LABEL_REST
            else:
                placed.append(box)
        out[key] = round(px / fit, 1)
    return out


def render(nodes, edges, *, title: str, ontology=None, sources: dict | None = None,
           positions: dict | None = None, years: tuple[int | None, int | None] | None = None,
           description: str = "") -> View:
    """One self-contained HTML page for the nodes and edges (store shape); `sources` maps source
    keys to Source props for the inspector; `years` is the year range shown first."""
    ont = ontology or load()
    by_key: dict[str, dict] = {}
    for node in nodes:
        by_key.setdefault(node["key"], node)
    edge_list = [e for e in edges if e["src"] in by_key and e["dst"] in by_key]
    degree: Counter = Counter()
    for e in edge_list:
        degree[e["src"]] += 1
        degree[e["dst"]] += 1
    if positions is None:
        positions = layout(list(by_key), ((e["src"], e["dst"]) for e in edge_list))

    def score(key, props):
        for name in ("betweenness", "degree"):
            value = props.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                return float(value)
        return float(degree[key])

    scores = {k: score(k, n.get("props") or {}) for k, n in by_key.items()}
    top = max(scores.values(), default=0.0) or 1.0
    most = max(degree.values(), default=0) or 1
    # label rank: links in this view, and importance in the whole graph counted twice
    fonts = label_sizes({k: (degree[k] / most + 2 * max(scores[k], 0.0) / top, degree[k]) for k in by_key}, positions,
                        {k: _label(str((n.get("props") or {}).get("name") or k)) for k, n in by_key.items()})
    class_count: Counter = Counter()
    events: Counter = Counter()
    starts: Counter = Counter()
    all_years: list[int] = []
    out_nodes = []
    for key in sorted(by_key):
        props = by_key[key].get("props") or {}
        cls = class_of(by_key[key], ont)
        class_count[cls] += 1
        is_event = ont.is_a(cls, "Event")
        y0, y1 = interval(props, event=is_event)
        all_years += [y for y in (y0, y1) if y is not None]
        if y0 is not None:
            (events if is_event else starts)[y0] += 1
        name = str(props.get("name") or key)
        x, y = positions.get(key, (0.0, 0.0))
        out_nodes.append({
            "id": key, "label": _label(name), "name": name, "cls": cls, "x": x, "y": y,
            "size": round(12 + 26 * math.sqrt(max(scores[key], 0.0) / top), 1),
            "font": fonts[key], "y0": y0, "y1": y1,
            "props": _clean({k: v for k, v in props.items() if k not in ("key",)}),
        })
    type_count: Counter = Counter()
    out_edges = []
    for i, e in enumerate(sorted(edge_list, key=lambda e: (e["type"], str(e.get("key")), e["src"], e["dst"]))):
        props = e.get("props") or {}
        y0, y1 = interval(props)
        all_years += [y for y in (y0, y1) if y is not None]
        if y0 is not None:
            starts[y0] += 1
        type_count[e["type"]] += 1
        out_edges.append({"id": f"e{i}", "key": e.get("key"), "from": e["src"], "to": e["dst"], "type": e["type"],
                          "y0": y0, "y1": y1, "props": _clean(props)})

    classes = [{"name": c, "label": ont.classes[c].label or c, "color": ont.classes[c].color,
                "shape": ont.classes[c].shape, "count": n}
               for c, n in sorted(class_count.items(), key=lambda kv: (-kv[1], kv[0]))]
    symmetric = _symmetric_types(ont)
    types = []
    for t, n in sorted(type_count.items(), key=lambda kv: (-kv[1], kv[0])):
        prop = ont.rel_types.get(t)
        family = prop.family if prop and prop.family else "other"
        types.append({"type": t, "label": (prop.label if prop else "") or t.lower().replace("_", " "),
                      "family": family, "color": FAMILY_COLORS.get(family, "#7f8c8d"),
                      "dashed": _derived(t, ont), "arrows": t not in symmetric, "count": n})
    lo, hi = (min(all_years), max(all_years)) if all_years else (None, None)
    first, last = years or (None, None)
    initial = (first if first is not None else lo, last if last is not None else hi)
    data = {
        "title": title, "nodes": out_nodes, "edges": out_edges,
        "classes": classes, "types": types,
        "sources": {str(k): _clean(v) for k, v in (sources or {}).items()},
        "years": {"min": lo, "max": hi}, "initial": {"from": initial[0], "to": initial[1]},
        "hist": [[y, events[y], starts[y]] for y in range(lo, hi + 1)] if lo is not None else [],
        "large": len(out_nodes) > 2000, "labelThreshold": LABEL_THRESHOLD,
    }
    legend, type_legend = _legend_html(classes, types)
    parts = {
        "TITLE": html.escape(title), "DESCRIPTION": html.escape(description),
        "NODES": str(len(out_nodes)), "EDGES": str(len(out_edges)),
        "LEGEND": legend, "TYPES": type_legend, "DATA": script_json(data),
        "VIS_CSS": _asset("vis-network.css"), "CSS": _asset("view.css"),
        "VIS_JS": _asset("vis-network.min.js"), "JS": _asset("view.js"),
    }
    return View(re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], _asset("view.html")))


# ---------------------------------------------------------------------------- from a store
# ordered, so that a view is the same page whichever engine it was read from
NODES_BY_KEY = ("MATCH (n:Entity) WHERE n.key IN $keys "
                "RETURN n.key AS key, labels(n) AS labels, properties(n) AS props ORDER BY key")
EDGES_BY_TYPE = ("MATCH (a:Entity)-[r]->(b:Entity) WHERE type(r) IN $types "
                 "RETURN a.key AS src, type(r) AS type, b.key AS dst, properties(r) AS props "
                 "ORDER BY type, r.key, src, dst")


def fetch_nodes(store, keys) -> list[dict]:
    keys = sorted(set(keys))
    out = []
    for i in range(0, len(keys), 5000):
        rows = store.query(NODES_BY_KEY, {"keys": keys[i:i + 5000]})
        out += [{"key": r["key"], "labels": sorted(r["labels"]), "props": dict(r["props"])} for r in rows]
    return out


def fetch_sources(store, items) -> dict:
    keys = {s for item in items for s in _as_list((item.get("props") or {}).get("sources"))}
    return {n["key"]: n["props"] for n in fetch_nodes(store, keys)}


def types_of(families) -> list[str]:
    ont = load()
    return sorted(t for t, p in ont.rel_types.items() if p.family in set(families))


def _years(as_of, year_from, year_to) -> tuple[int | None, int | None]:
    if as_of is not None:
        year = year_of(as_of)
        return year, year
    return year_of(year_from), year_of(year_to)


def named_view(store, name: str, *, as_of=None, year_from=None, year_to=None) -> View:
    """The view of one family group (VIEWS): its edges, their end nodes and the sources they cite.

    as_of / year_from / year_to set the year range the page opens on; the slider covers all years."""
    if name not in VIEWS:
        raise QueryError(f"unknown view {name!r}; the views are: {', '.join(VIEWS)}")
    spec = VIEWS[name]
    rows = store.query(EDGES_BY_TYPE, {"types": types_of(spec.families)})
    edges = [{"type": r["type"], "key": r["props"].get("key"), "src": r["src"], "dst": r["dst"],
              "props": dict(r["props"])} for r in rows]
    nodes = fetch_nodes(store, {k for e in edges for k in (e["src"], e["dst"])})
    return render(nodes, edges, title=spec.title, description=spec.description,
                  sources=fetch_sources(store, nodes + edges), years=_years(as_of, year_from, year_to))


def graph_spec(spec) -> dict:
    """`graph: from=A to=B type=T` (or a dict) -> {"from": A, "to": B, "type": T}."""
    if isinstance(spec, dict):
        out = dict(spec)
    else:
        text = str(spec).strip()
        text = text.split(":", 1)[1] if text.lower().startswith("graph:") else text
        out = dict(part.split("=", 1) for part in text.split() if "=" in part)
    if not out.get("from") or not out.get("to"):
        raise QueryError(f"a graph header needs from=COLUMN and to=COLUMN, got {spec!r}")
    return out


ROW_PROPS = {"valid_from": "valid_from", "since": "valid_from", "valid_to": "valid_to", "until": "valid_to",
             "date": "date", "sources": "sources", "note": "note", "kind": "kind"}


def query_view(rows, spec, store, *, title: str = "Query result", as_of=None, year_from=None, year_to=None) -> View:
    """A query result drawn as a graph: the from/to columns hold node keys, type the relationship;
    columns valid_from/since, valid_to/until, date, sources, note and kind become its properties."""
    g = graph_spec(spec)
    known = load().rel_types
    edges = []
    for i, row in enumerate(rows):
        src, dst = row.get(g["from"]), row.get(g["to"])
        if src is None or dst is None:
            continue
        rel = row.get(g.get("type", ""), g.get("type")) if g.get("type") else None
        rel = rel if rel in known else "RELATED"
        props = {}
        for column, prop in ROW_PROPS.items():
            if row.get(column) not in (None, "", []):
                props.setdefault(prop, row[column])
        edges.append({"type": rel, "key": f"row/{i}", "src": str(src), "dst": str(dst), "props": props})
    nodes = fetch_nodes(store, {k for e in edges for k in (e["src"], e["dst"])})
    return render(nodes, edges, title=title, sources=fetch_sources(store, nodes + edges),
                  years=_years(as_of, year_from, year_to))


def file_name(name: str) -> str:
    """A view or query name ('alliances', 'pack/name') -> a plain file name ('pack-name.html').

    Separators, `..` and anything outside [A-Za-z0-9._-] are replaced, so the name can never
    point outside the folder it is written into."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name)).strip(".-") or "view"
    return stem if stem.endswith(".html") else f"{stem}.html"


def output_path(output, name: str, *, default_dir="out/views") -> Path:
    """Where `peninsula view -o OUTPUT` writes: OUTPUT ending in .html is the file itself; any
    other OUTPUT is a folder that receives `file_name(name)`; no OUTPUT means `default_dir`."""
    if output is None:
        return Path(default_dir) / file_name(name)
    output = Path(output)
    if output.suffix.lower() == ".html" and not output.is_dir():
        return output
    return output / file_name(name)


def write_view(html_text: str, path) -> Path:
    """Write the page to `path` inside its folder, never anywhere else (graph/files.py).

    The file name must be a plain name (no `..`); the text goes to a fresh temporary file in the
    folder (created exclusively, so never through a planted symlink) that then replaces the
    target by rename: a symlink at the target is replaced, not followed."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise InputError(f"{path} is a folder; give -o a folder or a file name ending in .html", field="output")
    return write_text_safely(path, html_text)


class View(str):
    """A rendered page: a str (write it anywhere) that also shows itself inline in Jupyter.

    `_repr_html_` wraps the page in a sandboxed `<iframe srcdoc=...>`, so its scripts and styles
    stay inside the frame and the notebook needs no extension and no network."""

    height = 720

    @property
    def html(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(str(self), quote=True)}" style="width:100%;height:{self.height}px;'
                f'border:1px solid #ddd" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                f'title="Peninsula view"></iframe>')

    def __repr__(self) -> str:
        m = re.search(r"<title>(.*?) · Peninsula</title>", self)
        return f"<View {html.unescape(m.group(1)) if m else ''!r}: {len(self):,} characters>"

    def save(self, path) -> Path:
        return write_view(self, path)
