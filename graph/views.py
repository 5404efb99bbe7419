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
are computed in Python (graph/view_layout.py), so the picture is the same on every machine and
vis-network's physics stays off.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF

from peninsula.graph.files import write_text_safely
from peninsula.graph.view_font import font_face_css
from peninsula.graph.view_labels import (
    HANG,
    LABEL_MAX,
    LABEL_THRESHOLD,
    LINE,
    MUST_ACTORS,
    MUST_STATES,
    plan_labels,
)
from peninsula.graph.view_layout import FAR_FIELD_ABOVE, PIXELS, SEED, layout  # noqa: F401 (public names)
from peninsula.graph.view_style import class_styles, type_styles
from peninsula.ontology import InputError, QueryError, load
from peninsula.ontology.temporal import period, year_of, year_span


@dataclass(frozen=True)
class ViewSpec:
    title: str
    families: tuple[str, ...]
    description: str
    hidden_types: tuple[str, ...] = ()  # shown only when asked (a tick in the legend): the view opens on its story


VIEWS = {
    "alliances": ViewSpec("Alliances and memberships", ("alliance", "membership", "agreement"),
                          "Who is allied with whom, who belongs to which organization, who is party to what."),
    "influence": ViewSpec("Influence and support", ("influence", "alliance", "policy"),
                          "Support, arms supplies and policies between the actors."),
    "sanctions": ViewSpec("Sanctions", ("sanction",),
                          "Who imposes which instruments, what they target, which events they answer."),
    "missiles": ViewSpec("Missiles and tests", ("capability", "event"),
                         "Systems, who develops and operates them, their tests and what they can reach "
                         "(tick “can reach” to draw the reach).", ("CAN_REACH",)),
    "diplomacy": ViewSpec("Diplomacy", ("diplomacy", "agreement"),
                          "Talks, summits and the agreements they produced or suspended."),
    "cyber": ViewSpec("Cyber operations", ("cyber",), "Operations and whom they are attributed to, and by whom."),
}


# ---------------------------------------------------------------------------- time
def interval(props: dict, *, event: bool = False) -> tuple[int | None, int | None]:
    """[first year, last year] an item holds; None is open (-inf / +inf): the years in which the one
    as-of rule holds (temporal.year_span) over its period (temporal.period: valid_from, else date,
    date_signed or first_flight; valid_to, else end_date, else the date of an event, else
    date_terminated)."""
    return year_span(*period(props, event=event))


def inherit(span, ends) -> tuple[int | None, int | None]:
    """A relationship's years with what it leaves open taken from its ends: it cannot start before
    the later of their starts (a test's CAN_REACH not before the first flight) nor outlast the
    earlier of their ends."""
    starts = [e[0] for e in ends if e[0] is not None]
    stops = [e[1] for e in ends if e[1] is not None]
    start, end = span
    if start is None and starts:
        start = max(starts)
    if end is None and stops:
        end = min(stops)
    if start is not None and end is not None and end < start:
        end = start
    return start, end


def valid_in(span: tuple[int | None, int | None], year_from: int, year_to: int) -> bool:
    start, end = span
    return (start is None or start <= year_to) and (end is None or end >= year_from)


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


def _once(edges, ont) -> list:
    """Edges with a symmetric relationship stored both ways (A allied with B, B allied with A, the
    same years) drawn once: the copy whose ends sort first is kept."""
    edges = sorted(edges, key=lambda e: (e["src"] > e["dst"], e["type"], e["src"], e["dst"], str(e.get("key"))))
    symmetric = _symmetric_types(ont)
    seen, out = set(), []
    for e in edges:
        if e["type"] in symmetric:
            props = e.get("props") or {}
            pair = (e["type"], *sorted((e["src"], e["dst"])), str(props.get("valid_from")), str(props.get("valid_to")))
            if pair in seen:
                continue
            seen.add(pair)
        out.append(e)
    return out


def _label(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@cache
def _asset(name: str) -> str:
    if name.startswith("vis-network"):
        return resources.files("pyvis").joinpath("lib", "vis-9.1.2", name).read_text(encoding="utf-8")
    return resources.files("peninsula.graph").joinpath("templates", name).read_text(encoding="utf-8")


def _dash_css(color: str, dashes) -> str:
    """A legend line drawn like its edges: solid, or the dash pattern as a repeating gradient."""
    if not dashes:
        return f"background:{color}"
    stops, at = [], 0
    for i, length in enumerate(dashes):
        paint = color if i % 2 == 0 else "transparent"
        stops.append(f"{paint} {at}px {at + length}px")
        at += length
    return f"background:repeating-linear-gradient(90deg,{','.join(stops)})"


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
             f'<span class="pen-line" style="{esc(_dash_css(t["color"], t["dashes"]))}"></span>'
             f'<span class="pen-leg-name">{esc(t["label"])}</span><span class="pen-count">{t["count"]}</span>'
             f'</button></li>' for t in types]
    return "\n".join(rows), "\n".join(trows)


