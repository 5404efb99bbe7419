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
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from peninsula.loaders.korea_time import day_after, korea_date
from peninsula.loaders.matching import Decision, Record
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import YEAR_SHAPE

COLUMNS = ["F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
           "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name", "Facility Latitude",
           "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled", "Confirmation Status",
           "Test Outcome", "Additional Information", "Source(s)"]
REQUIRED = ["Date", "Missile Name", "Missile Type", "Test Outcome"]
SHEET = "Missile Tests"
TYPES = {"srbm": "SRBM", "mrbm": "MRBM", "irbm": "IRBM", "icbm": "ICBM", "slbm": "SLBM", "slv": "SLV",
         "hgv": "hypersonic", "unknown": None, "": None}
OUTCOMES = {"success": "success", "failure": "failure", "unknown": "unknown", "": "unknown"}
UNKNOWN = {"", "unknown", "n/a", "na", "none", "-", "--", "not applicable"}
EXPECTED_ROWS = (1, 5000)  # the published database has a few hundred rows
PUBLISHER = "James Martin Center for Nonproliferation Studies (CNS) / Nuclear Threat Initiative"


# ---------------------------------------------------------------------------- reading rows
def _csv_rows(path, encoding: str | None):
    with open(path, "rb") as fh:
        raw = fh.read(3)
        enc = encoding or ("utf-8" if raw == b"\xef\xbb\xbf" else "cp1252")
        fh.seek(3 if raw == b"\xef\xbb\xbf" else 0)

        def lines():
            n = 0
            for chunk in fh:  # lines end in \n, \r\n or a lone \r (0x0D is one byte in UTF-8 and cp1252)
                for line in _CR_LINE.split(chunk):
                    if not line:
                        continue
                    n += 1
                    try:
                        yield line.decode(enc)
                    except UnicodeDecodeError as exc:
                        raise InputError(f"undecodable byte 0x{line[exc.start]:02x} at column {exc.start + 1} "
                                         f"(read as {enc}; pass another encoding if the file is not {enc})",
                                         where=f"{path}:{n}") from None

        reader = csv.reader(lines())
        header = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", where=f"{path}:{reader.line_num}") from None
            if header is None:
                header = [h.strip() for h in row]
                _unique_columns(header, f"{path}:{reader.line_num}")
                yield "header", f"{path}:{reader.line_num}", header
                continue
            if not any(c.strip() for c in row):
                continue
            longest = max(len(c) for c in row)
            if longest > MAX_CELL:  # our own limit: csv's is process-wide and other libraries raise it
                raise InputError(f"malformed CSV: a cell of {longest:,} characters (at most {MAX_CELL:,})",
                                 where=f"{path}:{reader.line_num}")
            if len(row) > len(header):
                raise InputError(f"{len(row)} cells for {len(header)} columns", where=f"{path}:{reader.line_num}")
            yield "row", f"{path}:{reader.line_num}", dict(zip(header, row, strict=False))


MAX_CELL = 131_072  # characters in one cell: the csv module's default limit, which a CNS cell never nears
_CR_LINE = re.compile(rb"(?<=\r)(?!\n)")  # splits after a \r that does not start \r\n


def _unique_columns(header: list[str], where: str) -> None:
    """A column named twice would have one cell silently replace the other: refused."""
    first: dict = {}
    for i, name in enumerate(header, start=1):
        if not name:
            continue  # unnamed (empty) columns are never read
        if name in first:
            raise InputError(f"column {name!r} appears twice (columns {first[name]} and {i}); "
                             "rename or remove one", where=where, field=name)
        first[name] = i


def _xlsx_rows(path):
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", where=str(path)) from None
    try:
        if SHEET not in wb.sheetnames:
            raise InputError(f"no sheet {SHEET!r}; the workbook has {wb.sheetnames}", where=str(path))
        ws = wb[SHEET]
        header = None
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if header is None:
                names = [str(c).strip() for c in cells]
                if "Missile Name" in names or "Date" in names:
                    header = names
                    _unique_columns(header, f"{path} sheet {SHEET!r} row {n}")
                    yield "header", f"{path} sheet {SHEET!r} row {n}", header
                elif n >= 5:
                    raise InputError("no header row (with Date and Missile Name) in the first 5 rows",
                                     where=f"{path} sheet {SHEET!r}")
                continue
            if not any(str(c).strip() for c in cells):
                continue
            yield "row", f"{path} sheet {SHEET!r} row {n}", dict(zip(header, cells, strict=False))
    finally:
        wb.close()


