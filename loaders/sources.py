"""Loading the public sources analysts hold (CNS tests, the UN list, FtM, Wikidata) into a store.

Every reader turns its file into a `Batch`: the RDF of what it found, matched to the entities
already in the knowledge base (the store, and the curated data that travels with the code).
`load_source` then takes the path `build` takes: SHACL-validate, map to the property graph,
write (MERGE on key, so a second load of the same file changes nothing). Nothing is written
unless the whole file read and validated.

    load_source(store, "cns", "tests.csv")  ->  SourceReport (read, matched, created, skipped, unread)
"""

from __future__ import annotations

import hashlib
import importlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph

from peninsula.loaders.curated import _values
from peninsula.loaders.datasets import stamp
from peninsula.loaders.formats import SOURCE_FORMATS
from peninsula.loaders.mapping import key_of, node_triples, statement_key, term_of, to_property_graph
from peninsula.loaders.reader import Audit
from peninsula.ontology import PEN, InputError, ValidationError, load

READERS = SOURCE_FORMATS  # format -> module with read(path, kb, **options) -> Batch (loaders/formats.py)
_STUB = "\x00stub"


# ---------------------------------------------------------------------------- names
def normalise(text) -> str:
    """A name for matching: NFKC, case-folded, dashes unified, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[\u2010-\u2015_]", "-", text)
    text = re.sub(r"[\"'\u2018\u2019\u201c\u201d.,()]", " ", text)
    return " ".join(text.split())


def slug(text: str, limit: int = 60) -> str:
    """Lowercase ASCII with hyphens, for a new key; falls back to a hash for non-Latin text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return s or hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------- knowledge base
@cache
def _curated():
    """The curated data as property-graph nodes and edges (read once per process)."""
    from peninsula.graph.build import default_data_dir
    from peninsula.loaders.curated import read_dir

    cur = read_dir(default_data_dir())
    return to_property_graph(cur.graph, where=cur.where)


class KnowledgeBase:
    """The entities already known, indexed by key, names and aliases, ISO3, QID and reference number."""

    def __init__(self, nodes: dict, edges: list, in_store: set):
        self.nodes = nodes  # key -> props
        self.in_store = in_store
        self.names: dict = {}
        self.iso3: dict = {}
        self.qids: dict = {}
        for key, props in nodes.items():
            for text in _texts(props):
                self.names.setdefault(normalise(text), set()).add(key)
            if props.get("iso3"):
                self.iso3[props["iso3"]] = key
            for q in _as_list(props.get("wikidata")):
                self.qids[q] = key
        self.edges = {(e["src"], e["type"], e["dst"]): e["props"] for e in edges}
        self.references = {e["props"]["reference_number"].strip(): e["dst"] for e in edges
                           if e["type"] == "DESIGNATES" and e["props"].get("reference_number")}
        self.edge_props = {e["key"]: e["props"] for e in edges if e.get("key")}
        self.judgements: dict = {}  # (record, entity) -> same / different / unsure (see judgements.py)
        self._matcher = None

    @property
    def matcher(self):
        """The one matcher of every loader (see matching.py), built on first use."""
        if self._matcher is None:
            from peninsula.loaders.matching import Matcher

            self._matcher = Matcher(self, self.judgements)
        return self._matcher

    @classmethod
    def of(cls, store=None, curated: bool = True) -> KnowledgeBase:
        nodes, edges = {}, []
        if curated:
            c_nodes, c_edges = _curated()
            nodes.update({n["key"]: n["props"] for n in c_nodes})
            edges.extend(c_edges)
        in_store = set()
        if store is not None:
            for n in store.nodes():
                nodes[n["key"]] = n["props"]
                in_store.add(n["key"])
            edges.extend(store.edges())
        return cls(nodes, edges, in_store)

    def get(self, key: str):
        return self.nodes.get(key)

    def classes(self, key: str) -> list[str]:
        c = self.nodes[key].get("class")
        return c if isinstance(c, list) else [c]

    def is_a(self, key: str, ancestor: str) -> bool:
        ont = load()
        return any(ont.is_a(c, ancestor) for c in self.classes(key) if c in ont.classes)

    def find(self, text: str, *kinds: str) -> list[str]:
        """Keys whose name, alias or designation is `text` (normalised), of one of the classes."""
        keys = self.names.get(normalise(text), set())
        return sorted(k for k in keys if not kinds or any(self.is_a(k, kind) for kind in kinds))


