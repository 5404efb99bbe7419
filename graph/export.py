"""Export from a store back to RDF, in every format; the inverse of the loaders' mapping."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from peninsula.loaders.mapping import edge_quads, edge_triples, node_quads, node_triples
from peninsula.loaders.rdf import NamedGraphs, to_dataset
from peninsula.ontology import PEN, InputError, base_iri, load
from peninsula.ontology.model import GRAPH_KEY

FORMATS = {  # name -> (rdflib format or "oxigraph:<format>", file suffix)
    "turtle": ("peninsula-turtle", ".ttl"),  # rdflib's Turtle, doubles exact (loaders/rdf.py)
    "ntriples": ("nt", ".nt"),
    "jsonld": ("peninsula-json-ld", ".jsonld"),  # rdflib's, no blank node lost (loaders/rdf.py)
    "xml": ("xml", ".rdf"),
    "trig": ("peninsula-trig", ".trig"),  # named graphs kept (GRAPH_KEY); doubles exact (loaders/rdf.py)
    "nquads": ("nquads", ".nq"),  # named graphs kept
    "turtle12": ("oxigraph:turtle", ".ttl12"),
}
PREFIXES = {"pen": str(PEN), "id": base_iri(), "xsd": "http://www.w3.org/2001/XMLSchema#",
            "owl": "http://www.w3.org/2002/07/owl#", "wd": "http://www.wikidata.org/entity/"}


def to_graph(store, keys: set | None = None) -> Graph:
    """The store (or the subgraph on `keys`) as an rdflib graph that remembers named graphs."""
    ont = load()
    g = NamedGraphs()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    graph_of = {}  # node key -> its named graph, where it has one
    for node in store.nodes():
        if keys is None or node["key"] in keys:
            if node["props"].get(GRAPH_KEY) is not None:
                graph_of[node["key"]] = node["props"][GRAPH_KEY]
            for q in node_quads(node["props"], ont):
                g.add_quad(*q)
    for edge in store.edges():
        if keys is None or (edge["src"] in keys and edge["dst"] in keys):
            for q in edge_quads(edge["src"], edge["type"], edge["dst"], edge["props"], ont, graph_of.get(edge["src"])):
                g.add_quad(*q)
    return g


def serialize(graph: Graph, fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}", field="--format")
    name = FORMATS[fmt][0]
    if fmt in ("trig", "nquads"):  # each triple in its named graph (the default graph if none)
        return to_dataset(graph, PREFIXES).serialize(format=name)
    if name.startswith("oxigraph:"):
        from peninsula.loaders.rdf12 import to_turtle12

        return to_turtle12(graph)
    return graph.serialize(format=name, **({"auto_compact": True} if name == "json-ld" else {}))


def export(store, fmt: str, out: Path | str | None = None, keys: set | None = None) -> str:
    text = serialize(to_graph(store, keys), fmt)
    if out is not None:
        from peninsula.graph.files import write_text_safely

        write_text_safely(out, text)  # by rename: a symlink at `out` is replaced, never followed
    return text


# ---------------------------------------------------------------------------- streaming exports
def write_ntriples(store, out: Path | str) -> int:
    """The whole store as N-Triples, page by page (memory flat in the store's size); returns triples."""
    ont = load()
    n = 0
    with Path(out).open("w", encoding="utf-8") as f:
        for node in store.nodes():
            lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in node_triples(node["props"], ont)]
            f.writelines(lines)
            n += len(lines)
        for edge in store.edges():
            lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n"
                     for s, p, o in edge_triples(edge["src"], edge["type"], edge["dst"], edge["props"], ont)]
            f.writelines(lines)
            n += len(lines)
    return n


ARRAY_DELIMITER = "\x1f"  # U+001F: a character no name, title or note contains, unlike ';'
NEO4J_TYPES = {"http://www.w3.org/2001/XMLSchema#decimal": "double", "http://www.w3.org/2001/XMLSchema#double": "double",
               "http://www.w3.org/2001/XMLSchema#integer": "long", "http://www.w3.org/2001/XMLSchema#boolean": "boolean"}


