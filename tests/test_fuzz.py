"""Arbitrary bytes into every reader: nothing but Peninsula's own errors may come out.

Hypothesis writes each example to a file and hands it to the reader; an InputError (or another
PeninsulaError) is the right answer to garbage, anything else (TypeError, RecursionError, a
parser's own exception) is a bug. Modest example counts keep this a few seconds per reader.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peninsula.ontology import PeninsulaError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_HEAD = b"sources:\n  - id: src/f\n    publisher: P\n    title: T\nentities:\n  - id: org/f\n"
TTL_HEAD = b"@prefix pen: <https://peninsula.invalid/ontology#> .\n<https://peninsula.invalid/id/org/f> a pen:Organization ;\n"

# bytes: pure noise, and noise after a plausible start (so the parser gets past the first byte)
def noisy(head: bytes = b""):
    return st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: head + b),
                     st.text(max_size=300).map(lambda t: head + t.encode("utf-8", "surrogatepass")))


def feed(reader, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            reader(path)
        except PeninsulaError:
            pass


@FUZZ
@given(noisy(YAML_HEAD))
def test_curated_yaml(data):
    from peninsula.loaders.curated import read_files, validate_curated

    feed(lambda p: validate_curated(read_files([p])), data, ".yaml")


@pytest.mark.parametrize("suffix, head", [(".ttl", TTL_HEAD), (".nt", b"<https://peninsula.invalid/id/org/f> "),
                                          (".jsonld", b'{"@id": "https://peninsula.invalid/id/org/f", '),
                                          (".rdf", b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf='),
                                          (".trig", b"<https://peninsula.invalid/id/g> { "),
                                          (".nq", b"<https://peninsula.invalid/id/org/f> "),
                                          (".ttl12", TTL_HEAD)])
def test_rdf_readers(suffix, head):
    from peninsula.loaders.mapping import to_property_graph
    from peninsula.loaders.rdf import read_rdf

    @FUZZ
    @given(noisy(head))
    def run(data):
        feed(lambda p: to_property_graph(read_rdf(p)), data, suffix)

    run()


@FUZZ
@given(noisy(b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST>'))
def test_safe_xml(data):
    from peninsula.loaders.safexml import parse_xml

    try:
        parse_xml(data, "fuzz.xml")
    except PeninsulaError:
        pass


SOURCES = {"cns": ("peninsula.loaders.cns", ".csv", b"F1,Date,Missile Name,Missile Type,Test Outcome\r\n"),
           "un-xml": ("peninsula.loaders.unlist", ".xml", b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>'),
           "ftm": ("peninsula.loaders.ftm", ".jsonl", b'{"id": "f", "schema": "Person", "properties": '),
           "wikidata": ("peninsula.loaders.wikidata", ".json", b'{"head": {"vars": ["item"]}, "results": ')}


@pytest.mark.parametrize("fmt", sorted(SOURCES))
def test_source_readers(fmt):
    module, suffix, head = SOURCES[fmt]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {fmt} loader ({module}) is not there yet")
    from peninsula.loaders.sources import KnowledgeBase, read_source

    kb = KnowledgeBase.of(None)

    @FUZZ
    @given(noisy(head))
    def run(data):
        feed(lambda p: read_source(fmt, p, kb).finish(), data, suffix)

    run()


# inputs that once escaped a reader as something other than a PeninsulaError, run every time
KNOWN = [b"\r\x00", b"\x00", b"", b"\r", b"\xff\xfe\x00", b"\"", b"{", b"[]", b"null", b"\n" * 3,
         b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", b"a" * 200_000]


@pytest.mark.parametrize("fmt", sorted(SOURCES))
@pytest.mark.parametrize("case", range(2 * len(KNOWN)))
def test_source_readers_known_inputs(fmt, case):
    module, suffix, head = SOURCES[fmt]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {fmt} loader ({module}) is not there yet")
    from peninsula.loaders.sources import KnowledgeBase, read_source

    data = KNOWN[case // 2] if case % 2 == 0 else head + KNOWN[case // 2]
    feed(lambda p: read_source(fmt, p, KnowledgeBase.of(None)).finish(), data, suffix)


DEEP = b"[" * 100_000 + b"]" * 100_000
Q1 = b'{"type": "uri", "value": "http://www.wikidata.org/entity/Q1"}'
CRAFTED = {  # shapes that once escaped as TypeError, AttributeError, RecursionError, LookupError, MemoryError
    "wikidata": [b'{"head": {"vars": ["item"]}, "results": {"bindings": [{"item": 5}]}}',
                 b'{"head": 5, "results": {"bindings": []}}', b'{"results": 5}', DEEP,
                 b'{"a": ' + b"9" * 5000 + b"}", b'{"entities": {"Q1": 5}}', b'{"entities": {"Q1": {"claims": 5}}}',
                 b'{"head": {"vars": ["item", "org"]}, "results": {"bindings": [{"item": ' + Q1 + b', "org": 5}]}}'],
    "ftm": [DEEP + b"\n", b'{"id": ' + b"9" * 5000 + b"}\n"],
    "un-xml": [b'<?xml version="1.0" encoding="bogus"?><CONSOLIDATED_LIST/>',
               b'<?xml version="1.0" encoding="shift_jis"?><CONSOLIDATED_LIST/>'],
    "cns": [b"F1,Date,Missile Name,Missile Type,Test Outcome,Apogee\n1,9-Apr-84,x,SRBM,Success,1e-999999999999 km\n",
            b"F1,Date,Missile Name,Missile Type,Test Outcome,Apogee\n1,9-Apr-84,x,SRBM,Success,1e999999999999 km\n"],
}


@pytest.mark.parametrize(("fmt", "data"), [(f, d) for f, datas in sorted(CRAFTED.items()) for d in datas])
def test_source_readers_crafted_shapes(fmt, data):
    from peninsula.loaders.sources import KnowledgeBase, read_source

    module, suffix, _ = SOURCES[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"crafted{suffix}"
        path.write_bytes(data)
        with pytest.raises(PeninsulaError) as info:
            read_source(fmt, path, KnowledgeBase.of(None)).finish()
    assert str(path) in str(info.value)


@pytest.mark.parametrize("data", [b'{"@id": "https://peninsula.invalid/id/org/f", "https://peninsula.invalid/ontology#n": '
                                  + b"9" * 5000 + b"}", DEEP])
def test_json_ld_that_json_cannot_hold_is_refused(data):
    """An integer of thousands of digits (ValueError) or deep nesting (RecursionError) in JSON-LD."""
    from peninsula.loaders.rdf import read_rdf

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crafted.jsonld"
        path.write_bytes(data)
        with pytest.raises(PeninsulaError) as info:
            read_rdf(path)
    assert str(path) in str(info.value)
