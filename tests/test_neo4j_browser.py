"""Neo4j Browser from the launcher (`make neo4j`), offline, and no orphan Neo4j.

The launcher's `--http-port` starts Neo4j's own web server with the Browser's static app from Maven
Central: the page loads in headless Chromium, reaches nothing beyond this machine, connects to Bolt
with the password, and a query typed into its editor returns the live count. A Python parent killed
with -9 takes its Neo4j with it (the launcher stops at the end of its standard input).

Needs Java 17 + Maven (the launcher), Debian's chromium and Playwright: skipped, saying why, where
one is missing; under CI (env CI set) a missing one fails the run instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import ROOT, need

pytestmark = pytest.mark.neo4j

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
NODES = 7  # what the query typed into the Browser must count
SHOTS = ROOT / "out" / "screenshots"


def _launcher():
    from peninsula.graph.neo4j_local import build
    from peninsula.ontology import StoreError

    try:
        return build()
    except StoreError as exc:
        need(False, f"the Neo4j launcher cannot be built: {exc}")


@pytest.fixture(scope="module")
def neo4j_with_browser(tmp_path_factory):
    """A Neo4j of its own (the suite's may have no HTTP port) serving the Browser on a free port,
    holding NODES nodes."""
    from peninsula.graph.neo4j_local import LocalNeo4j
    from peninsula.graph.store import open_store

    classpath = _launcher()
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j-browser") / "data", 0, http_port=None)
    server.start(classpath)
    try:
        with open_store(server.uri.replace("bolt://", f"bolt://neo4j:{server.password}@")) as s:
            s.execute(f"UNWIND range(1, {NODES}) AS i CREATE (:Entity {{key: 'browser/' + toString(i)}})")
        yield server
    finally:
        server.stop()


def test_the_http_port_serves_discovery_and_the_browser_app(neo4j_with_browser):
    base = f"http://127.0.0.1:{neo4j_with_browser.http_port}"
    request = urllib.request.Request(base + "/", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        discovery = json.load(answer)
    assert discovery["bolt_direct"] == neo4j_with_browser.uri
    assert discovery["neo4j_version"].startswith("5.26")
    with urllib.request.urlopen(neo4j_with_browser.browser_url, timeout=60) as answer:
        page = answer.read().decode("utf-8")
        policy = answer.headers["Content-Security-Policy"]
    assert "Neo4j Browser" in page
    assert "segment" not in policy and "googleapis" not in policy and "script-src 'self';" in policy


@pytest.mark.browser
def test_the_browser_loads_offline_connects_and_runs_a_query(neo4j_with_browser, browser):
    server = neo4j_with_browser
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    requests, blocked, escaped, errors = [], set(), [], []

    def outside(url: str) -> bool:
        return urlsplit(url).hostname not in LOOPBACK

    def guard(route):  # anything the page policy lets through to the outside is stopped here, and counted
        if outside(route.request.url):
            escaped.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: blocked.add(r.url) if r.failure == "csp" else None)
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server.browser_url)
        page.get_by_test_id("username").fill("neo4j", timeout=120_000)
        page.get_by_test_id("password").fill(server.password)
        page.get_by_test_id("connect").click()
        page.get_by_text("You are connected as user").wait_for(timeout=120_000)

        page.get_by_test_id("activeEditor").click()
        page.keyboard.type("MATCH (n) RETURN count(n) AS total")
        page.keyboard.press("Enter")
        frame = page.get_by_test_id("frame").filter(has_text="RETURN count(n) AS total").first
        frame.get_by_test_id("frameContents").get_by_text("total").first.wait_for(timeout=120_000)
        cells = frame.get_by_test_id("frameContents").locator("td, [role='cell']").all_inner_texts()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "neo4j-browser.png"))
    finally:
        context.close()
    assert [c.strip() for c in cells] == ["1", str(NODES)], cells  # the row's number, then `total`
    assert any(url.startswith(f"ws://127.0.0.1:{server.port}") for url in requests), "no Bolt WebSocket"
    assert escaped == [], f"requests to the outside got past the page's policy: {escaped}"
    assert {url for url in requests if outside(url)} <= blocked, "an outside request left the page"
    assert errors == []


PARENT = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from peninsula.graph.neo4j_local import LocalNeo4j

    server = LocalNeo4j(Path(sys.argv[1]), 0, http_port=None).start(sys.argv[2])
    print(json.dumps({"pid": server.proc.pid, "ports": [server.port, server.http_port]}), flush=True)
    time.sleep(3600)
""")


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting for init to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_neo4j_stops_when_its_python_parent_is_killed(tmp_path):
    classpath = _launcher()
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path / "data"), classpath],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    java = None
    try:
        line = parent.stdout.readline()
        assert line, f"the parent did not start Neo4j (exit {parent.poll()})"
        started = json.loads(line)
        java, ports = started["pid"], started["ports"]
        assert _alive(java) and not any(_free(p) for p in ports)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 120  # a clean shutdown, not a race: the bound only ends a hang
        while _alive(java) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _alive(java), "Neo4j outlived its parent (an orphan)"
        assert all(_free(p) for p in ports), f"a port of the dead Neo4j is still taken: {ports}"
    finally:
        if parent.poll() is None:
            parent.kill()
        if java and _alive(java):
            os.kill(java, signal.SIGKILL)
