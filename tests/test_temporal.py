"""One notion of time: the partial date, its comparisons, and the as-of rule in Python and in Cypher.

The Cypher the query packs run is `temporal.expand` of their macros; the property tests below check
that it answers as `temporal.holds` does on random partial dates of mixed precision with open ends,
on embedded FalkorDB and on the live Neo4j alike, and that `holds` means what its docstring says
(the fact's days meet the days `as_of` names)."""

from __future__ import annotations

import datetime as dt
import itertools
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peninsula import queries
from peninsula.graph import views
from peninsula.graph.analytics import project
from peninsula.ontology import QueryError, load
from peninsula.ontology.temporal import (
    DAY,
    MONTH,
    YEAR,
    DateError,
    PartialDate,
    expand,
    holds,
    not_after,
    not_before,
    partial_date,
    period,
    xsd_date_error,
    year_span,
)

ENGINES = ["store", "neo4j_store"]  # conftest fixtures: embedded FalkorDB, the live Neo4j (cleared)
_COUNTER = itertools.count()


# ---------------------------------------------------------------------------- random partial dates
@st.composite
def dates(draw, years=(2015, 2019)):
    """A partial date of random precision in a narrow span of years, so ties at each precision are common."""
    day = draw(st.dates(dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)))
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


facts = st.lists(st.tuples(st.none() | dates(), st.none() | dates()), min_size=1, max_size=25)


# ---------------------------------------------------------------------------- the type
@pytest.mark.parametrize("text, precision, first, last", [
    ("2017", YEAR, "2017-01-01", "2017-12-31"), ("2016-02", MONTH, "2016-02-01", "2016-02-29"),
    ("2017-12", MONTH, "2017-12-01", "2017-12-31"), ("2024-02-29", DAY, "2024-02-29", "2024-02-29"),
])
def test_partial_date_keeps_its_precision(text, precision, first, last):
    d = PartialDate.parse(f" {text} ")
    assert (str(d), d.precision, d.first_day.isoformat(), d.last_day.isoformat()) == (text, precision, first, last)
    assert partial_date(dt.date.fromisoformat(first)) == first


@pytest.mark.parametrize("text, words", [
    ("notadate", "is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"), ("06-10-09", "is not a date"),
    ("2006-1-9", "is not a date"), ("2006-13", "has no month 13"), ("2006-00", "has no month 00"),
    ("2023-02-29", "is not a real calendar date"), ("-2006", "is not a date"), ("2006-10-09T00:00", "is not a date"),
])
def test_partial_date_refuses_others_naming_the_value(text, words):
    with pytest.raises(DateError) as err:
        PartialDate.parse(text)
    assert words in str(err.value) and repr(text) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_the_issue_example():
    """Start 2017-07 as of 2017: the fact holds (any day of 2017), in Python as in the packs."""
    assert holds("2017-07", None, "2017") and not_after("2017-07", "2017") and PartialDate("2017-07").not_after("2017")
    assert holds(None, "2017-03", "2017-03-31") and not holds(None, "2017-03", "2017-04")
    assert not not_after(None, "2017") and not not_before(None, "2017")


# ---------------------------------------------------------------------------- what the rule means
@given(start=st.none() | dates(), end=st.none() | dates(), at=dates())
@settings(max_examples=500, deadline=None)
def test_holds_means_the_days_meet(start, end, at):
    """holds(start, end, at) exactly when some day from the first day of start to the last day of end
    (open where None) falls in the period `at` names."""
    a = PartialDate.parse(at)
    first = PartialDate.parse(start).first_day if start else dt.date.min
    last = PartialDate.parse(end).last_day if end else dt.date.max
    assert holds(start, end, at) is (first <= a.last_day and last >= a.first_day)


