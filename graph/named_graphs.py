"""The named graphs of the TriG and N-Quads exports (and of the SPARQL copy): the curated facts in
the default graph, what Peninsula derived in ``<base>graph/derived``, each loaded dataset's
contribution in ``<base>graph/dataset/NAME``. A load reads both kinds back as the default graph
(`Codec.graph_value`): the store keeps them by properties (the ontology's pen:derived; `dataset`
and `loaded`), so the property graph comes back the same."""

from __future__ import annotations

from rdflib import RDF, URIRef

from peninsula.graph.export import to_graph
from peninsula.loaders.codec import codec, dataset_graph_iri, derived_graph_iri
from peninsula.loaders.rdf import NamedGraphs
from peninsula.ontology import load


def to_named_graphs(store, keys: set | None = None) -> NamedGraphs:
    """`to_graph` with the named graphs of the TriG and N-Quads exports: the curated facts in the
    default graph, what was derived in ``<base>graph/derived``, each loaded dataset's contribution in
    ``<base>graph/dataset/NAME`` (`derived_apart`, `datasets_apart`)."""
    g = to_graph(store, keys)
    derived_apart(g)
    datasets_apart(g)
    return g


def derived_apart(g: NamedGraphs) -> URIRef:
    """Move what Peninsula derived from the default graph to its own named graph (`derived_graph_iri`):
    every triple of a `pen:derived` property (network scores, the asserted CAN_REACH triple) and the
    statements of derived relationships, so the default graph holds only curated facts. Returns the
    graph's name. Loads read it back as the default graph (`Codec.graph_value`)."""
    ont = load()
    derived = {p.iri for p in ont.properties.values() if p.derived}
    statements = {s for p in ont.properties.values() if p.derived and p.kind == "object"
                  for s in g.subjects(RDF.predicate, p.iri)}
    graph = URIRef(derived_graph_iri())
    for t in [(s, p, o) for s, p, o in g if (p in derived or s in statements) and not g.graphs_of.get((s, p, o))]:
        _move(g, t, {graph})
    return graph


def datasets_apart(g: NamedGraphs) -> dict[str, URIRef]:
    """Move what loaders added from the default graph to one named graph per dataset
    (`dataset_graph_iri`: ``<base>graph/dataset/cns:missile-tests``), so the default graph holds only
    curated facts (run `derived_apart` first: a loaded entity's network scores are derived). The rule,
    read from the RDF alone:

    - an entity or statement with ``pen:dataset`` (a loader created it): all its triples, in the graph
      of each dataset that created it; the asserted triple of such a statement too, and it stays in
      the default graph as well where a statement without ``pen:dataset`` asserts it;
    - an entity a dataset only enriched (a ``pen:loaded`` entry ``DATASET PROPERTY`` or ``DATASET
      sources SOURCE``): the triples of that property (of that language, for ``name_ko``), the
      ``pen:source`` triple to that source and the ``pen:loaded`` entry itself; its other triples stay
      where they are.

    Triples already in a named graph (derived, or a graph the data came from) stay there. Returns
    dataset -> graph name. Loads read these graphs back as the default graph (`Codec.graph_value`):
    `dataset` and `loaded` come back from their own triples, so the property graph is the same."""
    c = codec()
    dataset_p, loaded_p = c.rules["dataset"].predicate, c.rules["loaded"].predicate
    names: dict[str, URIRef] = {}

    def graph(dataset: str) -> URIRef:
        if dataset not in names:
            names[dataset] = URIRef(dataset_graph_iri(dataset))
        return names[dataset]

    owners: dict = {}  # subject -> the graphs of the datasets that created it
    for s, o in g.subject_objects(dataset_p):
        owners.setdefault(s, set()).add(graph(str(o)))
    moves: dict = {}  # triple -> its graphs
    asserted: dict = {}  # asserted triple -> the graphs of its statements (None: a curated statement)
    for st in g.subjects(RDF.type, RDF.Statement):
        t = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        asserted.setdefault(t, set()).update(owners.get(st, {None}))
    for s, where in owners.items():
        for p, o in g.predicate_objects(s):
            moves[(s, p, o)] = where
    for t, where in asserted.items():
        if where != {None}:
            moves[t] = where
    for s, entry in list(g.subject_objects(loaded_p)):
        parts = str(entry).split(" ")
        into = {graph(parts[0])}
        moves[(s, loaded_p, entry)] = into
        if len(parts) == 3 and parts[1] == "sources":
            moves[(s, c.rules["sources"].predicate, c.term_of(parts[2]))] = into
        elif len(parts) == 2 and (rule := c.rule(parts[1])) is not None:
            for o in g.objects(s, rule.predicate):
                if _of_rule(rule, o):
                    moves[(s, rule.predicate, o)] = into
    for t in sorted(moves, key=lambda t: tuple(map(str, t))):
        if t in g and not g.graphs_of.get(t):
            _move(g, t, moves[t])
    return dict(sorted(names.items()))


def _of_rule(rule, o) -> bool:
    """Whether the object `o` is a value of `rule`'s graph key (pen:name holds name, name_ko...)."""
    from peninsula.loaders.literals import LANG, QID
    from peninsula.ontology.model import WIKIDATA

    if rule.kind == LANG:
        return getattr(o, "language", None) == rule.lang
    if rule.kind == QID:
        return str(o).startswith(WIKIDATA)
    return True


def _move(g: NamedGraphs, t: tuple, graphs: set) -> None:
    """Take the triple `t` out of the default graph into `graphs` (None among them: it stays there too)."""
    g.remove(t)
    if None in graphs:
        g.add(t)
    for name in sorted(x for x in graphs if x is not None):
        g.add_quad(*t, name)
