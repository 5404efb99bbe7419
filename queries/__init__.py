"""Cypher query packs: queries/<pack>/<name>.cypher with a metadata header, and the runner.

A header is a block of `//` comment lines at the top of the file:

    // title: Alliance network as of a date
    // description: Alliances in force on the date, with the treaty they rest on.
    // audience: analyst
    // param as_of: date = 2018-06-12
    // param limit: int = 50
    // graph: from=a to=b type=rel

`graph` names the columns that hold the two node keys and the relationship type, so the
result can be drawn as a view. A file `<name>.neo4j.cypher` beside it is the Neo4j variant.

A string parameter may take only listed values: `// param kind: string = any in any|@kind`.
The choices are separated by `|`; `@key` stands for the values the ontology's SHACL shapes allow
(`sh:in`) for the property with graph key `key`, so they are never written twice. Any other value
is refused, naming the parameter and the values it takes (matched case-insensitively).

Dates, in the data and in `as_of`, are partial ISO dates: YYYY, YYYY-MM or YYYY-MM-DD, compared at the
precision of the shorter of the two (`peninsula.ontology.temporal`): a start counts from the first day of
its period, an end through the last day, an `as_of` of YYYY or YYYY-MM means any day in it. The as-of
rule is written once, in that module; a query asks for it with a macro the parser expands before any
engine or linter sees the text:

    WHERE {{holds(r)}}                        r.valid_from / r.valid_to hold as of $as_of
    WHERE {{holds(t.date_in_force, t.date_terminated)}}
    WHERE {{not_after(e.date)}}               an event on or before $as_of
    WHERE {{not_before(r.valid_to, $start)}}  a second argument compares with something else

A fact with no end (`valid_to` absent) is open: it holds from its start on. A fact that ended on a day
no source gives carries `end_unknown = true`; `holds` still counts it (nothing says when it
stopped), and as-of answers show its `until` as 'unknown' rather than 'open'
(`coalesce(r.valid_to, CASE WHEN r.end_unknown THEN 'unknown' ELSE 'open' END)`).
Parameters of type key or iso3 must name something in the store (`check_anchors`).

A type followed by `?` is optional: `// param state: iso3? = any`. The value `any` (the default when
none is written; matched case-insensitively) binds as `'any'` and means no filter (`$state = 'any' OR
...`); any other value is checked as the type, so a misspelt code or key is an error naming the
parameter and the value, never an empty answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from peninsula.ontology import QueryError
from peninsula.ontology.temporal import expand, partial_date

HEADER = re.compile(r"^//\s*(\w+)(?:\s+(\w+))?\s*:\s*(.*)$")
PARAM = re.compile(r"^(\w+\??)\s*(?:=\s*(.*?))?(?:\s+in\s+(\S+))?\s*$")
TYPES = ("date", "string", "int", "float", "bool", "iso3", "key")
ANY = "any"  # the value of an optional parameter (`type?`) that means no filter




def _iso3(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", str(text).strip()):
        raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-3 code such as PRK")
    return str(text).strip().upper()


def _key(text: str) -> str:
    if not re.fullmatch(r"[a-z]+/[A-Za-z0-9._\-]+", str(text).strip()):
        raise ValueError(f"{text!r} is not an entity key such as state/PRK")
    return str(text).strip()


def _bool(text) -> bool:
    if isinstance(text, bool):
        return text
    if str(text).lower() in ("true", "yes", "1"):
        return True
    if str(text).lower() in ("false", "no", "0"):
        return False
    raise ValueError(f"{text!r} is not true or false")


CONVERT = {"date": partial_date, "string": str, "int": int, "float": float, "bool": _bool, "iso3": _iso3, "key": _key}


@cache
def _shacl_choices() -> dict[str, tuple[str, ...]]:
    """Graph property key -> the values its SHACL `sh:in` list allows."""
    from rdflib.collection import Collection

    from peninsula.ontology.model import load
    from peninsula.ontology.shapes import SH, shapes_graph

    ont = load()
    key_of = {p.iri: key for key, p in ont.keys.items()}
    g = shapes_graph()
    out: dict = {}
    for shape, values in g.subject_objects(SH["in"]):
        key = key_of.get(g.value(shape, SH.path))
        if key:
            out[key] = tuple(str(v) for v in Collection(g, values))
    return out


def _choices(spec: str, where: str) -> tuple[str, ...]:
    out: list = []
    for item in spec.split("|"):
        item = item.strip()
        if item.startswith("@"):
            allowed = _shacl_choices().get(item[1:])
            if allowed is None:
                raise QueryError(f"{where}: {item} names no property with an sh:in list in ontology/shapes.ttl "
                                 f"(those with one: {', '.join(sorted(_shacl_choices()))})")
            out.extend(v for v in allowed if v not in out)
        elif item and item not in out:
            out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: object = None
    required: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False

    def is_any(self, value) -> bool:
        """Whether `value` is the `any` of an optional parameter (no filter)."""
        return self.optional and str(value).strip().lower() == ANY

    def convert(self, value):
        if self.is_any(value):
            return ANY
        try:
            value = CONVERT[self.type](value)
        except (ValueError, TypeError) as exc:
            raise QueryError(f"parameter {self.name!r} expects {self.type}: {exc}") from None
        if self.choices:
            match = [c for c in self.choices if c.lower() == str(value).strip().lower()]
            if not match:
                raise QueryError(f"parameter {self.name!r} expects one of {', '.join(self.choices)}; "
                                 f"got {value!r}")
            value = match[0]
        return value

    @property
    def signature(self) -> str:
        """How `peninsula queries` shows it: name:type[=default][ in a|b|c]."""
        text = f"{self.name}:{self.type}{'?' if self.optional else ''}" + (f"={self.default}" if self.default is not None else "")
        return text + (f" in {'|'.join(self.choices)}" if self.choices else "")


@dataclass
class Query:
    pack: str
    name: str
    title: str
    description: str
    audience: str
    params: dict[str, Param]
    cypher: str
    variants: dict[str, str] = field(default_factory=dict)
    graph: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.pack}/{self.name}"

    def text_for(self, dialect: str) -> str:
        return self.variants.get(dialect, self.cypher)

    def bind(self, given: dict | None = None) -> dict:
        """Check and convert parameters: unknown ones, missing ones and wrong types are errors."""
        given = dict(given or {})
        unknown = set(given) - set(self.params)
        if unknown:
            raise QueryError(f"{self.id} has no parameter {sorted(unknown)[0]!r}; it takes: "
                             + (", ".join(f"{p.name} ({p.type})" for p in self.params.values()) or "none"))
        out = {}
        for p in self.params.values():
            if p.name in given:
                out[p.name] = p.convert(given[p.name])
            elif p.required:
                raise QueryError(f"{self.id} needs parameter {p.name!r} ({p.type})")
            else:
                out[p.name] = p.convert(p.default) if p.default is not None else None
        return out


def parse(pack: str, name: str, text: str, variants: dict | None = None) -> Query:
    meta: dict = {"title": name, "description": "", "audience": "analyst"}
    params: dict = {}
    graph: dict = {}
    for line in text.splitlines():
        if not line.startswith("//"):
            if line.strip():
                break
            continue
        m = HEADER.match(line)
        if not m:
            continue
        word, arg, value = m.group(1), m.group(2), m.group(3).strip()
        if word == "param" and arg:
            pm = PARAM.match(value)
            type_, default, spec = (pm.group(1), pm.group(2), pm.group(3)) if pm else (value, None, None)
            optional = type_.endswith("?")
            type_ = type_.rstrip("?")
            if type_ not in TYPES:
                raise QueryError(f"{pack}/{name}: parameter {arg} has unknown type {type_!r} (one of {', '.join(TYPES)})")
            default = (default or "").strip() or (ANY if optional else None)
            choices = _choices(spec, f"{pack}/{name}: parameter {arg}") if spec else ()
            if choices and type_ != "string":
                raise QueryError(f"{pack}/{name}: parameter {arg} lists choices but is {type_}; only string takes them")
            param = Param(arg, type_, default, required=default is None, choices=choices, optional=optional)
            if default is not None:
                try:
                    param.convert(default)
                except QueryError as exc:
                    raise QueryError(f"{pack}/{name}: the default of {exc}") from None
            params[arg] = param
        elif word == "graph":
            graph = dict(part.split("=", 1) for part in value.split() if "=" in part)
        elif word in meta:
            meta[word] = value
    return Query(pack, name, meta["title"], meta["description"], meta["audience"], params, _expand(pack, name, text),
                 {d: _expand(pack, f"{name}.{d}", v) for d, v in (variants or {}).items()}, graph)


def _expand(pack: str, name: str, text: str) -> str:
    """The text with its date macros written out (temporal.expand); a bad macro names the query file."""
    try:
        return expand(text)
    except ValueError as exc:
        raise QueryError(f"queries/{pack}/{name}.cypher: {exc}") from None


def packs() -> dict[str, dict[str, Query]]:
    """Every pack and its queries, read from the package."""
    root = resources.files("peninsula.queries")
    out: dict = {}
    for pack_dir in sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")), key=lambda p: p.name):
        files = {f.name: f for f in pack_dir.iterdir() if f.name.endswith(".cypher")}
        queries = {}
        for fname in sorted(files):
            stem = fname[: -len(".cypher")]
            if "." in stem:
                continue  # a dialect variant, read with its base query
            variants = {f[len(stem) + 1: -len(".cypher")]: files[f].read_text("utf-8") for f in files
                        if f.startswith(stem + ".") and f != fname}
            queries[stem] = parse(pack_dir.name, stem, files[fname].read_text("utf-8"), variants)
        if queries:
            out[pack_dir.name] = queries
    return out


def get(query_id: str) -> Query:
    pack, _, name = query_id.partition("/")
    all_packs = packs()
    if pack not in all_packs:
        raise QueryError(f"no query pack {pack!r}; packs: {', '.join(all_packs)}. `peninsula queries` lists them.")
    if name not in all_packs[pack]:
        raise QueryError(f"no query {name!r} in pack {pack!r}; it has: {', '.join(all_packs[pack])}")
    return all_packs[pack][name]


# How `run` checks that a key or ISO code given as a parameter names something in the store.
ANCHOR_CHECKS = {
    "key": "MATCH (n:Entity {key: $value}) RETURN count(n) AS found",
    "iso3": "MATCH (n:State {iso3: $value}) RETURN count(n) AS found",
}
ANCHOR_NEAR = {
    "key": "MATCH (n:Entity) WHERE n.key STARTS WITH $prefix RETURN n.key AS value ORDER BY value",
    "iso3": "MATCH (n:State) RETURN n.iso3 AS value ORDER BY value",
}


def check_anchors(store, q: Query, bound: dict) -> None:
    """A key or ISO code that names nothing in the store is an error naming the parameter and the
    value (with the nearest values the store holds), not an empty answer."""
    import difflib

    for p in q.params.values():
        value = bound.get(p.name)
        if p.type not in ANCHOR_CHECKS or value is None or p.is_any(value):
            continue
        if store.query(ANCHOR_CHECKS[p.type], {"value": value})[0]["found"]:
            continue
        prefix = value.split("/", 1)[0] + "/" if p.type == "key" else ""
        held = [r["value"] for r in store.query(ANCHOR_NEAR[p.type], {"prefix": prefix}) if r["value"]]
        near = difflib.get_close_matches(value, held, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        what = "entity with key" if p.type == "key" else "state with ISO code"
        raise QueryError(f"{q.id}: parameter {p.name!r}: no {what} {value!r} in the store{hint}")


def run(store, query_id: str, params: dict | None = None) -> list[dict]:
    """Run a pack query read-only on the store, with its parameters checked and typed; keys and ISO
    codes must name something in the store."""
    q = get(query_id)
    bound = q.bind(params)
    check_anchors(store, q, bound)
    return store.query(q.text_for(store.dialect), bound)


PACK_ID = re.compile(r"[a-z0-9_]+/[a-z0-9_]+")


def is_pack_id(text: str) -> bool:
    """PACK/NAME of a pack query (anything else given where a query is expected is Cypher text)."""
    return bool(PACK_ID.fullmatch(text.strip()))


def run_query(store, id_or_cypher: str, params: dict | None = None, *, write: bool = False) -> list[dict]:
    """The one way to run a query: a pack query by PACK/NAME (read-only; parameters checked and
    typed, anchors looked up: `run`), or Cypher text with its parameters (read-only unless `write`)."""
    if is_pack_id(id_or_cypher):
        if write:
            raise QueryError(f"{id_or_cypher.strip()}: pack queries are read-only; write with Cypher text")
        return run(store, id_or_cypher.strip(), params)
    return store.query(id_or_cypher, params or {}, write=write)
