"""Matching loaded records to the knowledge base: names, time zones, identifiers, provenance.

Each test reproduces a failure seen when real sources (the CNS database, the UN list) were
loaded over the curated graph, with small sample files in the real formats."""

from __future__ import annotations

import pytest
from support import SAMPLES

from peninsula.loaders.korea_time import korea_date
from peninsula.loaders.matching import Record, name_keys, similarity
from peninsula.loaders.sources import KnowledgeBase, load_source, prepare_source

CNS = SAMPLES / "cns" / "matching.csv"
UN = SAMPLES / "un-xml" / "matching.xml"


def _node(store, key):
    rows = store.query("MATCH (n:Entity {key: $key}) RETURN properties(n) AS p", {"key": key})
    return dict(rows[0]["p"]) if rows else None


def _out(store, key, rel):
    rows = store.query(f"MATCH (:Entity {{key: $key}})-[r:{rel}]->(b) RETURN b.key AS dst ORDER BY dst", {"key": key})
    return [r["dst"] for r in rows]


# ---------------------------------------------------------------------------- time
@pytest.mark.parametrize("date, time, local", [
    ("2017-11-28", "18:17:00", "2017-11-29"),  # after midnight in Korea: the UTC date is the day before
    ("2017-07-28", "15:11:00", "2017-07-28"),  # 23:41 at UTC+8:30; UTC+9 would say the 29th
    ("2014-06-29", "15:20:00", "2014-06-30"),  # before 2015-08-15: UTC+9
    ("2015-08-14", "14:59:00", "2015-08-14"),  # 23:59 UTC+9, the last minute before the change
    ("2015-08-14", "15:10:00", "2015-08-14"),  # 23:40 UTC+8:30, the clocks just went back
    ("2018-05-04", "14:59:00", "2018-05-04"),  # 23:29 UTC+8:30
    ("2018-05-04", "15:00:00", "2018-05-05"),  # 00:00 UTC+9 again
    ("1984-09", "10:00:00", "1984-09"),  # a month cannot be converted
    ("2016-02-07", None, "2016-02-07"),  # no time: kept as given
])
def test_korea_date(date, time, local):
    assert korea_date(date, time) == local


# ---------------------------------------------------------------------------- names
@pytest.mark.parametrize("a, b", [
    ("Sinp'o", "Sinpo"), ("P\u2019y\u014fngs\u014fng", "Pyongsong"), ("Kus\u014fng", "Kusong"),
    ("ER Scud", "Scud-ER"), ("GENERAL BUREAU OF ATOMIC ENERGY (GBAE)", "General Bureau of Atomic Energy"),
    ("Korea Tangun Trading Corp.", "KOREA TANGUN TRADING CORPORATION"),
])
def test_spelling_variants_normalise_alike(a, b):
    assert name_keys(a)[0] == name_keys(b)[0]


def test_parenthetical_acronym_is_kept_as_a_short_alias():
    keys = name_keys("GENERAL BUREAU OF ATOMIC ENERGY (GBAE)")
    assert keys == ["atomic bureau energy general of", "gbae"]


def test_legal_form_and_transliteration_variants_score_high_but_numbers_must_agree():
    assert similarity("KOREAN TANGUN TRADING CORPORATION", "Korea Tangun Trading Corporation") >= 0.9
    assert similarity("Korea Tangun Trading Corporation", "Korea Taesong Trading Company") < 0.9
    assert similarity("Hwasong-15", "Hwasong-5") == 0  # different numbers are different things


def test_short_alias_never_decides_alone():
    kb = KnowledgeBase.of(None)
    from peninsula.loaders.matching import Matcher

    decision = Matcher(kb).match(Record(names=["NAMCHONGANG TRADING CORPORATION"], aliases=["NCG"],
                                        cls="Organization", proposed="org/un-kpe-903", where="sample"))
    assert decision.key == "org/un-kpe-903" and decision.kind == "new"
    assert any("org/nuclear-consultative-group" in d["key"] and "never decides" in " ".join(d["reasons"])
               for d in decision.considered)