def _as_list(v) -> list:
    return [] if v is None else v if isinstance(v, list) else [v]


def _with(values, dataset: str) -> list:
    return sorted(set(_as_list(values)) | {dataset})


def dataset_name(fmt: str, path) -> str:
    """A dataset is the source format and the file's name (which carries its version): `cns:missile-tests`."""
    return f"{fmt}:{slug(Path(path).stem)}"


def _texts(props: dict):
    for k, v in props.items():
        if k in ("name", "alias", "designation") or k.startswith(("name_", "alias_")):
            yield from (x for x in _as_list(v) if isinstance(x, str))


# ---------------------------------------------------------------------------- a batch
@dataclass
class SourceReport:
    fmt: str
    path: str
    nodes: int = 0
    edges: int = 0
    counters: object = None
    stats: Counter = field(default_factory=Counter)  # read, matched, created, skipped, ...
    unread: Counter = field(default_factory=Counter)  # input fields or elements left unread
    notes: list = field(default_factory=list)
    dataset: str = ""
    decisions: list = field(default_factory=list)  # matching.Decision of every record matched
    classes: Counter = field(default_factory=Counter)  # entities per class the file yielded (created or matched)

    def review(self) -> list[str]:
        """Proposed merges (score and reasons), new entities and likely duplicates, one line each."""
        merges, new, likely = [], [], []
        for d in self.decisions:
            if d.merged:
                merges.append(f"merge: {d.record.where} -> {d.key} (score {d.score:.2f}: {'; '.join(d.reasons)})")
            else:
                new.append(f"new: {d.key} ({d.record.where})")
            for c in d.likely:
                likely.append(f"likely duplicate: {d.key} ~ {c['key']} (score {c['score']:.2f}: "
                              f"{'; '.join(c['reasons'])})")
        return merges + new + likely

    def summary(self) -> str:
        s = self.stats
        parts = [f"read {s['read']} records", f"matched {s['matched']} existing entities",
                 f"created {s['created']} entities", f"skipped {s['skipped']}"]
        return ", ".join(parts)