# ---------------------------------------------------------------------------- values
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


_NUMBER = r"(\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?)"
_MILES = 1.609344
MAX_KM = Decimal(1_000_000)  # a plausibility bound, not a fact: a larger distance is a broken cell
_SIGN = re.compile(r"(?:^|(?<=[^\w]))[-\u2212\u2013]\s*$")  # a minus before a number, not a range's dash


def parse_km(value, where: str, column: str):
    """Text with units and ranges -> (km or None, the original text when it was not a plain number).

    `1,380 km` -> 1380; `between 25 and 90 km` / `25-90 km` -> 90 (upper bound, text kept);
    `~500 km` -> 500; `1.5e3 km` -> 1500; `Unknown`, `N/A`, blank -> None. A negative, infinite or
    implausible (over MAX_KM, under a millimetre) distance is refused, naming the cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _checked_km(Decimal(str(value)), str(value), where, column), None
    text = str(value).strip()
    low = text.casefold()
    if low in UNKNOWN or low.startswith(("unknown", "n/a")):
        return None, None
    matches = list(re.finditer(_NUMBER, text))
    if not matches:
        raise InputError(f"{text!r} is not a distance (expected e.g. 1,380 km, between 25 and 90 km, Unknown)",
                         where=where, field=column)
    for m in matches:
        before = text[:m.start()]
        if _SIGN.search(before) and not re.search(r"\d\s*[-\u2212\u2013]\s*$", before):
            raise InputError(f"{text!r} is negative; a distance cannot be", where=where, field=column)
    try:
        values = [Decimal(m.group().replace(",", "")) for m in matches]
    except InvalidOperation:
        raise InputError(f"{text!r} is not a distance", where=where, field=column) from None
    km = max(values)
    if re.search(r"\bmi(les?)?\b", low):
        km = (km * Decimal(str(_MILES))).quantize(Decimal("0.1"))
    elif re.search(r"\d\s*m\b|\bmeters?\b|\bmetres?\b", low) and "km" not in low:
        km = km / 1000
    plain = re.fullmatch(r"~?\s*" + _NUMBER + r"\s*(km|kilometers|kilometres)?", low)
    return _checked_km(km, text, where, column), None if plain else text


def _checked_km(km: Decimal, text: str, where: str, column: str) -> Decimal:
    """Finite, not negative, at most MAX_KM; written in plain notation (`1E+3` -> `1000`)."""
    if not km.is_finite():
        raise InputError(f"{text!r} is not a finite number", where=where, field=column)
    if km < 0:
        raise InputError(f"{text!r} is negative; a distance cannot be", where=where, field=column)
    if km > MAX_KM:
        raise InputError(f"{text!r} is more than {MAX_KM:,} km: not a plausible distance, check the cell",
                         where=where, field=column)
    if km and km.adjusted() < -6:  # below a millimetre (and `1e-999999999` would not fit in memory as text)
        raise InputError(f"{text!r} is less than a millimetre: not a plausible distance, check the cell",
                         where=where, field=column)
    return Decimal(format(km, "f"))


def parse_coordinate(value, where: str, column: str, limit: int):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if text.casefold() in UNKNOWN:
            return None
        try:
            number = float(text)
        except ValueError:
            raise InputError(f"{text!r} is not a decimal coordinate", where=where, field=column) from None
    if not -limit <= number <= limit:
        raise InputError(f"{number} is outside -{limit}..{limit}", where=where, field=column)
    return number


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# ---------------------------------------------------------------------------- records -> RDF
def read(path, kb, *, encoding: str | None = None, **_options) -> Batch:
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    rows = _xlsx_rows(path) if excel else _csv_rows(path, encoding)
    batch = Batch("cns", path, kb, progress=_options.get("progress"))
    stats, unread = batch.report.stats, batch.report.unread
    ctx = {"file_src": f"src/cns-{slug(path.stem)}", "prk": kb.iso3.get("PRK"), "seen_ids": {}, "updated": [],
           "claimed": {}}
    curated = curated_tests(kb)
    known = _record_ids(kb)
    pending: dict = {}  # (date, system) -> rows that may be launches the knowledge base already has
    header_where = str(path)
    for kind, where, record in rows:
        if kind == "header":
            header_where = where
            missing = [c for c in REQUIRED if c not in record]
            if missing:
                raise InputError(f"missing column(s) {missing}; found {record}. Expected the CNS columns "
                                 f"{COLUMNS}", where=where, field=missing[0])
            for c in record:
                if c and c not in COLUMNS:
                    unread[c] += 1
            continue
        batch.tick()
        row = _parse(batch, kb, record, where, excel, ctx)
        row["pos"] = stats["read"]
        group = (row["date"], row["system"])
        if not row["time"] and group not in curated and (day_after(row["date"]), row["system"]) in curated:
            group = (day_after(row["date"]), row["system"])  # no time: the Korea date may be the next day
        judged = kb.matcher.judged(row["key"])
        same = [k for k, v in sorted(judged.items()) if v == "same" and k in kb.nodes and k != row["key"]]
        if same:
            _judged_same(batch, kb, same[0], row, ctx)
        elif any(v == "different" and k in curated.get(group, []) for k, v in judged.items()):
            batch.report.notes.append(f"{row['where']}: judged different from {sorted(judged)}; loaded as a new test")
            _new_test(batch, kb, row, ctx)
        elif known.get(row["record_id"]) == row["key"]:
            _new_test(batch, kb, row, ctx)  # loaded as a test of its own before: it stays one
        elif known.get(row["record_id"]):
            _by_record_id(batch, kb, known[row["record_id"]], row, ctx)
        elif group in curated:
            pending.setdefault(group, []).append(row)
        else:
            _new_test(batch, kb, row, ctx)
    if not stats["read"]:
        raise InputError("no data rows", where=header_where)
    _match_curated(batch, kb, curated, pending, ctx)
    if not EXPECTED_ROWS[0] <= stats["read"] <= EXPECTED_ROWS[1]:
        batch.report.notes.append(f"{stats['read']} rows is outside the expected {EXPECTED_ROWS}")
    updated = ctx["updated"]
    batch.source(ctx["file_src"], header_where, name={"en": f"CNS North Korea Missile Test Database ({path.name})"},
                 publisher=PUBLISHER, title=f"CNS North Korea Missile Test Database ({path.name})",
                 date=max(updated) if updated else None)
    return batch


def _parse(batch, kb, rec, where, excel, ctx) -> dict:
    """One row checked and read into plain values (its system resolved); nothing about the test yet."""
    seen_ids = ctx["seen_ids"]
    rid = _text(rec.get("F1"))
    if rid.endswith(".0"):
        rid = rid[:-2]
    utc_date = parse_date(rec.get("Date"), where, "Date", excel)
    if _text(rec.get("Date Entered/Updated")):
        ctx["updated"].append(parse_date(rec.get("Date Entered/Updated"), where, "Date Entered/Updated", excel))
    time = parse_time(rec.get("Launch Time (UTC)", ""), where, "Launch Time (UTC)")
    date = korea_date(utc_date, time)
    if time and len(utc_date) == 10:
        batch.report.stats["times converted from UTC to the Korea date"] += 1
        if date != utc_date:
            batch.report.stats["dates moved to the next day in Korea"] += 1
    name = _text(rec.get("Missile Name"))
    mtype = _text(rec.get("Missile Type"))
    if mtype.casefold() not in TYPES:
        raise InputError(f"{mtype!r} is not a missile type ({', '.join(t.upper() for t in TYPES if t)}, Unknown)",
                         where=where, field="Missile Type")
    outcome_text = _text(rec.get("Test Outcome"))
    if outcome_text.casefold() not in OUTCOMES:
        raise InputError(f"{outcome_text!r} is not an outcome (Success, Failure, Unknown)", where=where,
                         field="Test Outcome")
    apogee, apogee_text = parse_km(rec.get("Apogee", ""), where, "Apogee")
    distance, distance_text = parse_km(rec.get("Distance Travelled", ""), where, "Distance Travelled")
    lat = parse_coordinate(rec.get("Facility Latitude", ""), where, "Facility Latitude", 90)
    lon = parse_coordinate(rec.get("Facility Longitude", ""), where, "Facility Longitude", 180)

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
    for ref in (s.strip() for s in _text(rec.get("Source(s)")).split(";")):
        if ref:
            sources.append(_cited(batch, ref, where))

    notes = []
    for label, text in (("Apogee", apogee_text), ("Distance travelled", distance_text),
                        ("Landing location", _text(rec.get("Landing Location"))),
                        ("Confirmation status", _text(rec.get("Confirmation Status"))),
                        ("Launch agency", _text(rec.get("Launch Agency/Authority"))),
                        ("Missile type", mtype)):
        if text and text.casefold() not in ("unknown", "n/a"):
            notes.append(f"{label}: {text}")
    info = _text(rec.get("Additional Information"))
    description = " ".join(x for x in [info, ("(" + "; ".join(notes) + ")") if notes else ""] if x)
    label = name if name and name.casefold() != "unknown" else "Unidentified missile"
    return {
        "where": where, "key": key, "record_id": record_id, "date": date, "utc_date": utc_date, "time": time,
        "rec": rec, "name": name,
        "lat": lat, "lon": lon, "sources": sources,
        "apogee": None if apogee_text else apogee, "distance": None if distance_text else distance,  # plain values
        "system": _system(batch, kb, name, mtype, where, ctx["file_src"]),
        "props": {
            "name": {"en": f"{label} test, {date}" + (f" ({utc_date} {time[:5]} UTC)" if time else "")},
            "date": date, "launch_time": time, "apogee_km": apogee, "distance_km": distance,
            "outcome": OUTCOMES[outcome_text.casefold()],
            "description": {"en": description} if description else None, "record_id": record_id,
        },
    }


def _new_test(batch, kb, row, ctx):
    """A MissileTest of the row's own (`event/cns-<F1>`), linked to its system, site and agency."""
    key, where, sources, record_id = row["key"], row["where"], row["sources"], row["record_id"]
    batch.report.decisions.append(Decision(_record(row), key, "new"))
    batch.entity(key, "MissileTest", where, row["props"], sources)
    if row["system"]:
        batch.link(key, "tested", row["system"], where, sources, record_id=record_id)
    _links(batch, kb, key, row, ctx)


