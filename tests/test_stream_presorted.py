"""The streamed load reads a file that is already sorted (as Peninsula's N-Triples exports are) as
it is, without the first sort (loaders/stream.py `presorted_first`), and falls back to the sorted
reading whenever a line is out of order: the stores and the errors are those of the sorted reading
either way."""

from __future__ import annotations

import re

import pytest
from support import checksum, synth

from peninsula.graph.bulk import check_stream, load_stream
from peninsula.graph.context import StoreContext
from peninsula.graph.store import open_store
from peninsula.loaders import stream
from peninsula.loaders.stream import NotSorted, stream_batches
from peninsula.ontology import InputError

BASE = "https://peninsula.invalid/id/"
PEN = "https://peninsula.invalid/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A 3,000-triple synthetic file as the generator writes it (a subject's lines scattered); sorted
    and unique, as `sort -u` (C locale) and Peninsula's exports make it; and grouped by subject but
    not sorted (the subjects in reverse order)."""
    d = tmp_path_factory.mktemp("presorted")
    scattered, presorted = d / "scattered.nt", d / "presorted.nt"
    synth().write(scattered, 3000, seed=5)
    lines = sorted(set(scattered.read_bytes().splitlines(keepends=True)))
    presorted.write_bytes(b"".join(lines))
    grouped = d / "grouped.nt"
    runs = {}
    for line in lines:
        runs.setdefault(line.split(b" ", 1)[0], []).append(line)
    grouped.write_bytes(b"".join(line for subject in reversed(runs) for line in runs[subject]))
    return {"scattered": scattered, "presorted": presorted, "grouped": grouped}


def _elements(path, presorted):
    out = {"node": [], "edge": []}
    for kind, elements, _ in stream_batches(path, presorted=presorted):
        out[kind] += elements
    return sorted(out["node"], key=lambda n: n["key"]), sorted(out["edge"], key=lambda e: (e["key"], e["src"]))


def _loaded(path, tmp_path, name, key=None):
    """(counts, checksum) of a fresh store loaded with the file; and the French name of node `key`."""
    with open_store(f"embedded:{tmp_path / name}") as s:
        report = load_stream(s, path, batch=100)
        names = s.query("MATCH (n {key: $k}) RETURN n.name_fr AS name", {"k": key})[0]["name"] if key else None
        return (report.nodes, report.edges), checksum(s), names


def test_a_sorted_file_read_as_it_is_maps_as_the_sorted_reading(files):
    assert _elements(files["presorted"], True) == _elements(files["presorted"], False) == \
        _elements(files["scattered"], False)


@pytest.mark.parametrize("name", ["scattered", "grouped"])
def test_a_file_out_of_order_is_refused_by_the_reading_as_it_is(files, name):
    """Grouped by subject is not enough: nodes are numbered in the order sent, and the join sends
    relationships in key order, which FalkorDB takes far faster when the two agree."""
    with pytest.raises(NotSorted, match="out of order"):
        _elements(files[name], True)


def test_files_out_of_order_in_their_first_chunk_go_straight_to_the_sort(files, tmp_path):
    assert stream.may_be_sorted(files["presorted"])
    assert not stream.may_be_sorted(files["scattered"]) and not stream.may_be_sorted(files["grouped"])
    ttl = tmp_path / "g.ttl"
    ttl.write_text("", encoding="utf-8")
    assert not stream.may_be_sorted(ttl)  # pyoxigraph writes other formats to `sort`


def test_chunks_in_order_each_but_not_together_are_refused(files, tmp_path, monkeypatch):
    """The order is checked across chunks too: two sorted halves, the second before the first."""
    monkeypatch.setattr(stream, "CHUNK", 2048)
    lines = files["presorted"].read_bytes().splitlines(keepends=True)
    swapped = tmp_path / "swapped.nt"
    mid = next(i for i in range(len(lines) // 2, len(lines))
               if lines[i].split(b" ", 1)[0] != lines[i - 1].split(b" ", 1)[0])
    swapped.write_bytes(b"".join(lines[mid:] + lines[:mid]))
    with pytest.raises(NotSorted):
        _elements(swapped, True)
    monkeypatch.setattr(stream, "SORTED_SAMPLE", 1024)
    assert stream.may_be_sorted(swapped)
    assert _loaded(swapped, tmp_path, "swapped.db")[:2] == _loaded(files["presorted"], tmp_path, "sorted.db")[:2]


def test_a_line_out_of_order_after_batches_were_written_loads_as_sorted(files, tmp_path, monkeypatch):
    """Small chunks: the nodes of many chunks are in the store when a line comes out of order; they
    go, the progress bar goes back to 0, and the sorted reading loads the file as a clean store does."""
    monkeypatch.setattr(stream, "CHUNK", 2048)
    monkeypatch.setattr(stream, "SORTED_SAMPLE", 2048)  # the line out of order comes after the sample
    lines = files["presorted"].read_text(encoding="utf-8").splitlines()
    first = lines[0].split(" ", 1)[0]
    late = tmp_path / "late.nt"
    late.write_text("\n".join([*lines, f'{first} <{PEN}name> "Came back"@fr .']) + "\n", encoding="utf-8")
    with pytest.raises(NotSorted):
        _elements(late, True)
    told = []
    with open_store(f"embedded:{tmp_path / 'told.db'}") as s:
        report = load_stream(s, late, batch=100, progress=told.append)
    assert min(told) < 0 and sum(told) == report.nodes + report.edges
    ends = [i for i, n in enumerate(told) if n < 0]
    assert sum(told[ends[-1] + 1:]) == sum(told)  # back to 0, then the sorted reading counted
    key = first.strip("<>").removeprefix(BASE)
    counts, loaded_sum, name = _loaded(late, tmp_path, "late.db", key)
    assert name == "Came back"
    import peninsula.graph.bulk as bulk

    monkeypatch.setattr(bulk, "presorted_first", lambda attempt, path, fmt=None: attempt(False))
    assert (counts, loaded_sum) == _loaded(late, tmp_path, "sorted.db")[:2]


def test_repeated_lines_count_once_as_sort_u_made_them(files, tmp_path):
    lines = files["presorted"].read_text(encoding="utf-8").splitlines(keepends=True)
    twice = tmp_path / "twice.nt"
    twice.write_text("".join(line for line in lines for _ in (0, 1)), encoding="utf-8")
    assert stream.may_be_sorted(twice)
    assert _elements(twice, True) == _elements(files["presorted"], True)
    assert _loaded(twice, tmp_path, "twice.db")[:2] == _loaded(files["presorted"], tmp_path, "once.db")[:2]


def test_a_validation_of_a_file_out_of_order_checks_it_sorted(tmp_path):
    """A subject whose rdf:type comes after its other lines' subject: read sorted, it is whole."""
    a, b = f"<{BASE}state/AAA>", f"<{BASE}state/BBB>"
    path = tmp_path / "late-type.nt"
    path.write_text("\n".join([f'{a} <{PEN}name> "A"@en .', f"{b} <{RDF}type> <{PEN}State> .",
                               f'{b} <{PEN}name> "B"@en .', f"{a} <{RDF}type> <{PEN}State> ."]) + "\n",
                    encoding="utf-8")
    with pytest.raises(NotSorted):
        _elements(path, True)
    assert _loaded(path, tmp_path, "s.db")[0] == (2, 0)
    with open_store(f"embedded:{tmp_path / 'c.db'}") as s:
        assert check_stream(StoreContext(s), path) == {"node": 2, "edge": 0}


def test_a_bad_sorted_file_reports_what_the_sorted_reading_reports(files, tmp_path):
    """A real error met while reading the file as it is is met again, sorted, and named by its line."""
    lines = files["presorted"].read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join([*lines[:10], "<http://x> <http://y> oops .", *lines[10:]]) + "\n", encoding="utf-8")
    with open_store(f"embedded:{tmp_path / 'b.db'}") as s:
        before = checksum(s)
        with pytest.raises(InputError, match=re.escape(f"{bad}:11")):
            load_stream(s, bad)
        assert checksum(s) == before
