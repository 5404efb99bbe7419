"""The UN Security Council Consolidated List (XML) end to end into an embedded FalkorDB store."""

from __future__ import annotations

import pytest
from support import SAMPLES

from peninsula.loaders.sources import load_source
from peninsula.loaders.unlist import _NESTED, FORMAT
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
    # tags the ontology has no property for land in the description; identity documents do not
    for text in ("Title: Sample title.", "Gender: Male.",
                 "Place of birth: Sample City, Democratic People's Republic of Korea."):
        assert text in person["description"]
    assert "000000001" not in person["description"] and "2020-01-01" not in person["description"]
    two, _ = _node(store, "person/un-kpi-902")
    assert "1955 (approximately)" in two["description"]
    assert "between 1950 and 1956 (Sample note on a birth date.)" in two["description"]
    assert "Address: Sample Street 1, Pyongyang (Sample note on an address.)." in two["description"]
    org, labels = _node(store, "org/un-kpe-902")
    assert "Organization" in labels and org["alias"] == ["Sample Former Name"]
    assert org["description"] == "Address: Sample City, Democratic People's Republic of Korea."
    assert org["sources"] == ["src/un-consolidated-consolidated"]
    assert report.unread == {"SAMPLE_NEW_ELEMENT": 1}
    assert f"{XML} record 5 (DATAID 900102): field 'SAMPLE_NEW_ELEMENT' left unread" in report.notes


def test_entities_per_class_of_the_sample(store):
    report = load_source(store, "un-xml", XML)
    # created or matched: two persons, two organisations (one the curated KOMID), the 1718 regime, the file
    assert report.classes == {"Person": 2, "Organization": 2, "SanctionsRegime": 1, "Source": 1}
    assert not [n for n in report.notes if "expected of" in n]  # within the ranges FORMAT declares


def test_too_few_entities_of_a_class_is_noted(store, tmp_path):
    path = tmp_path / "entities-only.xml"
    data = XML.read_bytes()
    start, end = data.index(b"<INDIVIDUALS>"), data.index(b"</INDIVIDUALS>") + len(b"</INDIVIDUALS>")
    path.write_bytes(data[:start] + data[end:])
    report = load_source(store, "un-xml", path)
    assert [n for n in report.notes if "expected of" in n] == [
        f"0 Person entities is outside the {FORMAT.expect['Person'][0]}..{FORMAT.expect['Person'][1]} expected of "
        "a UN Security Council Consolidated List (XML) file; check that the file is complete and of this format"]


def _full(kind: str, n: int) -> str:
    """An INDIVIDUAL or ENTITY with every tag the format declares for it, each with a value."""
    other = "ENTITY_" if kind == "INDIVIDUAL" else "INDIVIDUAL_"
    special = {"DATAID": f"90099{n}", "UN_LIST_TYPE": "DPRK", "REFERENCE_NUMBER": f"KPx.99{n}",
               "LISTED_ON": "2016-03-02", "DATE": "1960-01-15", "YEAR": "1960", "FROM_YEAR": "1950",
               "TO_YEAR": "1956", "TYPE_OF_DATE": "EXACT"}
    values = ("TITLE", "DESIGNATION", "NATIONALITY", "LIST_TYPE", "LAST_DAY_UPDATED", "SUBMITTED_BY")
    out = []
    for tag in FORMAT.fields:
        if "/" in tag or tag.startswith(other):
            continue
        if tag in _NESTED:
            out.append(f"<{tag}>" + "".join(f"<{c}>{special.get(c, 'Sample')}</{c}>" for c in _NESTED[tag])
                       + f"</{tag}>")
        elif tag in values:
            out.append(f"<{tag}><VALUE>Sample</VALUE></{tag}>")
        else:
            out.append(f"<{tag}>{special.get(tag, f'Sample {tag}')}</{tag}>")
    return f"<{kind}>{''.join(out)}</{kind}>"


def test_every_declared_tag_is_read_or_ignored_on_purpose(store, tmp_path):
    path = tmp_path / "full.xml"
    path.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS>' + _full("INDIVIDUAL", 1)
                    + "</INDIVIDUALS><ENTITIES>" + _full("ENTITY", 2) + "</ENTITIES></CONSOLIDATED_LIST>")
    report = load_source(store, "un-xml", path)
    assert report.stats["read"] == 2 and report.unread == {}
    assert set(FORMAT.ignored) <= set(FORMAT.fields)


def test_a_nested_tag_the_reader_does_not_know_is_reported(store, tmp_path):
    path = tmp_path / "nested.xml"
    old = b"<CITY>Pyongyang</CITY>"
    assert old in XML.read_bytes()
    path.write_bytes(XML.read_bytes().replace(old, old + b"<SAMPLE_DISTRICT>Sample</SAMPLE_DISTRICT>", 1))
    report = load_source(store, "un-xml", path)
    assert report.unread == {"SAMPLE_NEW_ELEMENT": 1, "INDIVIDUAL_ADDRESS/SAMPLE_DISTRICT": 1}
    assert (f"{path} record 2 (DATAID 900002): field 'INDIVIDUAL_ADDRESS/SAMPLE_DISTRICT' left unread"
            in report.notes)


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
    first = load_source(store, "un-xml", XML)
    counts = store.counts()
    again = load_source(store, "un-xml", XML)
    assert not again.counters.changed and store.counts() == counts
    assert again.classes == first.classes and again.notes == first.notes  # its own entities still count


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
