"""Wikidata enrichment: SPARQL JSON results (the query below) or entity JSON (Special:EntityData).

Wikidata never creates entities here: each item is matched to one already in the knowledge base
(by QID, then ISO 3166-1 alpha-3 code, then English label) and enriched with what it lacks:
`owl:sameAs` (the `wikidata` key), names in other languages (ko, ja, zh, ru, fr, de, es),
the inception date (as `valid_from`) and memberships (P463 with start/end qualifiers, as
MEMBER_OF relationships). A QID that disagrees with the one already known is reported, never
overwritten. Produce the file by running `sparql_query()` at https://query.wikidata.org
(download as JSON).

Every variable of a result, and every claim and key of an entity, is popped as it is read
(reader.Fields); what is left (another claim, a variable the query above does not select) is
reported unread with the first result or entity that had it. `FORMAT` lists the keys of entity
JSON left out on purpose, each with its reason.
"""

from __future__ import annotations

import re
from collections import defaultdict

from peninsula.loaders.guard import load_json
from peninsula.loaders.reader import Fields, SourceFormat, close
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import DAY, FORMS

ENTITY = "http://www.wikidata.org/entity/"
LANGS = ("ko", "ja", "zh", "ru", "fr", "de", "es")
PRECISION = {11: 10, 10: 7, 9: 4}  # Wikidata time precision -> characters of YYYY-MM-DD kept
QID = re.compile(r"^Q[1-9][0-9]*$")
_VARS = ("item", "iso3", "label", "inception", "inceptionPrecision", "org", "orgLabel", "start", "startPrecision",
         "end", "endPrecision")
_BOOKKEEPING = "Wikidata's page bookkeeping, not a fact about the item"
FORMAT = SourceFormat(
    name="wikidata", title="Wikidata (SPARQL JSON results or entity JSON)", suffixes=(".json",),
    fields=(*_VARS, "id", "type", "labels", "claims", "descriptions", "aliases", "sitelinks", "pageid", "ns", "title",
            "lastrevid", "modified", "P298", "P571", "P463", "P463/P580", "P463/P582"),
    ignored={
        "type": _BOOKKEEPING, "pageid": _BOOKKEEPING, "ns": _BOOKKEEPING, "title": _BOOKKEEPING,
        "lastrevid": _BOOKKEEPING, "modified": _BOOKKEEPING,
        "descriptions": "Wikidata's one-line descriptions; the curated description is kept",
        "aliases": "aliases in every language, uncurated; names in other languages come from the labels",
        "sitelinks": "links to Wikipedia articles, not facts about the item",
    },
    # per file: the states and organisations of the knowledge base (a few dozen)
    expect={"Actor": (1, 1000)},
)

QUERY = """\
# Peninsula: Wikidata enrichment for the states of the knowledge base (run at query.wikidata.org,
# download the result as JSON, then `peninsula load --format wikidata FILE`).
SELECT ?item ?iso3 ?label ?inception ?inceptionPrecision ?org ?orgLabel ?start ?startPrecision ?end ?endPrecision
WHERE {
  VALUES ?iso3 { %s }
  ?item wdt:P298 ?iso3 .
  { ?item rdfs:label ?label . FILTER(LANG(?label) IN ("en", "ko", "ja", "zh", "ru", "fr", "de", "es")) }
  UNION
  { ?item p:P571/psv:P571 [ wikibase:timeValue ?inception ; wikibase:timePrecision ?inceptionPrecision ] }
  UNION
  { ?item p:P463 ?m . ?m ps:P463 ?org .
    ?org rdfs:label ?orgLabel . FILTER(LANG(?orgLabel) = "en")
    OPTIONAL { ?m pqv:P580 [ wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision ] }
    OPTIONAL { ?m pqv:P582 [ wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision ] } }
}
"""


def sparql_query(iso3_codes=None) -> str:
    """The query a user runs; by default for every state in the curated knowledge base."""
    if iso3_codes is None:
        from peninsula.loaders.sources import KnowledgeBase

        iso3_codes = sorted(KnowledgeBase.of(None).iso3)
    return QUERY % " ".join(f'"{c}"' for c in iso3_codes)


