"""Interrupted and concurrent loads on the embedded store, with real processes and kill -9.

- A `peninsula build` killed with SIGKILL at several points (before the store opens, while nodes
  are written, while relationships are written; the CLI process alone, or the CLI and its FalkorDB
  server together, as a power cut would) and then run again ends in exactly the graph a clean run
  gives: the whole-graph checksums are equal.
- A second build of the same data changes nothing, by the engine's own counters.
- While a build writes, readers get answers: through the server's socket, and `peninsula query`
  run as a second process on the same store file (it joins the running embedded server).

What the embedded store supports: several processes may open one store file at once because the
first starts a FalkorDB server and the others connect to it; the server stops (saving) when the
last one closes. A power cut loses what was not yet saved; the rerun rewrites it (loads are MERGE
on key, so idempotent).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from support import ROOT, store_checksum

PENINSULA = str(Path(sys.executable).parent / "peninsula")
CHANGED = "changes: {} nodes created, {} relationships created, {} properties set"


def env_for(db: Path) -> dict:
    return {**os.environ, "PENINSULA_STORE": f"embedded:{db}", "PYTHONSAFEPATH": "1"}


def build(db: Path, data: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([PENINSULA, "build", "--data", str(data)], env=env_for(db), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def server(db: Path) -> tuple[str, int] | None:
    """(socket, pid) of the embedded server running for this store file, or None."""
    settings = Path(f"{db}.settings")
    try:
        info = json.loads(settings.read_text())
        pid = int(Path(info["pidfile"]).read_text().strip())
        os.kill(pid, 0)
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return None  # exited, not yet reaped by whoever inherited it
    except (OSError, ValueError, KeyError, IndexError):
        return None
    return info["unixsocket"], pid


def server_gone(db: Path, timeout: float = 15) -> bool:
    """Whether the store's server exits within `timeout` s (it saves, then exits, after the last
    client's shutdown: on a loaded machine that takes a moment)."""
    end = time.monotonic() + timeout
    while server(db) is not None:
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


def count(sock: str, pattern: str) -> int:
    """A reader on the server's socket: how many nodes or relationships there are now."""
    client = redis.Redis(unix_socket_path=sock, socket_timeout=10)
    try:
        reply = client.execute_command("GRAPH.RO_QUERY", "peninsula", f"MATCH {pattern} RETURN count(*)")
        return int(reply[1][0][0])
    finally:
        client.close()


def wait_dead(pid: int, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not exit")


def stop_server(db: Path) -> None:
    """Stop a server a killed run left behind (its pid is one this test's processes started)."""
    found = server(db)
    if found:
        os.kill(found[1], signal.SIGKILL)
        wait_dead(found[1])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A snapshot of the curated data, so that edits elsewhere during the run cannot skew it."""
    target = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="module")
def clean(tmp_path_factory, data):
    """A clean build, its checksum, and what a second build of the same data reported."""
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    first = build(db, data)
    again = build(db, data)
    return store_checksum(f"embedded:{db}"), first.stdout, again.stdout


def test_second_build_changes_nothing(clean):
    checksum, first, again = clean
    assert CHANGED.format(0, 0, 0) not in first, first  # the first build did write
    assert CHANGED.format(0, 0, 0) in again, again


def test_clean_build_is_deterministic(clean, data, tmp_path):
    db = tmp_path / "other.db"
    build(db, data)
    assert store_checksum(f"embedded:{db}") == clean[0]


@pytest.mark.parametrize("point, kill_server", [
    ("before-store", False),
    ("nodes", False),
    ("edges", False),
    ("nodes", True),
    ("edges", True),
])
def test_killed_build_reruns_to_the_clean_graph(clean, data, tmp_path, point, kill_server):
    db = tmp_path / "killed.db"
    proc = subprocess.Popen([PENINSULA, "build", "--data", str(data)], env=env_for(db),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        seen = wait_for(proc, db, point)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
        if kill_server:
            stop_server(db)  # a power cut: the server dies too, and only what it saved survives
        partial = server(db)
        if partial and point != "before-store":
            assert count(partial[0], "(n)") >= seen, "the server lost writes it had acknowledged"
        rerun = build(db, data)
        assert "error" not in rerun.stderr.lower()
        assert store_checksum(f"embedded:{db}") == clean[0]
        assert server_gone(db), "the rerun left its server running"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stop_server(db)


def wait_for(proc, db: Path, point: str) -> int:
    """Block until the build reaches `point`; return the node count seen then (0 before the store)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the build ended early: {proc.stderr.read().decode()[-2000:]}"
        if point == "before-store":
            time.sleep(1.0)  # reading and validating the data takes seconds; the store is not open yet
            assert server(db) is None
            return 0
        found = server(db)
        if found:
            try:
                nodes = count(found[0], "(n)")
                edges = count(found[0], "()-[r]->()")
            except redis.exceptions.ResponseError:  # the graph key does not exist yet
                nodes = edges = 0
            except redis.exceptions.ConnectionError:  # the server's pid is up, its socket not (yet, or any more)
                nodes = edges = 0
            if (point == "nodes" and nodes > 0 and edges == 0) or (point == "edges" and edges > 0):
                return nodes
        time.sleep(0.01)
    raise AssertionError(f"the build never reached {point}")


def test_readers_get_answers_during_a_build(clean, data, tmp_path):
    db = tmp_path / "busy.db"
    proc = subprocess.Popen([PENINSULA, "build", "--data", str(data)], env=env_for(db),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers, cli_answers = [], []
    try:
        while proc.poll() is None:
            found = server(db)
            if found is None:
                time.sleep(0.05)
                continue
            try:
                answers.append(count(found[0], "(n)"))
            except redis.exceptions.ResponseError:  # the graph key does not exist yet
                continue
            except redis.exceptions.ConnectionError:
                assert proc.poll() is not None, "the server went away while the build was still running"
                break
            if len(cli_answers) < 2 and answers[-1] > 0:
                query = subprocess.run([PENINSULA, "query", "--format", "json", "--cypher",
                                        "MATCH (n:Entity) RETURN count(n) AS c"],
                                       env=env_for(db), capture_output=True, text=True, timeout=120)
                assert query.returncode == 0, query.stderr
                cli_answers.append(json.loads(query.stdout)[0]["c"])
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err  # the readers' closing did not stop the build's server
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stop_server(db)
    assert answers and cli_answers, "no reader ran while the build wrote"
    assert answers == sorted(answers), "a reader saw the graph shrink during a build"
    assert store_checksum(f"embedded:{db}") == clean[0]
