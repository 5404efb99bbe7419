"""The CNS/NTI North Korea Missile Test Database (CSV in cp1252, or the XLSX it is published as).

One MissileTest per row (several launches on one day stay several tests), linked to the system
flown (resolved against the knowledge base by name, alias or designation), its launch site
(with coordinates) and its sources. Quirks handled: cp1252 bytes; `9-Apr-84`, `Sep-84` (day
unknown), mixed `Date Entered/Updated`; `9:20:00 AM` or blank/`Unknown` times; apogee and
distance as text with units and ranges (`between 25 and 90 km`, `Unknown`, `N/A`); in the
XLSX, the header on row 2 of the sheet `Missile Tests`, Excel serial dates and day fractions.

Launches the knowledge base already has (data/tests.yaml) are not loaded twice. A row is a
candidate for a curated launch event (MissileTest or SatelliteLaunch, not one an earlier CNS
load created) with exactly the same date as written (`2017-07-04`; `Sep-84` only matches a
curated `1984-09`) that TESTED the row's system; a row whose system is unknown is a candidate
only for curated events with no known system that day. For each (date, system), the rows and
the curated events are paired one to one when their numbers are equal: in order, the rows by
launch time then file order, the curated events by launch time then key (`...-a` before
`...-b`). A paired row creates no test: it enriches the curated one with its record id, the
apogee, distance and launch time that test lacks (curated values are never replaced), the
CNS sources, and a launch site or agency link of a kind the test has none of. When the numbers
differ (a curated salvo recorded as one event, CNS listing each missile; or a day the curated
data splits differently) nothing is guessed: every row of that group becomes a new test and
the report carries a note naming the rows and the curated tests, so an analyst can merge them.
A curated event that flew two systems is paired with one row at most. One test per row holds
either way.

Time: CNS dates and launch times are UTC; the curated tests carry the local date in Korea. A row
with a launch time is converted to the Korea date (korea_time: UTC+9, UTC+8:30 from 2015-08-15
to 2018-05-04) and keeps its UTC time as `launch_time`; the report counts the rows converted and
those whose date moved. A row without a time keeps its date, and its tolerance is one day: it may
pair with a curated test of that date or, failing that, of the day after (the local date of a
UTC date is that day or the next). A row whose record id (`F1=...`) a test already carries (from
an earlier load) is that test, before any pairing. Every pairing is a decision in the report,
with its reasons; systems and sites are resolved through the shared matcher (matching.py).

Every column of a row is popped (reader.Fields); a column the database adds is reported once,
with the header's line, and a declared column the reader leaves is reported per row. The parts:
cns_rows (CSV and XLSX rows), cns_values (distances, coordinates), cns_entities (the test, its
system, site and agency), cns_pairing (the curated launches).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import urlsplit

from peninsula.loaders import cns_pairing
from peninsula.loaders.cns_entities import TYPES, new_test, system
from peninsula.loaders.cns_rows import csv_rows, xlsx_rows
from peninsula.loaders.cns_values import UNKNOWN, parse_coordinate, parse_km
from peninsula.loaders.korea_time import day_after, korea_date
from peninsula.loaders.reader import Fields, SourceFormat, close
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import YEAR_SHAPE

FORMAT = SourceFormat(
    name="cns", title="CNS North Korea Missile Test Database", suffixes=(".csv", ".xlsx", ".xlsm"),
    fields=("F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
            "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name", "Facility Latitude",
            "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled", "Confirmation Status",
            "Test Outcome", "Additional Information", "Source(s)"),
    # per file: the published database has a few hundred launches, of a few dozen systems from a few dozen sites
    expect={"Event": (1, 5000), "WeaponSystem": (0, 500), "LaunchSite": (0, 500)},
)
REQUIRED = ["Date", "Missile Name", "Missile Type", "Test Outcome"]
OUTCOMES = {"success": "success", "failure": "failure", "unknown": "unknown", "": "unknown"}
PUBLISHER = "James Martin Center for Nonproliferation Studies (CNS) / Nuclear Threat Initiative"


# ---------------------------------------------------------------------------- dates and times
def parse_date(value, where: str, column: str, excel: bool = False) -> str:
    """`9-Apr-84` -> 1984-04-09; `Sep-84` -> 1984-09; datetimes and Excel serials; ISO and US forms."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not excel:
            raise InputError(f"{value!r} is not a date", where=where, field=column)
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date().isoformat()
    text = str(value).strip()
    if not text:
        raise InputError("a date is required", where=where, field=column)
    for fmt in ("%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d %B %Y", "%B %d, %Y", "%d-%B-%y",
                "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    for fmt in ("%b-%y", "%b-%Y", "%B %Y", "%B-%y"):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m")
        except ValueError:
            pass
    if YEAR_SHAPE.fullmatch(text):
        return text
    raise InputError(f"{text!r} is not a date (expected e.g. 9-Apr-84, Sep-84 or 2017-07-04)", where=where, field=column)


