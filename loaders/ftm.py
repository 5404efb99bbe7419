"""OpenSanctions / FollowTheMoney entities: one JSON object per line, read with `followthemoney`.

Each line becomes an entity proxy of followthemoney's model (`model.get_proxy`); what it maps to
follows the schema's place in the FtM hierarchy, never a list of schema names:

- legal entities become entities: a Person as Person, a PublicBody as GovernmentAgency, any other
  LegalEntity (Organization, Company, ...) as Organization;
- a Sanction becomes DESIGNATES from its regime (the UN 1718 regime when the authority is the
  Security Council and the programme the DPRK) to the sanctioned entity;
- edge schemata (`schema.edge`, ends `schema.edge_source` -> `schema.edge_target`) become the
  relationship of the ontology that fits (EDGES), or are counted as skipped with the reason
  (NO_RELATIONSHIP); Vessel, Address and other schemata with no class here are counted as skipped.

Dates are checked with FtM's date type; every value is checked against its property's type. Every
field and property is popped as it is read (reader.Fields): a property the schema does not have,
or one this reader leaves (a skipped schema's, too), is reported unread with the first line that
had it; `FORMAT` and IGNORED_PROPERTIES list what is left out on purpose, each with its reason.
Title, gender, birth, nationality, country and address, which the ontology has no property for,
go into the description as the UN reader writes them. A first pass indexes every id (and checks
every line) so an edge may come before the entities it joins. `followthemoney` costs ~0.5 s to
import, so it is imported on the first read, not with the CLI.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from peninsula.loaders.guard import load_json
from peninsula.loaders.matching import Record
from peninsula.loaders.reader import Fields, SourceFormat, close, describe
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import SHAPE

FORMAT = SourceFormat(
    name="ftm", title="FollowTheMoney entities (JSON lines)", suffixes=(".json", ".jsonl", ".ftm.json"),
    fields=("id", "schema", "properties", "datasets", "referents", "first_seen", "last_seen", "last_change",
            "target", "caption"),
    ignored={
        "datasets": "the OpenSanctions datasets an entity came from; the file loaded is the dataset here",
        "referents": "ids OpenSanctions merged into the entity; the entity's own id is its record id",
        "first_seen": "when OpenSanctions first saw the entity, not a fact about it",
        "last_change": "when OpenSanctions last saw a change, not a fact about it",
        "target": "OpenSanctions' flag for a sanctioned entity; the Sanction entities say by whom and when",
        "caption": "the display name OpenSanctions picked among the names, which are read",
    },
    # per file: an OpenSanctions DPRK export has a few hundred persons and organisations
    expect={"Actor": (1, 100_000)},
)
# properties of a person or organisation the ontology has no property for: into the description
DESCRIBED = (("title", "Title"), ("gender", "Gender"), ("birthDate", "Date of birth"), ("birthPlace", "Place of birth"),
             ("nationality", "Nationality"), ("citizenship", "Citizenship"), ("position", "Position"),
             ("country", "Country"), ("jurisdiction", "Jurisdiction"), ("incorporationDate", "Incorporated"),
             ("dissolutionDate", "Dissolved"), ("address", "Address"))
IGNORED_PROPERTIES = {  # of any schema: left unread on purpose
    "topics": "OpenSanctions' risk tags (sanction, poi, ...), which the ontology does not model",
    "sourceUrl": "the page the publisher read; the file loaded is the cited source",
    "createdAt": "when the publisher recorded the entity, not a fact about it",
    "modifiedAt": "when the publisher recorded the entity, not a fact about it",
    "retrievedAt": "when the publisher recorded the entity, not a fact about it",
    "passportNumber": "identity document numbers: personal data no question of the graph needs",
    "idNumber": "identity document numbers: personal data no question of the graph needs",
    "addressEntity": "a link to an Address entity, a schema with no class here (its text is in `address`)",
}
# FtM edge schema -> (relationship, reversed?, class the graph source must have, class the target must have)
EDGES = {
    "Membership": ("memberOf", False, "Actor", "Organization"),
    "Employment": ("memberOf", False, "Actor", "Organization"),  # as org:memberOf, noted "employment"
    "Directorship": ("leads", False, "Person", "Actor"),
    "Ownership": ("partOf", True, "Organization", "Organization"),  # the asset is part of the owner
}
NO_RELATIONSHIP = {
    "Associate": "a personal association; the ontology has no relationship between persons",
    "Family": "a family tie; the ontology has no relationship between persons",
    "UnknownLink": "a link of unknown meaning",
    "Representation": "an agent acting for a client; no relationship in the ontology",
    "Succession": "a predecessor and successor; no relationship in the ontology",
    "Occupancy": "the post held (a Position) has no class in the ontology",
}
QID = re.compile(r"^Q[1-9][0-9]*$")
DATE = SHAPE  # a partial date at the start of a text (ontology.temporal)
MAX_NOTES = 20


@cache
def _ftm():
    """followthemoney's model, type registry and exception root, imported on first use."""
    from followthemoney import model, registry
    from followthemoney.exc import FollowTheMoneyException

    return model, registry, FollowTheMoneyException


