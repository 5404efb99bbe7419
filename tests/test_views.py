"""Unit tests of peninsula.graph.views and peninsula.graph.chart on a tiny graph (no browser)."""

from __future__ import annotations

import html
import json
import math
import re

import pytest

from peninsula.graph import chart, views
from peninsula.ontology import InputError, QueryError, load

EVIL = "</script><img src=x onerror=alert(1)>"
EVIL_IMG = "<img src=x onerror=alert(1)>"


# ---------------------------------------------------------------------------- the sample graph
def sample_graph():
    """(nodes, edges): a handful of entities covering every relationship family, valid in
    different years, with hostile names and a hostile source. Also used by the browser tests."""
    ont = load()

    def node(key, cls, name, **props):
        return {"key": key, "labels": ont.labels([cls]), "props": {"key": key, "class": cls, "name": name, **props}}

    nodes = [
        node("state/PRK", "State", "North Korea", name_ko="조선민주주의인민공화국", alias=["DPRK"], alias_ko=["북한"],
             sources=["src/unscr-1718"]),
        node("state/KOR", "State", "South Korea", name_ko="대한민국", alias="ROK"),
        node("state/USA", "State", "United States", alias=["USA"]),
        node("state/CHN", "State", "China", name_ko="중국"),
        node("state/JPN", "State", "Japan"),
        node("state/RUS", "State", "Russia"),
        node("org/un", "IntergovernmentalOrganization", "United Nations"),
        node("org/evil", "ThreatActor", EVIL_IMG, alias=EVIL, valid_from="2004", sources=["src/evil"]),
        node("person/kji", "Person", "Kim Jong Il", name_ko="김정일", valid_from="1994", valid_to="2011-12-17"),
        node("agr/2005-js", "JointStatement", "Joint Statement of the Fourth Round", date="2005-09-19"),
        node("proc/six-party", "NegotiationProcess", "Six-Party Talks", valid_from="2003-08", valid_to="2009-04"),
        node("talks/r1", "TalksRound", "Six-Party Talks, round 1", date="2003-08-27"),
        node("unscr/1718", "SecurityCouncilResolution", "Resolution 1718", date="2006-10-14",
             sources=["src/unscr-1718"]),
        node("test/nuke-2006", "NuclearTest", "First nuclear test", date="2006-10-09"),
        node("test/m-2006", "MissileTest", "Taepodong-2 launch", date="2006-07-05"),
        node("test/m-2017", "MissileTest", "Hwasong-15 launch", date="2017-11-29"),
        node("test/m-2019", "MissileTest", "Short-range launch", date="2019-05-04"),
        node("missile/taepodong-2", "MissileSystem", "Taepodong-2", missile_class="ICBM", valid_from="1998"),
        node("missile/hwasong-15", "MissileSystem", "Hwasong-15", name_ko="화성-15", missile_class="ICBM",
             first_flight="2017-11-29"),
        node("person/kju", "Person", "Kim Jong Un", name_ko="김정은", description="Leader of North Korea.",
             betweenness=0.25, community=3, sources=["src/unscr-1718"]),
        node("agr/singapore", "JointStatement", "Singapore Joint Statement", date="2018-06-12",
             alias=["Trump–Kim Jong Un statement"]),
        node("org/wpk", "GovernmentAgency", "Workers' Party of Korea", name_ko="조선로동당"),
        node("org/kcna", "GovernmentAgency", "Korean Central News Agency", name_ko="북조선 통신"),
        node("site/sohae", "LaunchSite", "Sohae"),
        node("city/tokyo", "City", "Tokyo"),
        node("cyber/sony", "CyberOperation", "Sony Pictures hack", date="2014-11-24"),
        node("policy/patience", "Policy", "Strategic patience", valid_from="2009", valid_to="2016"),
        node("src/unscr-1718", "Source", "S/RES/1718 (2006)", title="Resolution 1718 (2006)",
             publisher="UN Security Council", url="https://undocs.org/S/RES/1718(2006)", symbol="S/RES/1718 (2006)",
             date="2006-10-14"),
        node("src/evil", "Source", EVIL, title=EVIL, publisher=EVIL_IMG, url="javascript:alert(1)"),
    ]
    rows = [
        ("MEMBER_OF", "state/PRK", "org/un", {"valid_from": "1991-09-17"}),
        ("MEMBER_OF", "state/KOR", "org/un", {"valid_from": "1991-09-17"}),
        ("MEMBER_OF", "org/evil", "org/un", {"valid_from": "2010"}),
        ("LEADS", "person/kji", "state/PRK", {"valid_from": "1994", "valid_to": "2011-12-17"}),
        ("PART_OF", "talks/r1", "proc/six-party", {}),
        ("LEADS", "person/kju", "state/PRK", {"valid_from": "2011-12-17"}),
        ("LEADS", "person/kju", "org/wpk", {"valid_from": "2012-04-11"}),
        ("PART_OF", "org/kcna", "org/wpk", {}),
        ("SIGNED", "person/kju", "agr/singapore", {}),
        ("PARTY_TO", "state/USA", "proc/six-party", {"valid_from": "2003", "valid_to": "2009"}),
        ("SIGNED", "state/PRK", "agr/2005-js", {"valid_from": "2005-09-19"}),
        ("ALLIED_WITH", "state/USA", "state/KOR", {"valid_from": "1953-10-01"}),
        ("ALLIED_WITH", "state/USA", "state/JPN", {"valid_from": "1960-01-19"}),
        ("ALLIED_WITH", "state/CHN", "state/PRK", {"valid_from": "1961-07-11"}),
        ("ALLIED_WITH", "org/evil", "state/PRK", {"valid_from": "2008"}),
        ("IMPOSES", "org/un", "unscr/1718", {"valid_from": "2006-10-14", "sources": ["src/unscr-1718"]}),
        ("TARGETS", "unscr/1718", "state/PRK", {"valid_from": "2006-10-14"}),
        ("DESIGNATES", "unscr/1718", "org/evil", {"valid_from": "2016", "sources": ["src/evil"]}),
        ("RESPONDS_TO", "unscr/1718", "test/nuke-2006", {}),
        ("DEVELOPS", "state/PRK", "missile/taepodong-2", {"valid_from": "1998"}),
        ("DEVELOPS", "state/PRK", "missile/hwasong-15", {"valid_from": "2017"}),
        ("DEVELOPS", "org/evil", "missile/hwasong-15", {"valid_from": "2015"}),
        ("TESTED", "test/m-2006", "missile/taepodong-2", {}),
        ("TESTED", "test/m-2017", "missile/hwasong-15", {}),
        ("CAN_REACH", "missile/hwasong-15", "city/tokyo", {"kind": "derived"}),
        ("CONDUCTED_BY", "test/nuke-2006", "state/PRK", {}),
        ("CONDUCTED_BY", "test/m-2006", "state/PRK", {}),
        ("CONDUCTED_BY", "test/m-2017", "state/PRK", {}),
        ("CONDUCTED_BY", "test/m-2019", "org/evil", {}),
        ("LAUNCHED_FROM", "test/m-2006", "site/sohae", {}),
        ("LOCATED_IN", "site/sohae", "state/PRK", {}),
        ("PARTICIPATED_IN", "state/PRK", "talks/r1", {}),
        ("PARTICIPATED_IN", "state/USA", "talks/r1", {}),
        ("PARTICIPATED_IN", "org/evil", "talks/r1", {}),
        ("PRODUCED", "proc/six-party", "agr/2005-js", {}),
        ("SUSPENDS", "state/PRK", "agr/2005-js", {"valid_from": "2009-04-14"}),
        ("SUPPORTS", "state/CHN", "state/PRK", {"valid_from": "1950", "kind": "economic"}),
        ("SUPPORTS", "org/evil", "state/PRK", {"valid_from": "2010", "valid_to": "2012"}),
        ("SUPPLIES_ARMS_TO", "state/PRK", "state/RUS", {"valid_from": "2023"}),
        ("ATTRIBUTED_TO", "cyber/sony", "org/evil", {"valid_from": "2014-12-19"}),
        ("ATTRIBUTED_BY", "cyber/sony", "state/USA", {"valid_from": "2014-12-19"}),
        ("PURSUES_POLICY", "state/USA", "policy/patience", {"valid_from": "2009", "valid_to": "2016"}),
        ("POLICY_TOWARD", "policy/patience", "state/PRK", {}),
    ]
    edges = [{"type": t, "key": f"stmt/x{i}", "src": s, "dst": d, "props": {"key": f"stmt/x{i}", **p}}
             for i, (t, s, d, p) in enumerate(rows)]
    return nodes, edges


