"""The format registry (loaders/formats.py) is what the readers, the streaming path, the exporter
and the CLI do: each format's suffixes and names lead back to it, its rdflib and pyoxigraph names
exist, a format said to stream streams (and keeps named graphs when it is said to carry them),
and the CLI offers exactly the registry's formats."""

from __future__ import annotations

import importlib

import click
import pytest
from rdflib.plugin import Parser, Serializer
from rdflib.plugin import get as plugin
from support import SAMPLES

from peninsula.graph.cli import main
from peninsula.graph.export import serialize
from peninsula.loaders.formats import BY_NAME, RDF_FORMATS, SOURCE_FORMATS, guess_format
from peninsula.loaders.mapping import to_property_graph
from peninsula.loaders.rdf import read_rdf
from peninsula.loaders.stream import stream_graph
from peninsula.ontology import InputError
from peninsula.ontology.model import GRAPH_KEY

FORMATS = sorted(RDF_FORMATS)


@pytest.mark.parametrize("name", FORMATS)
def test_names_and_suffixes_lead_back_to_the_format(name, tmp_path):
    f = RDF_FORMATS[name]
    for suffix in f.suffixes:
        assert guess_format(tmp_path / f"x{suffix.upper()}") is f
    for alias in (f.name, *f.aliases):
        assert guess_format(tmp_path / "x.txt", alias) is f


def test_unknown_names_and_suffixes_are_refused_naming_the_file(tmp_path):
    with pytest.raises(InputError, match="cannot tell the RDF format") as err:
        guess_format(tmp_path / "x.txt")
    assert str(tmp_path / "x.txt") in str(err.value)
    with pytest.raises(InputError, match="unknown RDF format 'n3'"):
        guess_format(tmp_path / "x.ttl", "n3")
    with pytest.raises(InputError, match="unknown export format 'nt'"):  # export takes the names, not the aliases
        serialize(read_rdf(SAMPLES / "rdf" / "awkward.ttl"), "nt")


@pytest.mark.parametrize("name", FORMATS)
def test_parser_serializer_and_pyoxigraph_names_exist(name):
    import pyoxigraph

    import peninsula.loaders.rdf  # noqa: F401 - registers the peninsula-* serializers

    f = RDF_FORMATS[name]
    if f.triple_terms:  # read and written by loaders/rdf12.py, not rdflib
        assert f.parser is None and f.serializer is None
    else:
        assert plugin(f.parser, Parser) and plugin(f.serializer, Serializer)
    assert isinstance(f.ox_format, pyoxigraph.RdfFormat)
    assert f.ox_format.media_type == f.media_type


@pytest.mark.parametrize("name", FORMATS)
def test_streaming_reads_what_the_registry_says_and_keeps_named_graphs(name, tmp_path):
    """A file in each format, written by `export`'s serializer: where the format streams, the
    streaming path gives the normal path's nodes and relationships (named graphs included where the
    format carries them); where it does not, streaming refuses it."""
    f = RDF_FORMATS[name]
    path = tmp_path / f"named{f.suffix}"
    path.write_text(serialize(read_rdf(SAMPLES / "rdf" / "named-graphs.trig"), name), encoding="utf-8")
    nodes, edges = to_property_graph(read_rdf(path))
    graphs = {n["props"].get(GRAPH_KEY) for n in nodes} - {None}
    assert bool(graphs) == f.named_graphs
    if not f.streams:
        with pytest.raises(InputError, match="streaming load reads"):
            list(stream_graph(path))
        return
    streamed = list(stream_graph(path))
    assert {n["key"]: n["props"] for kind, n in streamed if kind == "node"} == {n["key"]: n["props"] for n in nodes}
    assert {e["key"]: e["props"] for kind, e in streamed if kind == "edge"} == {e["key"]: e["props"] for e in edges}


def _choices(command: str) -> list[str]:
    option = next(p for p in main.commands[command].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


def test_the_cli_offers_the_registry():
    assert _choices("export") == [*RDF_FORMATS, "neo4j-admin", "void"]
    assert _choices("load") == [*BY_NAME, *SOURCE_FORMATS]
    assert _choices("validate") == _choices("load")  # validate checks what load checks, every format
    assert set(_choices("sparql")) == {"table", "json", "xml", "csv", "tsv", *RDF_FORMATS}


@pytest.mark.parametrize("name", sorted(SOURCE_FORMATS))
def test_every_source_format_has_a_reader(name):
    assert callable(importlib.import_module(SOURCE_FORMATS[name]).read)