def _date(time: str, precision, where: str, field: str):
    """`1948-09-09T00:00:00Z` (or `+1948-...`) at precision 11/10/9 -> 1948-09-09 / 1948-09 / 1948."""
    m = re.match(rf"^\+?({FORMS[DAY]})T", str(time))
    if not m:
        raise InputError(f"{time!r} is not a Wikidata time", where=where, field=field)
    try:
        p = int(precision) if precision not in (None, "") else 11
    except ValueError:
        raise InputError(f"{precision!r} is not a time precision", where=where, field=field) from None
    return m.group(1)[:PRECISION[p]] if p in PRECISION else None


def _qid(uri: str, where: str, field: str) -> str:
    q = str(uri).rsplit("/", 1)[-1]
    if not QID.match(q):
        raise InputError(f"{uri!r} is not a Wikidata item", where=where, field=field)
    return q


def _records_sparql(doc, path, batch):
    head = doc.get("head", {})
    variables = head.get("vars", []) if isinstance(head, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise InputError("`head.vars` is a list of variable names", where=str(path), field="vars")
    if "item" not in variables:
        raise InputError(f"SPARQL results without an `item` variable (vars: {variables})", where=str(path), field="item")
    items: dict = defaultdict(lambda: {"iso3": set(), "labels": defaultdict(list), "inception": None,
                                       "members": [], "where": None})
    for n, row in enumerate(doc["results"]["bindings"], start=1):
        where = f"{path} result {n}"
        try:
            if "item" not in row:
                raise InputError("a result without `item`", where=where, field="item")
            f = Fields(row, where, batch.audit)
            rec = items[_qid(f.pop("item")["value"], where, "item")]
            rec["where"] = rec["where"] or where
            iso3, label, inception = f.pop("iso3"), f.pop("label"), f.pop("inception")
            inception_precision = f.pop("inceptionPrecision", {})
            org, org_label = f.pop("org"), f.pop("orgLabel", {})
            start, start_precision = f.pop("start"), f.pop("startPrecision", {})
            end, end_precision = f.pop("end"), f.pop("endPrecision", {})
            f.done()
            if iso3:
                rec["iso3"].add(iso3["value"])
            if label:
                rec["labels"][label.get("xml:lang", "")].append(label["value"])
            if inception:
                rec["inception"] = _date(inception["value"], inception_precision.get("value"), where, "inception")
            if org:
                start = _date(start["value"], start_precision.get("value"), where, "start") if start else None
                end = _date(end["value"], end_precision.get("value"), where, "end") if end else None
                rec["members"].append((_qid(org["value"], where, "org"), org_label.get("value"), start, end))
        except (TypeError, AttributeError, KeyError) as exc:  # a binding not shaped {"var": {"value": ...}}
            raise InputError(f"unexpected JSON structure ({type(exc).__name__}: {str(exc)[:80]}); each binding "
                             'is {"var": {"type": ..., "value": ...}}', where=where) from None
    return items


def _records_entities(doc, path, batch):
    items: dict = {}
    for qid, ent in doc["entities"].items():
        where = f"{path} entity {qid}"
        _qid(qid, where, "id")
        try:
            top = Fields(ent, where, batch.audit, ignored=FORMAT.ignored)
            top.pop("id")
            claims = Fields(top.pop("claims") or {}, where, batch.audit)
            labels = defaultdict(list)
            for lang, lab in (top.pop("labels") or {}).items():
                labels[lang].append(lab["value"])
            top.done()

            def value(snak):
                return (snak.get("datavalue") or {}).get("value")

            iso3 = {value(c["mainsnak"]) for c in claims.pop("P298", []) if value(c["mainsnak"])}
            inception = None
            for c in claims.pop("P571", []):
                v = value(c["mainsnak"])
                if v:
                    inception = _date(v["time"], v.get("precision"), where, "P571")
            members = []
            for c in claims.pop("P463", []):
                v = value(c["mainsnak"])
                if not v:
                    continue
                q = Fields(c.get("qualifiers", {}), where, batch.audit, prefix="P463/")
                start = next((_date(value(s)["time"], value(s).get("precision"), where, "P580")
                              for s in q.pop("P580", []) if value(s)), None)
                end = next((_date(value(s)["time"], value(s).get("precision"), where, "P582")
                            for s in q.pop("P582", []) if value(s)), None)
                q.done()
                members.append((v["id"], None, start, end))
            claims.done()
            items[qid] = {"iso3": iso3, "labels": labels, "inception": inception, "members": members, "where": where}
        except (TypeError, AttributeError, KeyError) as exc:  # not shaped like Wikidata's entity JSON
            raise InputError(f"unexpected JSON structure ({type(exc).__name__}: {str(exc)[:80]})",
                             where=where) from None
    return items


def read(path, kb, **_options) -> Batch:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=str(path)) from None
    doc = load_json(text, str(path), what="not JSON")
    batch = Batch("wikidata", path, kb, progress=_options.get("progress"))
    if (isinstance(doc, dict) and isinstance(doc.get("results"), dict)
            and isinstance(doc["results"].get("bindings"), list)):
        items = _records_sparql(doc, path, batch)
    elif isinstance(doc, dict) and isinstance(doc.get("entities"), dict):
        items = _records_entities(doc, path, batch)
    else:
        raise InputError("neither SPARQL JSON results (head/results/bindings) nor entity JSON (entities)",
                         where=str(path))
    stats = batch.report.stats
    file_src = f"src/wikidata-{slug(path.stem)}"
    batch.source(file_src, str(path), publisher="Wikidata", title=f"Wikidata query results ({path.name})")
    matched: dict = {}
    for qid, rec in items.items():
        batch.tick()
        key = _match(kb, qid, rec)
        if key is None:
            stats["skipped"] += 1
            stats["skipped (no entity in the knowledge base)"] += 1
            continue
        known = kb.get(key).get("wikidata")
        if known and known != qid:
            stats["skipped"] += 1
            batch.report.notes.append(f"{rec['where']}: {key} is {known} in the knowledge base, not {qid}; left as is")
            continue
        matched[qid] = key
    for qid, key in matched.items():
        _enrich(batch, kb, key, qid, items[qid], matched, file_src)
    close(batch, FORMAT)
    return batch


