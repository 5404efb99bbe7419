"""OpenSanctions / FollowTheMoney entities (JSON lines) end to end into an embedded FalkorDB store."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import SAMPLES

from peninsula.loaders.ftm import FORMAT, IGNORED_PROPERTIES, NO_RELATIONSHIP
from peninsula.loaders.sources import load_source
from peninsula.ontology import InputError

FTM = SAMPLES / "ftm" / "entities.ftm.json"
EDGES = SAMPLES / "ftm" / "edges.ftm.json"


def _rels(store, rel):
    rows = store.query(f"MATCH (a)-[r:{rel}]->(b) RETURN a.key AS src, b.key AS dst, properties(r) AS p ORDER BY src")
    return [(r["src"], r["dst"], dict(r["p"])) for r in rows]


def test_entities_and_edge_schemata(store):
    report = load_source(store, "ftm", FTM)
    assert report.stats["read"] == 10 and report.stats["created"] == 4
    # the Company named as the curated KOMID is matched, not duplicated
    assert store.query("MATCH (n:Entity) WHERE n.key STARTS WITH 'org/ftm-sample-komid' RETURN n.key") == []
    person = store.query("MATCH (p:Person {key: 'person/ftm-sample-person-1'}) RETURN properties(p) AS p")[0]["p"]
    assert person["name"] == "Sample Ftm Person" and person["record_id"] == "sample-person-1"
    assert person["sources"] == ["src/ftm-entities-ftm"]
    assert person["description"] == "A sample person for the loader tests. Date of birth: 1970."  # no property for it
    (regime, target, props), other = sorted(_rels(store, "DESIGNATES"), key=lambda r: r[0] != "regime/un-1718")
    assert (regime, target) == ("regime/un-1718", "person/ftm-sample-person-1")
    assert props["reference_number"] == "KPi.903" and props["valid_from"] == "2016-11-30"
    assert other[0] == "regime/ftm-sample-treasury-office-sample-program"
    [(src, dst, member)] = _rels(store, "MEMBER_OF")
    assert (src, dst, member["valid_from"], member["valid_to"]) == (
        "person/ftm-sample-person-1", "org/komid", "2010-01-01", "2014-12-31")
    [(src, dst, lead)] = _rels(store, "LEADS")
    assert (dst, lead["role"], lead["valid_from"]) == ("org/ftm-sample-org-2", "Director", "2015-05")
    [(src, dst, part)] = _rels(store, "PART_OF")
    assert (src, dst, part["note"]) == ("org/ftm-sample-org-2", "org/komid", "ownership (51%)")
    # schemata with no class in the ontology are counted and their fields audited
    assert report.stats["skipped Vessel"] == 1 and report.stats["skipped Address"] == 1
    assert report.unread == {"Vessel.name": 1, "Vessel.imoNumber": 1, "Address.full": 1}
    assert f"{FTM}:9: field 'Vessel.imoNumber' left unread" in report.notes
    # created or matched: KOMID (curated) and a new organisation, the person, two regimes, the file
    assert report.classes == {"Organization": 2, "Person": 1, "SanctionsRegime": 2, "Source": 1}
    assert not [n for n in report.notes if "expected of" in n]  # within the ranges FORMAT declares


def test_fields_left_on_purpose_are_not_reported(store, tmp_path):
    line = ('{"id": "sample-person-7", "schema": "Person", "caption": "Sample", "datasets": ["sample"], '
            '"target": true, "first_seen": "2023-01-01T00:00:00", "last_change": "2023-01-01T00:00:00", '
            '"properties": {"name": ["Sample Seven"], "topics": ["sanction"], "passportNumber": ["000000007"], '
            '"sourceUrl": ["https://example.org/sample-7"], "country": ["kp"], "gender": ["female"]}}')
    path = tmp_path / "ignored.ftm.json"
    path.write_text(line + "\n", "utf-8")
    report = load_source(store, "ftm", path)
    assert set(FORMAT.ignored) <= set(FORMAT.fields)
    assert {"topics", "passportNumber", "sourceUrl"} <= set(IGNORED_PROPERTIES) and report.unread == {}
    person = store.query("MATCH (p:Person {key: 'person/ftm-sample-person-7'}) RETURN p.description AS d")[0]["d"]
    assert person == "Gender: female. Country: North Korea."  # a country code as its name


def test_second_load_changes_nothing(store):
    load_source(store, "ftm", FTM)
    counts = store.counts()
    again = load_source(store, "ftm", FTM)
    assert not again.counters.changed and store.counts() == counts


@pytest.mark.parametrize(("line", "text", "field", "match"), [
    (3, '{"id": "sample-person-1", "schema": "Person", "properties": {"name": ["Cut', None, "truncated"),
    (4, '{"id": "sample-org-2", "schema": "Organization", "properties": {"name": "Not a list"}}', "properties", "lists"),
    (5, '{"schema": "Directorship", "properties": {}}', "id", "id"),
    (7, '{"id": "m", "schema": "Membership", "properties": {"member": ["sample-person-1"], '
        '"organization": ["sample-komid"], "startDate": ["sometime"]}}', "properties.startDate", "not a date"),
    (9, '{"id": "sample-vessel-1", "schema": "Spaceship", "properties": {}}', "schema", "unknown FtM schema 'Spaceship'"),
    (10, '{"id": "sample-\\ud800", "schema": "Address", "properties": {}}', "id", "lone surrogate"),
    (2, '{"id": "sample-san-1", "schema": "Sanction", "properties": {"entity": ["sample-person-1"], '
        '"endDate": ["soon"]}}', "properties.endDate", "not a date"),
])
def test_bad_lines_name_the_line_and_field(store, tmp_path, line, text, field, match):
    lines = FTM.read_text("utf-8").splitlines()
    lines[line - 1] = text
    path = tmp_path / "bad.json"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError, match=match) as info:
        load_source(store, "ftm", path)
    assert info.value.where == f"{path}:{line}" and info.value.field == field
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_an_entity_with_a_wikidata_id_matches_the_entity_of_that_qid(store):
    load_source(store, "wikidata", SAMPLES / "wikidata" / "japan.entity.json")  # gives org/un its QID, Q1065
    report = load_source(store, "ftm", SAMPLES / "ftm" / "wikidata.ftm.json")
    # the name matches nothing in the knowledge base: the QID alone matched it, nothing was created for it
    assert store.query("MATCH (n:Entity) WHERE n.key STARTS WITH 'org/ftm-' RETURN n.key") == []
    un = store.query("MATCH (n:Entity {key: 'org/un'}) RETURN properties(n) AS p")[0]["p"]
    assert un["name"] == "United Nations" and un["wikidata"] == "Q1065"  # curated content left alone
    assert [(s, d) for s, d, _ in _rels(store, "MEMBER_OF")] == [("person/ftm-sample-person-9", "org/un")]
    assert report.stats["created"] == 2  # the person and the file's Source
    counts = store.counts()
    assert not load_source(store, "ftm", SAMPLES / "ftm" / "wikidata.ftm.json").counters.changed
    assert store.counts() == counts


def test_edge_schemata_follow_the_ftm_model(store):
    report = load_source(store, "ftm", EDGES)
    stats = report.stats
    # classes by the FtM hierarchy: PublicBody -> GovernmentAgency, any other LegalEntity -> Organization
    labels = {r["key"]: set(r["labels"]) for r in store.query(
        "MATCH (n:Entity) WHERE n.key STARTS WITH 'org/ftm-edge' RETURN n.key AS key, labels(n) AS labels")}
    assert "GovernmentAgency" in labels["org/ftm-edge-agency"] and "Organization" in labels["org/ftm-edge-legal"]
    assert "GovernmentAgency" not in labels["org/ftm-edge-legal"]
    assert stats["created"] == 5  # four entities and the file's Source
    # Employment (employee -> employer) becomes MEMBER_OF with its role; the time of day is dropped
    [(src, dst, emp)] = _rels(store, "MEMBER_OF")
    assert (src, dst) == ("person/ftm-edge-person-a", "org/ftm-edge-agency")
    assert (emp["role"], emp["note"], emp["valid_from"], emp["record_id"]) == ("Clerk", "employment", "2019-03-01", "edge-emp")
    # every other edge is skipped with its reason, none silently
    assert stats["skipped Directorship (director is not a person)"] == 1
    assert stats["skipped Ownership (owner is not an organization)"] == 1
    assert stats["skipped Membership (an end is not in the file)"] == 1
    for schema in ("Associate", "Family", "UnknownLink", "Representation"):
        assert stats[f"skipped {schema} ({NO_RELATIONSHIP[schema]})"] == 1
    assert stats["skipped"] == 7 and _rels(store, "LEADS") == [] and _rels(store, "PART_OF") == []
    # a property the schema lacks, and a value its type refuses, are reported
    assert report.unread["LegalEntity.favouriteColour (not a property of the FtM schema)"] == 1
    assert report.unread["Family.relationship"] == 1 and "Employment.employee" not in report.unread
    assert stats["invalid LegalEntity.country"] == 1
    assert any(n.startswith(f"{EDGES}:2: LegalEntity.country 'not a country'") for n in report.notes)
    counts = store.counts()
    assert not load_source(store, "ftm", EDGES).counters.changed and store.counts() == counts


def test_followthemoney_is_imported_only_by_the_reader():
    code = ("import sys, peninsula.graph.cli, peninsula.loaders.sources, peninsula.loaders.ftm\n"
            "assert 'followthemoney' not in sys.modules, 'imported too early'\n"
            "peninsula.loaders.ftm._ftm()\n"
            "assert 'followthemoney' in sys.modules\n")
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
