"""The `peninsula` command: thin click commands over library functions."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from peninsula.graph.cli_output import (
    print_classes,
    print_rows,
    print_source_report,
    progress_bar,
    review_lines,
)
from peninsula.loaders.formats import BY_NAME, RDF_FORMATS, SOURCE_FORMATS
from peninsula.ontology import PeninsulaError


class App:
    """What travels from the group to every command: the store URI and the debug flag."""

    def __init__(self, store_uri: str | None, debug: bool):
        self.store_uri, self.debug = store_uri, debug

    def open(self):
        from peninsula.graph.store import open_store

        return open_store(self.store_uri)


pass_app = click.make_pass_decorator(App)


class Group(click.Group):
    """Turns Peninsula's errors into a one-paragraph message and a meaningful exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PeninsulaError as exc:
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=Group)
@click.option("--store", "store_uri", envvar="PENINSULA_STORE", metavar="URI",
              help="embedded:PATH (default), redis://HOST:PORT or bolt://HOST:7687. Env: PENINSULA_STORE.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="peninsula")
@click.pass_context
def main(ctx, store_uri, debug):
    """Peninsula: the knowledge graph of the diplomacy around North Korea's missile program."""
    ctx.obj = App(store_uri, debug)


@main.command()
@click.option("--data", "data_dir", type=click.Path(exists=True, path_type=Path), help="Data folder (default data/).")
@pass_app
def build(app, data_dir):
    """Validate the curated data, load it (idempotent), derive reach and analytics."""
    from peninsula import api

    prepared = api.prepare_curated(data_dir)  # validate everything before the store is even opened
    with app.open() as store:
        progress, advance = progress_bar(prepared.entities + prepared.relationships, "writing")
        with progress:
            report = api.build(store, progress=advance, prepared=prepared)
        c = report.counters
        click.echo(f"built {report.nodes} entities and {report.edges} relationships from {len(report.files)} files "
                   f"into {store.describe()}")
        click.echo(f"changes: {c.nodes_created} nodes created, {c.relationships_created} relationships created, "
                   f"{c.properties_set} properties set")
        click.echo(f"derived: {report.derived.get('can_reach', 0)} CAN_REACH relationships, "
                   f"{report.derived.get('scored', 0)} nodes scored")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice([*BY_NAME, *SOURCE_FORMATS]), metavar="FORMAT",
              help=f"RDF files: {', '.join(RDF_FORMATS)} (default: from each file's suffix); "
                   f"{', '.join(SOURCE_FORMATS)}: files of a source format.")
@click.option("--alone", is_flag=True, help="Check RDF files by themselves, without the curated data as context.")
@click.option("--stream/--no-stream", default=None, help="RDF: check as `load --stream` loads (default: files "
              "over 20 MB).")
def validate(paths, fmt, alone, stream):
    """Check what `load` (or `build`) would write, exactly as it checks it, and write nothing.

    PATHS are data folders and .yaml files (checked as curated data; none: data/) and RDF files
    (or files of a source format, with --format). An RDF file is checked by the function `load`
    uses, with the curated data (the folders and .yaml files given, else data/) standing in for
    the store, so it may refer to curated entities and cite curated sources; only problems of
    what the file itself describes are reported. --alone checks each RDF file by itself."""
    from peninsula import api
    from peninsula.ontology import InputError, ValidationError

    for p in paths:
        if not p.exists():
            raise InputError("no such file or folder", where=str(p))
    data = [p for p in paths if fmt not in SOURCE_FORMATS and api.is_curated(p)]
    files = [p for p in paths if p not in data]
    curated = None
    if data or not files:
        curated = api.validate(data or None)
        click.echo(f"valid: {curated.entities} entities, {curated.relationships} relationships")
    problems = []
    for path in files:
        try:
            checked = api.validate(path, fmt, data=curated or None, alone=alone, stream=stream)
        except ValidationError as exc:
            problems += exc.problems
            continue
        except InputError as exc:
            problems.append(str(exc))
            continue
        against = f" (with {checked.against} as context)" if checked.against else " (alone)"
        click.echo(f"valid: {path}{against}: {checked.entities} entities, {checked.relationships} relationships")
    if problems:
        raise ValidationError(problems)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice([*BY_NAME, *SOURCE_FORMATS]), metavar="FORMAT",
              help=f"{', '.join(RDF_FORMATS)} (RDF; default: from the suffix); {', '.join(SOURCE_FORMATS)}.")
