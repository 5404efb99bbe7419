"""Time, once: the partial date, its comparisons, and the one rule of "as of a date", in Python and Cypher.

A date keeps the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD (`PartialDate`). Stored in
the graph it is that text, which sorts and compares on both engines. Two partial dates are compared
at the precision of the shorter one: 2017-07 is neither before nor after 2017, it is within it.

    not_after(x, at)    x <= at   at the shorter precision   (a start: it counts from its first day)
    not_before(x, at)   x >= at   at the shorter precision   (an end: it runs through its last day)
    holds(start, end, at)         (no start or not_after(start, at)) and (no end or not_before(end, at))

`holds` is the as-of rule of every layer: a fact holds as of `at` when its period, from the first day
of its start to the last day of its end, meets the period `at` names (any day of 2017 for `2017`);
a missing start or end is open. The query packs write the same rule as macros that `expand` turns
into Cypher before any engine or linter sees the text (`CYPHER` holds the one Cypher spelling):

    {{holds(r)}}               r.valid_from / r.valid_to as of $as_of
    {{holds(start, end)}}      any two expressions as of $as_of
    {{holds(start, end, at)}}  ... as of `at`
    {{not_after(x)}}  {{not_after(x, at)}}  {{not_before(x)}}  {{not_before(x, at)}}

As in a Cypher WHERE, `not_after` and `not_before` of a missing date are false. tests/test_temporal.py
checks that the Python and the expanded Cypher agree on random dates on FalkorDB and on Neo4j.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import XSD

YEAR, MONTH, DAY = "year", "month", "day"
# The lexical form of each precision (xsd:gYear, xsd:gYearMonth, xsd:date without a time zone).
FORMS = {YEAR: r"\d{4}", MONTH: r"\d{4}-\d{2}", DAY: r"\d{4}-\d{2}-\d{2}"}
PRECISION = {4: YEAR, 7: MONTH, 10: DAY}  # length of the text -> its precision
XSD_TYPES = {DAY: XSD.date, MONTH: XSD.gYearMonth, YEAR: XSD.gYear}
# Any partial date; `SHAPE.match` finds one at the start of a longer text (a date-time).
SHAPE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
YEAR_SHAPE = re.compile(FORMS[YEAR])
# RDF's lexical forms: XSD allows a sign (years before the common era), so the RDF mapping accepts one.
# A form says which type a text has, not that it is a real date: `xsd_date_error` checks that.
XSD_PATTERNS = {XSD_TYPES[p]: re.compile(rf"^-?{form}$") for p, form in FORMS.items()}
# Forms that are real calendar dates without a further look (a day up to 28 exists in every month):
# a bulk load's fast path matches these and sends the rest to `xsd_date_error`.
CERTAIN_PATTERNS = {XSD_TYPES[p]: re.compile(rf"^-?{form}$") for p, form in {
    YEAR: r"\d{4}", MONTH: r"\d{4}-(?:0[1-9]|1[0-2])",
    DAY: r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])"}.items()}


class DateError(ValueError):
    """A text that is no partial date; the message names the value."""


@dataclass(frozen=True)
class PartialDate:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar date (`PartialDate.parse` checks it)."""

    text: str

    @classmethod
    def parse(cls, text) -> PartialDate:
        if isinstance(text, PartialDate):
            return text
        if isinstance(text, dt.date):
            text = text.isoformat()
        text = str(text).strip()
        if not SHAPE.fullmatch(text):
            raise DateError(f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        year, month, day = (text.split("-") + ["01", "01"])[:3]
        if not 1 <= int(month) <= 12:
            raise DateError(f"{text!r} is not a real calendar date: it has no month {month}")
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise DateError(f"{text!r} is not a real calendar date") from None
        return cls(text)

    def __str__(self) -> str:
        return self.text

    @property
    def precision(self) -> str:
        return PRECISION[len(self.text)]

    @property
    def year(self) -> int:
        return int(self.text[:4])

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.text + "-01-01"[: 10 - len(self.text)])

    @property
    def last_day(self) -> dt.date:
        if self.precision == DAY:
            return self.first_day
        if self.precision == YEAR:
            return dt.date(self.year, 12, 31)
        following = dt.date(self.year + self.first_day.month // 12, self.first_day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def not_after(self, other) -> bool:
        return not_after(self.text, str(other))

    def not_before(self, other) -> bool:
        return not_before(self.text, str(other))


def partial_date(text) -> str:
    """The text of a partial date, checked (`PartialDate.parse`); DateError (a ValueError) otherwise.
    The one check of a date a user types (query parameters, `analyze --as-of`) or a curator writes."""
    return PartialDate.parse(text).text


def xsd_type(text: str):
    """The XSD datatype of a date's lexical form (a sign allowed, as XSD does), or None."""
    return next((t for t, pattern in XSD_PATTERNS.items() if pattern.match(text)), None)


def xsd_date_error(text: str) -> str | None:
    """Why an xsd:date, xsd:gYearMonth or xsd:gYear lexical form (a sign allowed) names no real
    calendar date ('2017-13', '2017-02-30'), naming the value; None when it does. Leap years follow
    the proleptic Gregorian calendar with astronomical years, as XSD 1.1 does (year 0 is a leap year)."""
    if xsd_type(text) is None:
        return f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
    year, month, day = (text.lstrip("-").split("-") + ["01", "01"])[:3]
    if not 1 <= int(month) <= 12:
        return f"{text!r} is not a real calendar date: it has no month {month}"
    try:
        dt.date(int(year) or 2000, int(month), int(day))  # 2000: a leap year, as year 0 is
    except ValueError:
        return f"{text!r} is not a real calendar date"
    return None


# ---------------------------------------------------------------------------- the comparisons
def _shorter(a: str, b: str) -> int:
    return min(len(a), len(b))


def not_after(x: str | None, at: str) -> bool:
    """x <= at at the precision of the shorter: a start of 2017-07 is not after 2017. None is False."""
    if x is None:
        return False
    x = str(x)
    return x[: _shorter(x, at)] <= at[: _shorter(x, at)]


def not_before(x: str | None, at: str) -> bool:
    """x >= at at the precision of the shorter: an end of 2017 is not before 2017-12-31. None is False."""
    if x is None:
        return False
    x = str(x)
    return x[: _shorter(x, at)] >= at[: _shorter(x, at)]


def holds(start: str | None, end: str | None, at: str) -> bool:
    """THE as-of rule: a fact from `start` to `end` (None: open) holds as of `at`."""
    return (start is None or not_after(start, at)) and (end is None or not_before(end, at))


# Which property gives a node's or relationship's start and end, in order of preference.
STARTS = ("valid_from", "date", "date_signed", "first_flight")
ENDS = ("valid_to", "end_date", "date_terminated")


def period(props: dict, *, event: bool = False) -> tuple[str | None, str | None]:
    """(start, end) of what a node or relationship holds: valid_from, else its date, date signed or
    first flight; valid_to, else end_date, else (an event, which lasts its day) its date, else the
    date it was terminated. None where open."""
    start = next((str(props[k]) for k in STARTS if props.get(k) not in (None, "")), None)
    ends = ENDS[:2] + (("date",) if event else ()) + ENDS[2:]
    end = next((str(props[k]) for k in ends if props.get(k) not in (None, "")), None)
    return start, end


def year_of(value) -> int | None:
    """The year of a partial date ('2006', '2006-10', '2006-10-09', or an int), None if it has none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    m = re.match(r"^\s*(-?\d{1,4})", str(value))
    return int(m.group(1)) if m else None


def year_span(start: str | None, end: str | None) -> tuple[int | None, int | None]:
    """The years Y in which `holds(start, end, 'Y')`: from the year of the start through the year of
    the end (None: open); what a year slider shows."""
    return year_of(start), year_of(end)


# ---------------------------------------------------------------------------- the rule in Cypher
# `left` and `size` on strings work on FalkorDB and Neo4j alike; the coalesce keeps `size` off null.
CYPHER = {
    "not_after": "(left({x}, size({at})) <= {at})",
    "not_before": "({x} >= left({at}, size(coalesce({x}, ''))))",
}
MACRO = re.compile(r"\{\{\s*(\w+)\s*\(")
AS_OF = "$as_of"


def _holds(start: str, end: str, at: str = AS_OF) -> str:
    return (f"(({start} IS NULL OR {CYPHER['not_after'].format(x=start, at=at)})"
            f" AND ({end} IS NULL OR {CYPHER['not_before'].format(x=end, at=at)}))")


def _macro(name: str, args: list[str]) -> str:
    if name == "holds" and len(args) == 1 and re.fullmatch(r"\w+", args[0]):
        return _holds(f"{args[0]}.valid_from", f"{args[0]}.valid_to")
    if name == "holds" and len(args) in (2, 3):
        return _holds(*args)
    if name in CYPHER and len(args) in (1, 2):
        return CYPHER[name].format(x=args[0], at=args[1] if len(args) == 2 else AS_OF)
    raise ValueError(f"{{{{{name}({', '.join(args)})}}}} is no date macro; they are {{{{holds(r)}}}}, "
                     "{{holds(start, end[, at])}}, {{not_after(x[, at])}} and {{not_before(x[, at])}}")


def _arguments(text: str, i: int) -> tuple[list[str], int]:
    """The comma-separated arguments from text[i] (just after the opening parenthesis) to its closing
    one, and the index after it. Commas inside brackets or quotes do not separate."""
    args, depth, quote, start = [], 0, None, i
    while i < len(text):
        c = text[i]
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}" and depth:
            depth -= 1
        elif c == "," and not depth:
            args.append(text[start:i].strip())
            start = i + 1
        elif c == ")":
            args.append(text[start:i].strip())
            return [a for a in args if a], i + 1
        i += 1
    raise ValueError("a date macro {{...( is not closed")


def expand(text: str) -> str:
    """Cypher text with every {{holds(...)}}, {{not_after(...)}} and {{not_before(...)}} written out;
    ValueError on a macro it does not know or one left open."""
    out, pos = [], 0
    for m in MACRO.finditer(text):
        if m.start() < pos:
            continue
        args, end = _arguments(text, m.end())
        close = re.compile(r"\s*\}\}").match(text, end)
        if not close:
            raise ValueError(f"the date macro at {text[m.start():end]!r} does not end with }}}}")
        out += [text[pos:m.start()], _macro(m.group(1), args)]
        pos = close.end()
    out.append(text[pos:])
    result = "".join(out)
    if "{{" in result:
        raise ValueError(f"{result[result.index('{{'):][:40]!r} is no date macro")
    return result
