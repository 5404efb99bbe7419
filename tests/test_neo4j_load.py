"""Loading into the live Neo4j: every RDF format through the CLI comes back isomorphic; a CLI killed
mid-build (kill -9) and run again gives the clean build's graph; Neo4j itself killed with -9
recovers its store on the next start (graph/neo4j-launcher)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import checksum

from peninsula.graph.cli import main
from peninsula.graph.export import export, to_graph
from peninsula.graph.neo4j_local import LocalNeo4j
from peninsula.graph.store import open_store
from peninsula.loaders.formats import RDF_FORMATS

pytestmark = pytest.mark.neo4j
PENINSULA = str(Path(sys.executable).parent / "peninsula")


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_every_format_loads_into_neo4j_and_comes_back(built, neo4j_store, neo4j_uri, fmt, tmp_path):
    from rdflib.compare import isomorphic

    path = tmp_path / f"kb{RDF_FORMATS[fmt].suffix}"
    export(built, fmt, out=path)
    result = CliRunner().invoke(main, ["--store", neo4j_uri, "load", str(path)])
    assert result.exit_code == 0, result.output
    expected, got = to_graph(built), to_graph(neo4j_store)
    assert len(got) == len(expected) and isomorphic(got, expected)
    again = CliRunner().invoke(main, ["--store", neo4j_uri, "load", str(path)])
    assert again.exit_code == 0 and "0 nodes created, 0 relationships created, 0 properties set" in again.output, \
        again.output


def test_a_build_killed_mid_write_then_rerun_gives_the_clean_graph(built, neo4j_store, neo4j_uri):
    env = {**os.environ, "PENINSULA_STORE": neo4j_uri, "PYTHONSAFEPATH": "1"}
    total = built.counts()["labels"]["Entity"]
    proc = subprocess.Popen([PENINSULA, "build"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = 0
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        seen = neo4j_store.query("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"]
        if seen:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert 0 < neo4j_store.query("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] <= total
    rerun = subprocess.run([PENINSULA, "build"], env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert checksum(neo4j_store) == checksum(built)


def test_neo4j_killed_with_sigkill_recovers_its_store(tmp_path):
    server = LocalNeo4j(tmp_path / "data", 0).start()
    try:
        with open_store(server.uri.replace("bolt://", f"bolt://neo4j:{server.password}@")) as s:
            s.execute("UNWIND range(1, 500) AS i CREATE (:Entity {key: 'k/' + toString(i)})")
        server.kill()
        assert server.proc.returncode == -signal.SIGKILL
        server.start()
        with open_store(server.uri.replace("bolt://", f"bolt://neo4j:{server.password}@")) as s:
            assert s.query("MATCH (n:Entity) RETURN count(n) AS n") == [{"n": 500}]
    finally:
        server.stop()
    assert server.proc.returncode == 0, "SIGTERM should stop Neo4j cleanly"


def test_neo4j_admin_csvs_import_with_neo4js_own_importer(built, tmp_path, monkeypatch):
    """`export --format neo4j-admin` CSVs, imported by Neo4j's importer into a fresh database, hold
    exactly what `build` writes (the curated build's checksum, which Neo4j's build also gives). The
    importer's report goes into the Neo4j home, not the current directory."""
    from peninsula.graph.neo4j_admin import export_neo4j_admin
    from peninsula.graph.neo4j_local import admin_import

    files = export_neo4j_admin(built, tmp_path / "csv")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    report = admin_import(tmp_path / "home", files["command"])
    assert "IMPORT DONE" in report
    assert list((tmp_path / "cwd").iterdir()) == []
    assert (tmp_path / "home" / "import.report").is_file()
    server = LocalNeo4j(tmp_path / "home", 0).start()
    try:
        with open_store(server.uri.replace("bolt://", f"bolt://neo4j:{server.password}@")) as s:
            assert checksum(s) == checksum(built)
    finally:
        server.stop()


def test_streamed_load_into_neo4j_with_data_equals_the_embedded_store(neo4j_store, tmp_path, monkeypatch):
    """A streamed load into a Neo4j that has data compares each batch with it in Neo4j (rows sent as
    lists, two batches at once, graph/bulk.py) and writes what differs: the same graph as the embedded
    store given the same two files; a reload of the second writes nothing."""
    from support import synth

    from peninsula.graph.bulk import load_stream
    from peninsula.loaders import stream

    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    generator = synth()
    generator.write(first, 1500, seed=3)
    generator.write(second, 1500, seed=11)
    monkeypatch.setattr(stream, "CHUNK", 4096)
    with open_store(f"embedded:{tmp_path / 'e.db'}") as embedded:
        for path in (first, second):
            load_stream(embedded, path, batch=40)
            report = load_stream(neo4j_store, path, batch=40)
        assert report.counters.relationships_created > 0 and report.counters.properties_set > 0
        assert checksum(neo4j_store, times=False) == checksum(embedded, times=False)
    assert not load_stream(neo4j_store, second, batch=40).counters.changed
