"""The garbage collector is paused for the bulk work of a streamed load or export (loaders/collector.py),
and always on again afterwards, whether the work ended well or not."""

from __future__ import annotations

import gc

import pytest

from peninsula.loaders.collector import paused, without_collector
from peninsula.ontology import InputError


def test_paused_restores_the_collector_after_the_block_and_after_an_error():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: still off until the outer block ends
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), paused():
        raise ZeroDivisionError
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_without_collector_keeps_the_function_s_name_for_worker_processes():
    import pickle

    from peninsula.loaders import stream

    assert pickle.loads(pickle.dumps(stream._map_chunk)) is stream._map_chunk
    assert stream._map_chunk.__name__ == "_map_chunk"
    seen = []
    without_collector(lambda: seen.append(gc.isenabled()))()
    assert seen == [False] and gc.isenabled()


def _entity(key: str) -> str:
    s = f"<https://peninsula.invalid/id/{key}>"
    return (f'{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://peninsula.invalid/ontology#State> .\n'
            f'{s} <https://peninsula.invalid/ontology#name> "{key}"@en .\n')


def test_streamed_load_and_export_pause_the_collector_and_restore_it(tmp_path, store, monkeypatch):
    from peninsula.graph import export
    from peninsula.graph.bulk import load_stream
    from peninsula.loaders import ntlines

    monkeypatch.setenv("PENINSULA_MAP_WORKERS", "1")  # chunks mapped in this process, where we can see
    during = []
    rows = ntlines.chunk_rows
    monkeypatch.setattr(ntlines, "chunk_rows", lambda *a: during.append(gc.isenabled()) or rows(*a))
    good = tmp_path / "good.nt"
    good.write_text(_entity("state/AAA") + _entity("state/BBB"), encoding="utf-8")
    load_stream(store, good)
    assert during and not any(during)
    assert gc.isenabled()

    bad = tmp_path / "bad.nt"
    bad.write_text(_entity("state/CCC") + "<https://peninsula.invalid/id/state/CCC> <http://x.invalid/p> oops .\n",
                   encoding="utf-8")
    with pytest.raises(InputError):
        load_stream(store, bad)
    assert gc.isenabled()

    writing = []
    lines = export._NTriples.node
    monkeypatch.setattr(export._NTriples, "node", lambda self, *a: writing.append(gc.isenabled()) or lines(self, *a))
    export.write_ntriples(store, tmp_path / "out.nt")
    assert writing and not any(writing)
    assert gc.isenabled()
    assert "state/BBB" in (tmp_path / "out.nt").read_text(encoding="utf-8")