def _match(kb, qid, rec):
    if qid in kb.qids:
        return kb.qids[qid]
    for code in rec["iso3"]:
        if code in kb.iso3:
            return kb.iso3[code]
    for label in rec["labels"].get("en", []):
        found = kb.find(label) or kb.matcher.exact(label, "Entity")  # normalised names (matching.py)
        if len(found) == 1:
            return found[0]
    return None


def _enrich(batch, kb, key, qid, rec, matched, file_src):
    old = kb.get(key)
    where = rec["where"]
    batch.existing(key)
    props: dict = {}
    if not old.get("wikidata"):
        props["wikidata"] = qid
    names = {lang: texts[0] for lang, texts in rec["labels"].items()
             if lang in LANGS and texts and not old.get(f"name_{lang}")}
    if names:
        props["name"] = names
    if rec["inception"] and not old.get("valid_from"):
        props["valid_from"] = rec["inception"]
    if props:
        batch.add(key, props, where)
        batch.cite(key, [file_src])
        batch.report.stats["enriched"] += 1
    for org_qid, org_label, start, end in rec["members"]:
        org = kb.qids.get(org_qid) or matched.get(org_qid)
        if org is None and org_label:
            found = kb.find(org_label, "Organization")
            org = found[0] if len(found) == 1 else None
        if org is None or not kb.is_a(org, "Organization"):
            batch.report.stats["skipped memberships (organization not in the knowledge base)"] += 1
            continue
        previous = kb.edges.get((key, "MEMBER_OF", org))
        if previous is not None and not str(previous.get("record_id", "")).startswith("Q"):
            batch.report.stats["memberships already known"] += 1
            continue
        batch.existing(org)
        batch.link(key, "memberOf", org, where, [file_src], valid_from=start, valid_to=end, record_id=qid)