def _links(batch, kb, key, row, ctx, only_missing: bool = False):
    """Launch site and conducting agency; on a curated test, only a kind of link it does not have yet."""
    where, sources, record_id = row["where"], row["sources"], row["record_id"]

    def lacks(rel_type):
        return not only_missing or not any(s == key and t == rel_type for s, t, _ in kb.edges)

    if lacks("LAUNCHED_FROM"):
        site = _site(batch, kb, row["rec"], row["lat"], row["lon"], where, ctx["file_src"], ctx["prk"])
        if site:
            batch.link(key, "launchedFrom", site, where, sources, record_id=record_id)
    agency = _text(row["rec"].get("Launch Agency/Authority"))
    if agency and agency.casefold() not in UNKNOWN and lacks("CONDUCTED_BY"):
        found = kb.find(agency, "Actor")
        if len(found) == 1:
            batch.existing(found[0])
            batch.link(key, "conductedBy", found[0], where, sources, record_id=record_id)


# ---------------------------------------------------------------------------- curated tests
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


def _match_curated(batch, kb, curated, pending, ctx):
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
            _new_test(batch, kb, row, ctx)


def _record(row) -> Record:
    return Record(names=[row["name"] or "Unknown"], cls="MissileTest", proposed=row["key"], where=row["where"],
                  ids={"record_id": row["record_id"]})