def _lines(path):
    model, _, ftm_error = _ftm()
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            where = f"{path}:{n}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=where) from None
            if not text.strip():
                continue
            obj = load_json(text, where, what="not a JSON object (a truncated line?)", line_in_where=True)
            if not isinstance(obj, dict):
                raise InputError("each line is one JSON object", where=where)
            for field in ("id", "schema"):
                if not isinstance(obj.get(field), str) or not obj[field]:
                    raise InputError(f"needs a string {field!r}", where=where, field=field)
                if not obj[field].isprintable():
                    raise InputError(f"{obj[field][:80]!r} has a control character or a lone surrogate",
                                     where=where, field=field)
            props = obj.get("properties", {})
            if not isinstance(props, dict) or not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in props.values()):
                raise InputError("properties map names to lists of strings", where=where, field="properties")
            try:
                proxy = model.get_proxy(obj)
            except ftm_error as exc:  # InvalidData and the rest of the library's exceptions
                if model.get(obj["schema"]) is None:
                    raise InputError(f"unknown FtM schema {obj['schema']!r} (followthemoney: {exc})",
                                     where=where, field="schema") from None
                raise InputError(f"followthemoney refused the entity: {exc}", where=where, field=_field(exc)) from None
            yield where, obj, proxy


def _field(exc):
    """The property an FtM InvalidData names, if any."""
    errors = getattr(exc, "errors", None)
    props = errors.get("properties") if isinstance(errors, dict) else None
    return f"properties.{next(iter(props))}" if isinstance(props, dict) and props else None


def _key_part(ftm_id: str) -> str:
    s = slug(ftm_id, 50)
    return s if s == ftm_id.lower() else f"{s}-{hashlib.sha1(ftm_id.encode()).hexdigest()[:8]}"


def _class(schema) -> str | None:
    """The ontology class of a thing schema, by its place in the FtM hierarchy; None if it has none."""
    if schema.is_a("Person"):
        return "Person"
    if schema.is_a("PublicBody"):
        return "GovernmentAgency"
    if schema.is_a("LegalEntity"):  # Organization, Company and any other legal entity
        return "Organization"
    return None


def _date(proxy, names, where):
    """The first date of the first property in `names` that has one, checked by FtM's date type."""
    registry = _ftm()[1]
    for name in names:
        for v in proxy.get(name, quiet=True):
            if registry.date.validate(v):
                return registry.date.clean(v)[:10]
            m = DATE.match(v.strip())
            if not m:
                raise InputError(f"{v!r} is not a date", where=where, field=f"properties.{name}")
            return m.group(0)  # shaped like a date but not one (2020-02-30): the ontology names the fault
    return None


