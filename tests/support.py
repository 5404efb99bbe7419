"""Helpers shared by the tests (importable: pytest puts tests/ on the path)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "samples"


def synth():
    """The benchmark's seeded generator of synthetic graphs (benchmarks/synth.py), as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Chromium headless and cut off from the network (no background, update or sync requests)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def need(ok: bool, why: str) -> None:
    """Go on when `ok`; otherwise fail under CI (what the test needs must be there), skip elsewhere."""
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


def require(tool: str, why: str) -> str:
    """The path of a command-line tool; fail under CI (it must be there), skip elsewhere."""
    path = shutil.which(tool)
    need(path is not None, f"{tool} not found ({why}); `make test` installs it")
    return path


def checksum(store, times: bool = True) -> str:
    """SHA-256 of the whole graph: every node (labels, properties) and every relationship (type, end
    keys, properties), each as canonical JSON, sorted. Equal checksums mean equal graphs. With
    `times=False` each `loaded` entry saying when a dataset was loaded counts without its time (two
    stores loaded a second apart)."""
    import hashlib
    import json

    from peninsula.loaders.datasets import is_stamp

    def canon(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)

    def timeless(props: dict) -> dict:
        if times or not props.get("loaded"):
            return props
        return {**props, "loaded": [e.rsplit(" ", 1)[0] if is_stamp(e) else e for e in props["loaded"]]}

    nodes = sorted(canon([sorted(r["labels"]), timeless(r["props"])]) for r in store.query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"))
    edges = sorted(canon([r["src"], r["type"], r["dst"], r["props"]]) for r in store.query(
        "MATCH (a)-[r]->(b) RETURN a.key AS src, type(r) AS type, b.key AS dst, properties(r) AS props"))
    digest = hashlib.sha256()
    for line in ["nodes", *nodes, "edges", *edges]:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def store_checksum(uri: str) -> str:
    """Open the store at `uri`, take its checksum, close it (a CLI run in between needs it closed)."""
    from peninsula.graph.store import open_store

    with open_store(uri) as store:
        return checksum(store)


# A data folder of three entities in the curated format: a case of test_cli and test_api in seconds.
TINY = """\
sources:
  - id: src/unscr-1718
    publisher: United Nations Security Council
    title: Resolution 1718 (2006)
    date: 2006-10-14
    symbol: S/RES/1718 (2006)
entities:
  - id: state/PRK
    type: State
    name: {en: North Korea, ko: 조선민주주의인민공화국}
    iso3: PRK
    sources: [src/unscr-1718]
  - id: org/unsc
    type: IntergovernmentalOrganization
    name: {en: United Nations Security Council}
    sources: [src/unscr-1718]
    links:
      - rel: targets
        to: state/PRK
        valid_from: 2006-10-14
        sources: [src/unscr-1718]
"""


def tiny_folder(tmp_path, text: str = TINY) -> Path:
    """tmp_path/data holding tiny.yaml."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "tiny.yaml").write_text(text, encoding="utf-8")
    return data


def streamed(path):
    """(nodes, edges) of an RDF file by the streaming load (loaders/stream.py), each sorted by key."""
    from peninsula.loaders.stream import stream_graph

    nodes, edges = [], []
    for kind, element in stream_graph(path):
        (nodes if kind == "node" else edges).append(element)
    return sorted(nodes, key=lambda n: n["key"]), sorted(edges, key=lambda e: e["key"])


# RDF additions to the curated graph, in Turtle: a new source and state (with a relationship to a
# curated one) and a source added to a curated state (tests of datasets and named graphs)
RDF_ADDITIONS = """@base <https://peninsula.invalid/id/> .
@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<src/sample-a> a pen:Source ; pen:publisher "Sample Publisher" ; pen:title "Sample title" ;
    pen:date "2017-09-11"^^xsd:date ; pen:symbol "S/RES/9997 (2017)" ; pen:sourceKind "official" .
<state/XXA> a pen:State ; pen:name "Sample Republic"@en ; pen:iso3 "XXA" ; pen:source <src/sample-a> ;
    pen:supports <state/PRK> .
<state/PRK> pen:source <src/sample-a> .
"""
