"""The curated knowledge base: data/*.yaml -> RDF, with file and line for every entity.

Each file has `sources` (Source entities) and `entities`; an entity item without `type` adds
links to an entity defined in another file. The format is described in data/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import RDF, Graph, Literal

from peninsula.loaders.guard import LANG_RE, check_text, check_yaml_expansion
from peninsula.loaders.mapping import term_of
from peninsula.ontology import PEN, InputError, ValidationError, load
from peninsula.ontology.model import WIKIDATA

ITEM_FIELDS = {"id", "type", "links", "sources"}
LINK_FIELDS = {"rel", "to", "id"}
KEY_RE = re.compile(r"^[a-z]+/[A-Za-z0-9][A-Za-z0-9._\-]*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping as `__line__`."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r} (the second would silently replace the first)",
                        key_node.start_mark)
                seen.add(key_node.value)
        mapping = super().construct_mapping(node, deep=deep)
        for key_node, _ in node.value:
            if key_node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"):
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be text, got {key_node.value!r} (quote it)", key_node.start_mark)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    def construct_yaml_timestamp(self, node):
        """Dates stay text: our own date checks name the file, line and field (YAML's raise bare)."""
        return self.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


@dataclass
class Curated:
    """The curated data as one RDF graph, with where each subject came from."""

    graph: Graph = field(default_factory=Graph)
    origin: dict = field(default_factory=dict)  # subject term -> "file:line"
    files: list = field(default_factory=list)

    def where(self, subject) -> str:
        return self.origin.get(subject, f"<{subject}>")


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(path)) from None
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", where=f"{path}{line}") from None
    if doc is None:
        raise InputError("the file is empty", where=str(path))
    check_yaml_expansion(doc, str(path))
    if not isinstance(doc, dict) or not set(doc) - {"__line__"} <= {"sources", "entities"}:
        raise InputError("a data file is a mapping with `sources` and `entities` lists", where=str(path))
    for name in ("sources", "entities"):
        if doc.get(name) is not None and not isinstance(doc[name], list):
            raise InputError(f"`{name}` is a list of mappings (items starting with `- id:`)", where=str(path),
                             field=name)
    return doc


def read_dir(directory: Path | str) -> Curated:
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else [directory]
    if not files:
        raise InputError("no *.yaml data files found", where=str(directory))
    return read_files(files)


def read_files(files) -> Curated:
    """Read data files as one knowledge base (in sorted order, so statement keys never depend on
    the order the files were named in)."""
    ont = load()
    files = sorted(files, key=str)
    cur = Curated(files=[str(f) for f in files])
    defined: dict = {}
    pending_links = []
    links = _Links()
    for path in files:
        doc = read_yaml(Path(path))
        for section in ("sources", "entities"):
            for i, item in enumerate(doc.get(section) or []):
                if not isinstance(item, dict):
                    raise InputError(f"each entry is a mapping (starting with `id:`), got {item!r}"[:200],
                                     where=f"{path} {section}[{i}]")
                _entity(cur, ont, path, item, defined, pending_links, links,
                        default_type="Source" if section == "sources" else None)
    for where, prop, target in pending_links:
        if target not in defined:
            raise InputError(f"dangling reference: {target!r} is not defined in any data file", where=where, field=prop)
    return cur


@dataclass
class _Links:
    """Statement keys across all files: links that share (src, rel, to, valid_from) are numbered
    in reading order, so an entity extended in a second file never reuses a key of the first;
    two links with the same explicit `id` are refused."""

    counts: dict = field(default_factory=dict)  # (src, rel, to, valid_from) -> links seen
    seen: dict = field(default_factory=dict)  # statement key -> where it was written

    def key(self, src, rel, target, link, where) -> str:
        from peninsula.loaders.mapping import statement_key

        explicit = link.get("id")
        if explicit is not None and (not isinstance(explicit, str) or not KEY_RE.fullmatch(explicit)):
            raise InputError(f"link id {explicit!r} is not a key such as stmt/prk-irn-scud (prefix/slug)",
                             where=where, field="id")
        if explicit is None:
            group = (src, rel, target, str(link.get("valid_from")))
            n = self.counts.get(group, 0)
            self.counts[group] = n + 1
            explicit = statement_key(src, rel, target, {"valid_from": group[3], "n": n})
        if explicit in self.seen:
            raise InputError(f"link id {explicit} is already used at {self.seen[explicit]}; two links need two "
                             "ids (or leave `id` out and the loader numbers them)", where=where, field="id")
        self.seen[explicit] = where
        return explicit


def _where(path, item) -> str:
    return f"{path}:{item.get('__line__', '?')}" if isinstance(item, dict) else str(path)


