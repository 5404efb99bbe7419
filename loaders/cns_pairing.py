"""Pairing CNS rows with the launches the knowledge base already has (data/tests.yaml).

A row is a candidate for a curated launch event (MissileTest or SatelliteLaunch, not one an
earlier CNS load created) of the same Korea date that TESTED the row's system; for each
(date, system) the rows and the curated events are paired one to one when their numbers are
equal (rows by launch time then file order, curated events by launch time then key). When the
numbers differ nothing is guessed: every row becomes a new test and a note names them. A paired
row enriches the curated test with what it lacks, never replacing a curated value. A row whose
record id a test already carries is that test; an analyst's judgement comes before both.
"""

from __future__ import annotations

from peninsula.loaders.cns_entities import decision_record, links, new_test
from peninsula.loaders.matching import Decision

LAUNCH_EVENTS = ("MissileTest", "SatelliteLaunch")


def curated_tests(kb) -> dict:
    """(date, system key or None) -> the knowledge base's launch events that day, in launch-time then key order.

    A curated event that flew two systems is listed under both; one with no TESTED system under None.
    Tests created by a CNS load (`event/cns-*`) are not candidates: they are this loader's own."""
    tested: dict = {}
    for src, rel_type, dst in kb.edges:
        if rel_type == "TESTED":
            tested.setdefault(src, set()).add(dst)
    out: dict = {}
    for key, props in kb.nodes.items():
        if key.startswith("event/cns-") or not props.get("date"):
            continue
        if not any(c in LAUNCH_EVENTS for c in kb.classes(key)):
            continue
        for system in sorted(tested.get(key, set())) or [None]:
            out.setdefault((str(props["date"]), system), []).append(key)
    for keys in out.values():
        keys.sort(key=lambda k: (str(kb.nodes[k].get("launch_time") or "99"), k))
    return out


def pair(batch, kb, curated, pending, ctx):
    """Pair the rows of each (date, system) with the curated tests of that day and system, one to one.

    Same number on both sides: paired in order (rows by launch time, then file order; curated tests
    by launch time, then key). Otherwise the rows stay new tests and a note says so. A curated test
    is paired with one row at most, even when it flew two systems."""
    stats, claimed = batch.report.stats, ctx["claimed"]
    for (date, system), rows in sorted(pending.items(), key=lambda kv: kv[1][0]["pos"]):
        rows.sort(key=lambda r: (r["time"] or "99", r["pos"]))
        free = [k for k in curated[(date, system)] if k not in claimed]
        if len(free) == len(rows):
            for row, key in zip(rows, free, strict=True):
                claimed[key] = row["where"]
                reasons = [f"same system {system}" if system else "no system known on either side",
                           f"same Korea date {date}" + _converted(row),
                           f"{len(rows)} row(s) for {len(free)} curated test(s) that day, paired in launch-time order"]
                _decided(batch, row, key, 0.95, reasons)
                _enrich(batch, kb, key, row, ctx)
            continue
        taken = [f"{k} (by {claimed[k]})" for k in curated[(date, system)] if k in claimed]
        batch.report.notes.append(
            f"{rows[0]['where']}: {len(rows)} row(s) of {system or 'an unidentified system'} on {date} for "
            f"{len(free)} curated test(s) {free}" + (f", already paired: {taken}" if taken else "")
            + "; not paired, loaded as new tests: check for duplicates")
        stats["rows not paired (ambiguous)"] += len(rows)
        for row in rows:
            new_test(batch, kb, row, ctx)


def _converted(row) -> str:
    if row["time"] and row["utc_date"] != row["date"]:
        return f" (converted from {row['utc_date']} {row['time']} UTC)"
    if row["time"]:
        return f" ({row['time']} UTC)"
    if row["utc_date"] != row["date"]:
        return f" (no launch time: {row['utc_date']} UTC may be the next day in Korea)"
    return " (no launch time: as given)"


def _decided(batch, row, key, score, reasons):
    batch.report.decisions.append(Decision(decision_record(row), key, "merge", score, reasons))
    batch.report.stats["merged"] += 1


def record_ids(kb) -> dict:
    """CNS record ids (`F1=...`) the launch events of the knowledge base carry -> their keys."""
    return {props["record_id"]: key for key, props in kb.nodes.items()
            if str(props.get("record_id", "")).startswith("F1=") and any(c in LAUNCH_EVENTS for c in kb.classes(key))}


def by_record_id(batch, kb, key, row, ctx):
    """The row's record id is on a test already (an earlier load paired them): that test, first."""
    ctx["claimed"][key] = row["where"]
    _decided(batch, row, key, 1.0, [f"same CNS record id {row['record_id']}"])
    batch.report.stats["matched by identifier"] += 1
    _enrich(batch, kb, key, row, ctx)


def judged_same(batch, kb, key, row, ctx):
    """An analyst judged the row to be this test: it is, whatever the dates say."""
    ctx["claimed"][key] = row["where"]
    _decided(batch, row, key, 1.0, ["judged the same by an analyst"])
    _enrich(batch, kb, key, row, ctx)


def _enrich(batch, kb, key, row, ctx):
    """The row is this curated test: cite the file on it, add its record id and what the test lacks.

    Apogee and distance are copied only when the row gives a plain number (`512 km`), never a
    range or a bound (`between 25 and 90 km`, `below 20 km`), whose text a curated test cannot carry."""
    old = kb.get(key)
    batch.existing(key)
    props = {"apogee_km": row["apogee"], "distance_km": row["distance"], "launch_time": row["time"]}
    props = {k: v for k, v in props.items() if v is not None and old.get(k) is None}
    if old.get("record_id") in (None, row["record_id"]):
        props["record_id"] = row["record_id"]
    else:
        batch.report.notes.append(f"{row['where']}: {key} already has record id {old['record_id']}; kept")
    batch.add(key, props, row["where"])
    batch.cite(key, row["sources"])
    batch.report.stats["paired with curated tests"] += 1
    links(batch, kb, key, row, ctx, only_missing=True)