def parse_time(value, where: str, column: str) -> str | None:
    """`9:20:00 AM` -> 09:20:00; blank or Unknown -> None; a day fraction or time from the XLSX."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 <= value < 1:
            raise InputError(f"{value!r} is not a time of day (a fraction of a day)", where=where, field=column)
        seconds = round(value * 86400)
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    text = str(value).strip()
    if text.casefold() in UNKNOWN:
        return None
    for fmt in ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M"):
        try:
            return dt.datetime.strptime(text.upper(), fmt).time().isoformat()
        except ValueError:
            pass
    raise InputError(f"{text!r} is not a time (expected e.g. 9:20:00 AM, or blank/Unknown)", where=where, field=column)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# ---------------------------------------------------------------------------- records -> RDF
def read(path, kb, *, encoding: str | None = None, **_options) -> Batch:
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    rows = xlsx_rows(path) if excel else csv_rows(path, encoding)
    batch = Batch("cns", path, kb, progress=_options.get("progress"))
    stats = batch.report.stats
    ctx = {"file_src": f"src/cns-{slug(path.stem)}", "prk": kb.iso3.get("PRK"), "seen_ids": {}, "updated": [],
           "claimed": {}, "extra": ()}
    curated = cns_pairing.curated_tests(kb)
    known = cns_pairing.record_ids(kb)
    pending: dict = {}  # (date, system) -> rows that may be launches the knowledge base already has
    header_where = str(path)
    for kind, where, record in rows:
        if kind == "header":
            header_where = where
            _header(batch, record, where, ctx)
            continue
        batch.tick()
        row = _parse(batch, kb, Fields(record, where, batch.audit, ignored=ctx["extra"]), excel, ctx)
        row["pos"] = stats["read"]
        group = (row["date"], row["system"])
        if not row["time"] and group not in curated and (day_after(row["date"]), row["system"]) in curated:
            group = (day_after(row["date"]), row["system"])  # no time: the Korea date may be the next day
        judged = kb.matcher.judged(row["key"])
        same = [k for k, v in sorted(judged.items()) if v == "same" and k in kb.nodes and k != row["key"]]
        if same:
            cns_pairing.judged_same(batch, kb, same[0], row, ctx)
        elif any(v == "different" and k in curated.get(group, []) for k, v in judged.items()):
            batch.report.notes.append(f"{row['where']}: judged different from {sorted(judged)}; loaded as a new test")
            new_test(batch, kb, row, ctx)
        elif known.get(row["record_id"]) == row["key"]:
            new_test(batch, kb, row, ctx)  # loaded as a test of its own before: it stays one
        elif known.get(row["record_id"]):
            cns_pairing.by_record_id(batch, kb, known[row["record_id"]], row, ctx)
        elif group in curated:
            pending.setdefault(group, []).append(row)
        else:
            new_test(batch, kb, row, ctx)
    if not stats["read"]:
        raise InputError("no data rows", where=header_where)
    cns_pairing.pair(batch, kb, curated, pending, ctx)
    updated = ctx["updated"]
    batch.source(ctx["file_src"], header_where, name={"en": f"CNS North Korea Missile Test Database ({path.name})"},
                 publisher=PUBLISHER, title=f"CNS North Korea Missile Test Database ({path.name})",
                 date=max(updated) if updated else None)
    close(batch, FORMAT)
    return batch


def _header(batch, names, where, ctx):
    """The required columns are there; a column the format does not have is reported once, here."""
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {names}. Expected the CNS columns "
                         f"{list(FORMAT.fields)}", where=where, field=missing[0])
    ctx["extra"] = [c for c in names if c and c not in FORMAT.fields]
    for c in ctx["extra"]:
        batch.audit.unread(c, where)


def _parse(batch, kb, rec: Fields, excel, ctx) -> dict:
    """One row checked and read into plain values (its system resolved); nothing about the test yet."""
    where, seen_ids = rec.where, ctx["seen_ids"]
    rid = _text(rec.pop("F1"))
    if rid.endswith(".0"):
        rid = rid[:-2]
    utc_date = parse_date(rec.pop("Date"), where, "Date", excel)
    updated = rec.pop("Date Entered/Updated")
    if _text(updated):
        ctx["updated"].append(parse_date(updated, where, "Date Entered/Updated", excel))
    time = parse_time(rec.pop("Launch Time (UTC)", ""), where, "Launch Time (UTC)")
    date = korea_date(utc_date, time)
    if time and len(utc_date) == 10:
        batch.report.stats["times converted from UTC to the Korea date"] += 1
        if date != utc_date:
            batch.report.stats["dates moved to the next day in Korea"] += 1
    name = _text(rec.pop("Missile Name"))
    mtype = _text(rec.pop("Missile Type"))
    if mtype.casefold() not in TYPES:
        raise InputError(f"{mtype!r} is not a missile type ({', '.join(t.upper() for t in TYPES if t)}, Unknown)",
                         where=where, field="Missile Type")
    outcome_text = _text(rec.pop("Test Outcome"))
    if outcome_text.casefold() not in OUTCOMES:
        raise InputError(f"{outcome_text!r} is not an outcome (Success, Failure, Unknown)", where=where,
                         field="Test Outcome")
    apogee, apogee_text = parse_km(rec.pop("Apogee", ""), where, "Apogee")
    distance, distance_text = parse_km(rec.pop("Distance Travelled", ""), where, "Distance Travelled")
    lat = parse_coordinate(rec.pop("Facility Latitude", ""), where, "Facility Latitude", 90)
    lon = parse_coordinate(rec.pop("Facility Longitude", ""), where, "Facility Longitude", 180)

    if rid:
        if rid in seen_ids:
            raise InputError(f"F1 {rid} is repeated (first at {seen_ids[rid]})", where=where, field="F1")
        seen_ids[rid] = where
        key = f"event/cns-{slug(rid)}"
    else:
        key = f"event/cns-{date}-{slug(name or 'unknown')}-{len(seen_ids)}"
        seen_ids[key] = where
    record_id = f"F1={rid}" if rid else where.rsplit(" ", 1)[-1]

    sources = [ctx["file_src"]]
    for ref in (s.strip() for s in _text(rec.pop("Source(s)")).split(";")):
        if ref:
            sources.append(_cited(batch, ref, where))

    agency = _text(rec.pop("Launch Agency/Authority"))
    notes = []
    for label, text in (("Apogee", apogee_text), ("Distance travelled", distance_text),
                        ("Landing location", _text(rec.pop("Landing Location"))),
                        ("Confirmation status", _text(rec.pop("Confirmation Status"))),
                        ("Launch agency", agency), ("Missile type", mtype)):
        if text and text.casefold() not in ("unknown", "n/a"):
            notes.append(f"{label}: {text}")
    info = _text(rec.pop("Additional Information"))
    description = " ".join(x for x in [info, ("(" + "; ".join(notes) + ")") if notes else ""] if x)
    label = name if name and name.casefold() != "unknown" else "Unidentified missile"
    site_aliases = [a.strip() for a in _text(rec.pop("Other Name")).split(";")
                    if a.strip() and a.strip().casefold() not in UNKNOWN]
    row = {
        "where": where, "key": key, "record_id": record_id, "date": date, "utc_date": utc_date, "time": time,
        "name": name, "agency": agency, "site": _text(rec.pop("Facility Name")), "site_aliases": site_aliases,
        "site_location": _text(rec.pop("Facility Location")),
        "lat": lat, "lon": lon, "sources": sources,
        "apogee": None if apogee_text else apogee, "distance": None if distance_text else distance,  # plain values
        "system": system(batch, kb, name, mtype, where, ctx["file_src"]),
        "props": {
            "name": {"en": f"{label} test, {date}" + (f" ({utc_date} {time[:5]} UTC)" if time else "")},
            "date": date, "launch_time": time, "apogee_km": apogee, "distance_km": distance,
            "outcome": OUTCOMES[outcome_text.casefold()],
            "description": {"en": description} if description else None, "record_id": record_id,
        },
    }
    rec.done()
    return row


def _cited(batch, ref: str, where: str) -> str:
    key = f"src/cns-ref-{slug(ref, 40)}-" + hashlib.sha1(ref.encode("utf-8")).hexdigest()[:8]
    if re.fullmatch(r"https?://\S+", ref):
        batch.source(key, where, publisher=urlsplit(ref).hostname or ref, title=ref, url=ref)
    else:
        batch.source(key, where, publisher="as cited in the CNS North Korea Missile Test Database", title=ref)
    return key