def _converted(row) -> str:
    if row["time"] and row["utc_date"] != row["date"]:
        return f" (converted from {row['utc_date']} {row['time']} UTC)"
    if row["time"]:
        return f" ({row['time']} UTC)"
    if row["utc_date"] != row["date"]:
        return f" (no launch time: {row['utc_date']} UTC may be the next day in Korea)"
    return " (no launch time: as given)"


def _decided(batch, row, key, score, reasons):
    batch.report.decisions.append(Decision(_record(row), key, "merge", score, reasons))
    batch.report.stats["merged"] += 1


def _record_ids(kb) -> dict:
    """CNS record ids (`F1=...`) the launch events of the knowledge base carry -> their keys."""
    return {props["record_id"]: key for key, props in kb.nodes.items()
            if str(props.get("record_id", "")).startswith("F1=") and any(c in LAUNCH_EVENTS for c in kb.classes(key))}


def _by_record_id(batch, kb, key, row, ctx):
    """The row's record id is on a test already (an earlier load paired them): that test, first."""
    ctx["claimed"][key] = row["where"]
    _decided(batch, row, key, 1.0, [f"same CNS record id {row['record_id']}"])
    batch.report.stats["matched by identifier"] += 1
    _enrich(batch, kb, key, row, ctx)


def _judged_same(batch, kb, key, row, ctx):
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
    _links(batch, kb, key, row, ctx, only_missing=True)