@click.option("--all-regimes", is_flag=True, help="un-xml: load every UN sanctions regime, not only the DPRK (1718).")
@click.option("--encoding", help="cns CSV: the text encoding (default cp1252, or UTF-8 when the file has a BOM).")
@click.option("--stream/--no-stream", default=None,
              help="RDF: stream in bounded memory, CREATE where new, no SHACL pass (default: files over 20 MB).")
@click.option("--dry-run", is_flag=True, help="Print proposed merges (source formats), new entities and likely "
              "duplicates; write nothing.")
@click.option("--judgements", type=click.Path(path_type=Path), help="Source formats: a YAML or CSV file of "
              "same/different/unsure per (record, entity) pair, kept for every later load.")
@pass_app
def load(app, path, fmt, all_regimes, encoding, stream, dry_run, judgements):
    """Load a file into the store: RDF that `export` writes, or a source format with --format."""
    from peninsula import api

    options = {"all_regimes": all_regimes, "encoding": encoding, "judgements": judgements} \
        if fmt in SOURCE_FORMATS else {}
    with app.open() as store:
        prepared = None
        if options:  # a source format: its records counted as they are read (total unknown)
            progress, advance = progress_bar(None, f"reading {path.name}")
            with progress:
                prepared = api.prepare(path, fmt, store=store, reading=advance, **options)
        elif dry_run or not api.streams(path, fmt, stream):
            prepared = api.prepare(path, fmt, store=store, stream=stream)
        if dry_run:
            for line in review_lines(store, prepared):
                click.echo(line)
            if prepared.kind == "source":
                click.echo(f"dataset {prepared.report.dataset}: {prepared.report.summary()}; dry run, nothing written")
            else:
                click.echo(f"{prepared.entities} entities and {prepared.relationships} relationships valid; "
                           "dry run, nothing written")
            return
        total = prepared.entities + prepared.relationships if prepared else None
        progress, advance = progress_bar(total, "writing" if options else f"loading {path.name}")
        with progress:
            report = api.load(store, path, fmt, stream=stream, progress=advance, prepared=prepared)
    if options:
        print_source_report(report)  # its summary, entities per class, matches and dataset
    c = report.counters
    click.echo(f"loaded {report.nodes} entities and {report.edges} relationships from {path}: "
               f"{c.nodes_created} nodes created, {c.relationships_created} relationships created, "
               f"{c.properties_set} properties set")
    if not options:
        print_classes(report.classes)
    if prepared is not None and prepared.kind == "rdf":
        from peninsula.loaders.datasets import rdf_dataset, tagged

        if tagged(name := rdf_dataset(path), prepared.nodes, prepared.edges):
            click.echo(f"dataset: {name} (remove it with `peninsula unload {name}`)")
    elif prepared is None and not options and report.dataset:  # a streamed load that added to the store
        click.echo(f"dataset: {report.dataset} (remove it with `peninsula unload {report.dataset}`)")


@main.command()
@click.argument("dataset")
@pass_app
def unload(app, dataset):
    """Remove one loaded dataset's contribution (entities, relationships, added properties) exactly."""
    from peninsula import api

    with app.open() as store:
        click.echo(api.unload(store, dataset).summary())


def _parse_params(pairs) -> dict:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not K=V", param_hint="--param")
        k, v = pair.split("=", 1)
        out[k] = v
    return out


