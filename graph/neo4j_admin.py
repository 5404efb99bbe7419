"""Export to neo4j-admin: CSV files with headers for `neo4j-admin database import full`, one per
label set and per relationship type, the property types from the ontology."""

from __future__ import annotations

import contextlib
from pathlib import Path

from peninsula.graph.files import replacing
from peninsula.ontology import InputError, load

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

    from peninsula.graph.files import child

    ont = load()
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write into {out_dir}: {exc.strerror or exc}", field="DIRECTORY") from None
    node_cols: dict = {}
    for node in store.scan_nodes():
        labels = tuple(sorted(node["labels"]))
        node_cols.setdefault(labels, _Columns()).see(node["props"], skip=("key",))
    edge_cols: dict = {}
    for edge in store.scan_edges():
        edge_cols.setdefault(edge["type"], _Columns()).see(edge["props"])
    files: dict = {"nodes": [], "relationships": []}
    writers = {}
    # each file is written beside its name and renamed over it when all are complete (a link
    # planted at a name is replaced, never followed; names are ours, kept inside out_dir by child)
    with contextlib.ExitStack() as stack:
        for i, (labels, cols) in enumerate(sorted(node_cols.items())):
            path = child(out_dir, f"nodes-{i:02d}-{_slug('-'.join(x for x in labels if x != 'Entity') or 'Entity')}.csv",
                         field="DIRECTORY")
            w = csv.writer(stack.enter_context(replacing(path, newline="", field="DIRECTORY")))
            w.writerow(["key:ID(Entity)", ":LABEL", *cols.header(ont)])
            writers[labels] = (w, cols)
            files["nodes"].append(path)
        for node in store.scan_nodes():
            labels = tuple(sorted(node["labels"]))
            w, cols = writers[labels]
            w.writerow([node["key"], ARRAY_DELIMITER.join(labels), *cols.row(node["props"])])
        for rel_type, cols in sorted(edge_cols.items()):
            path = child(out_dir, f"relationships-{_slug(rel_type)}.csv", field="DIRECTORY")
            w = csv.writer(stack.enter_context(replacing(path, newline="", field="DIRECTORY")))
            w.writerow([":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", *cols.header(ont)])
            writers[rel_type] = (w, cols)
            files["relationships"].append(path)
        for edge in store.scan_edges():
            w, cols = writers[edge["type"]]
            w.writerow([edge["src"], edge["dst"], edge["type"], *cols.row(edge["props"])])
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
