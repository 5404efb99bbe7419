"""`load` of an RDF file that adds to what the store holds: the store is the validation context.

Each test loads into its own copy of one curated build (copying the closed store file is fast)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from support import ROOT, checksum, store_checksum

from peninsula.graph.build import build, load_rdf
from peninsula.graph.store import open_store
from peninsula.ontology import PEN, ValidationError, base_iri

EXAMPLE = ROOT / "docs" / "example-additions.ttl"
BASE = base_iri()
PREFIXES = f"@base <{BASE}> .\n@prefix pen: <{PEN}> .\n@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
# entities and sources of the curated data (the ones docs/example-additions.ttl refers to)
STATE, ORG, SOURCE = "state/PRK", "org/iaea", "src/cctv-iaea-dprk-2007"


@pytest.fixture(scope="module")
def curated_db(tmp_path_factory):
    """A closed store file holding the curated build."""
    folder = tmp_path_factory.mktemp("curated")
    with open_store(f"embedded:{folder / 'kb.db'}") as s:
        build(s)
    return folder


@pytest.fixture
def kb(curated_db, tmp_path):
    """A fresh copy of the curated build, open."""
    for f in curated_db.iterdir():
        shutil.copy(f, tmp_path / f.name)
    s = open_store(f"embedded:{tmp_path / 'kb.db'}")
    yield s
    s.close()


def nodes_of(store) -> dict:
    return {r["key"]: (sorted(r["labels"]), r["props"]) for r in store.query(
        "MATCH (n:Entity) RETURN n.key AS key, labels(n) AS labels, properties(n) AS props")}


def turtle(tmp_path, body: str, name: str = "additions.ttl"):
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def refused(store, path) -> ValidationError:
    """Load `path`, expect a refusal, and check the store did not change at all."""
    before = checksum(store)
    with pytest.raises(ValidationError) as err:
        load_rdf(store, path)
    assert checksum(store) == before
    return err.value


def test_the_example_additions_load_into_the_curated_store_once(kb):
    """One relationship between two curated entities, citing curated sources: created once; the
    entities it refers to are not rewritten; a second load changes nothing."""
    before = nodes_of(kb)
    report = load_rdf(kb, EXAMPLE)
    c = report.counters
    assert (c.nodes_created, c.relationships_created) == (0, 1)
    after_nodes = nodes_of(kb)
    # context (org/iaea, the sources) and the extended state/PRK untouched, but for the `loaded`
    # entries that say which dataset (the file's, rdf:NAME) added what, and when (datasets.tag_additions)
    added = {k: sorted(set(v[1].get("loaded") or []) - set(before[k][1].get("loaded") or []))
             for k, v in after_nodes.items() if k in before}
    assert all(e.startswith("rdf:") for entries in added.values() for e in entries)

    def without_loaded(nodes):
        return {k: (labels, {f: v for f, v in props.items() if f != "loaded"}) for k, (labels, props) in nodes.items()}

    assert without_loaded(after_nodes) == without_loaded(before)
    rows = kb.query("MATCH (a:Entity {key: $a})-[r:MEMBER_OF]->(b:Entity {key: $b}) RETURN r.key AS key, "
                    "r.valid_from AS f, r.sources AS s", {"a": STATE, "b": ORG})
    assert [(r["key"], r["f"]) for r in rows] == [("stmt/example-prk-iaea-membership", "1974")]
    assert SOURCE in rows[0]["s"]
    after = checksum(kb)
    again = load_rdf(kb, EXAMPLE).counters
    assert (again.nodes_created, again.relationships_created, again.properties_set) == (0, 0, 0)
    assert checksum(kb) == after


def test_a_reference_in_neither_the_file_nor_the_store_is_named(kb, tmp_path):
    path = turtle(tmp_path, f"<{STATE}> pen:memberOf <org/nowhere> .\n"
                            "<stmt/x> a rdf:Statement ; rdf:subject <state/PRK> ; rdf:predicate pen:memberOf ;\n"
                            f"  rdf:object <org/nowhere> ; pen:source <{SOURCE}> .\n")
    err = refused(kb, path)
    assert f"{path} <{BASE}{STATE}>: {STATE}, field 'member_of': org/nowhere is not in the file or the store" \
        in err.problems, err.problems


def test_a_cited_source_in_neither_the_file_nor_the_store_is_named(kb, tmp_path):
    path = turtle(tmp_path, f"<{STATE}> pen:memberOf <{ORG}> .\n"
                            f"<stmt/y> a rdf:Statement ; rdf:subject <{STATE}> ; rdf:predicate pen:memberOf ;\n"
                            f"  rdf:object <{ORG}> ; pen:source <src/nowhere> .\n")
    err = refused(kb, path)
    assert any(p.startswith(f"{path} <{BASE}stmt/y>") and "field 'sources': src/nowhere is not in the file or the store"
               in p for p in err.problems), err.problems
    assert not any("cites no source" in p for p in err.problems), err.problems  # said once, by name


def test_an_untyped_subject_not_in_the_store_is_named(kb, tmp_path):
    path = turtle(tmp_path, f"<state/XXQ> pen:memberOf <{ORG}> .\n")
    err = refused(kb, path)
    assert any(p.startswith(f"{path} <{BASE}state/XXQ>") and "field 'rdf:type'" in p
               and "state/XXQ is not in the file or the store" in p for p in err.problems), err.problems


def test_the_store_is_the_context_not_the_curated_files(store, tmp_path):
    """Into an empty store, the example's references are found nowhere: refused, naming each."""
    err = refused(store, EXAMPLE)
    text = "\n".join(err.problems)
    for key in (STATE, ORG, SOURCE, "src/baltimoresun-dprk-quits-iaea-1994"):
        assert f"{key} is not in the file or the store" in text, text
    assert store.counts() == {"labels": {}, "types": {}}