def expected_view(name, nodes, edges):
    """The node keys a named view must show, computed from the sample without the views module."""
    ont = load()
    families = set(views.VIEWS[name].families)
    picked = [e for e in edges if ont.rel_types[e["type"]].family in families]
    keys = {k for e in picked for k in (e["src"], e["dst"])}
    return [n for n in nodes if n["key"] in keys], picked


def _y(v):
    return int(str(v)[:4]) if v else None


def own_span(props, is_event):
    """A node's or relationship's own years, per the brief, written out independently of views.interval."""
    start = _y(props.get("valid_from")) or _y(props.get("date")) or _y(props.get("date_signed")) \
        or _y(props.get("first_flight"))
    end = _y(props.get("valid_to")) or _y(props.get("end_date")) or (_y(props.get("date")) if is_event else None) \
        or _y(props.get("date_terminated"))
    return start, end


def spec_valid_in(props, is_event, year):
    start, end = own_span(props, is_event)
    return (start is None or start <= year) and (end is None or end >= year)


def shown_in(nodes, edges, year):
    """(node keys, (src, dst, type) triples) a view shows for one year: a node with dates of its own
    in its years, one without while a relationship with years, or to a dated node, holds that year;
    a relationship's open ends take their years from its nodes (not before the later start, not
    after the earlier end)."""
    ont = load()
    spans = {n["key"]: own_span(n["props"], ont.is_a(n["props"]["class"], "Event")) for n in nodes}

    def inside(s):
        return (s[0] is None or s[0] <= year) and (s[1] is None or s[1] >= year)

    def edge_span(e):
        s0, s1 = own_span(e["props"], False)
        ends = [spans[e["src"]], spans[e["dst"]]]
        if s0 is None and any(x[0] is not None for x in ends):
            s0 = max(x[0] for x in ends if x[0] is not None)
        if s1 is None and any(x[1] is not None for x in ends):
            s1 = min(x[1] for x in ends if x[1] is not None)
        return s0, s1

    dated_ok = {k for k, s in spans.items() if s != (None, None) and inside(s)}
    undated = {k for k, s in spans.items() if s == (None, None)}
    live = [e for e in edges if inside(edge_span(e)) and {e["src"], e["dst"]} <= dated_ok | undated]
    keys = set(dated_ok)
    for e in live:
        for end, other in ((e["src"], e["dst"]), (e["dst"], e["src"])):
            if end in undated and (edge_span(e) != (None, None) or other in dated_ok):
                keys.add(end)
    return keys, {(e["src"], e["dst"], e["type"]) for e in live if {e["src"], e["dst"]} <= keys}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from peninsula.graph.store import open_store

    nodes, edges = sample_graph()
    s = open_store(f"embedded:{tmp_path_factory.mktemp('views') / 'views.db'}")
    s.write(nodes, edges)
    yield s
    s.close()