def read(path, kb, **_options) -> Batch:
    batch = Batch("ftm", path, kb, progress=_options.get("progress"))
    stats = batch.report.stats
    file_src = f"src/ftm-{slug(path.stem)}"
    keys: dict = {}  # FtM id -> graph key (first pass)
    classes: dict = {}  # graph key -> ontology class its FtM schema maps to
    last_seen = []
    for _where, _obj, proxy in _lines(path):
        stats["lines"] += 1
        cls = _class(proxy.schema)
        if cls is not None:
            keys[proxy.id] = _match(batch, proxy, cls, _where)
            classes[keys[proxy.id]] = cls
    for where, obj, entity in _lines(path):
        batch.tick()
        top = Fields(obj, where, batch.audit, ignored=FORMAT.ignored)
        top.ignore("id", "schema")
        props = _check(batch, top.pop("properties") or {}, entity, where)
        if isinstance(obj.get("last_seen"), str) and DATE.match(obj["last_seen"]):
            last_seen.append(obj["last_seen"][:10])
        top.pop("last_seen")
        proxy = _Entity(entity, props)
        schema = proxy.schema
        if _class(schema) is not None:
            _thing(batch, kb, proxy, keys[proxy.id], where, file_src)
        elif schema.is_a("Sanction"):
            _sanction(batch, kb, proxy, keys, where, file_src)
        elif schema.edge:
            _edge(batch, kb, proxy, keys, classes, where, file_src)
        else:
            _skip(stats, schema.name)
        props.done()
        top.done()
    if not stats["read"]:
        raise InputError("no entities (an empty file)", where=str(path))
    batch.source(file_src, str(path), publisher="OpenSanctions (FollowTheMoney entities)",
                 title=f"FollowTheMoney entities ({path.name})", date=max(last_seen) if last_seen else None)
    close(batch, FORMAT)
    return batch


def _skip(stats, schema: str, reason: str | None = None):
    stats["skipped"] += 1
    stats[f"skipped {schema}" + (f" ({reason})" if reason else "")] += 1


class _Entity:
    """An entity proxy whose properties are read by popping: `get` marks a property read (reader.Fields)."""

    def __init__(self, proxy, props: Fields):
        self.proxy, self.props = proxy, props
        self.schema, self.id = proxy.schema, proxy.id

    def get(self, name: str, quiet: bool = True) -> list[str]:
        self.props.pop(name)
        return self.proxy.get(name, quiet=True)

    def read(self, *names: str) -> None:
        """Properties read elsewhere (by the matcher's first pass) or looked at as one of several."""
        self.props.ignore(*names)


def _check(batch, properties: dict, proxy, where) -> Fields:
    """The properties to pop; one the schema does not have is reported, a value FtM calls invalid noted."""
    report, schema = batch.report, proxy.schema
    known = {}
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            batch.audit.unread(f"{schema.name}.{name} (not a property of the FtM schema)", where)
            continue
        known[name] = values
        for v in values:
            if not _valid(prop, v):
                label = f"invalid {schema.name}.{name}"
                if not report.stats[label]:
                    _note(report, f"{where}: {schema.name}.{name} {v[:80]!r} is not a valid {prop.type.name}")
                report.stats[label] += 1
    return Fields(known, where, batch.audit, prefix=f"{schema.name}.", ignored=IGNORED_PROPERTIES)


def _valid(prop, value) -> bool:
    try:
        return bool(prop.type.validate(value, format=prop.format))
    except (_ftm()[2], ValueError):  # a lone surrogate makes some types' codecs raise UnicodeEncodeError
        return False


def _note(report, text):
    if len(report.notes) < MAX_NOTES:
        report.notes.append(text)


def _match(batch, proxy, cls, where) -> str:
    """The shared matcher: Wikidata QID or UN reference first, then normalised names and aliases."""
    proposed = f"{'person' if cls == 'Person' else 'org'}/ftm-{_key_part(proxy.id)}"
    qids = [q for q in proxy.get("wikidataId", quiet=True) if QID.match(q)]
    refs = [r.strip() for r in proxy.get("unscId", quiet=True)]
    names = proxy.get("name", quiet=True)
    if not names:
        return proposed  # refused with its line by _thing
    decision = batch.decide(Record(names=names, aliases=proxy.get("alias", quiet=True), cls=cls, proposed=proposed,
                                   where=where, ids={"wikidata": qids[0] if qids else None,
                                                     "reference_number": refs[0] if refs else None}))
    return decision.key


def _thing(batch, kb, proxy, key, where, file_src):
    get = proxy.get
    proxy.read("unscId")  # matched on by _match in the first pass
    names = get("name", quiet=True)
    aliases = [a for a in get("alias", quiet=True) + get("weakAlias", quiet=True) + get("previousName", quiet=True)
               if a not in names[:1]] + names[1:]
    notes = describe(" ".join(get("notes", quiet=True) + get("summary", quiet=True) + get("description", quiet=True)),
                     [(label, _shown(proxy, name)) for name, label in DESCRIBED])
    qids = [q for q in get("wikidataId", quiet=True) if QID.match(q)]
    if key in kb.nodes and not key.split("/", 1)[1].startswith("ftm-"):
        batch.existing(key)  # matched: link to it, leave its curated content alone
        return
    if not names:
        raise InputError(f"a {proxy.schema.name} needs a name", where=where, field="properties.name")
    batch.entity(key, _class(proxy.schema), where, {
        "name": {"en": names[0]}, "alias": {"en": sorted(set(aliases))} if aliases else None,
        "description": {"en": notes} if notes else None, "wikidata": qids[0] if qids else None,
        "record_id": proxy.id,
    }, [file_src])


