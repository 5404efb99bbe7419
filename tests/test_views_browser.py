"""Every named view in headless Chromium: no errors, no network, the right nodes per year, no XSS.

Needs Debian's chromium and Playwright for Python: skipped, saying why, where either is missing;
under CI (env CI set) a missing browser fails the run instead. Screenshots go to out/screenshots/.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest
from support import ROOT, require

from peninsula.graph import views
from peninsula.ontology import load

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SHOTS = ROOT / "out" / "screenshots"
LOCAL = ("file:", "data:", "blob:", "about:")


def _unit_tests():
    """The sample graph lives beside the unit tests (tests/ is no package under importlib mode)."""
    spec = importlib.util.spec_from_file_location("_views_unit", Path(__file__).with_name("test_views.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unit = _unit_tests()


def _need(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    chromium = require("chromium", "Debian's headless browser for the view tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.path.realpath(chromium), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Each named view written to a file, from a store holding the sample graph."""
    from peninsula.graph.store import open_store

    nodes, edges = unit.sample_graph()
    folder = tmp_path_factory.mktemp("views-html")
    store = open_store(f"embedded:{folder / 'views.db'}")
    try:
        store.write(nodes, edges)
        yield {name: views.write_view(views.named_view(store, name), folder / f"{name}.html") for name in views.VIEWS}
    finally:
        store.close()


def _open(browser, path, fragment="", viewport=(1366, 820)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.errors, page.requests, page.dialogs = [], [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(LOCAL) else page.requests.append(req.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri() + fragment)
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
    return page


DRAWN_NODES = "window.peninsula.network.body.nodeIndices.slice().sort()"  # what vis-network draws now
DRAWN_EDGES = "window.peninsula.network.body.edgeIndices.slice()"


def _drawn_edges(page):
    """The drawn relationships as (from, to, type), sorted."""
    return sorted(tuple(e) for e in page.evaluate(
        DRAWN_EDGES + ".map(id => window.peninsula.data.edges.find(x => x.id === id))"
        ".map(e => [e.from, e.to, e.type])"))


def _set_slider(page, year_from, year_to):
    page.fill("#pen-to", str(year_to))
    page.fill("#pen-from", str(year_from))
    page.wait_for_timeout(50)


@pytest.mark.parametrize("name", list(views.VIEWS))
def test_named_view_in_chromium(browser, pages, name):
    ont = load()
    nodes, edges = unit.sample_graph()
    want_nodes, want_edges = unit.expected_view(name, nodes, edges)
    page = _open(browser, pages[name])
    try:
        assert page.evaluate(DRAWN_NODES) == sorted(n["key"] for n in want_nodes)
        assert page.get_attribute("#pen-app", "data-drawn") == str(len(want_nodes))
        assert page.evaluate("window.peninsula.network.physics.options.enabled") is False

        _set_slider(page, 2006, 2006)
        is_event = {n["key"]: ont.is_a(n["props"]["class"], "Event") for n in nodes}
        valid = sorted(n["key"] for n in want_nodes if unit.spec_valid_in(n["props"], is_event[n["key"]], 2006))
        assert page.evaluate(DRAWN_NODES) == valid
        assert _drawn_edges(page) == sorted(
            (e["src"], e["dst"], e["type"]) for e in want_edges
            if e["src"] in valid and e["dst"] in valid and unit.spec_valid_in(e["props"], False, 2006))
        assert page.inner_text("#pen-year-from") == "2006" == page.inner_text("#pen-year-to")
        page.wait_for_function("() => location.hash.includes('years=2006-2006')")

        # the hostile entity is in every view: find it, inspect it, it stays text
        page.fill("#pen-search", "onerror")
        page.wait_for_selector("#pen-results li")
        assert page.inner_text("#pen-results li >> nth=0").startswith(unit.EVIL_IMG)
        page.keyboard.press("Enter")
        page.wait_for_selector("#pen-inspect-body h3")
        assert page.inner_text("#pen-inspect-body h3") == unit.EVIL_IMG
        assert unit.EVIL in page.inner_text("#pen-inspect-body")  # its alias, as text
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert page.evaluate("document.querySelectorAll('#pen-inspector a').length") == 0  # javascript: URL
        page.wait_for_function("() => location.hash.includes('sel=org%2Fevil')")
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"sample-{name}.png"))
        assert page.dialogs == [] and page.errors == [] and page.requests == []
    finally:
        page.close()