class Batch:
    """The RDF one file produced, the existing entities it touched, and what was read and skipped."""

    def __init__(self, fmt: str, path, kb: KnowledgeBase, progress=None):
        self.fmt, self.path, self.kb = fmt, str(path), kb
        self.progress = progress  # called with 1 for every record read (the CLI's reading bar)
        self.ont = load()
        self.graph = Graph()
        self.origin: dict = {}
        self.touched: set = set()  # existing keys this batch links to or enriches
        self.created: set = set()  # keys new to the knowledge base
        self.owned: set = set()  # keys whose content this file defines (replaced on a reload)
        self.report = SourceReport(fmt, str(path), dataset=dataset_name(fmt, path))
        self.dataset = self.report.dataset
        self.audit = Audit(self.report.unread, self.report.notes)  # fields left unread (reader.Fields)
        self._stmt_counts: Counter = Counter()

    def decide(self, record):
        """Match one record (a matching.Record) against the knowledge base; the decision is reported."""
        decision = self.kb.matcher.match(record)
        self.report.decisions.append(decision)
        if decision.merged:
            self.report.stats["merged"] += 1
            if decision.reasons and decision.reasons[0].startswith("same ") and decision.score == 1.0 \
                    and "name" not in decision.reasons[0]:
                self.report.stats["matched by identifier"] += 1
        return decision

    def tick(self):
        """One more record read."""
        self.report.stats["read"] += 1
        if self.progress:
            self.progress(1)

    # -- entities
    def existing(self, key: str):
        """Use an entity already in the knowledge base (to link to it or to enrich it)."""
        self.touched.add(key)
        return term_of(key)

    def entity(self, key: str, cls: str, where: str, props: dict, sources: list[str]):
        """A new entity (or new facts on one this batch created earlier) with its properties."""
        s = term_of(key)
        self.owned.add(key)
        if key not in self.kb.nodes and key not in self.created:
            self.created.add(key)
            self.report.stats["created"] += 1
        self.origin.setdefault(s, where)
        self.graph.add((s, RDF.type, self.ont.classes[cls].iri))
        self.add(key, props, where)
        for src in sources:
            self.graph.add((s, PEN.source, term_of(src)))
        return s

    def add(self, key: str, props: dict, where: str):
        """Properties (graph keys such as name, date, apogee_km) on an entity, typed by the ontology."""
        s = term_of(key)
        for k, v in props.items():
            if v is None or v == [] or v == {}:
                continue
            for p, o in _values(self.ont, k, v, where):
                self.graph.add((s, p, o))

    def cite(self, key: str, sources: list[str]):
        for src in sources:
            self.graph.add((term_of(key), PEN.source, term_of(src)))

    def source(self, key: str, where: str, **props):
        """A Source entity (the file itself, or a reference a record cites)."""
        return self.entity(key, "Source", where, props, [])

    def link(self, src: str, rel: str, dst: str, where: str, sources: list[str], **annotations):
        """One relationship, reified so it carries its sources, record id and period."""
        prop = self.ont.properties[rel]
        s, o = term_of(src), term_of(dst)
        ann = {k: v for k, v in annotations.items() if v is not None}
        base = statement_key(src, rel, dst, {k: str(v) for k, v in ann.items()})
        n = self._stmt_counts[base]
        self._stmt_counts[base] += 1
        stmt = term_of(base if n == 0 else statement_key(src, rel, dst, {**ann, "n": n}))
        self.graph.add((s, prop.iri, o))
        self.graph.add((stmt, RDF.type, RDF.Statement))
        self.graph.add((stmt, RDF.subject, s))
        self.graph.add((stmt, RDF.predicate, prop.iri))
        self.graph.add((stmt, RDF.object, o))
        self.origin[stmt] = where
        for src_key in sources:
            self.graph.add((stmt, PEN.source, term_of(src_key)))
        for k, v in ann.items():
            for p, lit in _values(self.ont, k, v, where):
                self.graph.add((stmt, p, lit))
        return stmt

    def where(self, s) -> str:
        return self.origin.get(s) or f"{self.path} <{key_of(s)}>"

    # -- the common path: validate, map, keep only what changes
    def finish(self):
        """SHACL-validate and map to (nodes, edges); raises ValidationError/InputError, writes nothing."""
        from peninsula.ontology.shapes import validate

        full = Graph()
        for t in self.graph:
            full.add(t)
        subjects = set(self.graph.subjects(RDF.type, None))
        stubs = set()
        for key in sorted(self.touched - self.owned):
            props = self.kb.get(key)
            if props is None:
                raise InputError(f"{key} is not in the knowledge base", where=self.path)
            for t in node_triples(props, self.ont):
                full.add(t)
            subjects.add(term_of(key))
        for o in set(full.objects(None, PEN.source)):
            if o not in subjects:
                full.add((o, RDF.type, PEN.Source))
                stubs.add(o)
        problems = validate(full, where=lambda s: _STUB if s in stubs else self.where(s))
        problems = [p for p in problems if not p.startswith(_STUB)]
        if problems:
            raise ValidationError(problems)
        nodes, edges = to_property_graph(full, self.ont, where=self.where)
        self.report.stats["matched"] = len(self.touched - self.owned)
        when = self._stamp_on(nodes)
        out = []
        for n in nodes:
            key = n["key"]
            if term_of(key) in stubs:
                continue
            old = self.kb.get(key)
            if key in self.owned:
                new = {**n["props"], "dataset": _with(old and old.get("dataset"), self.dataset)}
                if old and old.get("loaded"):
                    new["loaded"] = old["loaded"]
                if key == when:  # when the dataset was loaded (loaders/datasets.py)
                    new["loaded"] = sorted(set(new.get("loaded") or []) | {stamp(self.dataset)})
            else:
                new = {**old, **n["props"]} if old is not None else n["props"]
                if old is not None:
                    new = self._ledger(old, new)
            if old is not None and key in self.kb.in_store and new == old:
                continue  # unchanged: an entity this file only links to, or loaded before
            out.append({**n, "props": new})
        for e in edges:
            old = self.kb.edge_props.get(e["key"]) or {}
            e["props"] = {**e["props"], "dataset": _with(old.get("dataset"), self.dataset)}
        return out, edges

    def _stamp_on(self, nodes: list[dict]) -> str | None:
        """The entity that says when this dataset was loaded (`DATASET at TIME` in its `loaded`): the
        Source of the file (titled `... (FILE)`), else the first entity the file defines; None when
        a load of the dataset said it already (a reload changes nothing)."""
        from peninsula.loaders.datasets import stamped

        if stamped((p.get("loaded") for p in self.kb.nodes.values()), self.dataset):
            return None
        owned = sorted(n["key"] for n in nodes if n["key"] in self.owned)
        files = [n["key"] for n in nodes if n["key"] in self.owned and "Source" in _as_list(n["props"].get("class"))
                 and str(n["props"].get("title", "")).endswith(f"({Path(self.path).name})")]
        return min(files or owned or [None], key=lambda k: k or "")

    def _ledger(self, old: dict, new: dict) -> dict:
        """What this dataset added to an entity it does not own, written down in `loaded`
        (`DATASET PROPERTY`, `DATASET sources SOURCE`), so `build` keeps it and `unload` removes it."""
        entries = set(old.get("loaded") or [])
        for k, v in new.items():
            if k in ("sources", "loaded", "dataset") or v is None:
                continue
            if old.get(k) is None:
                entries.add(f"{self.dataset} {k}")
        before = set(_as_list(old.get("sources")))
        for src in _as_list(new.get("sources")):
            if src not in before:
                entries.add(f"{self.dataset} sources {src}")
        if entries:
            new["loaded"] = sorted(entries)
        return new


