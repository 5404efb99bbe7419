"""What a source reader declares, and how it reads a record: by popping fields, zavod's manner.

Each reader module declares its `SourceFormat`: the fields of a record, the fields it leaves
unread on purpose (each with the reason), and the number of entities per class a whole file
should yield (the sanity ranges zavod's dataset metadata calls assertions). A record is read
through `Fields`: `pop(name)` hands a field's value over and marks it read; `done()` reports
every non-empty field left over, so a field a reader forgot, or one the source added, is never
dropped in silence.

    fields = Fields(row, where, batch.audit)        # a CSV row, a JSON object, an XML element's children
    name = fields.pop("Missile Name")
    ...
    fields.done()                                   # leftovers -> report.unread
    close(batch, FORMAT)                            # a note naming the first record of each; counts checked

The report counts each unread field once per record (`report.unread[field]`) and names the
first record where it was left (a note: file, record, field).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceFormat:
    """One source format: its name, the fields of a record, what it ignores and why, expected sizes."""

    name: str  # the --format name (sources.READERS)
    title: str
    suffixes: tuple[str, ...]
    fields: tuple[str, ...]  # the fields (columns, tags, properties) a record of the format may have
    ignored: Mapping[str, str] = field(default_factory=dict)  # field -> why it is left unread on purpose
    expect: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # class -> (min, max) entities a file yields

    def __post_init__(self):
        unknown = sorted(set(self.ignored) - set(self.fields))
        if unknown:
            raise ValueError(f"{self.name}: ignored fields {unknown} are not fields of the format")

    def check_counts(self, counts: Mapping[str, int], is_a: Callable[[str, str], bool]) -> list[str]:
        """Notes for each declared class whose entities in one file (any subclass counts) lie outside its range."""
        notes = []
        for cls, (lo, hi) in self.expect.items():
            n = sum(k for c, k in counts.items() if is_a(c, cls))
            if not lo <= n <= hi:
                notes.append(f"{n} {cls} entities is outside the {lo}..{hi} expected of a {self.title} file; "
                             "check that the file is complete and of this format")
        return notes


class Fields:
    """The fields of one record; each `pop` marks one read; `done()` reports the rest as unread.

    `values` maps a field name to its value; `empty(value)` says whether a left-over value carries
    anything (an empty cell or element is not reported). `prefix` names a nested record's fields
    (`INDIVIDUAL_ADDRESS/CITY`, `Person.imoNumber`)."""

    def __init__(self, values: Mapping, where: str, sink: Audit, *, prefix: str = "",
                 ignored: Iterable[str] = (), empty: Callable[[object], bool] | None = None):
        self._values = dict(values)
        self.where = where
        self._sink = sink
        self._prefix = prefix
        self._empty = empty or _empty
        for name in ignored:
            self._values.pop(name, None)

    def pop(self, name: str, default=None):
        """The value of `name` (or `default`), now read."""
        return self._values.pop(name, default)

    def get(self, name: str, default=None):
        """The value of `name` without reading it (a look before deciding what the record is)."""
        return self._values.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def ignore(self, *names: str) -> None:
        """Fields read elsewhere or left on purpose for this record."""
        for name in names:
            self._values.pop(name, None)

    def left(self) -> list[str]:
        """The non-empty fields not popped yet."""
        return [name for name, value in self._values.items() if not self._empty(value)]

    def done(self) -> None:
        """Report what is left: each non-empty field not popped, ignored or declared ignored."""
        for name in self.left():
            self._sink.unread(self._prefix + name, self.where)
        self._values.clear()


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return all(_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


class Audit:
    """Where unread fields are counted: once per record in `unread`, the first record of each noted."""

    def __init__(self, unread: Counter, notes: list):
        self._unread, self._notes = unread, notes
        self._first: dict = {}

    def unread(self, name: str, where: str) -> None:
        self._unread[name] += 1
        self._first.setdefault(name, where)

    def finish(self) -> None:
        """One note per unread field, naming the first record that had it."""
        for name, where in sorted(self._first.items()):
            n = self._unread[name]
            self._notes.append(f"{where}: field {name!r} left unread"
                               + (f" (and in {n - 1} more record(s))" if n > 1 else ""))
        self._first.clear()


def class_counts(batch) -> Counter:
    """Entities per class a batch yields: those it defines (new, or its own from an earlier load) and
    those of the knowledge base it matched or links to."""
    from rdflib import RDF

    from peninsula.loaders.mapping import term_of

    names = {c.iri: name for name, c in batch.ont.classes.items()}
    owned = {term_of(key) for key in batch.owned}
    counts: Counter = Counter(names[o] for s, o in batch.graph.subject_objects(RDF.type) if s in owned and o in names)
    for key in batch.touched - batch.owned:
        props = batch.kb.get(key) or {}
        c = props.get("class")
        for cls in c if isinstance(c, list) else [c]:
            if cls:
                counts[cls] += 1
    return counts


def close(batch, fmt: SourceFormat) -> None:
    """The end of reading a file: unread fields noted, entities counted per class and checked."""
    batch.audit.finish()
    counts = class_counts(batch)
    batch.report.classes.update(counts)
    batch.report.notes.extend(fmt.check_counts(counts, batch.ont.is_a))


def describe(text: str, labelled: Iterable[tuple[str, list[str]]]) -> str:
    """A description: the source's own text, then `Label: value; value.` for each fact the ontology
    has no property for (a date or place of birth, a title, an address), the same way for every reader."""
    parts = [text] + [f"{label}: " + "; ".join(values) + "." for label, values in labelled if values]
    return " ".join(p for p in parts if p)