def test_a_short_alias_with_close_names_is_a_likely_duplicate_to_review():
    from peninsula.loaders.matching import Matcher
    from peninsula.loaders.sources import SourceReport

    m = Matcher(KnowledgeBase.of(None))
    decision = m.match(Record(names=["GENERAL BUREAU OF ATOMIC ENERGY INDUSTRY"], aliases=["GBAE"],
                              cls="Organization", proposed="org/un-kpe-990", where="sample"))
    assert decision.kind == "new"  # still never merged on a short alias
    [likely] = decision.likely
    assert likely["key"] == "org/gbae" and "beside the shared short alias" in likely["reasons"][-1]
    report = SourceReport("un-xml", "sample", decisions=[decision])
    assert any(line.startswith("likely duplicate: org/un-kpe-990 ~ org/gbae") for line in report.review())
    # names far apart: the shared short alias alone is no likely duplicate (NCG)
    far = m.match(Record(names=["NAMCHONGANG TRADING CORPORATION"], aliases=["NCG"], cls="Organization",
                         proposed="org/un-kpe-903", where="sample"))
    assert far.likely == [] and far.considered


def test_class_compatibility_comes_from_the_ontology():
    from peninsula.loaders.matching import Matcher

    m = Matcher(KnowledgeBase.of(None))
    agency = m.match(Record(names=["General Bureau of Atomic Energy"], cls="Organization", proposed="org/x", where="s"))
    assert agency.key == "org/gbae" and agency.kind == "merge"  # a GovernmentAgency is an Organization
    person = m.match(Record(names=["General Bureau of Atomic Energy"], cls="Person", proposed="person/x", where="s"))
    assert person.key == "person/x" and person.kind == "new"


# ---------------------------------------------------------------------------- CNS
def test_cns_dates_are_converted_to_the_korea_date(store):
    report = load_source(store, "cns", CNS)
    assert report.stats["times converted from UTC to the Korea date"] == 5
    assert report.stats["dates moved to the next day in Korea"] == 2
    # the Hwasong-15 launch of 2017-11-29 (local), 2017-11-28 18:17 UTC in CNS: paired, not duplicated
    assert _node(store, "event/test-2017-11-29")["record_id"] == "F1=201"
    assert _node(store, "event/test-2017-11-29")["launch_time"] == "18:17:00"
    assert _node(store, "event/cns-201") is None
    assert store.query("MATCH (t:MissileTest {date: '2017-11-28'}) RETURN t.key") == []
    # a night launch in the UTC+8:30 years stays on its local day
    assert _node(store, "event/test-2017-07-28")["record_id"] == "F1=202"
    # a new test carries the Korea date and keeps the UTC time
    assert _node(store, "event/cns-203")["date"] == "2016-07-20"
    assert _node(store, "event/cns-203")["launch_time"] == "20:45:00"


def test_cns_spelling_variants_resolve_to_curated_entities(store):
    load_source(store, "cns", CNS)
    assert _out(store, "event/cns-203", "TESTED") == ["missile/scud-er"]  # 'ER Scud'
    assert store.query("MATCH (m:WeaponSystem) WHERE m.key STARTS WITH 'missile/cns-' RETURN m.key") == []
    assert _out(store, "event/cns-204", "LAUNCHED_FROM") == ["place/sinpo"]  # Sinp'o, 1.4 km away
    assert _out(store, "event/cns-205", "LAUNCHED_FROM") == ["place/kusong"]  # Kusŏng
    assert _out(store, "event/cns-206", "LAUNCHED_FROM") == ["place/cns-sinpo"]  # same name, 180 km away
    places = {r["k"] for r in store.query("MATCH (p:Place) WHERE p.key STARTS WITH 'place/cns-' RETURN p.key AS k")}
    assert places == {"place/cns-hwangju", "place/cns-sinpo"}


def test_cns_reload_matches_on_the_record_id_first(store):
    load_source(store, "cns", CNS)
    second = load_source(store, "cns", CNS)
    assert not second.counters.changed
    assert second.stats["matched by identifier"] >= 2