# ---------------------------------------------------------------------------- the dispatcher
def read_source(fmt: str, path, kb: KnowledgeBase | None = None, **options) -> Batch:
    """Read one file of a source format into a Batch (validated nothing yet, written nothing)."""
    if fmt not in READERS:
        raise InputError(f"unknown source format {fmt!r}; one of {', '.join(READERS)}", where=str(path))
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    module = importlib.import_module(READERS[fmt])
    return module.read(path, kb if kb is not None else KnowledgeBase.of(None), **options)


def prepare_source(store, fmt: str, path, *, reading=None, judgements=None, **options):
    """Read, match against the store and the curated data, validate and map: (nodes, edges, report).

    `reading`, when given, is called with 1 for every record read (a progress bar's advance);
    `judgements`, a YAML or CSV file of an analyst's judgements, is added to the kept ones."""
    from peninsula.loaders.judgements import load_judgements

    kb = KnowledgeBase.of(store)
    kb.judgements = load_judgements(judgements)
    batch = read_source(fmt, path, kb, progress=reading, **options)
    nodes, edges = batch.finish()
    report = batch.report
    report.nodes, report.edges = len(nodes), len(edges)
    return nodes, edges, report


def load_source(store, fmt: str, path, *, progress=None, prepared=None, **options) -> SourceReport:
    """Load one source file into the store through the same path as `build`; idempotent."""
    nodes, edges, report = prepared or prepare_source(store, fmt, path, **options)
    report.counters = store.write(nodes, edges, progress=progress)
    return report
