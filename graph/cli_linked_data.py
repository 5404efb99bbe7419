"""The linked-data commands: `sparql`, `serve` and `ontology docs` (registered on the main group by
graph/cli.py, which holds the others)."""

from __future__ import annotations

from pathlib import Path

import click

from peninsula.graph.cli_output import print_rows
from peninsula.loaders.formats import RDF_FORMATS


@click.command()
@click.argument("query_text")
@click.option("--format", "fmt", type=click.Choice(list(dict.fromkeys(["table", "json", "xml", "csv", "tsv",
                                                                      *RDF_FORMATS]))),
              help="SELECT/ASK: table (default) or the W3C results formats json, xml, csv, tsv. "
                   "CONSTRUCT/DESCRIBE: an RDF format (default turtle).")
@click.option("--infer", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Add what RDFS or OWL 2 RL inference entails (computed once per change of the graph).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@click.pass_obj
def sparql(app, query_text, fmt, infer, output):
    """Answer SPARQL (a query or a .rq file) over the store's RDF and the ontology (pyoxigraph).

    The RDF is kept in a persistent copy beside the store, reloaded only when the graph changed."""
    from peninsula.graph.sparql import run_sparql

    text = Path(query_text).read_text("utf-8") if query_text.endswith(".rq") and Path(query_text).exists() else query_text
    with app.open() as store:
        answer = run_sparql(store, text, fmt, infer)
    if isinstance(answer, list):
        print_rows(answer, "table")
    elif output is not None:
        from peninsula.graph.files import write_bytes_safely

        write_bytes_safely(output, answer[0])
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(answer[0].decode("utf-8"), nl=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--infer", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Answer with what RDFS or OWL 2 RL inference adds.")
@click.pass_obj
def serve(app, host, port, infer):
    """Serve the store as a read-only SPARQL 1.1 Protocol endpoint (/sparql) with a query form (/).

    GET and POST, content negotiation (SPARQL JSON, XML, CSV, TSV; RDF for CONSTRUCT/DESCRIBE);
    updates are refused. Stop with Ctrl-C."""
    from peninsula.graph.serve import make_server

    with app.open() as store:
        try:
            server = make_server(store, host, port, infer)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        click.echo(f"SPARQL endpoint http://{host}:{server.server_address[1]}/sparql "
                   f"(query form http://{host}:{server.server_address[1]}/); Ctrl-C stops it", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            server.endpoint.close()


@click.group()
def ontology():
    """The ontology: reference documentation."""


@ontology.command("docs")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown")
@click.option("-o", "--output", type=click.Path(path_type=Path))
def ontology_docs(fmt, output):
    """Write the ontology reference: every class and property with label, definition, domain, range."""
    from peninsula.ontology.docs import reference

    text = reference(fmt)
    if output:
        from peninsula.graph.files import write_text_safely

        click.echo(f"wrote {write_text_safely(output, text)}")
    else:
        click.echo(text, nl=False)
