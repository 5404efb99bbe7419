"""PENINSULA_QUERY_TIMEOUT: how long the FalkorDB client waits for a query, on a real embedded engine.

redis-py's own default is 5 s, which a whole-graph aggregate of 10M triples exceeds; Peninsula's
default is no limit, and a query that runs past the setting stops with an error that names it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from peninsula.graph.store import open_store
from peninsula.ontology import StoreError

# counts ten million numbers in the engine: far longer than the tiny timeouts below, however fast the machine
SLOW = "UNWIND range(1, 10000000) AS x RETURN count(x) AS n"


def test_a_query_past_the_timeout_stops_with_an_error_naming_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PENINSULA_QUERY_TIMEOUT", "0.01")
    with open_store(f"embedded:{tmp_path / 'kb.db'}") as store:
        with pytest.raises(StoreError, match=r"did not answer within 0\.01 s \(PENINSULA_QUERY_TIMEOUT=0\.01\)"):
            store.query(SLOW)


def test_by_default_a_query_takes_as_long_as_it_takes(tmp_path, monkeypatch):
    monkeypatch.delenv("PENINSULA_QUERY_TIMEOUT", raising=False)
    with open_store(f"embedded:{tmp_path / 'kb.db'}") as store:
        assert store.timeout is None
        assert store.db.client.connection_pool.connection_kwargs["socket_timeout"] is None  # not redis-py's 5 s
        assert store.query(SLOW) == [{"n": 10000000}]
    monkeypatch.setenv("PENINSULA_QUERY_TIMEOUT", "0")
    with open_store(f"embedded:{tmp_path / 'kb.db'}") as store:
        assert store.timeout is None and store.query(SLOW) == [{"n": 10000000}]


def test_a_generous_timeout_lets_the_query_finish(tmp_path, monkeypatch):
    monkeypatch.setenv("PENINSULA_QUERY_TIMEOUT", "600")
    with open_store(f"embedded:{tmp_path / 'kb.db'}") as store:
        assert store.db.client.connection_pool.connection_kwargs["socket_timeout"] == 600
        assert store.query(SLOW) == [{"n": 10000000}]


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_setting_is_named(tmp_path, monkeypatch, value):
    monkeypatch.setenv("PENINSULA_QUERY_TIMEOUT", value)
    with pytest.raises(StoreError, match=rf"PENINSULA_QUERY_TIMEOUT='{value}': expected a number of seconds"):
        open_store(f"embedded:{tmp_path / 'kb.db'}")


def test_the_cli_exits_4_naming_the_setting(tmp_path):
    from peninsula.graph.cli import main

    result = CliRunner().invoke(main, ["--store", f"embedded:{tmp_path / 'kb.db'}", "query", "--cypher", SLOW],
                                env={"PENINSULA_QUERY_TIMEOUT": "0.01"})
    assert result.exit_code == 4, result.output
    assert "PENINSULA_QUERY_TIMEOUT" in result.output and "did not answer within 0.01 s" in result.output