def _neo4j_type(ont, key: str, values) -> str:
    """The neo4j-admin header type of a property: from the ontology, else from the values seen."""
    from peninsula.loaders.mapping import prop_for_key

    prop = prop_for_key(ont, key)
    if prop is not None and prop.kind == "datatype" and not prop.is_date and not prop.is_lang:
        return NEO4J_TYPES.get(str(prop.range), "string")
    if prop is not None:
        return "string"
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(_cell(v) for v in value)
    return "" if value is None else str(value)


class _Columns:
    """Property columns of one CSV file: name, whether any value is a list, sample values for types."""

    def __init__(self):
        self.keys: dict = {}

    def see(self, props: dict, skip=()):
        for k, v in props.items():
            if k in skip or v is None:
                continue
            entry = self.keys.setdefault(k, [False, set()])
            entry[0] |= isinstance(v, list)
            for x in v if isinstance(v, list) else [v]:
                if len(entry[1]) < 4 or type(x) not in {type(y) for y in entry[1]}:
                    entry[1].add(x if not isinstance(x, (list, dict)) else str(x))

    def header(self, ont) -> list[str]:
        return [f"{k}:{_neo4j_type(ont, k, vals)}{'[]' if many else ''}" for k, (many, vals) in sorted(self.keys.items())]

    def row(self, props: dict) -> list[str]:
        return [_cell(props.get(k)) for k in sorted(self.keys)]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)


def export_neo4j_admin(store, out_dir: Path | str, database: str = "neo4j") -> dict:
    """CSV files with headers for `neo4j-admin database import full`, one per label set and per
    relationship type, written in two passes over the store (columns first, then rows).

    Returns {"nodes": [files], "relationships": [files], "command": the import command}."""
    import csv

    ont = load()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    node_cols: dict = {}
    for node in store.nodes():
        labels = tuple(sorted(node["labels"]))
        node_cols.setdefault(labels, _Columns()).see(node["props"], skip=("key",))
    edge_cols: dict = {}
    for edge in store.edges():
        edge_cols.setdefault(edge["type"], _Columns()).see(edge["props"])
    files: dict = {"nodes": [], "relationships": []}
    writers, handles = {}, []
    try:
        for i, (labels, cols) in enumerate(sorted(node_cols.items())):
            path = out_dir / f"nodes-{i:02d}-{_slug('-'.join(x for x in labels if x != 'Entity') or 'Entity')}.csv"
            f = path.open("w", encoding="utf-8", newline="")
            handles.append(f)
            w = csv.writer(f)
            w.writerow(["key:ID(Entity)", ":LABEL", *cols.header(ont)])
            writers[labels] = (w, cols)
            files["nodes"].append(path)
        for node in store.nodes():
            labels = tuple(sorted(node["labels"]))
            w, cols = writers[labels]
            w.writerow([node["key"], ARRAY_DELIMITER.join(labels), *cols.row(node["props"])])
        for rel_type, cols in sorted(edge_cols.items()):
            path = out_dir / f"relationships-{_slug(rel_type)}.csv"
            f = path.open("w", encoding="utf-8", newline="")
            handles.append(f)
            w = csv.writer(f)
            w.writerow([":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", *cols.header(ont)])
            writers[rel_type] = (w, cols)
            files["relationships"].append(path)
        for edge in store.edges():
            w, cols = writers[edge["type"]]
            w.writerow([edge["src"], edge["dst"], edge["type"], *cols.row(edge["props"])])
    finally:
        for f in handles:
            f.close()
    files["command"] = neo4j_admin_command(files, database)
    return files


def neo4j_admin_command(files: dict, database: str = "neo4j") -> str:
    """The `neo4j-admin database import full` command line for the files written."""
    import shlex

    parts = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
             "--array-delimiter=U+001F"]
    parts += [f"--nodes={shlex.quote(str(p))}" for p in files["nodes"]]
    parts += [f"--relationships={shlex.quote(str(p))}" for p in files["relationships"]]
    return " ".join(parts)
