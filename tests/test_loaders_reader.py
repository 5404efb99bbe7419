"""reader.py: records read by popping fields, leftovers reported per file, record and field."""

from __future__ import annotations

from collections import Counter

import pytest

from peninsula.loaders import cns, ftm, unlist, wikidata
from peninsula.loaders.reader import Audit, Fields, SourceFormat, describe
from peninsula.loaders.sources import READERS
from peninsula.ontology import load


def _audit():
    unread, notes = Counter(), []
    return Audit(unread, notes), unread, notes


def test_popped_fields_are_read_and_the_rest_reported_with_the_first_record():
    audit, unread, notes = _audit()
    for n, extra in enumerate(["x", "", "y"], start=1):
        f = Fields({"name": "A", "kind": "B", "extra": extra, "blank": "  ", "none": None}, f"f.csv:{n}", audit)
        assert f.pop("name") == "A" and f.get("kind") == "B"
        f.done()
    audit.finish()
    assert unread == {"kind": 3, "extra": 2}  # empty values carry nothing: never reported
    assert notes == ["f.csv:1: field 'extra' left unread (and in 1 more record(s))",
                     "f.csv:1: field 'kind' left unread (and in 2 more record(s))"]


def test_ignored_fields_and_nested_prefixes():
    audit, unread, _ = _audit()
    f = Fields({"a": "1", "b": "2", "c": ["", None]}, "r", audit, prefix="ADDRESS/", ignored=["b"])
    f.ignore("a")
    f.done()
    assert unread == {}  # `c` holds only empty values
    g = Fields({"a": "1"}, "r", audit, prefix="ADDRESS/")
    g.done()
    g.done()  # a second done() reports nothing twice
    assert unread == {"ADDRESS/a": 1}


def test_a_format_refuses_an_ignored_field_it_does_not_have():
    with pytest.raises(ValueError, match="not fields of the format"):
        SourceFormat(name="x", title="X", suffixes=(".x",), fields=("a",), ignored={"b": "why"})


def test_counts_per_class_include_subclasses():
    fmt = SourceFormat(name="x", title="X", suffixes=(".x",), fields=(), expect={"Organization": (1, 2)})
    ont = load()
    assert fmt.check_counts({"GovernmentAgency": 1, "Organization": 1}, ont.is_a) == []
    [note] = fmt.check_counts({"GovernmentAgency": 2, "Organization": 1}, ont.is_a)
    assert note.startswith("3 Organization entities is outside the 1..2 expected of a X file")


@pytest.mark.parametrize("module", [cns, unlist, ftm, wikidata], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_reader_declares_its_format(module):
    fmt = module.FORMAT
    ont = load()
    assert READERS[fmt.name] == module.__name__  # the name `load --format` takes
    assert fmt.fields and fmt.suffixes and all(reason.strip() for reason in fmt.ignored.values())
    assert fmt.expect and all(cls in ont.classes and 0 <= lo <= hi for cls, (lo, hi) in fmt.expect.items())


def test_describe():
    assert describe("Own text.", [("Title", ["A", "B"]), ("Gender", [])]) == "Own text. Title: A; B."
    assert describe("", [("Address", ["Pyongyang"])]) == "Address: Pyongyang."
