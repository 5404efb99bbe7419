"""The streamed load reads a file whose subjects' lines are together as it is, without the first
sort (loaders/stream.py `grouped_first`), and falls back to the sorted reading whenever that
promise fails: the stores and the errors are those of the sorted reading either way."""

from __future__ import annotations

import importlib.util
import re

import pytest
from support import ROOT, checksum

from peninsula.graph.bulk import check_stream, load_stream
from peninsula.graph.context import StoreContext
from peninsula.graph.store import open_store
from peninsula.loaders import stream
from peninsula.loaders.stream import NotGrouped, stream_batches
from peninsula.ontology import InputError

BASE = "https://peninsula.invalid/id/"
PEN = "https://peninsula.invalid/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A 3,000-triple synthetic file, as the generator writes it (a subject's lines scattered) and
    sorted (each subject's lines together, as Peninsula's exports are)."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    d = tmp_path_factory.mktemp("grouped")
    scattered, grouped = d / "scattered.nt", d / "grouped.nt"
    synth.write(scattered, 3000, seed=5)
    grouped.write_bytes(b"".join(sorted(set(scattered.read_bytes().splitlines(keepends=True)))))
    return {"scattered": scattered, "grouped": grouped}


def _elements(path, grouped):
    out = {"node": [], "edge": []}
    for kind, elements, _ in stream_batches(path, grouped=grouped):
        out[kind] += elements
    return sorted(out["node"], key=lambda n: n["key"]), sorted(out["edge"], key=lambda e: (e["key"], e["src"]))


def _loaded(path, tmp_path, name, key=None):
    """(counts, checksum) of a fresh store loaded with the file; and the French name of node `key`."""
    with open_store(f"embedded:{tmp_path / name}") as s:
        report = load_stream(s, path, batch=100)
        names = s.query("MATCH (n {key: $k}) RETURN n.name_fr AS name", {"k": key})[0]["name"] if key else None
        return (report.nodes, report.edges), checksum(s), names


def test_a_grouped_file_read_as_it_is_maps_as_the_sorted_reading(files):
    assert _elements(files["grouped"], True) == _elements(files["grouped"], False) == _elements(files["scattered"], False)


def test_a_scattered_file_is_refused_by_the_grouped_reading(files):
    with pytest.raises(NotGrouped):
        _elements(files["scattered"], True)


def test_a_file_scattered_in_its_first_chunk_goes_straight_to_the_sorted_reading(files, tmp_path):
    assert stream.may_be_grouped(files["grouped"]) and not stream.may_be_grouped(files["scattered"])
    ttl = tmp_path / "g.ttl"
    ttl.write_text("", encoding="utf-8")
    assert not stream.may_be_grouped(ttl)  # pyoxigraph writes other formats to `sort`


def test_a_subject_coming_back_after_batches_were_written_loads_as_sorted(files, tmp_path, monkeypatch):
    """Small chunks: the nodes of many chunks are in the store when the subject comes back; they
    go, and the sorted reading loads the file as a clean store does."""
    monkeypatch.setattr(stream, "CHUNK", 2048)
    monkeypatch.setattr(stream, "GROUPED_SAMPLE", 2048)  # the subject comes back after the sample
    lines = files["grouped"].read_text(encoding="utf-8").splitlines()
    first = lines[0].split(" ", 1)[0]
    late = tmp_path / "late.nt"
    late.write_text("\n".join([*lines, f'{first} <{PEN}name> "Came back"@fr .']) + "\n", encoding="utf-8")
    with pytest.raises(NotGrouped):  # the last run alone has no class, or its subject comes back
        _elements(late, True)
    told = []
    with open_store(f"embedded:{tmp_path / 'told.db'}") as s:
        report = load_stream(s, late, batch=100, progress=told.append)
    assert min(told) < 0 and sum(told) == report.nodes + report.edges
    ends = [i for i, n in enumerate(told) if n < 0]
    assert sum(told[ends[-1] + 1:]) == sum(told)  # the bar went back to 0, then counted the sorted reading
    key = first.strip("<>").removeprefix(BASE)
    counts, grouped_sum, names = _loaded(late, tmp_path, "late.db", key)
    assert names == "Came back"
    # the same store as a reading that is sorted from the start
    import peninsula.graph.bulk as bulk

    monkeypatch.setattr(bulk, "grouped_first", lambda attempt, path, fmt=None: attempt(False))
    assert (counts, grouped_sum) == _loaded(late, tmp_path, "sorted.db")[:2]


def test_repeated_lines_in_a_run_count_once_as_sort_u_made_them(files, tmp_path):
    lines = files["grouped"].read_text(encoding="utf-8").splitlines(keepends=True)
    twice = tmp_path / "twice.nt"
    twice.write_text("".join(line for line in lines for _ in (0, 1)), encoding="utf-8")
    assert _elements(twice, True) == _elements(files["grouped"], True)
    assert _loaded(twice, tmp_path, "twice.db") == _loaded(files["grouped"], tmp_path, "once.db")


def test_a_run_without_its_class_is_not_an_error_when_the_class_comes_later(tmp_path):
    """A subject whose rdf:type comes in a later run: the grouped reading stops (a run alone would
    be an entity with no class) and the sorted reading loads it."""
    a, b = f"<{BASE}state/AAA>", f"<{BASE}state/BBB>"
    path = tmp_path / "late-type.nt"
    path.write_text("\n".join([f'{a} <{PEN}name> "A"@en .', f"{b} <{RDF}type> <{PEN}State> .",
                               f'{b} <{PEN}name> "B"@en .', f"{a} <{RDF}type> <{PEN}State> ."]) + "\n",
                    encoding="utf-8")
    with pytest.raises(NotGrouped, match="no class"):
        _elements(path, True)
    counts = _loaded(path, tmp_path, "s.db")[0]
    assert counts == (2, 0)
    with open_store(f"embedded:{tmp_path / 'c.db'}") as s:
        assert check_stream(StoreContext(s), path) == {"node": 2, "edge": 0}


def test_a_bad_grouped_file_reports_what_the_sorted_reading_reports(files, tmp_path):
    """A real error found by the grouped reading is found again, sorted, and named by its line."""
    lines = files["grouped"].read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join([*lines[:10], "<http://x> <http://y> oops .", *lines[10:]]) + "\n", encoding="utf-8")
    with open_store(f"embedded:{tmp_path / 'b.db'}") as s:
        before = checksum(s)
        with pytest.raises(InputError, match=re.escape(f"{bad}:11")):
            load_stream(s, bad)
        assert checksum(s) == before
