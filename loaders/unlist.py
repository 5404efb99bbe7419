"""The UN Security Council Consolidated List (`consolidated.xml`), streamed and parsed safely.

Each INDIVIDUAL or ENTITY of the DPRK regime (`UN_LIST_TYPE` DPRK, resolution 1718; every regime
with `all_regimes=True`) becomes a Person or Organization, matched to the knowledge base by the
shared matcher (matching.py): the reference number first (on a designation or on the designee),
then normalised names and aliases (a short alias such as NCG never decides alone); a matched
designee receives the reference number (`reference_number`). Then a DESIGNATES relationship
from the sanctions regime carrying the listing date and the reference number (trailing spaces
stripped). No DOCTYPE, no entities: the file is refused before any expansion could happen.

Every tag of a record is popped (reader.Fields) and what is left is reported unread, naming the
record: a tag the list adds, or one this reader forgot, is never dropped in silence. `FORMAT`
declares the tags and those left out on purpose, each with its reason (identity documents, the
UN's sort keys and revision numbers). Title, gender, places of birth, addresses and the states
that proposed the listing, for which the ontology has no property, join the date of birth,
nationality and designation in the description of a new designee. A record of another regime
is skipped whole (not audited) unless `all_regimes`.
"""

from __future__ import annotations

import datetime as dt
import re

from peninsula.loaders.matching import Record
from peninsula.loaders.reader import Fields, SourceFormat, close, describe
from peninsula.loaders.safexml import check_xml
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import YEAR_SHAPE

