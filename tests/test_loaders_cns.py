"""CNS/NTI missile tests (CSV in cp1252 and XLSX) end to end into an embedded FalkorDB store."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner
from support import SAMPLES

from peninsula.loaders.cns import FORMAT, parse_date, parse_time
from peninsula.loaders.cns_entities import system_candidates
from peninsula.loaders.cns_values import parse_km
from peninsula.loaders.sources import load_source
from peninsula.ontology import InputError

CSV = SAMPLES / "cns" / "missile_tests.csv"


def _node(store, key):
    rows = store.query("MATCH (n:Entity {key: $key}) RETURN properties(n) AS p", {"key": key})
    return dict(rows[0]["p"]) if rows else None


def _out(store, key, rel):
    rows = store.query(f"MATCH (:Entity {{key: $key}})-[r:{rel}]->(b) RETURN b.key AS dst, properties(r) AS p "
                       "ORDER BY dst", {"key": key})
    return [(r["dst"], dict(r["p"])) for r in rows]


def _xlsx(tmp_path):
    spec = importlib.util.spec_from_file_location("make_xlsx", SAMPLES / "cns" / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write(tmp_path / "missile_tests.xlsx")


def test_csv_rows_become_tests_linked_to_the_knowledge_base(store):
    report = load_source(store, "cns", CSV)
    assert report.stats["read"] == 8
    tests = store.query("MATCH (t:MissileTest) WHERE t.key STARTS WITH 'event/cns-' RETURN t.key AS key ORDER BY key")
    assert [r["key"] for r in tests] == [f"event/cns-{i}" for i in (1, 2, 3, 4, 8)]
    # rows 5-7 are launches the curated data has (same date, same system): paired, not duplicated
    assert report.stats["paired with curated tests"] == 3
    assert _node(store, "event/test-2021-09-15")["record_id"] == "F1=5"  # Rail-mobile KN-23
    assert _node(store, "event/test-2017-07-04")["record_id"] == "F1=6"
    assert _node(store, "event/launch-2012-12-12")["record_id"] == "F1=7"  # a SatelliteLaunch (Unha-3)
    # names with qualifiers and parentheses resolve to the curated systems
    assert _out(store, "event/cns-3", "TESTED")[0][0] == "missile/kn-23"
    assert _out(store, "event/test-2021-09-15", "TESTED") == []  # the curated edge is the build's, not re-made
    assert _out(store, "event/cns-2", "TESTED")[0][0] == "missile/scud-c"  # Hwasong-6 is an alias
    assert _out(store, "event/cns-8", "TESTED") == []  # Unknown missile: no system invented
    assert _node(store, "missile/kn-23")["designation"] == "KN-23"  # the curated node, not a copy
    assert store.query("MATCH (m:WeaponSystem) WHERE m.key STARTS WITH 'missile/cns-' RETURN m.key") == []
    # sites: matched by name or by Other Name, or created with coordinates in the DPRK
    assert _out(store, "event/cns-1", "LAUNCHED_FROM")[0][0] == "place/tonghae"
    assert _out(store, "event/launch-2012-12-12", "LAUNCHED_FROM") == []  # curated has one: none added
    site = _node(store, "place/cns-sample-peninsula-launch-area")
    assert (site["latitude"], site["longitude"]) == (39.17, 127.49)
    assert _out(store, "place/cns-sample-peninsula-launch-area", "LOCATED_IN")[0][0] == "state/PRK"


def test_csv_quirks(store):
    load_source(store, "cns", CSV)
    first, second = _node(store, "event/cns-1"), _node(store, "event/cns-2")
    assert first["date"] == "1984-04-09" and second["date"] == "1984-09"  # 9-Apr-84, Sep-84
    assert "launch_time" not in first and "launch_time" not in second  # blank, Unknown
    assert "apogee_km" not in first and "distance_km" not in first  # Unknown, N/A
    assert "database\u2019s" in first["description"] and "\u2013" in first["description"]  # cp1252 bytes
    a, b = _node(store, "event/cns-3"), _node(store, "event/cns-4")
    assert (a["date"], b["date"]) == ("2019-05-04", "2019-05-04")  # two launches, two tests
    assert (a["launch_time"], b["launch_time"]) == ("09:06:00", "09:29:00")
    assert a["apogee_km"] == 90 and "between 25 and 90 km" in a["description"]
    assert b["distance_km"] == 1380  # "1,380 km"
    assert a["outcome"] == "success" and first["outcome"] == "failure" and second["outcome"] == "unknown"
    assert "src/cns-missile-tests" in a["sources"] and len(a["sources"]) == 2
    (_, edge), = _out(store, "event/cns-3", "TESTED")
    assert edge["record_id"] == "F1=3" and "src/cns-missile-tests" in edge["sources"]
    source = _node(store, "src/cns-missile-tests")
    assert source["date"] == "2021-09-16"  # the latest Date Entered/Updated, in mixed formats
    cited = [s for s in first["sources"] if s != "src/cns-missile-tests"]
    assert {_node(store, s).get("url") for s in cited} == {None, "https://example.org/cns/sample-a"}


def test_second_load_changes_nothing(store):
    first = load_source(store, "cns", CSV)
    assert first.counters.nodes_created > 0
    counts = store.counts()
    second = load_source(store, "cns", CSV)
    assert not second.counters.changed, second.counters
    assert second.stats["created"] == 0
    assert store.counts() == counts


@pytest.mark.slow
def test_load_into_the_built_knowledge_base_keeps_curated_nodes(store):
    from peninsula.graph.build import build

    build(store, derive=False)
    before = _node(store, "missile/kn-23")
    report = load_source(store, "cns", CSV)
    assert _node(store, "missile/kn-23") == before
    assert report.stats["matched"] >= 8
    assert len(_out(store, "event/cns-3", "TESTED")) == 1
    # paired curated tests keep their one TESTED and LAUNCHED_FROM edge; their curated values stand
    assert [d for d, _ in _out(store, "event/test-2021-09-15", "TESTED")] == ["missile/kn-23"]
    assert [d for d, _ in _out(store, "event/launch-2012-12-12", "LAUNCHED_FROM")] == ["place/sohae"]
    hwasong14 = _node(store, "event/test-2017-07-04")
    # the curated 933 km (KCNA; ROK JCS "over 930 km") and the row agree; the curated node keeps its key and sources
    assert (hwasong14["distance_km"], hwasong14["record_id"]) == (933, "F1=6")
    assert "src/cns-missile-tests" in hwasong14["sources"] and "src/thediplomat-2017-07-hwasong-14" in hwasong14["sources"]
    assert store.query("MATCH (t:Event {date: '2017-07-04'})-[:TESTED]->(:Entity {key: 'missile/hwasong-14'}) "
                       "RETURN count(t) AS n")[0]["n"] == 1


def test_xlsx_header_on_row_two_serial_dates_and_day_fractions(store, tmp_path):
    report = load_source(store, "cns", _xlsx(tmp_path))
    assert report.stats["read"] == 4
    first, second = _node(store, "event/cns-1"), _node(store, "event/cns-2")
    assert first["date"] == "1984-04-09" and second["date"] == "1984-09"
    a, b = _node(store, "event/cns-3"), _node(store, "event/cns-4")
    assert (a["date"], a["launch_time"]) == ("2019-05-04", "09:06:00")
    assert (b["date"], b["launch_time"]) == ("2019-05-04", "09:29:00")
    assert a["apogee_km"] == 90 and b["distance_km"] == 1380
    assert _out(store, "event/cns-4", "TESTED")[0][0] == "missile/kn-23"
    assert a["record_id"] == "F1=3"
    assert not load_source(store, "cns", tmp_path / "missile_tests.xlsx").counters.changed


def _rewrite(tmp_path, old: bytes, new: bytes, name="bad.csv"):
    data = CSV.read_bytes()
    assert old in data
    path = tmp_path / name
    path.write_bytes(data.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("old", "new", "where", "field"), [
    (b"Missile Name,", b"Missile,", ":1", "Missile Name"),
    (b"4-May-19", b"31-Feb-19", ":4", "Date"),
    (b"9:29:00 AM", b"29:61 PM", ":5", "Launch Time (UTC)"),
    (b"1,380 km", b"far away", ":5", "Distance Travelled"),
    (b"Failure", b"Partly", ":2", "Test Outcome"),
    (b"40.8558", b"140.8558", ":2", "Facility Latitude"),
    (b"Sample row: rail", b"Sample row: \x81rail", ":6", None),
    (b"1,380 km", b"-1,380 km", ":5", "Distance Travelled"),
    (b"1,380 km", b"1e999 km", ":5", "Distance Travelled"),
    (b"Missile Type,", b"Missile Name,", ":1", "Missile Name"),  # a column named twice
])
def test_bad_input_names_file_line_and_field_and_writes_nothing(store, tmp_path, old, new, where, field):
    path = _rewrite(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        load_source(store, "cns", path)
    assert info.value.where.startswith(str(path)) and info.value.where.endswith(where), info.value
    assert info.value.field == field
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_lone_carriage_returns_end_lines(store, tmp_path):
    """Old Mac line ends (a lone CR) read as lines, not as one broken row; a CSV the csv module
    cannot read at all is an InputError naming the line."""
    data = CSV.read_bytes()
    assert b"\r\n" in data
    mac = tmp_path / "mac.csv"
    mac.write_bytes(data.replace(b"\r\n", b"\r"))
    assert load_source(store, "cns", mac).stats["read"] == 8
    huge = tmp_path / "huge.csv"
    huge.write_bytes(data.replace(b"Sample row: rail", b"x" * 200_000, 1))
    with pytest.raises(InputError, match="malformed CSV") as info:
        load_source(store, "cns", huge)
    assert info.value.where == f"{huge}:6"


def test_xlsx_without_the_sheet(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="Missile Tests"):
        load_source(store, "cns", tmp_path / "other.xlsx")


def test_cli_load(tmp_path):
    from peninsula.graph.cli import main

    db = f"embedded:{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--store", db, "load", "--format", "cns", str(CSV)])
    assert result.exit_code == 0, result.output
    assert "read 8 records" in result.output and "created 14 entities" in result.output
    again = CliRunner().invoke(main, ["--store", db, "load", "--format", "cns", str(CSV)])
    assert again.exit_code == 0 and "0 nodes created, 0 relationships created, 0 properties set" in again.output
    bad = _rewrite(tmp_path, b"4-May-19", b"4-Mai-19")
    failed = CliRunner().invoke(main, ["--store", db, "load", "--format", "cns", str(bad)])
    assert failed.exit_code == 2
    assert f"{bad}:4" in failed.output and "'Date'" in failed.output


def test_unknown_columns_are_reported_not_dropped(store, tmp_path):
    path = _rewrite(tmp_path, b"Source(s)\r\n", b"Source(s),Analyst Note\r\n")
    report = load_source(store, "cns", path)
    assert report.unread == {"Analyst Note": 1}
    assert f"{path}:1: field 'Analyst Note' left unread" in report.notes  # named once, at the header


def test_every_column_is_read(store, tmp_path):
    """A row with a value in every column the format declares leaves nothing unread."""
    row = ("9,5-Jul-06,7/6/2006,8:00:00 PM,Sample Missile,SRBM,Sample Agency,Sample Site,Sample Location,"
           "Sample Other Name,40.1,128.1,Sample Sea,100 km,200 km,Confirmed,Success,Sample information,Sample citation Z")
    assert len(row.split(",")) == len(FORMAT.fields)
    path = tmp_path / "full.csv"
    path.write_bytes(CSV.read_bytes().split(b"\r\n", 1)[0] + b"\r\n" + row.encode() + b"\r\n")
    assert CSV.read_bytes().split(b"\r\n", 1)[0].decode().split(",") == list(FORMAT.fields)
    report = load_source(store, "cns", path)
    assert report.stats["read"] == 1 and report.unread == {}


def test_entities_per_class_of_the_sample(store):
    report = load_source(store, "cns", CSV)
    # created or matched: 8 launches (one a curated satellite launch), the systems, sites, the agency, the DPRK
    assert report.classes == {"MissileTest": 7, "SatelliteLaunch": 1, "MissileSystem": 4, "SpaceLaunchVehicle": 1,
                              "LaunchSite": 3, "MilitaryUnit": 1, "State": 1, "Source": 7}
    assert not [n for n in report.notes if "expected of" in n]  # within the ranges FORMAT declares


def test_value_parsers():
    where = "f:1"
    assert parse_date("9-Apr-84", where, "Date") == "1984-04-09"
    assert parse_date("Sep-84", where, "Date") == "1984-09"
    assert parse_date("3/15/2017", where, "Date") == "2017-03-15"
    assert parse_date(43589, where, "Date", excel=True) == "2019-05-04"
    with pytest.raises(InputError):
        parse_date(43589, where, "Date")  # a bare number in a CSV is no date
    assert parse_time("9:20:00 AM", where, "t") == "09:20:00"
    assert parse_time("Unknown", where, "t") is None
    assert parse_time(0.5, where, "t") == "12:00:00"
    assert parse_km("between 25 and 90 km", where, "Apogee")[0] == 90
    assert parse_km("1,380 km", where, "Apogee") == (1380, None)
    assert parse_km("N/A", where, "Apogee") == (None, None)
    assert parse_km("25-90 km", where, "Apogee") == (90, "25-90 km")  # a range's dash is no minus sign
    assert parse_km("Hwasong-15: 950 km", where, "Apogee")[0] == 950
    assert parse_km("1.5e3 km", where, "Apogee") == (1500, None)
    assert str(parse_km(1e3, where, "Apogee")[0]) == "1000.0"  # plain notation, a valid xsd:decimal
    for bad in ("-40 km", "between -5 and 90 km", "\u221240 km", "~-3 km", "1e999 km", -3.0, float("nan"),
                float("inf"), "2,000,000 km"):
        with pytest.raises(InputError) as info:
            parse_km(bad, where, "Apogee")
        assert info.value.field == "Apogee" and info.value.where == where
    assert list(system_candidates("Rail-mobile KN-23"))[-1] == "KN-23"
    assert "KN-23" in list(system_candidates("Hwasong-11A (KN-23)"))



MATCHES = SAMPLES / "cns" / "curated_matches.csv"


def test_rows_pair_with_curated_tests_one_to_one(store):
    report = load_source(store, "cns", MATCHES)
    assert report.stats["read"] == 11
    # two Musudan rows on 28-Apr-16, two curated tests that day: paired in order (a, then b)
    assert _node(store, "event/test-2016-04-28-a")["record_id"] == "F1=101"
    assert _node(store, "event/test-2016-04-28-b")["record_id"] == "F1=102"
    # what the curated launch lacks is added (a time, a plain apogee); a bound is not copied
    assert _node(store, "event/launch-2016-02-07")["launch_time"] == "00:30:00"
    assert _node(store, "event/launch-2023-11-21")["apogee_km"] == 512
    hwasong17 = _node(store, "event/test-2022-03-16")
    assert hwasong17["record_id"] == "F1=108" and "apogee_km" not in hwasong17
    # an unknown system pairs with the curated test of unknown system that day
    assert _node(store, "event/test-2017-03-22")["record_id"] == "F1=109"
    # a curated event under two systems is paired once; the other row stays a test of its own
    assert _node(store, "event/test-2022-03-24")["record_id"] == "F1=110"
    new = [r["key"] for r in store.query(
        "MATCH (t:MissileTest) WHERE t.key STARTS WITH 'event/cns-' RETURN t.key AS key ORDER BY key")]
    assert new == ["event/cns-103", "event/cns-104", "event/cns-105", "event/cns-111"]
    assert report.stats["paired with curated tests"] == 7
    assert report.stats["rows not paired (ambiguous)"] == 4
    # the ambiguous groups are reported, naming the rows and the curated tests
    one_for_two, = [n for n in report.notes if "event/test-2016-06-22-a" in n]
    assert f"{MATCHES}:4" in one_for_two and "event/test-2016-06-22-b" in one_for_two
    salvo, = [n for n in report.notes if "event/test-2017-03-06" in n]
    assert "2 row(s) of missile/scud-er" in salvo
    taken, = [n for n in report.notes if "missile/hwasong-15" in n]
    assert "already paired" in taken and "event/test-2022-03-24" in taken


@pytest.mark.slow
def test_pairing_in_the_built_knowledge_base_is_idempotent(store):
    from peninsula.graph.build import build

    build(store, derive=False)
    launches = store.query("MATCH (t:Event) WHERE t:MissileTest OR t:SatelliteLaunch RETURN count(t) AS n")[0]["n"]
    before = _node(store, "event/launch-2016-02-07")
    first = load_source(store, "cns", MATCHES)
    assert first.counters.changed
    # four rows became tests; the seven others enriched curated ones
    assert store.query("MATCH (t:Event) WHERE t:MissileTest OR t:SatelliteLaunch "
                       "RETURN count(t) AS n")[0]["n"] == launches + 4
    after = _node(store, "event/launch-2016-02-07")
    assert {k: v for k, v in after.items() if k not in ("launch_time", "record_id", "sources", "loaded")} == \
        {k: v for k, v in before.items() if k != "sources"}
    assert set(before["sources"]) < set(after["sources"])
    assert [d for d, _ in _out(store, "event/test-2016-04-28-a", "TESTED")] == ["missile/musudan"]
    counts = store.counts()
    second = load_source(store, "cns", MATCHES)
    assert not second.counters.changed, second.counters
    assert store.counts() == counts
    assert second.stats["paired with curated tests"] == 7  # the same pairs, not the loader's own tests


def test_reading_reports_progress_per_row(store):
    from peninsula.loaders.sources import prepare_source

    ticks = []
    _, _, report = prepare_source(store, "cns", CSV, reading=ticks.append)
    assert sum(ticks) == report.stats["read"] == 8
