"""The library façade (`peninsula.api`) on a real embedded store: each function as a notebook
calls it, with the checks of the command and typed results; a refused input raises Peninsula's
own error naming file, line or record, and field, and leaves the store as it was."""

from __future__ import annotations

import pytest
from support import ROOT, TINY, checksum, tiny_folder

from peninsula import api
from peninsula.ontology import InputError, QueryError, ReadOnlyError, ValidationError

BASE = "https://peninsula.invalid/id/"
PREFIXES = f"""@base <{BASE}> .
@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# adds to the tiny data: PRK becomes a member of the UNSC (an untyped subject names a stored entity)
ADDITION = PREFIXES + """\
<state/PRK> pen:memberOf <org/unsc> .
<stmt/prk-in-unsc> a rdf:Statement ; rdf:subject <state/PRK> ; rdf:predicate pen:memberOf ;
    rdf:object <org/unsc> ; pen:source <src/unscr-1718> .
"""
SAMPLE = ROOT / "tests" / "samples" / "rdf" / "conforming.ttl"
CNS = ROOT / "tests" / "samples" / "cns" / "missile_tests.csv"


@pytest.fixture
def tiny(tmp_path):
    return tiny_folder(tmp_path)


@pytest.fixture
def built(store, tiny):
    api.build(store, tiny)
    return store


def _file(tmp_path, text: str, name: str = "add.ttl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store, call, error=InputError):
    """Run `call`, expect Peninsula's `error`, and check the store did not change at all."""
    before = checksum(store)
    with pytest.raises(error) as err:
        call()
    assert checksum(store) == before
    return err.value


# ---------------------------------------------------------------------------- build and validate
def test_build_validates_then_writes_and_says_what_it_wrote(store, tiny):
    report = api.build(store, tiny)
    assert isinstance(report, api.Report)
    assert (report.nodes, report.edges) == (3, 1) and report.counters.nodes_created == 3
    assert report.classes == {"State": 1, "IntergovernmentalOrganization": 1, "Source": 1}
    assert report.files == [str(tiny / "tiny.yaml")]
    assert not api.build(store, tiny).counters.changed  # idempotent


def test_validate_of_curated_data_is_build_without_the_write(store, tiny):
    checked = api.validate(tiny)
    assert checked.kind == "curated" and (checked.entities, checked.relationships) == (3, 1)
    assert checked.classes == api.build(store, tiny).classes
    # a list of folders and .yaml files is read as one knowledge base
    assert api.validate([tiny / "tiny.yaml"]).entities == 3


def test_a_refused_data_folder_names_file_line_and_field_and_writes_nothing(built, tiny):
    (tiny / "tiny.yaml").write_text(TINY.replace("rel: targets", "rel: bogus"), encoding="utf-8")
    err = _refused(built, lambda: api.build(built, tiny))
    assert err.where == f"{tiny / 'tiny.yaml'}:18" and err.field == "rel" and "bogus" in str(err)
    (tiny / "tiny.yaml").write_text(TINY.replace("iso3: PRK", "iso3: PRKX"), encoding="utf-8")
    err = _refused(built, lambda: api.build(built, tiny), ValidationError)
    assert err.problems == [f"{tiny / 'tiny.yaml'}:8: state/PRK, field 'iso3': needs one ISO 3166-1 alpha-3 "
                            "code (three capital letters) (value PRKX)"]
    with pytest.raises(ValidationError):
        api.validate(tiny)


# ---------------------------------------------------------------------------- load and validate: one check
def test_load_of_rdf_adds_to_the_store_and_reports_classes(built, tmp_path):
    path = _file(tmp_path, ADDITION)
    report = api.load(built, path)
    assert report.counters.relationships_created == 1 and report.classes == {"State": 1}
    assert api.query(built, "MATCH (:State {key: 'state/PRK'})-[r:MEMBER_OF]->(o) RETURN o.key AS key") == \
        [{"key": "org/unsc"}]
    assert not api.load(built, path).counters.changed


