"""OpenSanctions / FollowTheMoney entities: one JSON object per line, read without the library.

Thing schemata become entities (Person; Organization, Company, LegalEntity, PublicBody as
Organization); interval schemata become relationships: Sanction -> DESIGNATES from the regime
(the UN 1718 regime when the authority is the Security Council and the programme the DPRK),
Membership -> MEMBER_OF, Directorship -> LEADS (with the role), Ownership between organizations
-> PART_OF (the asset is part of the owner). Vessel and Address have no class in the ontology:
they are counted as skipped, never silently dropped. A first pass indexes every id (and checks
every line) so an edge may come before the entities it joins.
"""

from __future__ import annotations

import hashlib
import json
import re

from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError

THINGS = {"Person": "Person", "Organization": "Organization", "Company": "Organization",
          "LegalEntity": "Organization", "PublicBody": "GovernmentAgency"}
EDGES = {"Sanction", "Membership", "Directorship", "Ownership"}
NO_CLASS = {"Vessel", "Address", "Airplane", "Identification", "Passport", "Note", "UnknownLink", "Family",
            "Associate", "Occupancy", "Position", "Security", "CryptoWallet", "BankAccount"}
FIELDS = {"id", "schema", "properties", "datasets", "referents", "first_seen", "last_seen", "last_change",
          "target", "caption"}
READ_PROPS = {"name", "alias", "weakAlias", "previousName", "wikidataId", "notes", "summary", "description",
              "entity", "authority", "program", "programId", "listingDate", "startDate", "endDate", "unscId",
              "authorityId", "member", "organization", "director", "role", "owner", "asset", "percentage"}
QID = re.compile(r"^Q[1-9][0-9]*$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def _lines(path):
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            where = f"{path}:{n}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=where) from None
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"not a JSON object ({exc.msg} at column {exc.colno}; a truncated line?)",
                                 where=where) from None
            except (RecursionError, ValueError) as exc:  # nested too deeply; an integer of thousands of digits
                raise InputError(f"not a JSON object Peninsula can read ({str(exc)[:120] or 'nested too deeply'})",
                                 where=where) from None
            if not isinstance(obj, dict):
                raise InputError("each line is one JSON object", where=where)
            for field in ("id", "schema"):
                if not isinstance(obj.get(field), str) or not obj[field]:
                    raise InputError(f"needs a string {field!r}", where=where, field=field)
            props = obj.get("properties", {})
            if not isinstance(props, dict) or not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in props.values()):
                raise InputError("properties map names to lists of strings", where=where, field="properties")
            yield where, obj


def _key_part(ftm_id: str) -> str:
    s = slug(ftm_id, 50)
    return s if s == ftm_id.lower() else f"{s}-{hashlib.sha1(ftm_id.encode()).hexdigest()[:8]}"


def _date(values, where, field):
    for v in values:
        m = DATE.match(v.strip())
        if not m:
            raise InputError(f"{v!r} is not a date", where=where, field=field)
        return m.group(0)
    return None


def read(path, kb, **_options) -> Batch:
    batch = Batch("ftm", path, kb, progress=_options.get("progress"))
    stats, unread = batch.report.stats, batch.report.unread
    file_src = f"src/ftm-{slug(path.stem)}"
    keys: dict = {}  # FtM id -> graph key (first pass)
    last_seen = []
    for where, obj in _lines(path):
        stats["lines"] += 1
        if obj["schema"] in THINGS:
            keys[obj["id"]] = _match(batch, kb, obj, where)
    for where, obj in _lines(path):
        batch.tick()
        for field in obj:
            if field not in FIELDS:
                unread[field] += 1
        schema, props = obj["schema"], obj.get("properties", {})
        for name in props:
            if name not in READ_PROPS:
                unread[f"{schema}.{name}"] += 1
        if obj.get("last_seen"):
            last_seen.append(obj["last_seen"][:10])
        if schema in THINGS:
            _thing(batch, kb, obj, keys[obj["id"]], where, file_src)
        elif schema in EDGES:
            _edge(batch, kb, obj, keys, where, file_src)
        else:
            stats["skipped"] += 1
            stats[f"skipped {schema}"] += 1
    if not stats["read"]:
        raise InputError("no entities (an empty file)", where=str(path))
    batch.source(file_src, str(path), publisher="OpenSanctions (FollowTheMoney entities)",
                 title=f"FollowTheMoney entities ({path.name})", date=max(last_seen) if last_seen else None)
    return batch


