"""PENINSULA_BASE moves every IRI Peninsula mints: entities, statements, named graphs, the dataset's
description and, beside them, the ontology's namespace (PENINSULA_ONTOLOGY moves it alone). Run
through the CLI in fresh processes, since both are read once when Peninsula is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from tests.test_linked_data import SMALL

PENINSULA = str(Path(sys.executable).parent / "peninsula")
BASE = "https://kg.example.org/id/"
ONTOLOGY = "https://kg.example.org/ontology#"
PACKAGED = "https://peninsula.invalid/"
FORMATS = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "xml": "rdf", "trig": "trig", "nquads": "nq",
           "turtle12": "ttl", "void": "ttl"}
PARSE = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "trig": "trig", "nq": "nquads"}


def _run(tmp_path, *args, env=None, check=True):
    full = {**os.environ, "PENINSULA_STORE": f"embedded:{tmp_path / 'kg.db'}", "PENINSULA_PROGRESS": "never",
            **(env or {})}
    out = subprocess.run([PENINSULA, *args], capture_output=True, text=True,
                         env=full)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """A store loaded from SMALL written under the moved base and ontology, and its exports."""
    tmp = tmp_path_factory.mktemp("base")
    env = {"PENINSULA_BASE": BASE}
    source = tmp / "small.ttl"
    source.write_text(SMALL.replace("https://peninsula.invalid/id/", BASE)
                      .replace("https://peninsula.invalid/ontology#", ONTOLOGY), encoding="utf-8")
    _run(tmp, "load", str(source), env=env)
    files = {}
    for fmt, suffix in FORMATS.items():
        files[fmt] = tmp / f"export-{fmt}.{suffix}"
        _run(tmp, "export", "--format", fmt, "-o", str(files[fmt]), env=env)
    return tmp, env, files


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_packaged_iri_is_left_in_any_export(moved, fmt):
    _tmp, _env, files = moved
    text = files[fmt].read_text(encoding="utf-8")
    assert PACKAGED not in text, f"{fmt} still names {PACKAGED}"
    assert "kg.example.org/id/" in text and "kg.example.org/ontology" in text


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "xml", "trig", "nquads"])
def test_exports_parse_to_the_moved_iris(moved, fmt):
    _tmp, _env, files = moved
    g = Graph()
    g.parse(files[fmt], format=PARSE[files[fmt].suffix[1:]])
    subjects = {str(s) for s in g.subjects()}
    assert f"{BASE}state/PRK" in subjects
    assert any(str(p).startswith(ONTOLOGY) for p in g.predicates())
    assert not any(str(t).startswith(PACKAGED) for triple in g for t in triple)


def test_an_export_loads_back_under_the_same_base(moved, tmp_path):
    _tmp, env, files = moved
    _run(tmp_path, "load", str(files["turtle"]), env=env)
    again = tmp_path / "again.nt"
    _run(tmp_path, "export", "--format", "ntriples", "-o", str(again), env=env)
    assert again.read_bytes() == files["ntriples"].read_bytes()
    assert f"<{BASE}stmt/t1> <{ONTOLOGY}validFrom>" in again.read_text(encoding="utf-8")


def test_sparql_and_the_ontology_speak_the_moved_namespace(moved):
    tmp, env, _files = moved
    out = _run(tmp, "sparql", "--format", "csv",
               f"SELECT ?c WHERE {{ ?s <{ONTOLOGY}iso3> ?c }}", env=env)
    assert out.stdout.splitlines()[1:] == ["PRK"]
    docs = _run(tmp, "ontology", "docs", env=env).stdout
    assert "State" in docs and "peninsula.invalid" not in docs


def test_the_query_form_shows_the_moved_prefix(tmp_path):
    code = "from peninsula.graph.serve import form_page; print(form_page().decode())"
    page = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PENINSULA_BASE": BASE}).stdout
    assert f"PREFIX pen: &lt;{ONTOLOGY}&gt;" in page


def test_ontology_namespace_moves_alone_with_peninsula_ontology(tmp_path):
    code = "from peninsula.ontology import PEN, base_iri; print(PEN, base_iri())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PENINSULA_ONTOLOGY": "https://vocab.example.org/pen"}).stdout.split()
    assert out == ["https://vocab.example.org/pen#", "https://peninsula.invalid/id/"]


def test_data_under_the_packaged_base_is_refused_after_a_move(moved, tmp_path):
    """Moving the base is a choice for the whole store: a file still under the old IRIs names no
    class the moved ontology knows, and `load` says so instead of adding untyped nodes."""
    _tmp, env, _files = moved
    old = tmp_path / "old.ttl"
    old.write_text(SMALL, encoding="utf-8")
    out = _run(tmp_path, "load", str(old), env=env, check=False)
    assert out.returncode != 0
    assert "old.ttl" in out.stderr


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples"])
def test_an_export_under_another_base_is_refused_naming_both_bases(moved, tmp_path, fmt):
    """Loaded without its PENINSULA_BASE, an export's relationships cite no source the store knows:
    `load` (and `validate`) say the bases differ instead, and what to set."""
    _tmp, _env, files = moved
    streamed = [["load", "--stream", str(files[fmt])]] if fmt == "ntriples" else []
    for args in (["load", str(files[fmt])], ["validate", "--alone", str(files[fmt])], *streamed):
        out = _run(tmp_path, *args, check=False)
        assert out.returncode == 2, out.stderr
        assert f"under the base IRI <{BASE}>" in out.stderr and f"is <{PACKAGED}id/>" in out.stderr, out.stderr
        assert f"PENINSULA_BASE={BASE}" in out.stderr and "cites no source" not in out.stderr
        assert files[fmt].name in out.stderr
    from peninsula.graph.store import open_store

    with open_store(f"embedded:{tmp_path / 'kg.db'}") as store:  # refused: the store unchanged (empty)
        assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