BAD = {  # what load refuses, each in its own words: (file text, words, field)
    "unknown reference": (ADDITION.replace("<org/unsc> .", "<org/nowhere> .", 1)
                          .replace("rdf:object <org/unsc>", "rdf:object <org/nowhere>"),
                          "org/nowhere is not in the file or the store", "member_of"),
    "undefined source": (ADDITION.replace("src/unscr-1718", "src/nowhere"),
                         "src/nowhere is not in the file or the store", "sources"),
    "shape": (PREFIXES + '<state/XXQ> a pen:State ; pen:iso3 "XQ" ; pen:source <src/unscr-1718> .\n',
              "needs one ISO 3166-1 alpha-3 code", "iso3"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_validate_refuses_exactly_what_load_refuses(built, tmp_path, case):
    text, words, field = BAD[case]
    path = _file(tmp_path, text)
    by_validate = _refused(built, lambda: api.validate(path, store=built), ValidationError)
    by_load = _refused(built, lambda: api.load(built, path), ValidationError)
    assert by_validate.problems == by_load.problems
    assert any(p.startswith(f"{path} <{BASE}") and f"field {field!r}" in p and words in p
               for p in by_load.problems), by_load.problems


def test_a_mapping_refusal_is_an_input_error_in_validate_and_load_alike(built, tmp_path):
    """SHACL passes, the mapping refuses (more significant digits than a store keeps)."""
    path = _file(tmp_path, PREFIXES + '<state/PRK> pen:degree "0.12345678901234567"^^xsd:double .\n')
    by_validate = _refused(built, lambda: api.validate(path, store=built))
    by_load = _refused(built, lambda: api.load(built, path))
    assert str(by_validate) == str(by_load) and "significant digits" in str(by_load)
    assert by_load.where.startswith(str(path))


def test_validate_without_a_store_checks_against_the_curated_data_or_nothing(tiny, tmp_path):
    path = _file(tmp_path, ADDITION)
    checked = api.validate(path, data=[tiny])
    assert checked.kind == "rdf" and checked.against == "the curated data" and checked.relationships == 1
    assert api.validate(path, data=api.validate(tiny)).nodes == checked.nodes
    err = _alone(path)
    assert any("src/unscr-1718 is not in the file (checked alone)" in p for p in err.problems), err.problems


def _alone(path):
    with pytest.raises(ValidationError) as err:
        api.validate(path, alone=True)
    return err.value


def test_streamed_load_and_validate_refuse_a_dangling_reference_alike(built, tmp_path):
    text = SAMPLE.read_text("utf-8") + f"<{BASE}state/XXA> <https://peninsula.invalid/ontology#supports> " \
                                       f"<{BASE}state/NOWHERE> .\n"
    path = _file(tmp_path, text)
    by_validate = _refused(built, lambda: api.validate(path, store=built, stream=True))
    by_load = _refused(built, lambda: api.load(built, path, stream=True))
    assert str(by_validate) == str(by_load)
    assert by_load.where == str(path) and by_load.field == "SUPPORTS" and "state/NOWHERE" in str(by_load)
    checked = api.validate(SAMPLE, store=built, stream=True)
    assert checked.kind == "stream" and checked.entities > 0 and checked.nodes == []


def test_options_of_source_formats_are_refused_for_rdf(built):
    err = _refused(built, lambda: api.load(built, SAMPLE, encoding="utf-8"))
    assert err.where == str(SAMPLE) and "encoding" in str(err)


@pytest.mark.slow
def test_a_source_format_validates_as_it_loads(store):
    checked = api.validate(CNS, "cns")
    assert checked.kind == "source" and checked.against == "the curated data" and checked.classes
    assert not store.counts()["labels"]
    report = api.load(store, CNS, "cns")
    assert report.classes == checked.classes and report.counters.nodes_created == len(checked.nodes)


# ---------------------------------------------------------------------------- query, export, analyze, view
def test_query_runs_pack_queries_and_cypher_with_their_checks(built):
    rows = api.query(built, "alliances/memberships_as_of", {"organization": "org/unsc", "as_of": "2020"})
    assert rows == []  # the tiny data has no memberships
    with pytest.raises(QueryError, match="org/nowhere"):
        api.query(built, "alliances/memberships_as_of", {"organization": "org/nowhere"})
    assert api.query(built, "MATCH (n:State) RETURN n.key AS key") == [{"key": "state/PRK"}]
    with pytest.raises(ReadOnlyError):
        api.query(built, "MATCH (n:State) SET n.x = 1")
    with pytest.raises(QueryError, match="read-only"):
        api.query(built, "alliances/memberships_as_of", write=True)


def test_export_then_load_gives_the_same_graph(built, tmp_path):
    text = api.export(built, "ntriples").text
    assert f"<{BASE}state/PRK> " in text and f"<{BASE}org/unsc> " in text
    nt = api.export(built, "ntriples", tmp_path / "kb.nt")
    assert nt.triples == sum(1 for _ in (tmp_path / "kb.nt").open("rb"))
    subgraph = api.export(built, "ntriples", query="MATCH (n:State) RETURN n.key AS key").text
    assert f"<{BASE}state/PRK> " in subgraph and f"<{BASE}org/unsc>" not in subgraph
    with api.open_store(f"embedded:{tmp_path / 'copy.db'}") as copy:
        api.load(copy, tmp_path / "kb.nt")
        assert checksum(copy) == checksum(built)
    void = api.export(built, "void", tmp_path / "void.ttl")
    assert void.output.read_text("utf-8") == void.text and "void:" in void.text


def test_analyze_dry_run_writes_nothing(built):
    before = checksum(built)
    result = api.analyze(built, write=False)
    assert isinstance(result, api.Analysis) and not result.written and checksum(built) == before
    with pytest.raises(InputError, match="2006-02-30"):
        api.analyze(built, as_of="2006-02-30")


def test_view_writes_an_offline_page(built, tmp_path):
    path = api.view(built, "sanctions", output=tmp_path)
    assert path.parent == tmp_path and "United Nations Security Council" in path.read_text("utf-8")
    with pytest.raises(InputError, match="no view 'bogus'"):
        api.view(built, "bogus")