def test_what_the_file_describes_is_still_checked_and_only_that(kb, tmp_path):
    """A new state citing a store source but with no name: its own problem is reported; nothing
    about the store's entities it points to."""
    path = turtle(tmp_path, f"<state/XXR> a pen:State ; pen:iso3 \"XXR\" ; pen:source <{SOURCE}> ;\n"
                            f"  pen:memberOf <{ORG}> .\n")
    err = refused(kb, path)
    assert err.problems and all(p.startswith(f"{path} <{BASE}state/XXR>") for p in err.problems), err.problems
    assert any("field 'name'" in p for p in err.problems), err.problems


def test_a_new_entity_citing_store_sources_loads(kb, tmp_path):
    path = turtle(tmp_path, f"<state/XXR> a pen:State ; pen:iso3 \"XXR\" ; pen:name \"Testland\"@en ;\n"
                            f"  pen:source <{SOURCE}> ; pen:memberOf <{ORG}> .\n")
    before = nodes_of(kb)
    c = load_rdf(kb, path).counters
    assert (c.nodes_created, c.relationships_created) == (1, 1)
    after = nodes_of(kb)
    assert {k: v for k, v in after.items() if k != "state/XXR"} == before
    assert after["state/XXR"][1]["sources"] == [SOURCE]


def test_an_extension_is_validated_together_with_the_store(kb, tmp_path):
    """A second ISO code on a stored state breaks its shape once both are seen together."""
    path = turtle(tmp_path, f"<{STATE}> pen:iso3 \"XXZ\" .\n")
    err = refused(kb, path)
    assert any(p.startswith(f"{path} <{BASE}{STATE}>") and "field 'iso3'" in p for p in err.problems), err.problems


def test_an_extension_adds_to_the_stored_entity_and_keeps_the_rest(kb, tmp_path):
    path = turtle(tmp_path, f"<{ORG}> pen:alias \"test-only alias\"@en .\n")
    before = nodes_of(kb)
    c = load_rdf(kb, path).counters
    assert (c.nodes_created, c.relationships_created) == (0, 0)
    labels, props = nodes_of(kb)[ORG]
    old_labels, old = before[ORG]
    assert labels == old_labels
    aliases = old.get("alias", [])
    assert props == {**old, "alias": sorted([*(aliases if isinstance(aliases, list) else [aliases]),
                                            "test-only alias"], key=repr)}
    again = load_rdf(kb, path).counters
    assert (again.nodes_created, again.relationships_created, again.properties_set) == (0, 0, 0)


def test_the_cli_loads_the_example_then_changes_nothing(curated_db, tmp_path):
    from peninsula.graph.cli import main

    for f in curated_db.iterdir():
        shutil.copy(f, tmp_path / f.name)
    uri = f"embedded:{tmp_path / 'kb.db'}"
    runner = CliRunner()
    first = runner.invoke(main, ["--store", uri, "load", str(EXAMPLE)])
    assert first.exit_code == 0, first.output
    assert "0 nodes created, 1 relationships created" in first.output
    after = store_checksum(uri)
    second = runner.invoke(main, ["--store", uri, "load", str(EXAMPLE)])
    assert second.exit_code == 0, second.output
    assert "0 nodes created, 0 relationships created, 0 properties set" in second.output
    assert store_checksum(uri) == after
    bad = turtle(tmp_path, f"<{STATE}> pen:memberOf <org/nowhere> .\n", "bad.ttl")
    refused_run = runner.invoke(main, ["--store", uri, "load", str(bad)])
    assert refused_run.exit_code != 0
    assert "org/nowhere is not in the file or the store" in refused_run.output
    assert store_checksum(uri) == after