def _entity(cur, ont, path, item, defined, pending, links_seen, default_type=None):
    where = _where(path, item)
    if not isinstance(item, dict):
        raise InputError("each entry is a mapping", where=where)
    key = item.get("id")
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise InputError(f"id {key!r} is not a key such as state/PRK (prefix/slug)", where=where, field="id")
    s = term_of(key)
    type_name = item.get("type", default_type)
    g = cur.graph
    if type_name is not None:
        cls = ont.classes.get(type_name) if isinstance(type_name, str) else None
        if cls is None or type_name == "Entity":
            raise InputError(f"unknown class {type_name!r}", where=where, field="type")
        if key in defined:
            if defined[key][1] == _content(item):
                return  # the same source written identically in two files
            raise InputError(f"{key} is already defined at {defined[key][0]}", where=where, field="id")
        defined[key] = (where, _content(item))
        cur.origin[s] = where
        g.add((s, RDF.type, cls.iri))
        for k, v in item.items():
            if k in ITEM_FIELDS or k == "__line__":
                continue
            for p, o in _values(ont, k, v, where):
                g.add((s, p, o))
    else:
        cur.origin.setdefault(s, where)
        extra = set(item) - {"id", "links", "__line__"}
        if extra:
            raise InputError(f"an item without `type` only adds links; unexpected {sorted(extra)}", where=where)
        pending.append((where, "id", key))
    for src in _sources(item, where, required=type_name not in (None, "Source")):
        g.add((s, PEN.source, term_of(src)))
        pending.append((where, "sources", src))
    links = item.get("links") or []
    if not isinstance(links, list):
        raise InputError("links is a list of mappings with rel, to and sources", where=where, field="links")
    for link in links:
        _link(cur, ont, path, s, key, link, pending, links_seen)


def _content(item) -> str:
    return repr(sorted((k, repr(v)) for k, v in item.items() if k != "__line__"))


def _sources(item, where, required):
    sources = item.get("sources")
    if sources is None:
        if required:
            raise InputError("every entity and relationship cites at least one source", where=where, field="sources")
        return []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(x, str) for x in sources):
        raise InputError("sources is a non-empty list of source ids (src/...)", where=where, field="sources")
    return sources


def _link(cur, ont, path, s, key, link, pending, links_seen):
    where = _where(path, link)
    if not isinstance(link, dict):
        raise InputError("each link is a mapping with rel, to and sources", where=where, field="links")
    rel = link.get("rel")
    prop = ont.properties.get(rel) if isinstance(rel, str) else None
    if prop is None or prop.rel_type is None:
        raise InputError(f"unknown relationship {rel!r}", where=where, field="rel")
    target = link.get("to")
    if not isinstance(target, str) or not KEY_RE.fullmatch(target):
        raise InputError(f"`to` must be an entity key, got {target!r}", where=where, field="to")
    pending.append((where, "to", target))
    o = term_of(target)
    g = cur.graph
    g.add((s, prop.iri, o))
    stmt = term_of(links_seen.key(key, rel, target, link, where))
    cur.origin[stmt] = where
    g.add((stmt, RDF.type, RDF.Statement))
    g.add((stmt, RDF.subject, s))
    g.add((stmt, RDF.predicate, prop.iri))
    g.add((stmt, RDF.object, o))
    for src in _sources(link, where, required=True):
        g.add((stmt, PEN.source, term_of(src)))
        pending.append((where, "sources", src))
    for k, v in link.items():
        if k in LINK_FIELDS or k in ("sources", "__line__"):
            continue
        ann = ont.keys.get(k)
        if ann is None or not ann.on_relationship:
            raise InputError(f"{k!r} cannot annotate a relationship", where=where, field=k)
        for p, lit in _values(ont, k, v, where):
            g.add((stmt, p, lit))


def _values(ont, k, v, where):
    """One YAML field -> (predicate, object) pairs, typed by the ontology."""
    from rdflib import OWL, URIRef

    if k == "wikidata":
        for q in v if isinstance(v, list) else [v]:
            if not isinstance(q, str) or not QID_RE.fullmatch(q):
                raise InputError(f"{q!r} is not a Wikidata QID such as Q423", where=where, field=k)
            yield OWL.sameAs, URIRef(WIKIDATA + q)
        return
    prop = ont.keys.get(k)
    if prop is None or prop.name == "source":
        raise InputError(f"unknown property {k!r}", where=where, field=k)
    if prop.is_lang:
        if isinstance(v, str):
            v = {"en": v}
        if isinstance(v, list):
            v = {"en": v}
        if not isinstance(v, dict):
            raise InputError("give a string or a mapping of language to text, e.g. {en: ..., ko: ...}", where=where, field=k)
        for lang, texts in v.items():
            if lang == "__line__":
                continue
            if not isinstance(lang, str) or not LANG_RE.fullmatch(lang):
                raise InputError(f"{lang!r} is not a language tag such as en or ko", where=where, field=k)
            for text in texts if isinstance(texts, list) else [texts]:
                if not isinstance(text, str) or not text.strip():
                    raise InputError(f"{lang}: expected text, got {text!r}", where=where, field=k)
                check_text(text, where, k)
                yield prop.iri, Literal(text, lang=lang)
        return
    values = v if isinstance(v, list) and prop.multi else [v]
    for value in values:
        yield prop.iri, _literal(prop, value, where)


def _literal(prop, value, where):
    """One YAML value -> its RDF object, typed and checked by the codec (as every path types it)."""
    from peninsula.loaders.codec import codec

    return codec().parse(prop, value, where)


def validate_curated(cur: Curated) -> None:
    """SHACL-validate the curated graph; raise ValidationError naming file:line, entity, property."""
    from peninsula.ontology.shapes import validate

    problems = validate(cur.graph, where=cur.where)
    if problems:
        raise ValidationError(problems)
