"""The library functions behind `peninsula build | validate | load`: read, validate, map, write."""

from __future__ import annotations

from collections import Counter, defaultdict
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
    classes: Counter = field(default_factory=Counter)  # entities per class written
    dataset: str | None = None  # a streamed RDF load: the dataset its additions were tagged with


def default_data_dir() -> Path:
    """data/ of the checkout (the curated knowledge base travels with the code)."""
    return DATA_DIR


def prepare(data_dir: Path | str | list | None = None):
    """Read and validate the curated data; return (nodes, edges, curated). Writes nothing.

    `data_dir`: a data folder (default data/), or a list of folders and .yaml files read as one."""
    if isinstance(data_dir, (list, tuple)):
        from peninsula.loaders import read_files

        cur = read_files([f for p in map(Path, data_dir) for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])])
    else:
        cur = read_dir(data_dir or default_data_dir())
    validate_curated(cur)
    nodes, edges = to_property_graph(cur.graph, where=cur.where)
    return nodes, edges, cur


def build(store: Store, data_dir: Path | str | None = None, *, derive: bool = True, progress=None,
          prepared=None) -> Report:
    """Validate everything, then write it; derived knowledge (reach, analytics) follows. Curated
    entities are set to what data/ says plus what loaders added to them (see loaders/datasets.py).

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
    from peninsula.loaders.datasets import keep_loaded

    nodes = keep_loaded(store, nodes)  # what loaders added to curated entities stays (loaders/datasets.py)
    counters = store.write(nodes, edges, progress=progress)
    return Report(nodes=len(nodes), edges=len(edges), counters=counters, files=cur.files, derived=derived,
                  classes=classes_of(nodes))


def load_rdf(store: Store, path: Path | str, fmt: str | None = None, *, progress=None) -> Report:
    """Load an RDF file (any format `export` writes): parse, validate with the store as context, map, write.

    The file may add facts about entities the store already holds: see prepare_rdf. What it adds is
    its dataset, `rdf:STEM` (loaders/datasets.py `tag_additions`). Everything is validated and mapped
    before anything is written, so a refused file leaves the store unchanged."""
    from peninsula.graph.context import StoreContext
    from peninsula.loaders.datasets import rdf_dataset, tag_additions

    nodes, edges = prepare_rdf(StoreContext(store), read_rdf(path, fmt), path)
    nodes, edges = tag_additions(store, rdf_dataset(path), nodes, edges)
    counters = store.write(nodes, edges, progress=progress)
    return Report(nodes=len(nodes), edges=len(edges), counters=counters, files=[str(path)], classes=classes_of(nodes))


def classes_of(nodes: list[dict]) -> Counter:
    """Entities per class (a node of several classes counts for each)."""
    return Counter(c for n in nodes for c in _as_list(n["props"].get("class")))


def _as_list(v) -> list:
    return [] if v is None else v if isinstance(v, list) else [v]


def prepare_rdf(against, graph, path: Path | str) -> tuple[list, list]:
    """Validate and map a parsed RDF file against `against` (graph/context.py: what a store holds for
    `load`, the curated data or nothing for `validate`); return (nodes, edges). Writes nothing.

    - A subject with an rdf:type is described by the file (its node is written as the file says).
    - A subject without one names an entity of the store and adds to it: its store description
      plus the file's triples are validated together and written as one node.
    - Any other entity the file refers to (relationship ends, cited sources) must be typed in the
      file or held by the store; the store's are looked up by key in one batched query and given to
      SHACL as context (never written). Only problems of what the file describes are reported; a
      reference found neither in the file nor in the store is named as such."""
    from rdflib import RDF, Graph, URIRef

    from peninsula.loaders.codec import codec
    from peninsula.loaders.mapping import key_of, node_quads, node_triples, quads_of
    from peninsula.ontology import PEN, ValidationError
    from peninsula.ontology.model import load

    ont = load()
    quads = list(quads_of(graph))
    triples = {(s, p, o) for s, p, o, _ in quads}
    subjects = {s for s, _, _ in triples}
    typed = {s for s, p, _ in triples if p == RDF.type}
    statements = {s for s, p, o in triples if p == RDF.type and o == RDF.Statement}
    untyped = subjects - typed

    def where(s):
        return f"{path} <{s}>"

    refs = []  # (subject, field, object): an object property or pen:source pointing out of what the file types
    for s, p, o in triples:
        prop = ont.by_iri(p)
        if prop is not None and prop.kind == "object" and not _is_literal(o) and o not in typed:
            refs.append((s, prop.key, o))
    wanted = {key_of(t) for t in untyped - statements if isinstance(t, URIRef)}
    wanted |= {key_of(o) for _, _, o in refs if isinstance(o, URIRef)}
    held = against.held(wanted)
    nowhere = f"is not in the file or {against.name}" if against.name else "is not in the file (checked alone)"

    problems = [f"{where(s)}: {key_of(s)}, field 'rdf:type': {key_of(s)} {nowhere} "
                "(it has no rdf:type here and no node there)"
                for s in sorted(untyped - statements) if key_of(s) not in held]
    missing = {o for _, _, o in refs if o not in subjects and key_of(o) not in held}
    if missing:
        parts = defaultdict(dict)  # statement -> its rdf:subject, rdf:predicate, rdf:object
        for s, p, o in triples:
            if s in statements and p in (RDF.subject, RDF.predicate, RDF.object):
                parts[s][p] = o
        problems += [f"{where(s)}: {_name(parts.get(s, {}), s, key_of)}, field {f!r}: {key_of(o)} {nowhere}"
                     for s, f, o in sorted(refs) if o in missing]

    extended = {s for s in untyped - statements if key_of(s) in held}
    context_only = {key_of(o) for _, _, o in refs if o not in subjects and key_of(o) in held}
    extra_quads = []  # what the mapping needs besides the file: never written unless extended
    context = Graph()  # what SHACL needs besides the file: never written
    for s in extended:
        for q in node_quads(held[key_of(s)]["props"], ont):
            extra_quads.append(q)
            context.add(q[:3])
    cited = {o for s in extended for o in context.objects(s, PEN.source)}
    more = against.held({key_of(o) for o in cited if o not in typed and key_of(o) not in held})
    for key in context_only | set(more):
        props = (held.get(key) or more[key])["props"]
        for t in node_triples(props, ont):
            if t[1] != PEN.source:  # a context entity's own sources are not checked here
                context.add(t)
            if t[1] == RDF.type and key in context_only:
                extra_quads.append((*t, None))

    data = Graph()
    for t in triples:
        data.add(t)
    for t in context:
        data.add(t)
    elsewhere = "\0"  # where() of a focus node the file does not describe: filtered out below
    shown = {f"(value {o})" for o in missing}
    for line in shacl_validate(data, where=lambda s: where(s) if s in subjects else elsewhere):
        if line.startswith(elsewhere) or any(line.endswith(v) for v in shown):
            continue  # not the file's; or said above, by name
        problems.append(line)
    if problems:
        codec().refuse_foreign_base(triples, str(path))  # the cause, when the file has another base
        raise ValidationError(sorted(set(problems)))

    # a triple both stored and in the file is one triple (a store quad in another graph than the
    # file's is not: the mapping refuses a subject spread over graphs)
    nodes, edges = to_property_graph(list(dict.fromkeys(quads + extra_quads)), ont, where=where)
    nodes = [n for n in nodes if n["key"] not in context_only]
    for n in nodes:
        if n["key"] in held:  # an extended node keeps what the store holds beyond the ontology
            n["props"] = {**held[n["key"]]["props"], **n["props"]}
    return nodes, edges


def _is_literal(term) -> bool:
    from rdflib import Literal

    return isinstance(term, Literal)


def _name(parts: dict, s, key_of) -> str:
    """A subject's key; a statement's (given its parts) as `src -predicate-> dst [statement key]`."""
    from rdflib import RDF

    if len(parts) < 3:
        return key_of(s)
    return f"{key_of(parts[RDF.subject])} -{parts[RDF.predicate].rsplit('#', 1)[-1]}-> {key_of(parts[RDF.object])} " \
           f"[{key_of(s)}]"


def curated_graph(data_dir: Path | str | None = None):
    """The curated data as one RDF graph (read, not SHACL-validated): context for RDF additions."""
    return read_dir(data_dir or default_data_dir()).graph
