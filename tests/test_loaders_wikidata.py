"""Wikidata enrichment (SPARQL JSON results and entity JSON) end to end into an embedded store."""

from __future__ import annotations

import json

import pytest
from support import SAMPLES

from peninsula.loaders.sources import load_source
from peninsula.loaders.wikidata import sparql_query
from peninsula.ontology import InputError

SPARQL = SAMPLES / "wikidata" / "states.sparql.json"
ENTITIES = SAMPLES / "wikidata" / "japan.entity.json"


def _node(store, key):
    rows = store.query("MATCH (n:Entity {key: $key}) RETURN properties(n) AS p", {"key": key})
    return dict(rows[0]["p"]) if rows else None


def test_sparql_results_enrich_matched_states(store):
    report = load_source(store, "wikidata", SPARQL)
    prk, kor = _node(store, "state/PRK"), _node(store, "state/KOR")
    assert prk["wikidata"] == "Q423" and kor["wikidata"] == "Q884"  # matched by ISO3
    assert prk["name_ja"] == "朝鮮民主主義人民共和国" and kor["name_ja"] == "大韓民国"
    assert prk["name"] == "North Korea" and prk["name_ko"] == "조선민주주의인민공화국"  # kept, not replaced
    assert prk["valid_from"] == "1948-09-09"  # inception at day precision
    assert "src/wikidata-states-sparql" in prk["sources"] and len(prk["sources"]) > 1
    # Taiwan is not in the knowledge base: Wikidata enriches, it never creates
    assert report.stats["skipped (no entity in the knowledge base)"] == 1
    assert store.query("MATCH (s:State) RETURN count(s) AS n")[0]["n"] == 2
    # both UN memberships are already curated: no second MEMBER_OF
    assert report.stats["memberships already known"] == 2
    assert store.query("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS n")[0]["n"] == 0


def test_entity_json(store):
    report = load_source(store, "wikidata", ENTITIES)
    jpn = _node(store, "state/JPN")
    assert jpn["wikidata"] == "Q17" and jpn["name_ko"] == "일본"
    assert _node(store, "org/un")["wikidata"] == "Q1065"  # matched by its English label
    assert report.stats["memberships already known"] == 1
    assert report.unread == {"P297": 1}
    assert f"{ENTITIES} entity Q17: field 'P297' left unread" in report.notes


def test_entities_per_class_of_the_sample(store):
    report = load_source(store, "wikidata", SPARQL)
    # enriched (Wikidata never creates): the DPRK and the ROK (their UN memberships are known); and the file
    assert report.classes == {"State": 2, "Source": 1}
    assert not [n for n in report.notes if "expected of" in n]  # within the ranges FORMAT declares


def test_unread_variables_and_keys_are_reported_per_record(store, tmp_path):
    doc = json.loads(SPARQL.read_text("utf-8"))
    doc["head"]["vars"].append("population")
    doc["results"]["bindings"][1]["population"] = {"type": "literal", "value": "1"}
    path = tmp_path / "extra.sparql.json"
    path.write_text(json.dumps(doc), "utf-8")
    report = load_source(store, "wikidata", path)
    assert report.unread == {"population": 1}
    assert f"{path} result 2: field 'population' left unread" in report.notes
    entities = json.loads(ENTITIES.read_text("utf-8"))
    q17 = entities["entities"]["Q17"]
    q17.update(sitelinks={"enwiki": {"title": "Japan"}}, descriptions={"en": {"value": "a country"}}, lastrevid=1)
    q17["claims"]["P463"][0]["qualifiers"]["P2868"] = [{"snaktype": "value"}]
    path = tmp_path / "extra.entity.json"
    path.write_text(json.dumps(entities), "utf-8")
    report = load_source(store, "wikidata", path)
    assert report.unread == {"P297": 1, "P463/P2868": 1}  # keys left on purpose (FORMAT.ignored) are not


def test_second_load_changes_nothing(store):
    load_source(store, "wikidata", SPARQL)
    counts = store.counts()
    again = load_source(store, "wikidata", SPARQL)
    assert not again.counters.changed and store.counts() == counts


def test_a_different_qid_is_reported_not_overwritten(store, tmp_path):
    load_source(store, "wikidata", SPARQL)
    doc = json.loads(ENTITIES.read_text("utf-8"))
    # deliberately inconsistent input: an item the knowledge base does not hold (Q865, Taiwan) claiming
    # the ISO3 code of a state already linked to Q423
    item = doc["entities"].pop("Q17")
    item["id"] = "Q865"
    item["claims"]["P298"][0]["mainsnak"]["datavalue"]["value"] = "PRK"
    doc["entities"]["Q865"] = item
    path = tmp_path / "conflict.json"
    path.write_text(json.dumps(doc), "utf-8")
    report = load_source(store, "wikidata", path)
    assert _node(store, "state/PRK")["wikidata"] == "Q423"
    assert any("Q423" in note and "Q865" in note for note in report.notes)


@pytest.mark.parametrize(("text", "match"), [
    ("{not json", "not JSON"),
    ('{"something": []}', "neither SPARQL JSON"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": []}}', "item"),
    ('{"head": {"vars": ["item", "inception"]}, "results": {"bindings": [{"item": {"value": '
     '"http://www.wikidata.org/entity/Q423"}, "inception": {"value": "09/09/1948"}}]}}', "not a Wikidata time"),
])
def test_bad_files(store, tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=match) as info:
        load_source(store, "wikidata", path)
    assert str(path) in info.value.where
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_the_shipped_query_covers_the_knowledge_base_states():
    text = sparql_query()
    assert '"PRK"' in text and '"KOR"' in text and "wdt:P298" in text and "P463" in text


def test_a_membership_the_knowledge_base_lacks_becomes_member_of(store):
    iaea = SAMPLES / "wikidata" / "iaea.entity.json"  # Japan (Q17) P463 the IAEA (Q41984), no qualifiers
    report = load_source(store, "wikidata", iaea)
    assert _node(store, "org/iaea")["wikidata"] == "Q41984"  # matched by its English label
    rows = store.query("MATCH (a:Entity)-[r:MEMBER_OF]->(b:Entity) RETURN a.key AS a, b.key AS b, properties(r) AS p")
    assert [(r["a"], r["b"]) for r in rows] == [("state/JPN", "org/iaea")]
    props = dict(rows[0]["p"])
    assert props["record_id"] == "Q17" and props["sources"] == ["src/wikidata-iaea-entity"]
    assert "valid_from" not in props and "valid_to" not in props  # no qualifiers, no dates made up
    assert "memberships already known" not in report.stats
    counts = store.counts()
    assert not load_source(store, "wikidata", iaea).counters.changed and store.counts() == counts