def _cited(batch, ref: str, where: str) -> str:
    key = f"src/cns-ref-{slug(ref, 40)}-" + hashlib.sha1(ref.encode("utf-8")).hexdigest()[:8]
    if re.fullmatch(r"https?://\S+", ref):
        batch.source(key, where, publisher=urlsplit(ref).hostname or ref, title=ref, url=ref)
    else:
        batch.source(key, where, publisher="as cited in the CNS North Korea Missile Test Database", title=ref)
    return key


def system_candidates(name: str):
    """`Hwasong-11A (KN-23)` -> the whole, then `Hwasong-11A`, `KN-23`; `Rail-mobile KN-23` -> `KN-23`."""
    parts = [name] + [p.strip() for p in re.split(r"[()/,]|\bor\b", name) if p.strip()]
    for part in parts:
        words = part.split()
        for i in range(len(words)):
            yield " ".join(words[i:])


def _system(batch, kb, name, mtype, where, file_src):
    stats = batch.report.stats
    if not name or name.casefold() in UNKNOWN:
        stats["unidentified systems"] += 1
        return None
    for candidate in system_candidates(name):
        found = kb.find(candidate, "WeaponSystem")
        if len(found) == 1:
            batch.existing(found[0])
            return found[0]
        if not found:
            found = kb.matcher.exact(candidate, "WeaponSystem")  # spelling variants: ER Scud / Scud-ER
            if len(found) == 1:
                batch.existing(found[0])
                return found[0]
        if len(found) > 1:
            batch.report.notes.append(f"{where}: {candidate!r} names {found}; tried a narrower part of {name!r}")
    missile_class = TYPES[mtype.casefold()]
    cls = "SpaceLaunchVehicle" if missile_class == "SLV" else "MissileSystem"
    key = f"{'slv' if cls == 'SpaceLaunchVehicle' else 'missile'}/cns-{slug(name)}"
    batch.entity(key, cls, where, {"name": {"en": name}, "missile_class": missile_class}, [file_src])
    return key


def _site(batch, kb, rec, lat, lon, where, file_src, prk):
    name = _text(rec.get("Facility Name"))
    if not name or name.casefold() in UNKNOWN:
        return None
    key = f"place/cns-{slug(name)}"
    if key in batch.owned:
        return key  # defined by an earlier row: its first coordinates stand
    aliases = [a.strip() for a in _text(rec.get("Other Name")).split(";") if a.strip() and a.strip().casefold() not in UNKNOWN]
    decision = batch.decide(Record(names=[name], aliases=aliases, cls="LaunchSite", proposed=key, where=where,
                                   lat=lat, lon=lon))
    if decision.merged:
        batch.existing(decision.key)
        return decision.key
    location = _text(rec.get("Facility Location"))
    batch.entity(key, "LaunchSite", where, {
        "name": {"en": name}, "alias": {"en": aliases} if aliases else None, "latitude": lat, "longitude": lon,
        "description": {"en": location} if location and location.casefold() not in UNKNOWN else None,
    }, [file_src])
    if prk:
        batch.existing(prk)
        batch.link(key, "locatedIn", prk, where, [file_src])
    return key
