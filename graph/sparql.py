"""SPARQL over the store's RDF, answered by pyoxigraph."""

from __future__ import annotations

import pyoxigraph as ox

from peninsula.graph.export import to_graph
from peninsula.ontology import QueryError


def run_sparql(store, text: str) -> list[dict]:
    oxstore = ox.Store()
    data = to_graph(store).serialize(format="nt").encode("utf-8")
    oxstore.load(data, format=ox.RdfFormat.N_TRIPLES)
    try:
        result = oxstore.query(text)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from None
    if isinstance(result, bool):
        return [{"result": result}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: (None if sol[n] is None else sol[n].value) for n in names} for sol in result]
    return [{"subject": str(t.subject), "predicate": str(t.predicate), "object": str(t.object)} for t in result]