@given(start=st.none() | dates(), end=st.none() | dates())
@settings(max_examples=200, deadline=None)
def test_year_span_is_the_rule_per_year(start, end):
    """The views' slider years are the years Y for which holds(start, end, 'Y')."""
    first, last = year_span(start, end)
    for year in range(2013, 2022):
        assert holds(start, end, str(year)) is ((first is None or first <= year) and (last is None or year <= last))


def test_period_reads_what_views_and_analytics_read():
    assert period({"valid_from": "2001", "date": "1999"}) == ("2001", None)
    assert period({"date_signed": "1953-10-01", "date_terminated": "1980"}) == ("1953-10-01", "1980")
    assert period({"date": "2017-07-04"}) == ("2017-07-04", None)
    assert period({"date": "2017-07-04"}, event=True) == ("2017-07-04", "2017-07-04")
    assert period({"first_flight": "2017-07"}) == ("2017-07", None)
    assert views.interval({"date": "2017-07-04"}, event=True) == (2017, 2017)


def test_analytics_use_the_rule():
    """A tie from 2017-07 counts as of 2017 and 2017-07, not as of 2017-06; one ending 2017 holds all 2017."""
    nodes = [{"key": k, "labels": ["Entity", "Actor", "State"], "props": {"key": k}} for k in ("state/A", "state/B")]
    for start, end, at, inside in [("2017-07", None, "2017", True), ("2017-07", None, "2017-07-31", True),
                                   ("2017-07", None, "2017-06", False), (None, "2017", "2017-12-31", True),
                                   (None, "2017", "2018", False)]:
        props = {k: v for k, v in (("valid_from", start), ("valid_to", end)) if v}
        edges = [{"type": "ALLIED_WITH", "key": "k", "src": "state/A", "dst": "state/B", "props": props}]
        assert project(nodes, edges, as_of=at).has_edge("state/A", "state/B") is inside is holds(start, end, at)


# ---------------------------------------------------------------------------- the macros
def test_expand_writes_the_rule_out():
    assert expand("WHERE {{not_after(e.date)}}") == "WHERE (left(e.date, size($as_of)) <= $as_of)"
    assert expand("{{ not_before(r.valid_to, $start) }}") == "(r.valid_to >= left($start, size(coalesce(r.valid_to, ''))))"
    assert expand("{{holds(r)}}") == expand("{{holds(r.valid_from, r.valid_to)}}") == expand(
        "{{holds(r.valid_from, r.valid_to, $as_of)}}")
    assert expand("{{not_after(coalesce(a.x, a.y), e.date)}}") == "(left(coalesce(a.x, a.y), size(e.date)) <= e.date)"
    assert expand("RETURN {a: {b: 1}} AS m") == "RETURN {a: {b: 1}} AS m"


@pytest.mark.parametrize("text, words", [
    ("WHERE {{as_of(r)}}", "no date macro"), ("WHERE {{holds(a, b, c, d)}}", "no date macro"),
    ("WHERE {{not_after(e.date}}", "not closed"), ("WHERE {{not_after(e.date) AND x", "does not end with }}"),
    ("WHERE {{ x }}", "no date macro"),
])
def test_expand_refuses_what_it_does_not_know(text, words):
    with pytest.raises(ValueError, match=words):
        expand(text)


def test_a_bad_macro_names_the_query_file():
    with pytest.raises(QueryError, match=r"queries/t/q.neo4j.cypher: .*no date macro"):
        queries.parse("t", "q", "RETURN 1 AS x\n", {"neo4j": "RETURN {{when(x)}} AS x\n"})


def test_the_rule_is_written_once():
    """No pack pastes the predicate: each asks for it by macro, and no engine gets a macro unexpanded."""
    root = resources.files("peninsula.queries")
    for path in (f for d in root.iterdir() if d.is_dir() for f in d.iterdir() if f.name.endswith(".cypher")):
        text = path.read_text("utf-8")
        assert "size($as_of)" not in text and "size(coalesce(" not in text, f"{path.name} pastes the as-of rule"
    sent = [t for pack in queries.packs().values() for q in pack.values() for t in [q.cypher, *q.variants.values()]]
    assert sum("{{" in t for t in sent) == 0
    assert sum("size($as_of)" in t for t in sent) >= 40