def _shown(proxy, name) -> list[str]:
    """A property's values as text to read: a country code as its name (`kp` -> North Korea)."""
    prop = proxy.schema.get(name)
    values = proxy.get(name, quiet=True)
    if prop is None or not values:
        return []
    return [prop.type.caption(v) or v if prop.type.name == "country" else v for v in values]


def _period(proxy, where):
    proxy.read("startDate", "listingDate", "endDate")  # the first of them with a date is taken
    return _date(proxy, ("startDate", "listingDate"), where), _date(proxy, ("endDate",), where)


def _sanction(batch, kb, proxy, keys, where, file_src):
    start, end = _period(proxy, where)
    target = keys.get((proxy.get("entity") or [""])[0])
    if target is None:
        _skip(batch.report.stats, proxy.schema.name, "sanctioned entity not in the file")
        return
    regime = _regime(batch, kb, proxy, where, file_src)
    refs = proxy.get("unscId") + proxy.get("authorityId")
    batch.link(regime, "designates", target, where, [file_src], valid_from=start, valid_to=end,
               reference_number=refs[0].strip() if refs else None, record_id=proxy.id)


def _rule(schema):
    """The EDGES entry for an edge schema (or one it extends), or None."""
    return next((rule for name, rule in EDGES.items() if schema.is_a(name)), None)


def _edge(batch, kb, proxy, keys, classes, where, file_src):
    schema, stats = proxy.schema, batch.report.stats
    rule = _rule(schema)
    if rule is None:
        reason = next((r for name, r in NO_RELATIONSHIP.items() if schema.is_a(name)),
                      "no relationship in the ontology")
        _skip(stats, schema.name, reason)
        return
    rel, flip, src_cls, dst_cls = rule
    start, end = _period(proxy, where)
    ends = [(p, keys.get((proxy.get(p) or [""])[0])) for p in (schema.edge_source, schema.edge_target)]
    if any(key is None for _, key in ends):
        _skip(stats, schema.name, "an end is not in the file")
        return
    for (prop, key), cls in zip(ends, (dst_cls, src_cls) if flip else (src_cls, dst_cls), strict=True):
        have_is_a = kb.is_a(key, cls) if key in kb.nodes else batch.ont.is_a(classes[key], cls)
        if not have_is_a:
            _skip(stats, schema.name, f"{prop} is not {'an' if cls[0] in 'AEIOU' else 'a'} {cls.lower()}")
            return
    (_, src), (_, dst) = ends[::-1] if flip else ends
    notes = {"Ownership": "ownership", "Employment": "employment"}
    note = next((n for name, n in notes.items() if schema.is_a(name)), None)
    pct = "; ".join(proxy.get("percentage", quiet=True))
    if note and pct:
        note += f" ({pct}%)"
    role = "; ".join(proxy.get("role", quiet=True)) or None
    batch.link(src, rel, dst, where, [file_src], valid_from=start, valid_to=end, role=role, note=note,
               record_id=proxy.id)


def _regime(batch, kb, proxy, where, file_src) -> str:
    authority = " ".join(proxy.get("authority"))
    program = " ".join(proxy.get("program") + proxy.get("programId"))
    if "security council" in authority.casefold() and re.search(r"dprk|1718|korea", program, re.I):
        key = "regime/un-1718"
    else:
        key = f"regime/ftm-{slug(authority + ' ' + program) if (authority or program) else 'unknown'}"
    if key in kb.nodes:
        batch.existing(key)
    elif key not in batch.owned:
        label = ": ".join(x for x in (authority, program) if x) or "unnamed sanctions programme"
        batch.entity(key, "SanctionsRegime", where, {"name": {"en": label}}, [file_src])
    return key