def _match(batch, kb, obj, where) -> str:
    props = obj.get("properties", {})
    for q in props.get("wikidataId", []):
        if QID.match(q) and q in kb.qids:
            return kb.qids[q]
    cls = THINGS[obj["schema"]]
    for name in props.get("name", []) + props.get("alias", []):
        found = kb.find(name, "Person" if cls == "Person" else "Organization")
        if len(found) == 1:
            return found[0]
    return f"{'person' if cls == 'Person' else 'org'}/ftm-{_key_part(obj['id'])}"


def _thing(batch, kb, obj, key, where, file_src):
    props = obj.get("properties", {})
    if key in kb.nodes and not key.split("/", 1)[1].startswith("ftm-"):
        batch.existing(key)  # matched: link to it, leave its curated content alone
        return
    names = props.get("name", [])
    if not names:
        raise InputError(f"a {obj['schema']} needs a name", where=where, field="properties.name")
    aliases = [a for a in props.get("alias", []) + props.get("weakAlias", []) + props.get("previousName", [])
               if a not in names[:1]] + names[1:]
    notes = " ".join(props.get("notes", []) + props.get("summary", []) + props.get("description", []))
    qids = [q for q in props.get("wikidataId", []) if QID.match(q)]
    batch.entity(key, THINGS[obj["schema"]], where, {
        "name": {"en": names[0]}, "alias": {"en": sorted(set(aliases))} if aliases else None,
        "description": {"en": notes} if notes else None, "wikidata": qids[0] if qids else None,
        "record_id": obj["id"],
    }, [file_src])


def _edge(batch, kb, obj, keys, where, file_src):
    schema, props, stats = obj["schema"], obj.get("properties", {}), batch.report.stats
    start = _date(props.get("startDate", []) or props.get("listingDate", []), where, "properties.startDate")
    end = _date(props.get("endDate", []), where, "properties.endDate")
    ends = {"Sanction": ("entity", None), "Membership": ("member", "organization"),
            "Directorship": ("director", "organization"), "Ownership": ("asset", "owner")}[schema]
    if schema == "Sanction":
        target = keys.get((props.get("entity") or [""])[0])
        if target is None:
            stats["skipped"] += 1
            stats["skipped (sanctioned entity not in the file)"] += 1
            return
        regime = _regime(batch, kb, props, where, file_src)
        refs = props.get("unscId", []) + props.get("authorityId", [])
        batch.link(regime, "designates", target, where, [file_src], valid_from=start, valid_to=end,
                   reference_number=refs[0].strip() if refs else None, record_id=obj["id"])
        return
    src, dst = (keys.get((props.get(ends[0]) or [""])[0]), keys.get((props.get(ends[1]) or [""])[0]))
    if src is None or dst is None:
        stats["skipped"] += 1
        stats[f"skipped {schema} (an end is not in the file)"] += 1
        return
    if schema == "Membership":
        batch.link(src, "memberOf", dst, where, [file_src], valid_from=start, valid_to=end, record_id=obj["id"])
    elif schema == "Directorship":
        role = "; ".join(props.get("role", [])) or None
        batch.link(src, "leads", dst, where, [file_src], valid_from=start, valid_to=end, role=role, record_id=obj["id"])
    elif src.startswith("org/") and dst.startswith("org/"):
        pct = "; ".join(props.get("percentage", []))
        batch.link(src, "partOf", dst, where, [file_src], valid_from=start, valid_to=end, record_id=obj["id"],
                   note=f"ownership{f' ({pct}%)' if pct else ''}")
    else:
        stats["skipped"] += 1
        stats["skipped Ownership (owner is not an organization)"] += 1


def _regime(batch, kb, props, where, file_src) -> str:
    authority = " ".join(props.get("authority", []))
    program = " ".join(props.get("program", []) + props.get("programId", []))
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
