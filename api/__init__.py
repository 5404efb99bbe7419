"""Peninsula as a library: what the `peninsula` command does, from a notebook or a script.

    from peninsula import api

    store = api.open_store("embedded:/tmp/kb.db")
    api.build(store)                                   # validate data/, then write it
    api.load(store, "additions.ttl")                   # RDF, checked against the store
    api.load(store, "missile_tests.csv", "cns")        # a source format, matched and checked
    api.validate("additions.ttl")                      # what load checks, writing nothing
    rows = api.query(store, "sanctions/designations_of", {"key": "state/PRK"})
    text = api.export(store, "turtle").text

Every function runs the same checks as the command (the command only parses arguments, calls
these and prints): input is read, mapped and validated before a store is written (pipeline.py),
so a refused file raises Peninsula's own error (`InputError`, `ValidationError`, naming file,
line or record, and field) and leaves the store as it was. Results are dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peninsula.api.pipeline import Prepared, curated_context, is_curated, prepare, prepare_curated, streams
from peninsula.graph.build import Report
from peninsula.graph.context import NodesContext
from peninsula.graph.context import alone as alone_context
from peninsula.graph.store import Store, open_store
from peninsula.loaders.formats import SOURCE_FORMATS
from peninsula.ontology import InputError, PeninsulaError, QueryError, StoreError, ValidationError
from peninsula.queries import run_query


@dataclass
class Exported:
    """What `export` wrote: the text (no `output`), the file, or the neo4j-admin files."""

    fmt: str
    output: Path | None = None
    text: str | None = None
    triples: int | None = None  # N-Triples streamed to a file: how many were written
    files: dict = field(default_factory=dict)  # neo4j-admin: {"nodes": [...], "relationships": [...], "command"}


@dataclass
class Analysis:
    """What `analyze` scored: counts, the top nodes by betweenness, and how many lost their scores."""

    nodes: int
    communities: int
    brokers: int
    top: list = field(default_factory=list)
    cleared: int = 0
    written: bool = True


def build(store: Store, data=None, *, derive: bool = True, progress=None, prepared: Prepared | None = None) -> Report:
    """Validate the curated data (data/, or the folders and .yaml files given), then write it and
    derive reach and analytics. `prepared`: what prepare_curated() returned, to validate before
    opening the store."""
    from peninsula.graph.build import build as run_build

    prepared = prepared or prepare_curated(data)
    return run_build(store, derive=derive, progress=progress,
                     prepared=(prepared.nodes, prepared.edges, prepared.report))


def load(store: Store, path, fmt: str | None = None, *, stream: bool | None = None, progress=None,
         prepared: Prepared | None = None, **options):
    """Load one file: RDF (any format `export` writes; over 20 MB, or `stream=True`, streamed in
    bounded memory) or a source format (`fmt` one of SOURCE_FORMATS; options such as
    `judgements`, `all_regimes`, `encoding`). Checked whole before anything is written.

    Returns the loader's report: a SourceReport for a source format, else a Report; both say
    `classes`, the entities per class. `prepared`: what prepare() returned (a dry run's)."""
    path = Path(path)
    if prepared is None and streams(path, fmt, stream):
        from peninsula.graph.bulk import load_stream

        return load_stream(store, path, fmt, progress=progress)
    prepared = prepared or prepare(path, fmt, store=store, **options)
    counters = store.write(prepared.nodes, prepared.edges, progress=progress)
    if prepared.kind == "source":
        prepared.report.counters = counters
        return prepared.report
    return Report(nodes=len(prepared.nodes), edges=len(prepared.edges), counters=counters, files=[str(path)],
                  classes=prepared.classes)


def validate(path=None, fmt: str | None = None, *, store: Store | None = None, data=None, alone: bool = False,
             stream: bool | None = None, **options) -> Prepared:
    """Check one input exactly as `load` (or `build`, for curated data) would, and write nothing.

    `path`: curated data (a folder, a .yaml file, a list of them; None: data/), an RDF file, or
    a file of a source format (`fmt`). An RDF file is checked against `store` when given, else
    by itself (`alone`), else against the curated data: `data` (folders and .yaml files, or a
    Prepared of them) or data/. Raises ValidationError / InputError; returns what a load would
    write."""
    context = None
    curated = path is None or isinstance(path, (list, tuple)) or (fmt is None and is_curated(Path(path)))
    if not curated and fmt not in SOURCE_FORMATS and store is None:
        if alone:
            context = alone_context()
        elif isinstance(data, Prepared):
            context = NodesContext.of(data.nodes)
        else:
            context = curated_context(data)
    return prepare(path, fmt, store=store, context=context, stream=stream, **options)


def query(store: Store, id_or_cypher: str, params: dict | None = None, *, write: bool = False) -> list[dict]:
    """Rows of a pack query (PACK/NAME, parameters checked and typed) or of Cypher text (read-only
    unless `write`)."""
    return run_query(store, id_or_cypher, params, write=write)


def query_keys(store: Store, id_or_cypher: str, params: dict | None = None) -> set:
    """The node keys of a pack query's graph result; or, for Cypher text, every node key among the
    values its rows return (read-only)."""
    from peninsula import queries

    if not queries.is_pack_id(id_or_cypher):
        found: set = set()

        def collect(v):
            if isinstance(v, str):
                found.add(v)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    collect(x)
            elif isinstance(v, dict):
                collect(v.get("key") if "key" in v else list(v.values()))

        for row in run_query(store, id_or_cypher, params):
            collect(list(row.values()))
        held = run_query(store, "MATCH (n:Entity) WHERE n.key IN $keys RETURN n.key AS key", {"keys": sorted(found)})
        if not held:
            raise QueryError("the Cypher query returned no node keys: return n.key (or keys in lists) to export")
        return {r["key"] for r in held}
    q = queries.get(id_or_cypher.strip())
    if not q.graph:
        raise QueryError(f"{q.id} has no graph result (no `graph:` header)")
    rows = run_query(store, q.id, params)
    return {r[q.graph[c]] for r in rows for c in ("from", "to") if c in q.graph and r.get(q.graph[c])}


def export(store: Store, fmt: str = "turtle", output=None, *, query: str | None = None, params: dict | None = None,
           progress=None) -> Exported:
    """The store (or one query's subgraph: `query` is PACK/NAME or Cypher returning node keys) in
    an RDF format; "void" for its VoID/DCAT description; "neo4j-admin" for CSV files in the
    folder `output`. N-Triples of the whole store to a file stream page by page (flat memory)."""
    output = None if output is None else Path(output)
    if fmt == "neo4j-admin":
        if output is None or query:
            raise InputError("neo4j-admin export: give a folder, and no query", field="output")
        from peninsula.graph.neo4j_admin import export_neo4j_admin

        return Exported(fmt, output, files=export_neo4j_admin(store, output))
    if fmt == "void":
        from peninsula.graph.metadata import describe

        text = describe(store).serialize(format="turtle")
        if output is not None:
            from peninsula.graph.files import write_text_safely

            write_text_safely(output, text)
        return Exported(fmt, output, text=text)
    if fmt == "ntriples" and output is not None and not query:
        from peninsula.graph.export import write_ntriples

        return Exported(fmt, output, triples=write_ntriples(store, output, progress=progress))
    from peninsula.graph.export import export as run_export

    keys = query_keys(store, query, params) if query else None
    return Exported(fmt, output, text=run_export(store, fmt, output, keys))


def analyze(store: Store, *, as_of: str | None = None, family: str | None = None, write: bool = True,
            top: int = 10) -> Analysis:
    """Centralities, communities and brokers, written back as node properties unless `write=False`
    (graph/analytics.py: --as-of and --family replace the scores the views read)."""
    from peninsula.graph.analytics import analyze as run
    from peninsula.graph.analytics import check_date

    result = run(store, as_of=None if as_of is None else check_date(as_of), family=family, write=write, top=top)
    return Analysis(result["nodes"], result["communities"], result["brokers"], result["top"], result["cleared"], write)


def view(store: Store, name: str | None = None, *, query: str | None = None, params: dict | None = None,
         tour=None, as_of=None, year_from: int | None = None, year_to: int | None = None, output=None) -> Path:
    """Write an offline HTML view: a named one (views.VIEWS), a pack query's graph result, or a
    tour file; returns the file written (`output`: a folder or a .html file; default out/views/)."""
    from peninsula.graph import views

    if sum(map(bool, (name, query, tour))) != 1:
        raise InputError("give one of a view name, a query or a tour")
    if tour:
        from peninsula.graph.view_tour import read_tour

        html = views.tour_view(store, read_tour(tour))
        return views.write_view(html, views.output_path(output, f"tour-{Path(tour).stem}"))
    if name:
        if name not in views.VIEWS:
            raise InputError(f"no view {name!r}; views: {', '.join(views.VIEWS)}")
        html = views.named_view(store, name, as_of=as_of, year_from=year_from, year_to=year_to)
        return views.write_view(html, views.output_path(output, name))
    from peninsula import queries

    q = queries.get(query)
    given = dict(params or {})
    if as_of and "as_of" in q.params:
        given.setdefault("as_of", as_of)
    rows = run_query(store, q.id, given)
    html = views.query_view(rows, q.graph, store, title=q.title, as_of=as_of, year_from=year_from, year_to=year_to)
    return views.write_view(html, views.output_path(output, query))


def unload(store: Store, dataset: str):
    """Remove one loaded dataset's contribution exactly (loaders/datasets.py); its report."""
    from peninsula.loaders.datasets import unload as run_unload

    return run_unload(store, dataset)


__all__ = [
    "Analysis", "Exported", "Prepared", "Report", "Store",
    "InputError", "PeninsulaError", "QueryError", "StoreError", "ValidationError",
    "analyze", "build", "export", "is_curated", "load", "open_store", "prepare", "prepare_curated", "query",
    "query_keys", "streams", "unload", "validate", "view",
]