# ---------------------------------------------------------------------------- Python == Cypher, both engines
AGREE = expand("""UNWIND $facts AS r
RETURN r.i AS i, {{holds(r)}} AS holds, {{not_after(r.valid_from)}} AS not_after,
       {{not_before(r.valid_to)}} AS not_before, {{holds(r.valid_from, r.valid_to, r.at)}} AS holds_at""")


@pytest.mark.parametrize("engine", ENGINES)
def test_python_and_cypher_agree(engine, request):
    """The expanded macros, as the packs run them (with $as_of) and with an explicit third argument, give
    the Python answer on random facts; null (a WHERE's false) counts as false."""
    store = request.getfixturevalue(engine)

    @given(facts=facts, as_of=dates(), ats=st.lists(dates(), min_size=25, max_size=25))
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def agree(facts, as_of, ats):
        rows = [{"i": i, "valid_from": s, "valid_to": e, "at": ats[i]} for i, (s, e) in enumerate(facts)]
        got = {r["i"]: r for r in store.query(AGREE, {"facts": rows, "as_of": as_of})}
        for row in rows:
            s, e, i = row["valid_from"], row["valid_to"], row["i"]
            expected = {"holds": holds(s, e, as_of), "not_after": not_after(s, as_of),
                        "not_before": not_before(e, as_of), "holds_at": holds(s, e, row["at"])}
            assert {k: got[i][k] is True for k in expected} == expected, (row, as_of)

    agree()


@pytest.mark.parametrize("engine", ENGINES)
def test_stored_facts_agree(engine, request):
    """On relationships in the store, where an open end is an absent property: a pack's WHERE {{holds(r)}}
    keeps exactly the facts Python says hold."""
    store = request.getfixturevalue(engine)
    nodes = [{"key": k, "labels": load().labels(["State"]), "props": {"key": k, "class": "State", "name": k}}
             for k in ("state/AAA", "state/BBB")]
    query = expand("MATCH ()-[r:ALLIED_WITH]->() WHERE r.key STARTS WITH $prefix AND {{holds(r)}} RETURN r.key AS key")

    @given(facts=facts, as_of=dates())
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def agree(facts, as_of):
        prefix = f"t{next(_COUNTER)}/"
        edges = [{"type": "ALLIED_WITH", "key": f"{prefix}{i}", "src": "state/AAA", "dst": "state/BBB",
                  "props": {k: v for k, v in (("key", f"{prefix}{i}"), ("valid_from", s), ("valid_to", e)) if v}}
                 for i, (s, e) in enumerate(facts)]
        store.write(nodes, edges)
        got = {r["key"] for r in store.query(query, {"prefix": prefix, "as_of": as_of})}
        assert got == {e["key"] for e, (s, end) in zip(edges, facts, strict=True) if holds(s, end, as_of)}

    agree()


@pytest.mark.parametrize("text, problem", [
    ("2017-13", "'2017-13' is not a real calendar date: it has no month 13"),
    ("2017-00", "has no month 00"), ("2017-02-30", "'2017-02-30' is not a real calendar date"),
    ("2023-02-29", "is not a real calendar date"), ("-0001-02-29", "is not a real calendar date"),
    ("2017-7", "is not a date"),
    ("2017", None), ("2017-12", None), ("2024-02-29", None), ("-0500-02", None), ("0000-02-29", None),
])
def test_an_xsd_date_form_must_name_a_real_day(text, problem):
    """RDF's date forms (a sign allowed) are checked against the calendar as YAML's are, with
    XSD 1.1's astronomical years (year 0 is a leap year, -0001 is not)."""
    error = xsd_date_error(text)
    assert error == problem if problem is None else problem in error
