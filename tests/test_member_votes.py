"""Per-member Security Council votes (sanctions/member_votes): who sat on the Council on the day of a vote,
how each voted, who vetoed. Its golden (tests/golden/sanctions/member_votes.json) runs on both engines
through test_queries.py; these tests check the rules the golden could hide."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from peninsula import queries
from peninsula.graph.store import open_store

QID = "sanctions/member_votes"


def _rows(store, **params):
    return queries.run(store, QID, params)


def _by_instrument(rows):
    out = defaultdict(dict)
    for r in rows:
        assert r["member"] not in out[r["key"]], f"{r['member']} votes twice on {r['key']}"
        out[r["key"]][r["member"]] = r
    return out


def test_counts_agree_with_the_recorded_tally(built):
    """Recorded against/abstentions equal the tally's; derived in-favour votes never exceed its first
    number, and equal it where the data holds all fifteen members."""
    for key, members in _by_instrument(_rows(built)).items():
        tally = next(iter(members.values()))["tally"]
        favour, against, abstain = (int(n) for n in re.fullmatch(r"(\d+)-(\d+)-(\d+)", tally).groups())
        cast = Counter(r["vote"] for r in members.values())
        assert (cast["against"], cast["abstention"]) == (against, abstain), key
        assert cast["in favour"] <= favour, key
        assert len(members) <= 15, key
        if len(members) == 15:
            assert cast["in favour"] == favour, key
        assert {m for m, r in members.items() if r["seat"] == "permanent"} == {"CHN", "FRA", "GBR", "RUS", "USA"}, key


def test_vetoing_members_of_the_2022_and_2024_drafts(built):
    votes = _by_instrument(_rows(built))
    assert len(votes) == 28 and all(len(members) == 15 for members in votes.values()), \
        "the data holds all fifteen members for every vote with a tally, 1993-2024"
    vetoed = {key: sorted(m for m, r in votes[key].items() if r["vetoed"])
              for key in ("sanction/draft-2022-05", "sanction/draft-2024-03")}
    assert vetoed == {"sanction/draft-2022-05": ["CHN", "RUS"], "sanction/draft-2024-03": ["RUS"]}
    assert votes["sanction/draft-2024-03"]["CHN"]["vote"] == "abstention"
    assert votes["sanction/draft-2024-03"]["CHN"]["vetoed"] is False  # an abstention is no veto
    assert not any(r["adopted"] for r in votes["sanction/draft-2022-05"].values())
    # a veto is a permanent member's vote against; no adopted resolution has one
    for members in votes.values():
        for r in members.values():
            assert not r["vetoed"] or (r["seat"] == "permanent" and r["vote"] == "against" and not r["adopted"])


def test_a_member_off_the_council_on_the_day_has_no_vote(built):
    """Japan sat in 2016-2017 and 2023-2024, not in 2018-2022; Malaysia's term ended on 31 December 2016."""
    jpn = {r["key"] for r in _rows(built, state="JPN")}
    assert {"unscr/2270", "unscr/2397", "sanction/draft-2024-03"} <= jpn
    assert not jpn & {"unscr/2407", "unscr/2627", "sanction/draft-2022-05"}
    assert [r["key"] for r in _rows(built, state="mys", instrument="unscr/2321")] == ["unscr/2321"]
    assert _rows(built, state="MYS", instrument="unscr/2356") == []  # 2 June 2017


def test_how_did_member_x_vote_on_y(built):
    assert [(r["member"], r["vote"], r["seat"], r["basis"]) for r in _rows(built, instrument="unscr/825", state="PAK")] \
        == [("PAK", "abstention", "elected", "recorded")]
    egypt = _rows(built, instrument="unscr/2270", state="EGY")
    assert [(r["vote"], r["seat"], r["basis"], r["vetoed"]) for r in egypt] == [("in favour", "elected", "derived", False)]


def test_as_of_before_a_vote_leaves_it_out(built):
    assert {r["key"] for r in _rows(built, as_of="2016-03-01")} >= {"unscr/2207"}
    assert "unscr/2270" not in {r["key"] for r in _rows(built, as_of="2016-03-01")}


@pytest.fixture()
def one_council(tmp_path):
    """A tiny store: a draft voted on 2020-06-01, one member whose term ended the day before, one sitting."""
    s = open_store(f"embedded:{tmp_path / 'council.db'}")
    s.query("CREATE (:Entity:Actor:Organization:IntergovernmentalOrganization {key: 'org/unsc', name: 'UNSC'})", write=True)
    s.query("CREATE (:Entity:Sanction:SecurityCouncilResolution {key: 'unscr/1', symbol: 'S/RES/1', date: '2020-06-01', vote: '15-0-0'})", write=True)
    for iso, start, end in (("AAA", "2018-01-01", "2020-05-31"), ("BBB", "2020-01-01", "2021-12-31")):
        s.query("MATCH (o:Organization {key: 'org/unsc'}) CREATE (:Entity:Actor:State {key: 'state/' + $iso, iso3: $iso, name: $iso})"
                "-[:MEMBER_OF {valid_from: $start, valid_to: $end, role: 'non-permanent member'}]->(o)",
                {"iso": iso, "start": start, "end": end}, write=True)
    yield s
    s.close()


def test_the_term_bounds_decide_who_votes(one_council):
    rows = one_council.query(queries.get(QID).text_for(one_council.dialect),
                             queries.get(QID).bind({"as_of": "2020"}))
    assert [(r["member"], r["vote"], r["seat"]) for r in rows] == [("BBB", "in favour", "elected")]
