"""The one RDF <-> property-graph codec, compiled once from the ontology.

Every path that crosses between RDF and the property graph reads its knowledge from here: the
normal mapping (``loaders.mapping``), the streaming load (``loaders.stream``), the N-Triples writer
(``graph.export``) and the curated reader's typing of YAML values (``loaders.curated``).

- **Identity.** An IRI under the base is a node key (``state/PRK``); any other IRI keeps its full
  form; a blank node is skolemised (``.well-known/genid/ID``). `key_of` / `term_of` for rdflib
  terms, `key_nt` / `nt` for the N-Triples text the streaming paths work on.
- **Graph names** (TriG, N-Quads) are held under ``GRAPH_KEY`` as IRI text; `one_graph` refuses a
  subject or statement whose triples sit in several graphs.
- **Rules.** One `Rule` per graph key (``name``, ``name_ko``, ``valid_from``, ``from_site``...):
  the predicate, the kind of value (`LANG`, `DATE`, `TEXT`, `NUMBER`, `TYPED`, `REF`, `QID`), its
  datatype or language, and whether it is multi-valued. A `REF` property (``pen:keyValued`` in
  the ontology: ``pen:source``, ``pen:fromSite``) is an IRI in RDF and the target's key as text in
  the graph. A `Handler` per predicate IRI says what a triple with that predicate becomes.
- **Values** go RDF -> graph by `decode` (checked against the ontology's range), graph -> RDF by
  `literal` / `value_triples` (rdflib) or `nt_values` (N-Triples text), YAML -> RDF by `parse`
  (the kinds themselves are ``loaders.literals``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple, TypedDict

from rdflib import OWL, RDF, XSD, BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from peninsula.loaders.literals import (
    DATE,
    DATE_BY_LENGTH,
    LANG,
    NEEDS_ESCAPE,
    NT_ESCAPE,
    NUMBER,
    QID,
    REF,
    TEXT,
    TYPED,
    as_decimal,
    decode,
    fast_rule,
    kind_of,
    parse,
    term_nt,
)
from peninsula.ontology import InputError, base_iri, load
from peninsula.ontology.model import GRAPH_KEY, WIKIDATA, Ontology, OntProperty
from peninsula.ontology.temporal import xsd_type

GENID = ".well-known/genid/"
# Under the base: the named graph that quad exports put what `build` and `analyze` derived in (CAN_REACH
# and its statements, network scores). A load reads it back as the default graph: the store keeps
# derived facts apart by the ontology's pen:derived mark, not by a graph name.
DERIVED_GRAPH = "graph/derived"
# Under the base: the named graphs quad exports put each loaded dataset's contribution in, one per
# dataset (``graph/dataset/cns:missile-tests``; graph/named_graphs.py `datasets_apart`). A load reads them
# back as the default graph too: the store keeps a dataset's facts by their `dataset` and `loaded`.
DATASET_GRAPH = "graph/dataset/"
TRIPLE = "triple/"
_NUMBERS = frozenset((int, float, bool))
QUOTED = "quoted"  # `nt_plan`: a string between a head and a tail (the kinds LANG, TEXT and TYPED)
LANG_SUFFIX = re.compile(r"^[a-z]{1,8}(_[a-z0-9]{1,8})*$")
RDF_TYPE, SAME_AS = str(RDF.type), str(OWL.sameAs)
NODE_SKIP, EDGE_SKIP = frozenset(("key", "class", GRAPH_KEY)), frozenset(("key", GRAPH_KEY))

# kinds of predicate (Handler.code); the kinds of value (Rule.kind) are loaders.literals'
TYPE, SAMEAS, DATA, KEYREF, LINK, UNKNOWN = range(6)


class Node(TypedDict):
    """A node as it travels from the mappings to the stores: ``props`` holds ``key``, ``class``,
    ``GRAPH_KEY`` where the node came from a named graph, and the values by graph key."""
    key: str
    labels: list[str]
    props: dict


class Edge(TypedDict):
    """A relationship: its type (``MEMBER_OF``), key (a statement's, or ``triple/...``), ends, props."""
    type: str
    key: str
    src: str
    dst: str
    props: dict


class Rule(NamedTuple):
    """How the values under one graph key are written in RDF."""
    key: str
    prop: OntProperty
    predicate: URIRef
    kind: str
    lang: str | None  # LANG: the language tag of this key's values (name -> en, name_ko -> ko)
    datatype: URIRef | None  # NUMBER and TYPED: the datatype; None otherwise
    multi: bool
    nt_predicate: str  # the predicate in N-Triples form
    nt_suffix: str | None  # LANG, TEXT, TYPED: what follows a lexical form in N-Triples ('@ko', '^^<...>', ''); else None


class Handler(NamedTuple):
    """What a triple with one predicate becomes: `code` (TYPE, SAMEAS, DATA, KEYREF, LINK, UNKNOWN),
    the property, and a cache of the fast rules of its literals (N-Triples suffix -> (key, pattern))."""
    code: int
    prop: OntProperty | None
    fast: dict


class Codec:
    """The mapping of one ontology under one base IRI. Get it with `codec()`."""

    def __init__(self, ont: Ontology, base: str):
        self.ont, self.base = ont, base
        self.skolem = base + GENID
        self.derived_graph = derived_graph_iri(base)
        self.dataset_graphs = base + DATASET_GRAPH
        self.rules: dict[str, Rule | None] = {}
        self.handlers: dict[str, Handler] = {}
        self.many: dict[str, bool] = {}  # graph key -> multi-valued (collapse's cache of the rules)
        self._labels: dict[tuple, list[str]] = {}
        self._classes: dict[str, str | None] = {}
        self.nt_plans: dict[str, tuple | None] = {}  # graph key -> `nt_plan`
        self.nt_numbers: dict[tuple, str] = {}  # (graph key, type, number) -> its literal in N-Triples
        for prop in ont.keys.values():
            self.rule(prop.key)

    # ------------------------------------------------------------------ identity
    def key_of(self, term) -> str:
        if isinstance(term, BNode):
            return GENID + str(term)
        iri, base = str(term), self.base
        return iri[len(base):] if iri.startswith(base) and ":" not in iri[len(base):] else iri

    def term_of(self, key: str):
        if key.startswith(GENID):
            return BNode(key[len(GENID):])
        return URIRef(key if ":" in key else self.base + key)

    def key_nt(self, term: str) -> str:
        """An IRI or blank node in N-Triples form -> its key (as `key_of`)."""
        if term[0] == "_":
            return GENID + term[2:]
        iri = term[1:-1]
        if iri.startswith(self.base):
            rest = iri[len(self.base):]
            if ":" not in rest:
                return rest
        return iri

    def nt(self, key: str) -> str:
        """A key -> its IRI or blank node in N-Triples form (as `term_of`)."""
        if ":" in key:
            return f"<{key}>"
        if key.startswith(GENID):
            return f"_:{key[len(GENID):]}"
        return f"<{self.base}{key}>"

    # ------------------------------------------------------------------ graph names
    def graph_value(self, name) -> str | None:
        """A graph name (rdflib IRI or blank node; None or the default-graph id) -> GRAPH_KEY value."""
        if name is None or name == DATASET_DEFAULT_GRAPH_ID:
            return None
        if isinstance(name, BNode):
            return self.skolem + str(name)
        return None if self.read_as_default(str(name)) else str(name)

    def graph_value_nt(self, name: str) -> str | None:
        """A graph name in N-Triples form ('' for the default graph) -> GRAPH_KEY value."""
        if not name:
            return None
        if name[0] == "_":
            return self.skolem + name[2:]
        return None if self.read_as_default(name[1:-1]) else name[1:-1]

    def read_as_default(self, iri: str) -> bool:
        """A graph the exports make of facts the store keeps by their properties, not by a graph name:
        the derived graph (the ontology's pen:derived) and the datasets' (`dataset`, `loaded`)."""
        return iri == self.derived_graph or iri.startswith(self.dataset_graphs)

    def graph_name(self, value: str | None):
        """The inverse of `graph_value`: None for the default graph."""
        if value is None:
            return None
        return BNode(value[len(self.skolem):]) if value.startswith(self.skolem) else URIRef(value)

    def foreign_base(self, triples) -> str | None:
        """The base IRI the typed subjects of `triples` are under, when none is under this base and
        they look like Peninsula's (``<B>state/PRK``, ``<B>stmt/...``): a file exported under another
        PENINSULA_BASE. None otherwise."""
        from collections import Counter

        spaces = {c.key_prefix for c in self.ont.classes.values() if c.key_prefix} | {"stmt", "triple"}
        found: Counter = Counter()
        for s, p, _o in triples:
            if p != RDF.type or not isinstance(s, URIRef):
                continue
            iri = str(s)
            if iri.startswith(self.base):
                return None
            start = iri.find("://") + 3
            at = max((iri.rfind(f"{sep}{space}/") for space in spaces for sep in "/#"), default=-1)
            if start > 2 and at > start:
                found[iri[:at + 1]] += 1
        return found.most_common(1)[0][0] if found else None

    def refuse_foreign_base(self, triples, where: str) -> None:
        """Refuse, naming both bases, a file exported under another PENINSULA_BASE (`foreign_base`):
        the checks would otherwise fail for want of what it names under this base ("relationship
        cites no source")."""
        found = self.foreign_base(triples)
        if found is not None:
            raise InputError(f"the file's entities are under the base IRI <{found}>, but this store's base "
                             f"(PENINSULA_BASE) is <{self.base}>: it was exported under another base; load it "
                             f"with PENINSULA_BASE={found}, or export it again under <{self.base}>", where=where)

    def one_graph(self, key: str, values: set, statement: bool, where: str):
        """The one GRAPH_KEY value of a subject's triples: a node or relationship keeps one graph,
        so triples in several are refused, never merged."""
        if len(values) == 1:
            return next(iter(values))
        what = "statement" if statement else "subject"
        listed = ", ".join(sorted("the default graph" if v is None else f"<{v}>" for v in values))
        raise InputError(f"the {what} {key} has triples in {len(values)} graphs ({listed}); a node or "
                         "statement keeps one graph, so put all its triples in one", where=where, field=GRAPH_KEY)

    # ------------------------------------------------------------------ rules
    def rule(self, key: str) -> Rule | None:
        """The rule of a graph key: `name`, `name_ko` / `name_zh_hant` for a language; None for a key
        that is not RDF (GRAPH_KEY, a foreign tool's property)."""
        if key in self.rules:
            return self.rules[key]
        prop, lang = self.ont.keys.get(key), None
        if prop is None:
            prop = next((p for p in self.ont.keys.values() if p.is_lang and key.startswith(p.key + "_")
                         and LANG_SUFFIX.match(key[len(p.key) + 1:])), None)
            if prop is not None:
                lang = key[len(prop.key) + 1:].replace("_", "-")
        elif prop.is_lang:
            lang = "en"
        rule = None
        if prop is not None and key != GRAPH_KEY:
            kind = QID if key == "wikidata" else kind_of(prop)
            predicate = OWL.sameAs if kind == QID else prop.iri
            datatype = prop.range if kind in (NUMBER, TYPED) else None
            suffix = f"@{lang}" if kind == LANG else f"^^<{datatype}>" if kind == TYPED else "" if kind == TEXT else None
            rule = Rule(key, prop, predicate, kind, lang, datatype, prop.multi, f"<{predicate}>", suffix)
        self.rules[key] = rule
        return rule

    def handler(self, iri: str) -> Handler:
        """What a triple with the predicate `iri` becomes (cached per predicate)."""
        h = self.handlers.get(iri)
        if h is None:
            prop = self.ont.by_iri(iri)
            if iri == RDF_TYPE:
                h = Handler(TYPE, None, {})
            elif iri == SAME_AS:
                h = Handler(SAMEAS, None, {})
            elif prop is None:
                h = Handler(UNKNOWN, None, {})
            elif prop.kind == "datatype":
                h = Handler(DATA, prop, {})
            else:
                h = Handler(KEYREF if prop.key_valued else LINK, prop, {})
            self.handlers[iri] = h
        return h

    def class_name(self, iri: str) -> str | None:
        """The node class an rdf:type IRI names, or None."""
        if iri not in self._classes:
            cls = self.ont.class_of_iri(iri)
            self._classes[iri] = cls.name if cls is not None else None
        return self._classes[iri]

    def labels(self, classes: list[str]) -> list[str]:
        """The labels of a node of these (sorted) classes: each class and its superclasses."""
        ckey = tuple(classes)
        labels = self._labels.get(ckey)
        if labels is None:
            labels = self._labels[ckey] = list(self.ont.labels(classes))
        return list(labels)

    # ------------------------------------------------------------------ RDF -> graph
    def decode_nt(self, h: Handler, o, where, s=None):
        """A literal in N-Triples form (or a pyoxigraph Literal) -> (graph key, value): the common cases
        by the rule cached for its language or datatype suffix, the rest by `decode`. `where` names
        the place for messages: text, or a function of `s` (called only for a message)."""
        prop = h[1]
        if isinstance(o, str):
            if o[0] != '"':
                raise InputError(f"{prop.name} needs a literal, got {o}", where=where(s) if s is not None else where,
                                 field=prop.name)
            end = o.rindex('"')
            suffix = o[end + 1:]
            fast = h[2].get(suffix, False)
            if fast is False:
                fast = h[2][suffix] = fast_rule(prop, suffix)
            text = o[1:end]
            if fast is not None:
                check = fast[1]
                if check is None:
                    return fast[0], text
                value = check(text)
                if value is not None:
                    return fast[0], value
            lit = (Literal(text, lang=suffix[1:]) if suffix[:1] == "@"
                   else Literal(text, datatype=URIRef(suffix[3:-1]) if suffix else None))
        else:
            lit = Literal(o.value, lang=o.language) if o.language else Literal(o.value, datatype=URIRef(o.datatype.value))
        return decode(lit, prop, where(s) if s is not None else where)

    decode = staticmethod(decode)

    def collapse(self, multi: dict, into: dict | None = None) -> dict:
        """Multi-valued properties are always lists; others a scalar (a list only if RDF has several)."""
        out = {} if into is None else into
        many = self.many
        for k, vs in multi.items():
            m = many.get(k)
            if m is None:
                rule = self.rule(k)
                m = many[k] = rule is not None and rule.multi
            out[k] = sorted(vs, key=repr) if m or len(vs) > 1 else vs[0]
        return out

    def node(self, key: str, classes: list[str], multi: dict, graph: str | None) -> Node:
        """A node from its key, classes (sorted), values by graph key and graph (None: the default)."""
        props: dict = {"key": key}
        if graph is not None:
            props[GRAPH_KEY] = graph
        props["class"] = classes[0] if len(classes) == 1 else classes
        return {"key": key, "labels": self.labels(classes), "props": self.collapse(multi, props)}

    def plain_edge(self, src: str, prop: OntProperty, dst: str, graph: str | None) -> Edge:
        """A relationship asserted without a statement (no annotations): a ``triple/`` key."""
        key = triple_key(src, prop.name, dst)
        props = {"key": key, GRAPH_KEY: graph} if graph is not None else {"key": key}
        return {"type": prop.rel_type, "key": key, "src": src, "dst": dst, "props": props}

    # ------------------------------------------------------------------ graph -> RDF
    def literal(self, rule: Rule, v):
        """One stored value -> its RDF object (a literal, or an IRI for REF and QID)."""
        kind = rule.kind
        if kind == REF:
            return self.term_of(v)
        if kind == QID:
            return URIRef(WIKIDATA + v)
        if kind == LANG:
            return Literal(v, lang=rule.lang)
        if kind == DATE:
            return Literal(v, datatype=xsd_type(v))
        if kind == TEXT:
            return Literal(v)
        if rule.datatype == XSD.decimal:
            return Literal(as_decimal(v), datatype=XSD.decimal)
        return Literal(v, datatype=rule.datatype)

    def objects(self, key: str, value) -> tuple[Rule | None, list]:
        rule = self.rules[key] if key in self.rules else self.rule(key)
        if rule is None or value is None:
            return rule, []
        return rule, [self.literal(rule, v) for v in (value if isinstance(value, list) else [value])]

    def value_triples(self, s, props: dict, skip=NODE_SKIP):
        """(s, predicate, object) rdflib triples for the values in `props` (keys in `skip` and keys
        that are not RDF left out)."""
        for k, v in props.items():
            if k in skip:
                continue
            rule, objects = self.objects(k, v)
            for o in objects:
                yield s, rule.predicate, o

    def nt_values(self, s: str, props: dict, skip, out: list) -> None:
        """The same triples as `value_triples`, as N-Triples lines appended to `out`: string formatting
        by each key's `nt_plan` for the common values, `literal` for numbers (the last 65,536 kept: an
        rdflib literal takes ~7 µs, a tenth of them a whole line) and other datatypes."""
        plans, append, search, numbers = self.nt_plans, out.append, NEEDS_ESCAPE.search, self.nt_numbers
        for k, v in props.items():
            if v is None or k in skip:
                continue
            plan = plans[k] if k in plans else self.nt_plan(k)
            if plan is None:
                continue
            how, head, tail = plan
            for x in v if type(v) is list else (v,):
                if type(x) is str:
                    if how is QUOTED:
                        append(f"{s}{head}{x.translate(NT_ESCAPE) if search(x) else x}{tail}")
                        continue
                    if how is REF:
                        append(f"{s}{head}{self.nt(x)} .\n")
                        continue
                    if how is DATE:
                        dt = DATE_BY_LENGTH.get(len(x))
                        if dt is not None and dt[0].match(x):
                            append(f"{s}{head}\"{x}\"{dt[1]} .\n")
                            continue
                    if how is QID:
                        append(f"{s}{head}<{WIKIDATA}{x}> .\n")
                        continue
                if type(x) in _NUMBERS and x:  # 0.0 and -0.0 are one key: not kept
                    o = numbers.get((k, type(x), x))
                    if o is None:
                        if len(numbers) >= 65536:
                            numbers.clear()
                        o = numbers[(k, type(x), x)] = term_nt(self.literal(self.rules[k], x))
                else:
                    o = term_nt(self.literal(self.rules[k], x))
                append(f"{s} {self.rules[k].nt_predicate} {o} .\n")

    def nt_plan(self, key: str) -> tuple | None:
        """How `nt_values` writes the values of a graph key (cached in `nt_plans`): (QUOTED, ' <p> "',
        '"@ko .\\n'), a string between a head and a tail, for LANG, TEXT and TYPED; (kind, ' <p> ', '')
        for the others; None for a key that is not RDF."""
        rule = self.rules[key] if key in self.rules else self.rule(key)
        if rule is None:
            plan = None
        elif rule.nt_suffix is not None:
            plan = (QUOTED, f' {rule.nt_predicate} "', f'"{rule.nt_suffix} .\n')
        else:
            plan = (rule.kind, f" {rule.nt_predicate} ", "")
        self.nt_plans[key] = plan
        return plan

    # ------------------------------------------------------------------ YAML -> RDF
    def parse(self, prop: OntProperty, value, where: str):
        """One value a person typed (YAML) -> its RDF object (`literals.parse`; a REF: its IRI)."""
        if kind_of(prop) == REF:
            text = parse(prop, value, where)
            return self.term_of(str(text))
        return parse(prop, value, where)


def derived_graph_iri(base: str | None = None) -> str:
    """The IRI of the named graph of derived knowledge: ``<base>graph/derived``."""
    return (base_iri() if base is None else base) + DERIVED_GRAPH


def dataset_graph_iri(dataset: str, base: str | None = None) -> str:
    """The IRI of one loaded dataset's named graph: ``<base>graph/dataset/cns:missile-tests`` (the
    name percent-encoded where an IRI needs it)."""
    from urllib.parse import quote

    return (base_iri() if base is None else base) + DATASET_GRAPH + quote(dataset, safe=":@!$&'()*+,;=-._~")


def triple_key(src: str, name: str, dst: str) -> str:
    """The key of a relationship asserted without a statement (no annotations): from its three parts."""
    import hashlib

    return TRIPLE + hashlib.sha1(repr((src, name, dst)).encode("utf-8")).hexdigest()[:16]


@cache
def _compiled(ont: Ontology, base: str) -> Codec:
    return Codec(ont, base)


def codec(ont: Ontology | None = None) -> Codec:
    """The codec of the ontology (the packaged one by default) under the current base IRI."""
    return _compiled(ont or load(), base_iri())