REGIMES = {"DPRK": "regime/un-1718"}  # UN_LIST_TYPE -> the regime key in the knowledge base
REQUIRED = ("DATAID", "FIRST_NAME", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON")
_PLACE = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE")
_NESTED = {  # element -> its children (the published XSD, sc-sanctions.xsd)
    "INDIVIDUAL_ALIAS": ("QUALITY", "ALIAS_NAME", "NOTE", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"),
    "ENTITY_ALIAS": ("QUALITY", "ALIAS_NAME", "NOTE"),
    "INDIVIDUAL_ADDRESS": _PLACE, "ENTITY_ADDRESS": _PLACE, "INDIVIDUAL_PLACE_OF_BIRTH": _PLACE,
    "INDIVIDUAL_DATE_OF_BIRTH": ("TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"),
    "INDIVIDUAL_DOCUMENT": ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "NUMBER", "ISSUING_COUNTRY", "DATE_OF_ISSUE",
                            "CITY_OF_ISSUE", "COUNTRY_OF_ISSUE", "NOTE"),
}
_WHY_SORT = "the UN's sort order of the list, not a fact about the designee"
FORMAT = SourceFormat(
    name="un-xml", title="UN Security Council Consolidated List (XML)", suffixes=(".xml",),
    fields=("DATAID", "VERSIONNUM", "FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME", "UN_LIST_TYPE",
            "REFERENCE_NUMBER", "LISTED_ON", "NAME_ORIGINAL_SCRIPT", "COMMENTS1", "TITLE", "DESIGNATION",
            "NATIONALITY", "LIST_TYPE", "LAST_DAY_UPDATED", "GENDER", "SUBMITTED_BY", "SORT_KEY",
            "SORT_KEY_LAST_MOD", *_NESTED, *(f"{tag}/{child}" for tag, kids in _NESTED.items() for child in kids)),
    ignored={
        "VERSIONNUM": "the UN's revision number of the entry; the file's dateGenerated dates the dataset",
        "LIST_TYPE": "always 'UN List'; the regime is read from UN_LIST_TYPE",
        "LAST_DAY_UPDATED": "the days the UN amended the entry; the designation is dated by LISTED_ON",
        "SORT_KEY": _WHY_SORT, "SORT_KEY_LAST_MOD": _WHY_SORT,
        "INDIVIDUAL_DOCUMENT": "passport and identity card numbers: personal data no question of the graph needs, "
                               "and the ontology has no property for them",
        "INDIVIDUAL_ALIAS/QUALITY": "the UN's grading of an alias (Good, Low, a.k.a., f.k.a.); every alias is kept",
        "ENTITY_ALIAS/QUALITY": "the UN's grading of an alias (a.k.a., f.k.a.); every alias is kept",
        "INDIVIDUAL_ALIAS/DATE_OF_BIRTH": "a date of birth given with one alias; the record's own dates are kept",
        "INDIVIDUAL_ALIAS/CITY_OF_BIRTH": "a place of birth given with one alias; the record's own places are kept",
        "INDIVIDUAL_ALIAS/COUNTRY_OF_BIRTH": "a place of birth given with one alias; the record's own places are kept",
        "INDIVIDUAL_ALIAS/NOTE": "a remark on one alias", "ENTITY_ALIAS/NOTE": "a remark on one alias",
    },
    # per file: the DPRK regime (resolution 1718) lists about 80 individuals and 75 entities
    expect={"Person": (1, 1000), "Organization": (1, 1000), "SanctionsRegime": (1, 50)},
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _iterparse(path):
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    with open(path, "rb") as fh:
        head = fh.read(4096)
    check_xml(head, str(path))
    try:
        yield from safe_et.iterparse(str(path), events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused: {exc}", where=str(path)) from None
    except (LookupError, ValueError) as exc:  # an unknown or multi-byte encoding named in the declaration
        raise InputError(f"unreadable XML: {exc}", where=str(path)) from None
    except safe_et.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(f"malformed XML: {exc}", where=f"{path}:{line}" if line else str(path)) from None


def _blank(elements) -> bool:
    """An element list carries nothing: no text in any element or its descendants (`<COMMENTS1/>`)."""
    return not any((e.text or "").strip() for elem in elements for e in elem.iter())


def _fields(batch, elem, where: str, prefix: str = "") -> Fields:
    """The children of `elem` by tag, read by popping; the format's ignored tags left out."""
    children: dict = {}
    for child in elem:
        children.setdefault(child.tag, []).append(child)
    ignored = [name[len(prefix):] for name in FORMAT.ignored if name.startswith(prefix) and "/" not in name[len(prefix):]]
    return Fields(children, where, batch.audit, prefix=prefix, ignored=ignored, empty=_blank)


def _first(elements) -> str:
    return (elements[0].text or "").strip() if elements else ""


def _text(fields: Fields, tag: str) -> str:
    return _first(fields.pop(tag, []))


def _values(fields: Fields, tag: str) -> list[str]:
    """`<TAG><VALUE>..</VALUE>..</TAG>` (or a bare `<TAG>text</TAG>`) -> the texts, empty ones left out."""
    out = []
    for elem in fields.pop(tag, []):
        values = elem.findall("VALUE")
        out += [(v.text or "").strip() for v in values] if values else [(elem.text or "").strip()]
    return [v for v in out if v]


def _each(batch, fields: Fields, tag: str):
    """The Fields of each `<TAG>` of the record (an alias, an address), each audited when done."""
    for elem in fields.pop(tag, []):
        sub = _fields(batch, elem, fields.where, prefix=f"{tag}/")
        yield sub
        sub.done()


def _date(text: str, where: str, field: str) -> str:
    value = text.strip()[:10]
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", where=where, field=field) from None


def _year(text: str, where: str, field: str) -> str:
    if not YEAR_SHAPE.fullmatch(text.strip()):
        raise InputError(f"{text!r} is not a year", where=where, field=field)
    return text.strip()


def _births(batch, fields: Fields) -> list[str]:
    """Dates of birth as text (EXACT / APPROXIMATELY / BETWEEN), each checked."""
    out, where, field = [], fields.where, "INDIVIDUAL_DATE_OF_BIRTH"
    for dob in _each(batch, fields, field):
        kind, date, year = _text(dob, "TYPE_OF_DATE").upper(), _text(dob, "DATE"), _text(dob, "YEAR")
        lo, hi, note = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR"), _text(dob, "NOTE")
        if date:
            value = _date(date, where, f"{field}/DATE")
        elif year:
            value = _year(year, where, f"{field}/YEAR")
        elif lo or hi:
            lo = _year(lo, where, f"{field}/FROM_YEAR")
            hi = _year(hi, where, f"{field}/TO_YEAR")
            if lo > hi:
                raise InputError(f"FROM_YEAR {lo} is after TO_YEAR {hi}", where=where, field=field)
            value = f"between {lo} and {hi}"
        else:
            continue
        if kind not in ("", "EXACT", "APPROXIMATELY", "BETWEEN"):
            raise InputError(f"{kind!r} is not EXACT, APPROXIMATELY or BETWEEN", where=where, field=f"{field}/TYPE_OF_DATE")
        out.append(value + (" (approximately)" if kind == "APPROXIMATELY" else "") + (f" ({note})" if note else ""))
    return out


def _places(batch, fields: Fields, tag: str) -> list[str]:
    """Addresses or places of birth as one line each: street, city, province, postcode, country (note)."""
    out = []
    for place in _each(batch, fields, tag):
        parts = [_text(place, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        note = _text(place, "NOTE")
        line = ", ".join(p for p in parts if p) + (f" ({note})" if note else "")
        if line:
            out.append(line)
    return out


def read(path, kb, *, all_regimes: bool = False, **_options) -> Batch:
    batch = Batch("un-xml", path, kb, progress=_options.get("progress"))
    file_src = f"src/un-consolidated-{slug(path.stem)}"
    generated = None
    root_seen = False
    n = 0
    for event, elem in _iterparse(path):
        if event == "start":
            if not root_seen:
                root_seen = True
                if elem.tag != "CONSOLIDATED_LIST":
                    raise InputError(f"the root element is <{elem.tag}>, not <CONSOLIDATED_LIST>", where=str(path))
                generated = elem.get("dateGenerated")
            continue
        if elem.tag not in ("INDIVIDUAL", "ENTITY"):
            continue
        n += 1
        batch.tick()
        rec = _parse(batch, elem, f"{path} record {n}", all_regimes)
        if rec is None:
            batch.report.stats["skipped"] += 1
        else:
            _record(batch, kb, rec, file_src)
        elem.clear()
    if not root_seen:
        raise InputError("empty XML document", where=str(path))
    date = _date(generated, str(path), "dateGenerated") if generated else None
    batch.source(file_src, str(path), publisher="United Nations Security Council",
                 title=f"Security Council Consolidated List ({path.name})", date=date,
                 url="https://scsanctions.un.org/resources/xml/en/consolidated.xml")
    close(batch, FORMAT)
    return batch


def _parse(batch, elem, where: str, all_regimes: bool) -> dict | None:
    """One INDIVIDUAL or ENTITY read into plain values, every tag popped; None for another regime's."""
    dataid = (elem.findtext("DATAID") or "").strip()
    where += f" (DATAID {dataid})" if dataid else ""
    f = _fields(batch, elem, where)
    for field in REQUIRED:
        if not _first(f.get(field)):
            raise InputError(f"<{elem.tag}> has no {field}", where=where, field=field)
    list_type = _first(f.get("UN_LIST_TYPE"))
    if list_type not in REGIMES and not all_regimes:
        return None  # out of the scope asked for: neither read nor audited
    person = elem.tag == "INDIVIDUAL"
    name = " ".join(p for p in (_text(f, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")) if p)
    aliases = []
    for alias in _each(batch, f, "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        text = _text(alias, "ALIAS_NAME")
        if text and text != name and text not in aliases:
            aliases.append(text)
    description = describe(_text(f, "COMMENTS1"), [
        ("Title", _values(f, "TITLE")), ("Gender", _values(f, "GENDER")), ("Date of birth", _births(batch, f)),
        ("Place of birth", _places(batch, f, "INDIVIDUAL_PLACE_OF_BIRTH")), ("Nationality", _values(f, "NATIONALITY")),
        ("Designation", _values(f, "DESIGNATION")),
        ("Address", _places(batch, f, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS")),
        ("Submitted by", _values(f, "SUBMITTED_BY"))])
    rec = {
        "where": where, "person": person, "dataid": _text(f, "DATAID"), "list_type": _text(f, "UN_LIST_TYPE"),
        "reference": _text(f, "REFERENCE_NUMBER"),  # stripped: the list has trailing spaces
        "listed_on": _date(_text(f, "LISTED_ON"), where, "LISTED_ON"), "name": name, "aliases": aliases,
        "original": _text(f, "NAME_ORIGINAL_SCRIPT"), "description": description,
    }
    f.done()
    return rec


def _record(batch, kb, rec, file_src):
    where, person, reference, dataid = rec["where"], rec["person"], rec["reference"], rec["dataid"]
    name, aliases = rec["name"], list(rec["aliases"])
    regime = _regime(batch, kb, rec["list_type"], where, file_src)
    proposed = f"{'person' if person else 'org'}/un-{slug(reference)}"
    decision = batch.decide(Record(names=[name], aliases=aliases, cls="Person" if person else "Organization",
                                   proposed=proposed, where=where, ids={"reference_number": reference}))
    target = decision.key if decision.merged else None
    if target is not None:  # matched: the reference number on it, its curated content left alone
        batch.existing(target)
        if not kb.get(target).get("reference_number"):
            batch.add(target, {"reference_number": reference}, where)
            batch.cite(target, [file_src])
        previous = kb.edges.get((regime, "DESIGNATES", target))
        if previous is not None and previous.get("record_id") != dataid:
            batch.report.stats["already designated"] += 1
            return
    else:
        target = proposed
        original, description = rec["original"], rec["description"]
        name_value = {"en": name}
        if original and HANGUL.search(original):
            name_value["ko"] = original
        elif original and original not in aliases:
            aliases.append(original)
        batch.entity(target, "Person" if person else "Organization", where, {
            "name": name_value, "alias": {"en": aliases} if aliases else None,
            "description": {"en": description} if description else None, "record_id": dataid,
        }, [file_src])
    batch.link(regime, "designates", target, where, [file_src], reference_number=reference,
               valid_from=rec["listed_on"], record_id=dataid)


def _regime(batch, kb, list_type: str, where: str, file_src: str) -> str:
    key = REGIMES.get(list_type) or f"regime/un-{slug(list_type)}"
    if key in kb.nodes:
        batch.existing(key)
    elif key not in batch.owned:
        batch.entity(key, "SanctionsRegime", where,
                     {"name": {"en": f"UN Security Council sanctions list: {list_type}"}}, [file_src])
    return key