# ---------------------------------------------------------------------------- UN list
@pytest.mark.slow
def test_un_list_matches_variants_and_refuses_short_alias(store):
    from peninsula.graph.build import build

    build(store, derive=False)
    report = load_source(store, "un-xml", UN)
    designated = {r["t"] for r in store.query("MATCH (:SanctionsRegime)-[:DESIGNATES]->(t) RETURN t.key AS t")}
    assert "org/nuclear-consultative-group" not in designated  # 'NCG' alone decides nothing
    assert {"org/gbae", "org/korea-tangun-trading", "org/un-kpe-903", "org/un-kpe-906"} <= designated
    assert _node(store, "org/un-kpe-904") is None and _node(store, "org/un-kpe-905") is None
    # the identifiers land on the matched curated designees
    assert _node(store, "org/gbae")["reference_number"] == "KPe.904"
    assert _node(store, "org/korea-tangun-trading")["reference_number"] == "KPe.905"
    assert report.stats["merged"] == 2


# ---------------------------------------------------------------------------- provenance
def test_loaded_facts_carry_their_dataset(store):
    load_source(store, "un-xml", UN)
    new = _node(store, "org/un-kpe-903")
    assert new["dataset"] == ["un-xml:matching"]
    edge = store.query("MATCH (:SanctionsRegime)-[d:DESIGNATES]->(:Entity {key: 'org/un-kpe-903'}) "
                       "RETURN d.dataset AS ds")
    assert edge == [{"ds": ["un-xml:matching"]}]
    assert "un-xml:matching reference_number" in _node(store, "org/gbae")["loaded"]


@pytest.mark.slow
def test_build_after_a_load_keeps_what_loaders_own(store):
    from peninsula.graph.build import build

    build(store, derive=False)
    load_source(store, "cns", CNS)
    load_source(store, "un-xml", UN)
    before = _snapshot(store)
    report = build(store, derive=False)
    assert _node(store, "event/test-2017-11-29")["record_id"] == "F1=201"
    assert _node(store, "org/gbae")["reference_number"] == "KPe.904"
    assert _snapshot(store) == before and not report.counters.changed


@pytest.mark.slow
def test_unload_removes_one_dataset_exactly(store):
    from peninsula.graph.build import build
    from peninsula.loaders.datasets import unload

    build(store, derive=False)
    load_source(store, "cns", CNS)
    after_cns = _snapshot(store)
    load_source(store, "un-xml", UN)
    removed = unload(store, "un-xml:matching")
    assert removed.nodes_deleted > 0 and removed.relationships_deleted > 0
    assert _snapshot(store) == after_cns
    unload(store, "cns:matching")
    build(store, derive=False)
    fresh = _snapshot_of_build(store.__class__, tmp_uri=None)
    assert _snapshot(store) == fresh


def _snapshot(store):
    nodes = {n["key"]: (sorted(n["labels"]), _canon(n["props"])) for n in store.nodes()}
    edges = {e["key"]: (e["type"], e["src"], e["dst"], _canon(e["props"])) for e in store.edges()}
    return nodes, edges


def _canon(props):
    return {k: sorted(v) if isinstance(v, list) and k in ("sources", "dataset", "loaded") else v
            for k, v in props.items()}


_FRESH = {}


def _snapshot_of_build(_cls, tmp_uri=None):
    """The graph a plain build (no derivation) gives, built once in a store of its own."""
    if "snap" not in _FRESH:
        import tempfile

        from peninsula.graph.build import build
        from peninsula.graph.store import open_store

        with tempfile.TemporaryDirectory() as d, open_store(f"embedded:{d}/fresh.db") as s:
            build(s, derive=False)
            _FRESH["snap"] = _snapshot(s)
    return _FRESH["snap"]


