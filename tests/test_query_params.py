"""Optional typed parameters (`// param state: iso3? = any`): `any` or nothing means no filter, anything
else is checked as the type and, for keys and ISO codes, against the store."""

from __future__ import annotations

import pytest

from peninsula import queries
from peninsula.ontology import QueryError

HEADER = """// title: t
// param state: iso3? = any
// param instrument: key?
// param year: int? = 2017
MATCH (n) RETURN n
"""


def test_header_declares_optional_typed_parameters():
    q = queries.parse("p", "q", HEADER)
    state, instrument, year = q.params["state"], q.params["instrument"], q.params["year"]
    assert (state.type, state.optional, state.default, state.required) == ("iso3", True, "any", False)
    assert (instrument.type, instrument.default, instrument.required) == ("key", "any", False)
    assert (year.type, year.default) == ("int", "2017")
    assert [p.signature for p in q.params.values()] == ["state:iso3?=any", "instrument:key?=any", "year:int?=2017"]
    assert q.bind() == {"state": "any", "instrument": "any", "year": 2017}
    assert q.bind({"state": "ANY", "instrument": " any ", "year": "any"}) == {"state": "any", "instrument": "any",
                                                                              "year": "any"}
    assert q.bind({"state": "prk", "instrument": "unscr/2270"}) == {"state": "PRK", "instrument": "unscr/2270",
                                                                      "year": 2017}


@pytest.mark.parametrize("params, named, value", [
    ({"state": "P1"}, "state", "P1"), ({"instrument": "2270"}, "instrument", "2270"), ({"year": "soon"}, "year", "soon"),
])
def test_optional_parameter_of_the_wrong_type_is_an_error(params, named, value):
    with pytest.raises(QueryError) as err:
        queries.parse("p", "q", HEADER).bind(params)
    assert repr(named) in str(err.value) and value in str(err.value)


def test_a_plain_type_still_takes_any_literally():
    """Only `type?` gives `any` its meaning: a key without `?` refuses it."""
    q = queries.parse("p", "q", "// param actor: key = state/PRK\nMATCH (n) RETURN n\n")
    assert not q.params["actor"].optional and q.params["actor"].signature == "actor:key=state/PRK"
    with pytest.raises(QueryError, match="'actor'"):
        q.bind({"actor": "any"})


def test_no_pack_spells_an_optional_parameter_as_a_plain_string():
    """A pack that filters on `$x = 'any'` declares x with a type (`type?`, or a string with choices)."""
    for pack in queries.packs().values():
        for q in pack.values():
            for p in q.params.values():
                if f"${p.name} = 'any'" in q.cypher:
                    assert p.optional or "any" in p.choices, f"{q.id}: parameter {p.name} is an untyped string"


@pytest.mark.parametrize("params, named, value", [
    ({"state": "XXX"}, "state", "XXX"),
    ({"instrument": "unscr/22700"}, "instrument", "unscr/22700"),
    ({"state": "CH"}, "state", "CH"),
])
def test_member_votes_refuses_what_names_nothing(built, params, named, value):
    with pytest.raises(QueryError) as err:
        queries.run(built, "sanctions/member_votes", params)
    assert repr(named) in str(err.value) and repr(value) in str(err.value)


def test_member_votes_filters_or_not(built):
    every = queries.run(built, "sanctions/member_votes")
    assert queries.run(built, "sanctions/member_votes", {"state": "any", "instrument": "ANY"}) == every
    china = queries.run(built, "sanctions/member_votes", {"state": "chn"})
    assert china and china == [r for r in every if r["member"] == "CHN"]
    one = every[0]["key"]
    assert queries.run(built, "sanctions/member_votes", {"instrument": one}) == [r for r in every if r["key"] == one]