def test_hangul_search_sources_and_restored_state(browser, pages):
    page = _open(browser, pages["sanctions"], "#years=2016-2020&hide=NuclearTest&sel=state%2FPRK&cam=0,0,0.8")
    try:
        assert page.evaluate("window.peninsula.state.from") == 2016
        assert page.inner_text("#pen-inspect-body h3") == "North Korea"
        assert "test/nuke-2006" not in page.evaluate(DRAWN_NODES)
        assert not page.is_checked(".pen-vis[data-cls='NuclearTest']")
        assert abs(page.evaluate("window.peninsula.network.getScale()") - 0.8) < 0.01
        link = page.locator("#pen-inspector a").first
        assert link.get_attribute("href") == "https://undocs.org/S/RES/1718(2006)"
        assert link.inner_text() == "Resolution 1718 (2006)"
        for query in ("북한", "조선민주주의", "DPRK"):  # alias in Hangul, Hangul name, alias
            page.fill("#pen-search", query)
            page.wait_for_selector("#pen-results li")
            assert page.inner_text("#pen-results li >> nth=0").startswith("North Korea"), query
        page.check(".pen-vis[data-cls='NuclearTest']")
        assert "test/nuke-2006" not in page.evaluate(DRAWN_NODES)  # 2006 is out of range
        page.fill("#pen-from", "2006")
        assert "test/nuke-2006" in page.evaluate(DRAWN_NODES)
        page.click(".pen-leg[data-cls='SecurityCouncilResolution']")  # the legend row selects its members
        assert page.evaluate("window.peninsula.network.getSelectedNodes()") == ["unscr/1718"]
        assert page.inner_text("#pen-inspect-body h3") == "Security Council resolution" or \
            "Resolution 1718" in page.inner_text("#pen-inspect-body")
        page.click("#pen-play")  # replays the window, a year a step, to the last year, then stops
        assert "Pause" in page.inner_text("#pen-play")
        page.wait_for_function("() => document.getElementById('pen-play').textContent.includes('Play')", timeout=20_000)
        assert page.evaluate("window.peninsula.state.to") == page.evaluate("window.peninsula.data.years.max")
        assert page.errors == [] and page.requests == [] and page.dialogs == []
    finally:
        page.close()


def test_url_hash_reopens_the_same_picture(browser, pages):
    """Years, filters, selection and camera set by hand; a fresh page on the same URL looks the same."""
    first = _open(browser, pages["missiles"])
    try:
        _set_slider(first, 2005, 2018)
        first.uncheck(".pen-vis[data-cls='City']")
        first.uncheck(".pen-vis[data-type='TESTED']")
        first.fill("#pen-search", "Hwasong")
        first.keyboard.press("Enter")
        first.wait_for_selector("#pen-inspect-body h3")
        first.wait_for_timeout(700)  # the focus animation on the found node
        first.evaluate("window.peninsula.network.moveTo({position: {x: 40, y: -25}, scale: 1.3})")
        first.evaluate("window.peninsula.network.emit('zoom', {})")  # what a wheel zoom reports
        first.wait_for_function("() => location.hash.includes('cam=40%2C-25%2C1.300')")
        url = first.url
        before = {"nodes": first.evaluate(DRAWN_NODES), "edges": _drawn_edges(first),
                  "inspector": first.inner_text("#pen-inspect-body"), "canvas": first.evaluate(
                      "document.querySelector('#pen-net canvas').toDataURL()")}
        assert "hide=City" in url and "hidetypes=TESTED" in url and "sel=missile%2Fhwasong-15" in url
        assert "city/tokyo" not in before["nodes"] and before["inspector"].startswith("Hwasong-15")
    finally:
        first.close()
    second = _open(browser, pages["missiles"], "#" + url.split("#", 1)[1])
    try:
        second.wait_for_timeout(300)
        after = {"nodes": second.evaluate(DRAWN_NODES), "edges": _drawn_edges(second),
                 "inspector": second.inner_text("#pen-inspect-body"), "canvas": second.evaluate(
                     "document.querySelector('#pen-net canvas').toDataURL()")}
        assert after["nodes"] == before["nodes"] and after["edges"] == before["edges"]
        assert after["inspector"] == before["inspector"]
        assert second.inner_text("#pen-years") == "2005 – 2018"
        assert after["canvas"] == before["canvas"]  # the same pixels
        assert second.errors == [] and second.requests == []
    finally:
        second.close()