def data_of(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="pen-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def outside_data(page: str) -> str:
    return re.sub(r'<script type="application/json" id="pen-data">.*?</script>', "", page, flags=re.S)


# ---------------------------------------------------------------------------- escaping
@pytest.mark.slow
def test_hostile_names_only_appear_escaped():
    nodes, edges = sample_graph()
    page = views.render(nodes, edges, title=EVIL, sources={"src/evil": {"title": EVIL, "url": "javascript:x"}})
    assert EVIL not in page
    assert EVIL_IMG not in page
    assert "onerror=alert(1)" in page  # the text is there, but only escaped
    assert "\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert f"<title>{html.escape(EVIL)} · Peninsula</title>" in page
    assert page.count("</script") == 3 and "<!--" not in page  # nothing closes a script block early
    assert data_of(page)["title"] == EVIL


def test_script_json_cannot_break_out():
    value = {"a": "</script><!-- x & y \u2028 \u2029 >", "ko": "북한"}
    text = views.script_json(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert "북한" in text
    assert json.loads(text) == value


def test_non_finite_numbers_become_null():
    nodes = [{"key": "a", "labels": ["Entity"], "props": {"name": "a", "apogee_km": float("nan")}}]
    assert data_of(views.render(nodes, [], title="t"))["nodes"][0]["props"]["apogee_km"] is None


def test_no_external_resources():
    nodes, edges = sample_graph()
    page = views.render(nodes, edges, title="t", sources={"s": {"url": "https://example.org/x"}})
    rest = outside_data(page)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", rest, re.I)
    assert not re.search(r"<link\b|@import|url\(\s*[\"']?(?:https?:)?//", rest, re.I)
    assert "https://example.org/x" in page  # in the data, for the inspector


# ---------------------------------------------------------------------------- legend, styles, sizes
def test_legend_counts_per_class_and_type():
    nodes, edges = sample_graph()
    page = views.render(nodes, edges, title="t")
    counts = dict(re.findall(r'data-cls="([^"]+)" data-count="(\d+)"', page))
    assert counts["State"] == "6" and counts["MissileTest"] == "3" and counts["Source"] == "2"
    assert sum(map(int, counts.values())) == len(nodes)
    types = dict(re.findall(r'data-type="([^"]+)" data-count="(\d+)"', page))
    assert types["CONDUCTED_BY"] == "4" and sum(map(int, types.values())) == len(edges)
    data = data_of(page)
    styles = {t["type"]: t for t in data["types"]}
    assert styles["CAN_REACH"]["derived"] and styles["CAN_REACH"]["dashes"] and not styles["TESTED"]["derived"]
    assert not styles["ALLIED_WITH"]["arrows"] and styles["SUPPORTS"]["arrows"]
    state = next(c for c in data["classes"] if c["name"] == "State")
    assert (state["shape"], state["label"]) == ("dot", "State")


def test_every_relationship_type_has_its_own_look():
    """No two relationship types share colour and dash pattern (the defect: one grey for member
    of, leads and part of, one red for all seven sanctions types)."""
    from peninsula.graph import view_style

    ont = load()
    looks = {t: (s["color"], str(s["dashes"])) for t, s in view_style.type_styles(ont).items()}
    assert len(set(looks.values())) == len(looks) == len(ont.rel_types)
    assert looks["MEMBER_OF"][0] != looks["LEADS"][0] != looks["PART_OF"][0] != looks["MEMBER_OF"][0]
    assert view_style.type_styles(ont)["CAN_REACH"]["dashes"] == view_style.DERIVED_DASH


def test_kinds_of_things_get_few_clearly_different_hues():
    ont = load()
    counts = {c: 1 for c in ont.classes if c not in ("Entity", "Actor")}
    styles = views.class_styles(counts, ont)
    groups = {s["group"] for s in styles.values()}
    assert len(groups) <= 11  # Source (never drawn in a view) among them
    # the largest class of two different groups never share a hue; within a group, tones differ
    assert styles["State"]["color"] != styles["IntergovernmentalOrganization"]["color"]
    assert styles["JointStatement"]["group"] == styles["Treaty"]["group"] == "Agreement"
    assert styles["JointStatement"]["color"] != styles["Treaty"]["color"]
    assert styles["Summit"]["group"] == "Event" and styles["Summit"]["color"] != styles["Treaty"]["color"]


def test_symmetric_relationships_are_drawn_once():
    nodes, edges = sample_graph()
    back = [dict(e, src=e["dst"], dst=e["src"], key=e["key"] + "-back") for e in edges if e["type"] == "ALLIED_WITH"]
    data = data_of(views.render(nodes, edges + back, title="t"))
    allied = [e for e in data["edges"] if e["type"] == "ALLIED_WITH"]
    assert len(allied) == len(back) == 4
    assert len({tuple(sorted((e["from"], e["to"]))) for e in allied}) == 4
    counts = dict(re.findall(r'data-type="([^"]+)" data-count="(\d+)"', views.render(nodes, edges + back, title="t")))
    assert counts["ALLIED_WITH"] == "4"


def test_node_size_follows_score():
    nodes = [{"key": k, "labels": ["Entity"], "props": {"name": k, "betweenness": b}} for k, b in (("a", 0.9), ("b", 0.1))]
    sizes = {n["id"]: n["size"] for n in data_of(views.render(nodes, [], title="t"))["nodes"]}
    assert sizes["a"] > sizes["b"]


@pytest.mark.slow
def test_edges_to_missing_nodes_are_dropped():
    nodes, edges = sample_graph()
    data = data_of(views.render(nodes[:3], edges, title="t"))
    keys = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in keys and e["to"] in keys for e in data["edges"])


# ---------------------------------------------------------------------------- positions
def test_positions_are_deterministic_and_spread():
    nodes, edges = sample_graph()
    a = views.render(nodes, edges, title="t")
    b = views.render(list(reversed(nodes)), list(reversed(edges)), title="t")
    assert a == b
    pos = {n["id"]: (n["x"], n["y"]) for n in data_of(a)["nodes"]}
    assert len(set(pos.values())) == len(pos)
    assert views.layout(["x", "y", "z"], [("x", "y")]) == views.layout(["z", "y", "x"], [("y", "x")])


def test_given_positions_are_used():
    nodes, edges = sample_graph()
    positions = {n["key"]: (i * 10.0, -i * 10.0) for i, n in enumerate(nodes)}
    data = data_of(views.render(nodes, edges, title="t", positions=positions))
    assert all((n["x"], n["y"]) == positions[n["id"]] for n in data["nodes"])


def test_big_layouts_do_not_collapse():
    """Above FAR_FIELD_ABOVE nodes a random graph keeps about one node per unit area (the grid's
    work per node stays bounded); without the far field this graph packs ~18 per unit area."""
    import random

    n = views.FAR_FIELD_ABOVE + 500
    rnd = random.Random(3)
    keys = [f"n{i}" for i in range(n)]
    pos = views.layout(keys, [(f"n{i}", f"n{rnd.randrange(n)}") for i in range(n)] +
                       [(f"n{i}", f"n{rnd.randrange(n // 50)}") for i in range(n)])
    r2 = sum((x / views.PIXELS) ** 2 + (y / views.PIXELS) ** 2 for x, y in pos.values()) / n
    assert n / (math.pi * r2) < 5
    assert len(set(pos.values())) == n


# ---------------------------------------------------------------------------- time
@pytest.mark.parametrize("props,event,span", [
    ({"valid_from": "1961-07-11"}, False, (1961, None)),
    ({"valid_from": "2003-08", "valid_to": "2009"}, False, (2003, 2009)),
    ({"date": "2006-10-09"}, True, (2006, 2006)),
    ({"date": "2006-10-14"}, False, (2006, None)),
    ({"date": "2018", "end_date": "2019-02"}, True, (2018, 2019)),
    ({}, False, (None, None)),
])
def test_interval(props, event, span):
    assert views.interval(props, event=event) == span


def test_valid_in_and_histogram():
    assert views.valid_in((2003, 2009), 2006, 2006)
    assert not views.valid_in((2010, 2012), 2006, 2006)
    assert views.valid_in((None, None), 1, 1)
    nodes, edges = sample_graph()
    data = data_of(views.render(nodes, edges, title="t"))
    hist = {y: (ev, other) for y, ev, other in data["hist"]}
    assert hist[2006] == (2, 4)  # two tests; the resolution, its source and two relationships start
    assert data["years"] == {"min": 1950, "max": 2023}
    assert [y for y, *_ in data["hist"]] == list(range(1950, 2024))


# ---------------------------------------------------------------------------- from a store
@pytest.mark.slow
def test_named_views_cover_the_families(sample_store):
    nodes, edges = sample_graph()
    for name in views.VIEWS:
        data = data_of(views.named_view(sample_store, name))
        want_nodes, want_edges = expected_view(name, nodes, edges)
        assert sorted(n["id"] for n in data["nodes"]) == sorted(n["key"] for n in want_nodes), name
        assert len(data["edges"]) == len(want_edges), name
        assert not any(n["cls"] == "Source" for n in data["nodes"])
    data = data_of(views.named_view(sample_store, "sanctions"))
    assert data["sources"]["src/unscr-1718"]["url"].startswith("https://undocs.org/")
    assert data["sources"]["src/evil"]["title"] == EVIL


@pytest.mark.slow
def test_named_view_years_and_errors(sample_store):
    data = data_of(views.named_view(sample_store, "alliances", as_of="2006-10-01"))
    assert data["initial"] == {"from": 2006, "to": 2006}
    data = data_of(views.named_view(sample_store, "alliances", year_from=1990, year_to="2000"))
    assert data["initial"] == {"from": 1990, "to": 2000}
    with pytest.raises(QueryError, match="unknown view"):
        views.named_view(sample_store, "nope")


@pytest.mark.slow
def test_query_view(sample_store):
    rows = [{"a": "state/USA", "b": "state/KOR", "t": "ALLIED_WITH"},
            {"a": "cyber/sony", "b": "org/evil", "t": "ATTRIBUTED_TO"}]
    data = data_of(views.query_view(rows, "graph: from=a to=b type=t", sample_store))
    assert sorted(n["id"] for n in data["nodes"]) == ["cyber/sony", "org/evil", "state/KOR", "state/USA"]
    assert sorted(e["type"] for e in data["edges"]) == ["ALLIED_WITH", "ATTRIBUTED_TO"]
    assert "src/evil" in data["sources"]
    assert views.graph_spec({"from": "x", "to": "y"}) == {"from": "x", "to": "y"}
    with pytest.raises(QueryError):
        views.graph_spec("graph: from=a")


def test_view_shows_inline_in_jupyter():
    from IPython.core.formatters import DisplayFormatter

    nodes, edges = sample_graph()
    page = views.render(nodes, edges, title="Alliances <b>")
    assert isinstance(page, views.View) and isinstance(page, str)
    data, _ = DisplayFormatter().format(page)  # what a notebook cell returning the page shows
    frame = data["text/html"]
    assert frame.startswith('<iframe srcdoc="') and "<script" not in frame and EVIL_IMG not in frame
    assert 'sandbox="allow-scripts' in frame and "allow-same-origin" not in frame
    assert html.unescape(frame.split('srcdoc="', 1)[1].split('" style=', 1)[0]) == page
    assert data["text/plain"] == f"<View 'Alliances <b>': {len(page):,} characters>"


# ---------------------------------------------------------------------------- writing files
def test_write_view_and_file_names(tmp_path):
    nodes, edges = sample_graph()
    page = views.render(nodes, edges, title="t")
    path = views.write_view(page, tmp_path / "out" / "v.html")
    assert path.read_text(encoding="utf-8") == page
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["v.html"]  # no temporary file left
    assert views.file_name("alliances") == "alliances.html"
    assert views.file_name("alliances/network_as_of") == "alliances-network_as_of.html"
    assert views.file_name("../../etc/passwd") == "etc-passwd.html"
    assert views.file_name("..") == "view.html"
    assert views.output_path(None, "missiles") == views.Path("out/views/missiles.html")
    assert views.output_path(tmp_path / "x.html", "missiles") == tmp_path / "x.html"
    assert views.output_path(tmp_path / "dir", "../../../up") == tmp_path / "dir" / "up.html"
    with pytest.raises(InputError):
        views.write_view(page, tmp_path / "..")


def test_write_view_replaces_a_symlink_instead_of_following_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "views"
    folder.mkdir()
    (folder / "alliances.html").symlink_to(outside)
    written = views.write_view(views.View("<p>new</p>"), views.output_path(folder, "alliances"))
    assert written == folder / "alliances.html" and not written.is_symlink()
    assert written.read_text(encoding="utf-8") == "<p>new</p>"
    assert outside.read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------------------- the CLI
@pytest.mark.slow
def test_cli_view_named_and_query(tmp_path):
    from click.testing import CliRunner

    from peninsula.graph.cli import main
    from peninsula.graph.store import open_store

    uri = f"embedded:{tmp_path / 'cli.db'}"
    with open_store(uri) as store:
        store.write(*sample_graph())
    uri = ["--store", uri]
    run = CliRunner().invoke
    out = tmp_path / "views"
    result = run(main, [*uri, "view", "alliances", "--as-of", "2006-10-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = data_of((out / "alliances.html").read_text(encoding="utf-8"))
    assert data["initial"] == {"from": 2006, "to": 2006}
    result = run(main, [*uri, "view", "sanctions", "--from", "2000", "--to", "2010", "-o", str(out / "s.html")])
    assert result.exit_code == 0, result.output
    assert data_of((out / "s.html").read_text(encoding="utf-8"))["initial"] == {"from": 2000, "to": 2010}
    result = run(main, [*uri, "view", "--query", "alliances/network_as_of", "--as-of", "1955", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = data_of((out / "alliances-network_as_of.html").read_text(encoding="utf-8"))
    assert sorted((e["from"], e["to"]) for e in data["edges"]) == [("state/USA", "state/KOR")]  # in force in 1955
    assert data["initial"] == {"from": 1955, "to": 1955}
    result = run(main, [*uri, "view", "--query", "../../alliances/network_as_of", "-o", str(out)])
    assert result.exit_code != 0 and not list(tmp_path.glob("*.html"))
    result = run(main, [*uri, "view", "nope", "-o", str(out)])
    assert result.exit_code == 2 and "alliances" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["alliances-network_as_of.html", "alliances.html", "s.html"]


# ---------------------------------------------------------------------------- chart
def test_tests_per_year_svg(sample_store):
    counts = chart.tests_per_year(sample_store)
    assert counts == {2006: {"ICBM": 1}, 2017: {"ICBM": 1}, 2019: {"unknown": 1}}
    svg = chart.tests_per_year_svg(sample_store)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>2019: 1 unknown</title>" in svg and "2017" in svg


def test_chart_escapes_text():
    from collections import Counter

    svg = chart.svg_from_counts({2001: Counter({EVIL: 2})}, title=EVIL)
    assert EVIL not in svg and html.escape(EVIL) in svg
    assert "No dated" in chart.svg_from_counts({}, title="t")


# ---------------------------------------------------------------------------- tours
TOUR = """title: A small tour
families: [alliance, membership]
steps:
  - title: Allies
    text: The United States and South Korea.
    years: 1953
    select: [state/USA, state/KOR]
    show: [State]
  - title: A leader
    text: Kim Jong Il leads North Korea.
    years: [1994, 2011]
    select: [person/kji]
    sources: [src/unscr-1718]
"""


def test_read_tour_and_its_view(sample_store, tmp_path):
    from peninsula.graph.view_tour import read_tour

    path = tmp_path / "tour.yaml"
    path.write_text(TOUR, encoding="utf-8")
    tour = read_tour(path)
    assert [s.years for s in tour.steps] == [(1953, 1953), (1994, 2011)]
    data = data_of(views.tour_view(sample_store, tour))
    assert data["tour"]["steps"][1]["select"] == ["person/kji"] and data["initial"] == {"from": 1953, "to": 1953}
    assert data["sources"]["src/unscr-1718"]["title"] == "Resolution 1718 (2006)"


@pytest.mark.parametrize("change,where,field", [
    (("years: 1953", "years: [1960, 1950]"), "step 1", "years"),
    (("show: [State]", "show: [Nation]"), "step 1", "show"),
    (("    text: Kim Jong Il leads North Korea.\n", ""), "step 2", "text"),
    (("families: [alliance, membership]", "families: [friendship]"), "tour.yaml", "families"),
    (("    sources: [src/unscr-1718]", "    source: [src/unscr-1718]"), "step 2", "source"),
])
def test_bad_tours_name_file_step_and_field(tmp_path, change, where, field):
    from peninsula.graph.view_tour import read_tour

    path = tmp_path / "tour.yaml"
    path.write_text(TOUR.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_tour(path)
    assert where in str(err.value) and err.value.field == field and str(path) in str(err.value)


def test_tour_keys_are_checked_against_the_store(sample_store, tmp_path):
    from peninsula.graph.view_tour import read_tour

    for old, new, field in (("select: [person/kji]", "select: [person/nobody]", "select"),
                            ("sources: [src/unscr-1718]", "sources: [src/nowhere]", "sources")):
        path = tmp_path / "tour.yaml"
        path.write_text(TOUR.replace(old, new), encoding="utf-8")
        with pytest.raises(InputError) as err:
            views.tour_view(sample_store, read_tour(path))
        assert "step 2" in str(err.value) and err.value.field == field


def test_shipped_tours_rest_on_the_curated_data(built):
    """Each shipped tour builds on the curated store: every selected node is in its view, every
    source it cites is a Source there, and each step's selection holds in the step's years."""
    from pathlib import Path

    from peninsula.graph.view_tour import read_tour

    tours = sorted((Path(__file__).parents[1] / "data" / "tours").glob("*.yaml"))
    assert len(tours) >= 2
    for path in tours:
        tour = read_tour(path)
        data = data_of(views.tour_view(built, tour))
        nodes = {n["id"]: n for n in data["nodes"]}
        for i, step in enumerate(tour.steps, 1):
            assert step.sources, (path.name, i)
            for key in step.select:
                n = nodes[key]
                assert not step.show or n["cls"] in step.show, (path.name, i, key)  # not hidden by its own step
                if n["dated"]:
                    assert views.valid_in((n["y0"], n["y1"]), *step.years), (path.name, i, key)


def test_igraph_layout_is_opt_in_and_deterministic(monkeypatch):
    pytest.importorskip("igraph")  # not a dependency: PENINSULA_LAYOUT=igraph with python-igraph installed
    from peninsula.graph import view_layout

    keys = [f"n{i}" for i in range(40)]
    pairs = [(f"n{i}", f"n{(i * 7) % 40}") for i in range(40)] + [("a", "b")]
    monkeypatch.setenv("PENINSULA_LAYOUT", "igraph")
    first = view_layout.layout(keys + ["a", "b"], pairs)
    assert first == view_layout.layout(list(reversed(keys + ["a", "b"])), pairs)
    assert len(set(first.values())) == 42
    monkeypatch.delenv("PENINSULA_LAYOUT")
    assert view_layout.layout(keys, pairs) == view_layout.grid_layout(keys, pairs)


@pytest.mark.slow
def test_label_widths_are_never_underestimated():
    """The planner's width of every name in the curated data is at least its width in DejaVu Sans,
    the default sans-serif on Debian (the defect: 'Sweden' planned 12% narrower than drawn, so its
    label covered Stockholm on the projector)."""
    from fontTools.ttLib import TTFont

    from peninsula.graph import view_labels
    from peninsula.graph.build import default_data_dir
    from peninsula.loaders.curated import read_dir

    font = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    cmap, hmtx, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    names = {str(o) for _, p, o in read_dir(default_data_dir()).graph if str(p).endswith(("name", "altName"))}
    checked = 0
    for name in sorted(names):
        label = views._label(name)
        if not all(ord(ch) in cmap for ch in label):
            continue  # Hangul: the embedded Korean font (its own advances are 1 em at most)
        drawn = sum(hmtx[cmap[ord(ch)]][0] for ch in label) / em
        assert view_labels.text_em(label) >= drawn, (label, view_labels.text_em(label), drawn)
        checked += 1
    assert checked > 300
