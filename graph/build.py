"""The library functions behind `peninsula build | validate | load`: read, validate, map, write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peninsula.graph.store import Counters, Store
from peninsula.loaders import read_dir, read_rdf, to_property_graph, validate_curated
from peninsula.ontology.shapes import validate as shacl_validate

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Report:
    nodes: int = 0
    edges: int = 0
    counters: Counters = field(default_factory=Counters)
    files: list = field(default_factory=list)
    derived: dict = field(default_factory=dict)


def default_data_dir() -> Path:
    """data/ of the checkout (the curated knowledge base travels with the code)."""
    return DATA_DIR


def prepare(data_dir: Path | str | None = None):
    """Read and validate the curated data; return (nodes, edges, curated). Writes nothing."""
    cur = read_dir(data_dir or default_data_dir())
    validate_curated(cur)
    nodes, edges = to_property_graph(cur.graph, where=cur.where)
    return nodes, edges, cur


def build(store: Store, data_dir: Path | str | None = None, *, derive: bool = True, progress=None,
          prepared=None) -> Report:
    """Validate everything, then write it; derived knowledge (reach, analytics) follows.

    `prepared` is what prepare() returned, for a caller that validated before opening the store.
    """
    nodes, edges, cur = prepared or prepare(data_dir)
    derived = {}
    if derive:
        from peninsula.graph.analytics import annotate
        from peninsula.graph.reach import reach_edges

        reach = reach_edges(nodes, edges)
        derived = {"can_reach": len(reach), "scored": annotate(nodes, edges)}
        edges = edges + reach
    counters = store.write(nodes, edges, progress=progress)
    return Report(nodes=len(nodes), edges=len(edges), counters=counters, files=cur.files, derived=derived)


def load_rdf(store: Store, path: Path | str, fmt: str | None = None, *, progress=None) -> Report:
    """Load an RDF file (any format `export` writes): parse, SHACL-validate, map, write."""
    graph = read_rdf(path, fmt)
    problems = shacl_validate(graph, where=lambda s: f"{path} <{s}>")
    if problems:
        from peninsula.ontology import ValidationError

        raise ValidationError(problems)
    nodes, edges = to_property_graph(graph, where=lambda s: f"{path} <{s}>")
    counters = store.write(nodes, edges, progress=progress)
    return Report(nodes=len(nodes), edges=len(edges), counters=counters, files=[str(path)])


def curated_graph(data_dir: Path | str | None = None):
    """The curated data as one RDF graph (read, not SHACL-validated): context for RDF additions."""
    return read_dir(data_dir or default_data_dir()).graph


def validate_rdf(path: Path | str, fmt: str | None = None, *, context=None) -> list[str]:
    """SHACL-check one RDF file; return its problems (empty: valid). Writes nothing.

    With `context` (an RDF graph, usually curated_graph()), the file is checked together with it,
    so it may refer to the entities and cite the sources defined there, and only the problems of
    nodes the file itself describes are reported. A cited source defined nowhere is named."""
    from rdflib import RDF, Dataset, Graph

    from peninsula.loaders.mapping import key_of
    from peninsula.ontology import PEN

    parsed = read_rdf(path, fmt)
    triples = ([(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))]
               if isinstance(parsed, Dataset) else list(parsed))
    if context is None:
        data = parsed
    else:
        data = Graph()
        for t in context:
            data.add(t)
        for t in triples:
            data.add(t)
    own = {s for s, _, _ in triples}
    elsewhere = "\0"  # where() of a focus node the file does not describe: filtered out below

    def where(s):
        return f"{path} <{s}>" if s in own else elsewhere

    missing = sorted({(s, o) for s, p, o in triples if p == PEN.source and (o, RDF.type, PEN.Source) not in data})
    scope = "in the file or the curated data" if context is not None else "in the file (checked --alone)"
    problems = [f"{where(s)}: {key_of(s)}, field 'sources': source {key_of(o)} is not defined {scope}"
                for s, o in missing]
    undefined = {f"(value {o})" for _, o in missing}
    for line in shacl_validate(data, where=where):
        if line.startswith(elsewhere):
            continue
        if "field 'sources'" in line and any(line.endswith(v) for v in undefined):
            continue  # said above, by name, instead of "cites no source"
        problems.append(line)
    return sorted(set(problems))