HOSTILE = [
    '<script>window.__pwned = "script"</script>',
    '"><img src=x onerror="window.__pwned=\'img\'">',
    "'; window.__pwned = 'quote'; //",
    '</script><script>window.__pwned = "close"</script>',
    '<svg onload="window.__pwned=\'svg\'"></svg>',
    '{{TITLE}} {{JS}} \u2028 <!-- <style>',
]


def test_crafted_names_stay_text_and_run_nothing(browser, tmp_path):
    """Names, aliases, keys, property names, relationship types, URLs and the title all hostile."""
    ont = load()
    nodes = [{"key": f"x/{i}", "labels": ont.labels(["State"]),
              "props": {"key": f"x/{i}", "class": "State", "name": evil, "alias": [evil], "name_ko": evil,
                        evil: evil, "valid_from": evil, "sources": ["src/evil"]}}
             for i, evil in enumerate(HOSTILE)]
    nodes.append({"key": HOSTILE[1], "labels": ont.labels(["Person"]),
                  "props": {"key": HOSTILE[1], "class": "Person", "name": "hostile key"}})
    edges = [{"type": "ALLIED_WITH" if i % 2 else HOSTILE[0], "key": f"e{i}", "src": f"x/{i}",
              "dst": f"x/{(i + 1) % len(HOSTILE)}", "props": {"note": HOSTILE[i], "sources": ["src/evil"]}}
             for i in range(len(HOSTILE))]
    edges.append({"type": "LEADS", "key": "ek", "src": HOSTILE[1], "dst": "x/0", "props": {}})
    sources = {"src/evil": {"title": HOSTILE[3], "url": "javascript:window.__pwned='url'", "publisher": HOSTILE[1]}}
    path = views.write_view(views.render(nodes, edges, title=HOSTILE[3], description=HOSTILE[1], sources=sources),
                            tmp_path / "hostile.html")
    page = _open(browser, path)
    try:
        assert page.title() == f"{HOSTILE[3]} · Peninsula" and page.inner_text("h1") == HOSTILE[3]
        assert page.evaluate(DRAWN_NODES) == sorted(n["key"] for n in nodes)
        for i, evil in enumerate(HOSTILE):
            page.evaluate(f"window.peninsula.select({json.dumps(f'x/{i}')})")
            assert page.inner_text("#pen-inspect-body h3") == evil
            body = page.inner_text("#pen-inspect-body")
            assert body.count(evil.strip()) >= 3, evil  # name_ko, alias, the property named after it
            page.click("#pen-inspect-body .pen-list .pen-link.pen-muted >> nth=0")  # a relationship's details
            assert "sources" in page.inner_text("#pen-inspect-body").lower()
        page.evaluate(f"window.peninsula.select({json.dumps(HOSTILE[1])})")
        assert page.inner_text("#pen-inspect-body h3") == "hostile key"
        # tooltips are DOM text: hover the first node, read the tooltip
        page.wait_for_timeout(700)  # the focus animation on the selected node
        pos = page.evaluate("(() => { const p = window.peninsula.network.getPosition('x/0');"
                            " return window.peninsula.network.canvasToDOM(p); })()")
        box = page.locator("#pen-net").bounding_box()
        page.mouse.move(box["x"] + pos["x"] - 3, box["y"] + pos["y"] - 3)
        page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"], steps=3)
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
        assert page.inner_text("div.vis-tooltip").startswith(HOSTILE[0])
        page.fill("#pen-search", "pwned")
        page.wait_for_selector("#pen-results li")
        assert page.locator("#pen-results li").count() == 6  # five names and the hostile key say "pwned"
        legend = " ".join(page.inner_text("#pen-types").split())
        assert " ".join(HOSTILE[0].lower().replace("_", " ").split()) in legend
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('img, svg:not(#pen-hist), iframe, object, embed').length") == 0
        assert page.evaluate("document.querySelectorAll('script').length") == 3
        assert page.dialogs == [] and page.errors == [] and page.requests == []
    finally:
        page.close()


