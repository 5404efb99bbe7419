"""The one path from a file to what a store would receive: read, map, validate; nothing written.

`build`, `load` and `validate` all call `prepare`, so `validate` checks exactly what `load`
checks: the same reader, the same SHACL pass and the same mapping, against the same kind of
context (graph/context.py). Only the context differs: `load` checks against the store it
writes to; `validate` against a store when given one, else the curated data (or the data
folders given), or nothing at all (`alone`).

    curated data (folders, .yaml)  ->  graph.build.prepare        SHACL, mapping
    a source format (cns, un-xml…)  ->  loaders.sources.prepare_source  matching, SHACL, mapping
    RDF                            ->  graph.build.prepare_rdf    SHACL with the context, mapping
    RDF that `load` streams        ->  graph.bulk.check_stream    mapping, keys, relationship ends
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from peninsula.graph.context import NodesContext, StoreContext, alone
from peninsula.loaders.formats import SOURCE_FORMATS
from peninsula.ontology import InputError

STREAM_ABOVE = 20_000_000  # bytes: larger RDF files load through the streaming path


@dataclass
class Prepared:
    """What a write would receive, checked: the nodes and relationships, and what was read.

    `kind` is "curated", "source", "rdf" or "stream" (a streamed file is checked pass by pass and
    kept nowhere: `nodes` and `edges` are then empty and `counts` says how many there were)."""

    kind: str
    paths: list[Path]
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    against: str = ""  # what the file was checked against: "the store", "the curated data", ""
    fmt: str | None = None
    report: object = None  # a source format's SourceReport; the curated data's Curated
    counts: dict = field(default_factory=dict)  # a streamed file: {"node": n, "edge": m}

    @property
    def entities(self) -> int:
        return self.counts.get("node", len(self.nodes))

    @property
    def relationships(self) -> int:
        return self.counts.get("edge", len(self.edges))

    @property
    def classes(self) -> Counter:
        """Entities per class (a node of several classes counts for each)."""
        from peninsula.graph.build import classes_of

        if self.kind == "source":
            return self.report.classes
        return classes_of(self.nodes)


def is_curated(path: Path) -> bool:
    """A data folder or a curated .yaml file (anything else given to `validate` is RDF)."""
    return path.is_dir() or path.suffix in (".yaml", ".yml")


def streams(path: Path, fmt: str | None, stream: bool | None) -> bool:
    """Whether `load` streams this file: asked for, or RDF over STREAM_ABOVE bytes."""
    if fmt in SOURCE_FORMATS:
        return False
    return bool(stream) or (stream is None and path.is_file() and path.stat().st_size > STREAM_ABOVE)


def prepare_curated(data=None) -> Prepared:
    """The curated data (data/, a folder, or a list of folders and .yaml files), validated and mapped."""
    from peninsula.graph.build import default_data_dir, prepare

    paths = [Path(p) for p in (data if isinstance(data, (list, tuple)) else [data or default_data_dir()])]
    for p in paths:
        if not p.exists():
            raise InputError("no such file or folder", where=str(p))
    nodes, edges, cur = prepare(paths if len(paths) > 1 else paths[0])
    return Prepared("curated", paths, nodes, edges, report=cur)


def curated_context(data=None) -> NodesContext:
    """The curated data (data/ or the folders and files given) as a context: read and mapped, not
    SHACL-validated (that is `validate`'s job for the data itself)."""
    from peninsula.graph.build import default_data_dir
    from peninsula.loaders import read_dir, read_files, to_property_graph

    if data is None:
        cur = read_dir(default_data_dir())
    else:
        paths = [Path(p) for p in (data if isinstance(data, (list, tuple)) else [data])]
        cur = read_files([f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])])
    nodes, _ = to_property_graph(cur.graph, where=cur.where)
    return NodesContext.of(nodes)


def prepare(path, fmt: str | None = None, *, store=None, context=None, stream: bool | None = None,
            reading=None, judgements=None, **options) -> Prepared:
    """Read, map and validate one input the way `load` does; return what a write would receive.

    `path`: an RDF file, a file of a source format (`fmt` one of SOURCE_FORMATS), or curated data
    (a folder, a .yaml file, a list of them, None for data/). `store`: the store the input is
    checked against (read-only here). `context`: for RDF, what it is checked against instead
    (graph/context.py; default: the store, else the curated data). Raises ValidationError or
    InputError naming file, line or record, and field; writes nothing."""
    if path is None or isinstance(path, (list, tuple)) or (fmt is None and is_curated(Path(path))):
        return prepare_curated(path)
    path = Path(path)
    if fmt in SOURCE_FORMATS:
        from peninsula.loaders.sources import prepare_source

        nodes, edges, report = prepare_source(store, fmt, path, reading=reading, judgements=judgements, **options)
        against = "the store and the curated data" if store is not None else "the curated data"
        return Prepared("source", [path], nodes, edges, against, fmt, report)
    given = [k for k, v in {**options, "judgements": judgements}.items() if v not in (None, False)]
    if given:
        raise InputError(f"{', '.join(given)}: only for the source formats ({', '.join(SOURCE_FORMATS)})",
                         where=str(path))
    if context is None:
        context = StoreContext(store) if store is not None else curated_context()
    if streams(path, fmt, stream):
        from peninsula.graph.bulk import check_stream

        counts = check_stream(context, path, fmt)
        return Prepared("stream", [path], against=context.name, fmt=fmt, counts=counts)
    from peninsula.graph.build import prepare_rdf
    from peninsula.loaders import read_rdf

    nodes, edges = prepare_rdf(context, read_rdf(path, fmt), path)
    if store is not None:  # what the file adds to the store is its dataset (loaders/datasets.py)
        from peninsula.loaders.datasets import rdf_dataset, tag_additions

        nodes, edges = tag_additions(store, rdf_dataset(path), nodes, edges)
    return Prepared("rdf", [path], nodes, edges, context.name, fmt)


__all__ = ["Prepared", "STREAM_ABOVE", "alone", "curated_context", "is_curated", "prepare", "prepare_curated",
           "streams"]
