"""Both engines give the same answers: the curated build on the live Neo4j against the same build
on embedded FalkorDB — the whole graph, a second build, every export format, the analytics and
every view (opened in Chromium). The pack goldens on Neo4j are in test_queries.py."""

from __future__ import annotations

import os

import pytest
from support import checksum, require

from peninsula.graph import views
from peninsula.graph.analytics import analyze
from peninsula.graph.build import build
from peninsula.graph.export import export, to_graph
from peninsula.loaders.formats import RDF_FORMATS
from peninsula.loaders.rdf import read_rdf

pytestmark = pytest.mark.neo4j


def test_the_same_graph_on_both_engines(built, built_neo4j):
    assert built_neo4j.counts() == built.counts()
    assert checksum(built_neo4j) == checksum(built)


def test_a_second_build_changes_nothing_by_neo4js_own_counters(built_neo4j):
    report = build(built_neo4j)
    c = report.counters
    assert (c.nodes_created, c.relationships_created, c.properties_set) == (0, 0, 0), c


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_exports_from_neo4j_are_isomorphic_to_falkordbs(built, built_neo4j, fmt, tmp_path):
    from rdflib.compare import isomorphic

    path = tmp_path / f"neo4j{RDF_FORMATS[fmt].suffix}"
    export(built_neo4j, fmt, out=path)
    expected = to_graph(built)
    got = read_rdf(path)
    assert len(got) == len(expected) and isomorphic(got, expected)


def test_analytics_score_the_same_on_both_engines(built, built_neo4j):
    assert analyze(built_neo4j, write=False, top=50) == analyze(built, write=False, top=50)


@pytest.mark.parametrize("name", sorted(views.VIEWS))
def test_views_are_the_same_page_on_both_engines(built, built_neo4j, name):
    assert str(views.named_view(built_neo4j, name)) == str(views.named_view(built, name))


def test_views_from_neo4j_open_in_chromium(built_neo4j, tmp_path):
    chromium = require("chromium", "Debian's headless browser for the view tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.path.realpath(chromium), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for name in sorted(views.VIEWS):
            path = views.named_view(built_neo4j, name).save(tmp_path / f"{name}.html")
            page = browser.new_page()
            errors, outside = [], []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on("request", lambda r, outside=outside: outside.append(r.url)
                    if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
            page.goto(path.resolve().as_uri())
            page.wait_for_function("() => document.querySelector('canvas') !== null", timeout=30000)
            assert not errors and not outside, (name, errors, outside)
            page.close()
        browser.close()
