"""The UN Security Council Consolidated List (XML) end to end into an embedded FalkorDB store."""

from __future__ import annotations

import pytest
from support import SAMPLES

from peninsula.loaders.sources import load_source
from peninsula.ontology import InputError

XML = SAMPLES / "un-xml" / "consolidated.xml"


def _designations(store):
    rows = store.query("MATCH (r:SanctionsRegime)-[d:DESIGNATES]->(t) RETURN r.key AS regime, t.key AS target, "
                       "properties(d) AS p ORDER BY target")
    return {r["target"]: (r["regime"], dict(r["p"])) for r in rows}


def _node(store, key):
    rows = store.query("MATCH (n:Entity {key: $key}) RETURN properties(n) AS p, labels(n) AS labels", {"key": key})
    return (dict(rows[0]["p"]), rows[0]["labels"]) if rows else (None, None)


def test_dprk_regime_designations(store):
    report = load_source(store, "un-xml", XML)
    assert report.stats["read"] == 5 and report.stats["skipped"] == 1  # the other regime's record
    d = _designations(store)
    assert set(d) == {"person/un-kpi-901", "person/un-kpi-902", "org/un-kpe-902"}
    regime, props = d["person/un-kpi-901"]
    assert regime == "regime/un-1718"
    assert props["reference_number"] == "KPi.901"  # trailing spaces stripped
    assert props["valid_from"] == "2016-03-02" and props["record_id"] == "900001"
    assert d["org/un-kpe-902"][1]["reference_number"] == "KPe.902"
    person, labels = _node(store, "person/un-kpi-901")
    assert "Person" in labels and person["name"] == "SAMPLE PERSON ONE" and person["name_ko"] == "샘플 인물"
    assert person["alias"] == ["Sample Person"]  # the empty alias placeholder is not an alias
    assert "1960-01-15" in person["description"] and "Sample official" in person["description"]
    two, _ = _node(store, "person/un-kpi-902")
    assert "1955 (approximately)" in two["description"] and "between 1950 and 1956" in two["description"]
    org, labels = _node(store, "org/un-kpe-902")
    assert "Organization" in labels and org["alias"] == ["Sample Former Name"]
    assert org["sources"] == ["src/un-consolidated-consolidated"]
    assert report.unread == {"SAMPLE_NEW_ELEMENT": 1}


def test_reference_number_matches_the_curated_designation(store):
    report = load_source(store, "un-xml", XML)
    assert _node(store, "org/un-kpe-001") == (None, None)  # KPe.001 is org/komid in the knowledge base
    assert report.stats["already designated"] == 1
    assert store.query("MATCH (n:Entity) WHERE n.name STARTS WITH 'KOREA MINING' RETURN n.key") == []


def test_all_regimes_option(store):
    load_source(store, "un-xml", XML, all_regimes=True)
    d = _designations(store)
    assert d["person/un-xxi-001"][0] == "regime/un-sample-regime"
    assert len(d) == 4


def test_second_load_changes_nothing(store):
    load_source(store, "un-xml", XML)
    counts = store.counts()
    again = load_source(store, "un-xml", XML)
    assert not again.counters.changed and store.counts() == counts


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol2;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]><CONSOLIDATED_LIST>&ext;</CONSOLIDATED_LIST>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_entities_are_refused(store, tmp_path, data):
    path = tmp_path / "evil.xml"
    path.write_bytes(data)
    with pytest.raises(InputError, match="DOCTYPE|unsafe") as info:
        load_source(store, "un-xml", path)
    assert str(path) in str(info.value)
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


@pytest.mark.parametrize(("old", "new", "field"), [
    (b"<REFERENCE_NUMBER>KPi.902</REFERENCE_NUMBER>", b"", "REFERENCE_NUMBER"),
    (b"<LISTED_ON>2017-06-02</LISTED_ON>", b"<LISTED_ON>2017-02-30</LISTED_ON>", "LISTED_ON"),
    (b"<YEAR>1955</YEAR>", b"<YEAR>55</YEAR>", "INDIVIDUAL_DATE_OF_BIRTH/YEAR"),
    (b"<TO_YEAR>1956</TO_YEAR>", b"<TO_YEAR>1949</TO_YEAR>", "INDIVIDUAL_DATE_OF_BIRTH"),
])
def test_bad_records_name_the_record_and_field(store, tmp_path, old, new, field):
    data = XML.read_bytes()
    assert old in data
    path = tmp_path / "bad.xml"
    path.write_bytes(data.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_source(store, "un-xml", path)
    assert info.value.where == f"{path} record 2 (DATAID 900002)" and info.value.field == field
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_truncated_xml_names_the_line(store, tmp_path):
    path = tmp_path / "cut.xml"
    path.write_bytes(XML.read_bytes()[:1500])
    with pytest.raises(InputError, match="malformed XML") as info:
        load_source(store, "un-xml", path)
    assert info.value.where.startswith(f"{path}:")


def test_wrong_root(store, tmp_path):
    path = tmp_path / "other.xml"
    path.write_bytes(b"<?xml version='1.0'?><SOMETHING_ELSE/>")
    with pytest.raises(InputError, match="CONSOLIDATED_LIST"):
        load_source(store, "un-xml", path)


def test_doctype_after_a_long_comment_is_refused(store, tmp_path):
    path = tmp_path / "late.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<!--' + b"x" * 10000 + b"-->\n" + EXTERNAL.split(b"\n", 1)[1])
    with pytest.raises(InputError, match="unsafe|DOCTYPE"):
        load_source(store, "un-xml", path)
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