# ---------------------------------------------------------------------------- review
def test_dry_run_prints_merges_new_entities_and_likely_duplicates(store, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from peninsula.graph.cli import main

    monkeypatch.setenv("PENINSULA_JUDGEMENTS", str(tmp_path / "kept.yaml"))
    uri = f"embedded:{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--store", uri, "load", "--format", "un-xml", str(UN), "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "merge" in out and "org/gbae" in out and "score 1.00" in out
    assert "org/korea-tangun-trading" in out and "name similarity" in out
    assert "new: org/un-kpe-906" in out
    assert "nothing written" in out
    from peninsula.graph.store import open_store

    with open_store(uri) as s:
        assert s.query("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_judgements_are_honoured_by_every_later_load(store, tmp_path, monkeypatch):
    kept = tmp_path / "kept.yaml"
    monkeypatch.setenv("PENINSULA_JUDGEMENTS", str(kept))
    judged = tmp_path / "judgements.csv"
    judged.write_text("record,entity,judgement\norg/un-kpe-905,org/korea-tangun-trading,different\n"
                      "org/un-kpe-903,org/nuclear-consultative-group,unsure\n", encoding="utf-8")
    _, _, report = prepare_source(store, "un-xml", UN, judgements=judged)
    assert report.stats["merged"] == 1  # only GBAE now
    # a later load without the file honours what was judged
    later = load_source(store, "un-xml", UN)
    assert later.stats["merged"] == 1
    assert _node(store, "org/un-kpe-905")["name"] == "KOREAN TANGUN TRADING CORPORATION"
    assert any("judged unsure" in line for line in later.review())


@pytest.mark.slow
def test_likely_duplicates_query_lists_an_unpaired_launch_beside_the_curated_ones(store):
    from peninsula import queries
    from peninsula.graph.build import build

    build(store, derive=False)
    assert queries.run(store, "quality/likely_duplicates") == []
    load_source(store, "cns", SAMPLES / "cns" / "curated_matches.csv")  # F1=103: one row, two curated tests
    rows = queries.run(store, "quality/likely_duplicates")
    pairs = {(r["left"], r["right"]) for r in rows}
    assert {("event/cns-103", "event/test-2016-06-22-a"), ("event/cns-103", "event/test-2016-06-22-b")} <= pairs
    assert all(r["left"].startswith("event/cns-") for r in rows)


def test_cns_judgements_override_the_pairing(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PENINSULA_JUDGEMENTS", str(tmp_path / "kept.yaml"))
    judged = tmp_path / "judgements.yaml"
    judged.write_text("- {record: event/cns-201, entity: event/test-2017-11-29, judgement: different}\n"
                      "- {record: event/cns-205, entity: event/test-2017-02-12, judgement: same}\n", encoding="utf-8")
    report = load_source(store, "cns", CNS, judgements=judged)
    assert _node(store, "event/cns-201")["date"] == "2017-11-29"  # kept apart, still on its Korea date
    assert "record_id" not in (_node(store, "event/test-2017-11-29") or {})
    assert _node(store, "event/cns-205") is None
    assert _node(store, "event/test-2017-02-12")["record_id"] == "F1=205"
    assert any("judged the same" in line for line in report.review())


def test_rdf_dry_run_names_likely_duplicates(tmp_path):
    from click.testing import CliRunner

    from peninsula.graph.cli import main

    uri = f"embedded:{tmp_path / 'rdf.db'}"
    result = CliRunner().invoke(main, ["--store", uri, "load", str(SAMPLES / "rdf" / "duplicate.ttl"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "new: org/sample-atomic-bureau" in result.output
    assert "likely duplicate: org/sample-atomic-bureau ~ org/gbae" in result.output
    assert "nothing written" in result.output


@pytest.mark.slow
def test_datasets_are_exported_and_survive_a_round_trip(store, tmp_path):
    from rdflib import Literal
    from rdflib.compare import isomorphic

    from peninsula.graph.build import build, load_rdf
    from peninsula.graph.export import export, to_graph
    from peninsula.graph.store import open_store
    from peninsula.loaders.mapping import term_of
    from peninsula.ontology import PEN

    build(store, derive=False)
    load_source(store, "un-xml", UN)
    graph = to_graph(store)
    assert (term_of("org/un-kpe-903"), PEN.dataset, Literal("un-xml:matching")) in graph
    assert (term_of("org/gbae"), PEN.loaded, Literal("un-xml:matching reference_number")) in graph
    out = tmp_path / "loaded.ttl"
    export(store, "turtle", out)
    with open_store(f"embedded:{tmp_path / 'again.db'}") as again:
        load_rdf(again, out)
        assert isomorphic(to_graph(again), graph)
        assert unload_of(again, "un-xml:matching") == 0


def unload_of(store, dataset):
    """Unload, then count what still names the dataset."""
    from peninsula.loaders.datasets import unload

    unload(store, dataset)
    return len(store.query("MATCH (n:Entity) WHERE n.dataset IS NOT NULL OR n.loaded IS NOT NULL RETURN n.key"))