def test_physics_off_and_positions_fixed_above_500_nodes(browser, tmp_path):
    ont = load()
    n = 600
    nodes = [{"key": f"n/{i}", "labels": ont.labels(["State"]),
              "props": {"key": f"n/{i}", "class": "State", "name": f"State {i}", "valid_from": str(1950 + i % 70)}}
             for i in range(n)]
    edges = [{"type": "ALLIED_WITH", "key": f"e{i}", "src": f"n/{i}", "dst": f"n/{(i * 7 + 3) % n}",
              "props": {"valid_from": str(1960 + i % 60)}} for i in range(n)]
    page_text = views.render(nodes, edges, title="600 states")
    want = {x["id"]: (x["x"], x["y"]) for x in unit.data_of(page_text)["nodes"]}
    positions_js = "Object.values(window.peninsula.network.body.nodes).map(n => [n.id, n.x, n.y])"
    page = _open(browser, views.write_view(page_text, tmp_path / "big.html"))
    try:
        assert len(page.evaluate(DRAWN_NODES)) == n
        assert page.evaluate("window.peninsula.network.physics.options.enabled") is False
        assert {k: (x, y) for k, x, y in page.evaluate(positions_js)} == want
        _set_slider(page, 1980, 1990)
        page.wait_for_timeout(200)
        shown = page.evaluate(DRAWN_NODES)
        assert 0 < len(shown) < n
        positions = {k: (x, y) for k, x, y in page.evaluate(positions_js)}
        assert {k: positions[k] for k in shown} == {k: want[k] for k in shown}
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_renders_inside_a_notebook_output_frame(browser, pages, tmp_path):
    """What Jupyter does with `_repr_html_`: the iframe srcdoc page draws, offline, sandboxed."""
    frame_html = views.View(pages["cyber"].read_text(encoding="utf-8"))._repr_html_()
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body><div class='output'>{frame_html}</div></body></html>",
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: None if req.url.startswith(LOCAL) else requests.append(req.url))
    try:
        page.goto(host.as_uri())
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=60_000)
        inner = next(f for f in page.frames if f != page.main_frame)
        nodes, edges = unit.sample_graph()
        want, _ = unit.expected_view("cyber", nodes, edges)
        assert inner.evaluate(DRAWN_NODES) == sorted(n["key"] for n in want)
        assert page.get_attribute("iframe", "srcdoc") == pages["cyber"].read_text(encoding="utf-8")
        assert errors == [] and requests == []
    finally:
        page.close()


@pytest.mark.parametrize("name", ["alliances", "missiles"])
def test_curated_views_for_review(browser, built, tmp_path, name):
    """The real data: drawn == put in, nothing fetched; a screenshot for the README and review."""
    page_text = views.named_view(built, name)
    data = unit.data_of(page_text)
    page = _open(browser, views.write_view(page_text, tmp_path / f"{name}.html"))
    try:
        assert len(page.evaluate(DRAWN_NODES)) == len(data["nodes"]) > 20
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        _set_slider(page, 2006, 2006)
        want = sorted(n["id"] for n in data["nodes"] if views.valid_in((n["y0"], n["y1"]), 2006, 2006))
        assert page.evaluate(DRAWN_NODES) == want
        assert page.errors == [] and page.requests == [] and page.dialogs == []
    finally:
        page.close()