def render(nodes, edges, *, title: str, ontology=None, sources: dict | None = None,
           positions: dict | None = None, years: tuple[int | None, int | None] | None = None,
           description: str = "", tour: dict | None = None, hidden_types=()) -> View:
    """One self-contained HTML page for the nodes and edges (store shape); `sources` maps source
    keys to Source props for the inspector; `years` is the year range shown first."""
    ont = ontology or load()
    by_key: dict[str, dict] = {}
    for node in nodes:
        by_key.setdefault(node["key"], node)
    edge_list = _once((e for e in edges if e["src"] in by_key and e["dst"] in by_key), ont)
    degree: Counter = Counter()
    # what ranks and sizes a node is how many others it links, not how many links it has: a state's
    # twelve Security Council terms are one neighbour, the Council
    neighbours: dict[str, set] = defaultdict(set)
    for e in edge_list:
        degree[e["src"]] += 1
        degree[e["dst"]] += 1
        neighbours[e["src"]].add(e["dst"])
        neighbours[e["dst"]].add(e["src"])
    movable = positions is None
    if positions is None:
        positions = layout(list(by_key), ((e["src"], e["dst"]) for e in edge_list))
    positions = {k: tuple(positions.get(k, (0.0, 0.0))) for k in by_key}

    def score(key, props):
        for name in ("betweenness", "degree"):
            value = props.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                return float(value)
        return float(len(neighbours[key]))

    scores = {k: score(k, n.get("props") or {}) for k, n in by_key.items()}
    top = max(scores.values(), default=0.0) or 1.0
    reach = {k: len(neighbours[k]) for k in by_key}
    most = max(reach.values(), default=0) or 1
    radii = {k: round(12 + 26 * math.sqrt(max(scores[k], 0.0) / top), 1) for k in by_key}
    classes_of = {k: class_of(n, ont) for k, n in by_key.items()}
    # label rank: links in this view, and importance in the whole graph counted twice
    rank = {k: (reach[k] / most + 2 * max(scores[k], 0.0) / top, reach[k]) for k in by_key}
    order = sorted(by_key, key=lambda k: (tuple(-v for v in rank[k]), k))
    actors = [k for k in order if ont.is_a(classes_of[k], "Actor")]
    states = set([k for k in actors if ont.is_a(classes_of[k], "State")][:MUST_STATES])
    fonts, raised, positions = plan_labels(order, states | set(actors[:MUST_ACTORS]), positions, radii,
                                   {k: _label(str((n.get("props") or {}).get("name") or k)) for k, n in by_key.items()},
                                   movable=movable, keep=states)
    class_count: Counter = Counter()
    events: Counter = Counter()
    starts: Counter = Counter()
    all_years: list[int] = []
    spans: dict[str, tuple[int | None, int | None]] = {}
    out_nodes = []
    for key in sorted(by_key):
        props = by_key[key].get("props") or {}
        cls = classes_of[key]
        class_count[cls] += 1
        is_event = ont.is_a(cls, "Event")
        y0, y1 = interval(props, event=is_event)
        all_years += [y for y in (y0, y1) if y is not None]
        if y0 is not None:
            (events if is_event else starts)[y0] += 1
        name = str(props.get("name") or key)
        x, y = positions.get(key, (0.0, 0.0))
        spans[key] = (y0, y1)
        out_nodes.append({
            "id": key, "label": _label(name), "name": name, "cls": cls, "x": x, "y": y,
            "size": radii[key],
            "font": fonts[key], "vadj": raised.get(key, 0), "y0": y0, "y1": y1, "dated": y0 is not None or y1 is not None, "deg": degree[key],
            "props": _clean({k: v for k, v in props.items() if k not in ("key",)}),
        })
    type_count: Counter = Counter()
    out_edges = []
    for i, e in enumerate(sorted(edge_list, key=lambda e: (e["type"], str(e.get("key")), e["src"], e["dst"]))):
        props = e.get("props") or {}
        own = interval(props)
        if own[0] is not None:
            starts[own[0]] += 1
        y0, y1 = inherit(own, (spans[e["src"]], spans[e["dst"]]))
        all_years += [y for y in (y0, y1) if y is not None]
        type_count[e["type"]] += 1
        out_edges.append({"id": f"e{i}", "key": e.get("key"), "from": e["src"], "to": e["dst"], "type": e["type"],
                          "y0": y0, "y1": y1, "props": _clean(props)})

    cstyle = class_styles(class_count, ont)
    classes = [{"name": c, "label": (ont.classes[c].label if c in ont.classes else "") or c,
                "color": cstyle[c]["color"], "shape": cstyle[c]["shape"], "group": cstyle[c]["group"], "count": n}
               for c, n in sorted(class_count.items(), key=lambda kv: (-kv[1], kv[0]))]
    symmetric = _symmetric_types(ont)
    tstyle = type_styles(ont)
    types = []
    for t, n in sorted(type_count.items(), key=lambda kv: (-kv[1], kv[0])):
        prop = ont.rel_types.get(t)
        style = tstyle.get(t) or {"color": "#7f8c8d", "dashes": False, "family": "other", "derived": False}
        types.append({"type": t, "label": (prop.label if prop else "") or t.lower().replace("_", " "),
                      "family": style["family"], "color": style["color"], "dashes": style["dashes"],
                      "dashed": bool(style["dashes"]), "derived": style["derived"],
                      "arrows": t not in symmetric, "count": n})
    lo, hi = (min(all_years), max(all_years)) if all_years else (None, None)
    first, last = years or (None, None)
    initial = (first if first is not None else lo, last if last is not None else hi)
    data = {
        "title": title, "nodes": out_nodes, "edges": out_edges,
        "classes": classes, "types": types,
        "sources": {str(k): _clean(v) for k, v in (sources or {}).items()},
        "years": {"min": lo, "max": hi}, "initial": {"from": initial[0], "to": initial[1]},
        "hist": [[y, events[y], starts[y]] for y in range(lo, hi + 1)] if lo is not None else [],
        "firstEvent": min(events) if events else lo, "tour": tour,
        "hiddenTypes": sorted(t for t in hidden_types if t in type_count),
        "large": len(out_nodes) > 2000, "labelThreshold": LABEL_THRESHOLD, "labelMax": LABEL_MAX,
        "labelHang": HANG, "labelLine": LINE,
    }
    legend, type_legend = _legend_html(classes, types)
    data_text = script_json(data)
    parts = {
        "FONT": font_face_css(data_text + _asset("view.html")),
        "TITLE": html.escape(title), "DESCRIPTION": html.escape(description),
        "NODES": str(len(out_nodes)), "EDGES": str(len(out_edges)),
        "LEGEND": legend, "TYPES": type_legend, "DATA": data_text,
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
    nodes, edges = _family_graph(store, spec.families)
    return render(nodes, edges, title=spec.title, description=spec.description, hidden_types=spec.hidden_types,
                  sources=fetch_sources(store, nodes + edges), years=_years(as_of, year_from, year_to))


def _family_graph(store, families) -> tuple[list, list]:
    rows = store.query(EDGES_BY_TYPE, {"types": types_of(families)})
    edges = [{"type": r["type"], "key": r["props"].get("key"), "src": r["src"], "dst": r["dst"],
              "props": dict(r["props"])} for r in rows]
    return fetch_nodes(store, {k for e in edges for k in (e["src"], e["dst"])}), edges


def tour_view(store, tour) -> View:
    """A view that steps through a tour (graph/view_tour.py): the tour's families, its steps'
    sources beside those of the nodes and relationships, opening on the first step."""
    from peninsula.graph.view_tour import check_keys, read_tour

    tour = tour if not isinstance(tour, (str, Path)) else read_tour(tour)
    nodes, edges = _family_graph(store, tour.families)
    sources = fetch_sources(store, nodes + edges)
    wanted = {k for step in tour.steps for k in step.sources}
    sources.update({n["key"]: n["props"] for n in fetch_nodes(store, wanted - set(sources)) if "Source" in n["labels"]})
    check_keys(tour, {n["key"] for n in nodes}, {k for k in wanted if k in sources})
    first = tour.steps[0].years or (None, None)
    return render(nodes, edges, title=tour.title, description=tour.description, sources=sources, years=first,
                  tour=tour.as_data())


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