@main.command()
@click.argument("query_id", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option("--cypher", help="Run this Cypher instead of a pack query.")
@click.option("--write", is_flag=True, help="Allow --cypher to write.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@pass_app
def query(app, query_id, params, cypher, write, fmt):
    """Run PACK/NAME from the query packs, or --cypher TEXT (read-only unless --write)."""
    from peninsula import api, queries

    if bool(query_id) == bool(cypher):
        raise click.UsageError("give either PACK/NAME or --cypher TEXT")
    q = queries.get(query_id) if query_id else None  # an unknown pack or name is said as such
    with app.open() as store:
        rows = api.query(store, q.id if q else cypher, _parse_params(params), write=write)
    print_rows(rows, fmt, constant=q.graph.get("type") if q else None)


@main.command("queries")
def list_queries():
    """List the query packs, their queries, titles and parameters."""
    from peninsula import queries

    for pack, qs in queries.packs().items():
        click.secho(pack, bold=True)
        for name, q in qs.items():
            params = ", ".join(p.signature for p in q.params.values())
            click.echo(f"  {pack}/{name:<28} {q.title}" + (f"  [{params}]" if params else ""))


@main.command()
@click.option("--format", "fmt", default="turtle",
              type=click.Choice([*RDF_FORMATS, "neo4j-admin", "void"]),
              help="An RDF format, neo4j-admin CSV, or void: the dataset's VoID/DCAT description (Turtle).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@click.option("--query", "query_id", help="Export only the subgraph of this query's graph result: PACK/NAME, or "
              "read-only Cypher text whose rows return node keys.")
@click.option("--param", "-p", "params", multiple=True, metavar="K=V")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_app
def export(app, fmt, output, query_id, params, directory):
    """Export the store (or one query's subgraph) as RDF, or as neo4j-admin CSV into DIRECTORY.

    `--format ntriples -o FILE` of the whole store streams page by page (flat memory)."""
    from peninsula import api

    if fmt == "neo4j-admin" or directory is not None:
        if fmt != "neo4j-admin" or query_id or not (directory or output):
            raise click.UsageError("use: peninsula export --format neo4j-admin DIRECTORY")
        with app.open() as store:
            files = api.export(store, fmt, directory or output).files
        click.echo(f"wrote {len(files['nodes'])} node and {len(files['relationships'])} relationship CSV files "
                   f"to {directory or output}; import them into a stopped Neo4j 5 with:", err=True)
        click.echo(files["command"])
        return
    streamed = fmt == "ntriples" and output is not None and not query_id  # page by page: a progress bar
    with app.open() as store:
        progress, advance = progress_bar(None, f"exporting {output.name}", "triples") if streamed else (nullcontext(), None)
        with progress:
            done = api.export(store, fmt, output, query=query_id, params=_parse_params(params), progress=advance)
    if output is None:
        click.echo(done.text, nl=False)
    elif done.triples is not None:
        click.echo(f"wrote {done.triples} triples to {output}", err=True)
    else:
        click.echo(f"wrote {output}", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--query", "query_id", help="Draw a pack query's graph result instead of a named view.")
@click.option("--param", "-p", "params", multiple=True, metavar="K=V")
@click.option("--as-of", help="Only what held on this date (YYYY[-MM[-DD]]).")
@click.option("--from", "year_from", type=int, help="First year shown.")
@click.option("--to", "year_to", type=int, help="Last year shown.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Folder for NAME.html, or a file ending in .html (default out/views/).")
@click.option("--tour", "tour_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A tour in YAML (data/tours/): a view that steps through it with next / previous.")
@pass_app
def view(app, name, query_id, params, as_of, year_from, year_to, output, tour_file):
    """Write an offline HTML network view: alliances, influence, sanctions, missiles, diplomacy, cyber."""
    from peninsula import api
    from peninsula.graph import views

    if sum(map(bool, (name, query_id, tour_file))) != 1:
        raise click.UsageError("give a view NAME, --query PACK/NAME or --tour FILE")
    if name and name not in views.VIEWS:
        raise click.UsageError(f"no view {name!r}; views: {', '.join(views.VIEWS)}")
    with app.open() as store:
        written = api.view(store, name, query=query_id, params=_parse_params(params), tour=tour_file, as_of=as_of,
                           year_from=year_from, year_to=year_to, output=output)
    click.echo(f"wrote {written}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@pass_app
def stats(app, fmt):
    """Nodes per label and relationships per type (markdown: the README's table of contents)."""
    with app.open() as store:
        counts = store.counts()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    if fmt == "markdown":
        from peninsula.graph.summary import markdown

        click.echo(markdown(counts), nl=False)
        return
    for section in ("labels", "types"):
        click.secho("nodes per label" if section == "labels" else "relationships per type", bold=True)
        for k, v in counts[section].items():
            click.echo(f"  {k:<32} {v}")


class _Families(click.Choice):
    """--family's choices: the ontology's relationship families (pen:family), read when needed."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        from peninsula.graph.analytics import families

        return tuple(families())

    @choices.setter
    def choices(self, value):  # click.Choice.__init__ assigns; the ontology decides
        pass


def _date_option(ctx, param, value):
    from peninsula.graph.analytics import check_date
    from peninsula.ontology import InputError

    try:
        return None if value is None else check_date(value)
    except InputError as exc:
        raise click.BadParameter(exc.detail) from None


@main.command()
@click.option("--as-of", callback=_date_option, metavar="DATE",
              help="Score the graph as it stood on this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--family", type=_Families(), help="Score only the relationships of one family.")
@click.option("--dry-run", is_flag=True, help="Print the scores without writing them to the store.")
@click.option("--top", default=10, show_default=True, help="How many nodes to list (highest betweenness first).")
@pass_app
def analyze(app, as_of, family, dry_run, top):
    """Centralities, communities and brokers (networkx), written back as node properties.

    Without options this scores the whole graph, as `build` does (derived CAN_REACH
    relationships left out). --as-of and --family OVERWRITE the scores that the influence pack
    and the views read, and clear them on nodes outside that projection; run `analyze` without
    options (or `build`) to restore them, or add --dry-run to only look."""
    from peninsula import api

    with app.open() as store:
        result = api.analyze(store, as_of=as_of, family=family, write=not dry_run, top=top)
    click.echo(f"scored {result.nodes} nodes: {result.communities} communities, {result.brokers} brokers")
    for row in result.top:
        click.echo(f"  {row['key']:<40} betweenness {row['betweenness']:.4f}  degree {row['degree']:.4f}  "
                   f"community {row['community']}" + ("  broker" if row["broker"] else ""))
    if dry_run:
        click.echo("dry run: the store was not changed")
    elif result.cleared:
        click.echo(f"cleared the scores of {result.cleared} nodes outside this projection "
                   "(`peninsula analyze` without options restores them)")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True)
@click.option("--data", "data_dir", type=click.Path(exists=True, path_type=Path))
@pass_app
def demo(app, out_dir, data_dir):
    """The main job: build, run every query pack, export RDF in every format, write every view."""
    from peninsula.graph.demo import run_demo

    run_demo(app.open, out_dir, data_dir, echo=click.echo)


@main.command()
@pass_app
def doctor(app):
    """Which store, whether it answers, and the versions of everything. Never prints a password."""
    from peninsula.graph.doctor import diagnose

    ok = True
    for name, status, detail in diagnose(app.store_uri):
        ok &= status != "FAIL"
        click.echo(f"{status:<4}  {name:<22} {detail}")
    sys.exit(0 if ok else 1)


def _register() -> None:
    from peninsula.graph.cli_linked_data import ontology, serve, sparql

    for command in (sparql, serve, ontology):
        main.add_command(command)


_register()
