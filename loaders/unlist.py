"""The UN Security Council Consolidated List (`consolidated.xml`), streamed and parsed safely.

Each INDIVIDUAL or ENTITY of the DPRK regime (`UN_LIST_TYPE` DPRK, resolution 1718; every regime
with `all_regimes=True`) becomes a Person or Organization, matched to the knowledge base by the
shared matcher (matching.py): the reference number first (on a designation or on the designee),
then normalised names and aliases (a short alias such as NCG never decides alone); a matched
designee receives the reference number (`reference_number`). Then a DESIGNATES relationship
from the sanctions regime carrying the listing date and the reference number (trailing spaces
stripped). No DOCTYPE, no entities: the file is refused before any expansion could happen.
"""

from __future__ import annotations

import datetime as dt
import re

from peninsula.loaders.matching import Record
from peninsula.loaders.safexml import check_xml
from peninsula.loaders.sources import Batch, slug
from peninsula.ontology import InputError
from peninsula.ontology.temporal import YEAR_SHAPE

REGIMES = {"DPRK": "regime/un-1718"}  # UN_LIST_TYPE -> the regime key in the knowledge base
REQUIRED = ("DATAID", "FIRST_NAME", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON")
KNOWN = {"DATAID", "VERSIONNUM", "FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME", "UN_LIST_TYPE",
         "REFERENCE_NUMBER", "LISTED_ON", "NAME_ORIGINAL_SCRIPT", "COMMENTS1", "TITLE", "DESIGNATION", "NATIONALITY",
         "LIST_TYPE", "LAST_DAY_UPDATED", "INDIVIDUAL_ALIAS", "ENTITY_ALIAS", "INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS",
         "INDIVIDUAL_DATE_OF_BIRTH", "INDIVIDUAL_PLACE_OF_BIRTH", "INDIVIDUAL_DOCUMENT", "SORT_KEY",
         "SORT_KEY_LAST_MOD", "GENDER", "SUBMITTED_BY"}
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


def _text(elem, tag: str) -> str:
    child = elem.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _values(elem, tag: str) -> list[str]:
    return [(v.text or "").strip() for v in elem.findall(f"{tag}/VALUE") if (v.text or "").strip()]


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


def _births(elem, where: str) -> list[str]:
    """Dates of birth as text (EXACT / APPROXIMATELY / BETWEEN), each checked."""
    out = []
    for dob in elem.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob, "TYPE_OF_DATE").upper()
        field = "INDIVIDUAL_DATE_OF_BIRTH"
        if _text(dob, "DATE"):
            value = _date(_text(dob, "DATE"), where, f"{field}/DATE")
        elif _text(dob, "YEAR"):
            value = _year(_text(dob, "YEAR"), where, f"{field}/YEAR")
        elif _text(dob, "FROM_YEAR") or _text(dob, "TO_YEAR"):
            lo = _year(_text(dob, "FROM_YEAR"), where, f"{field}/FROM_YEAR")
            hi = _year(_text(dob, "TO_YEAR"), where, f"{field}/TO_YEAR")
            if lo > hi:
                raise InputError(f"FROM_YEAR {lo} is after TO_YEAR {hi}", where=where, field=field)
            value = f"between {lo} and {hi}"
        else:
            continue
        if kind not in ("", "EXACT", "APPROXIMATELY", "BETWEEN"):
            raise InputError(f"{kind!r} is not EXACT, APPROXIMATELY or BETWEEN", where=where, field=f"{field}/TYPE_OF_DATE")
        out.append(value + (" (approximately)" if kind == "APPROXIMATELY" else ""))
    return out


def read(path, kb, *, all_regimes: bool = False, **_options) -> Batch:
    batch = Batch("un-xml", path, kb, progress=_options.get("progress"))
    unread = batch.report.unread
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
        _record(batch, kb, elem, n, path, file_src, all_regimes, unread)
        elem.clear()
    if not root_seen:
        raise InputError("empty XML document", where=str(path))
    date = _date(generated, str(path), "dateGenerated") if generated else None
    batch.source(file_src, str(path), publisher="United Nations Security Council",
                 title=f"Security Council Consolidated List ({path.name})", date=date,
                 url="https://scsanctions.un.org/resources/xml/en/consolidated.xml")
    return batch


def _record(batch, kb, elem, n, path, file_src, all_regimes, unread):
    stats = batch.report.stats
    dataid = _text(elem, "DATAID")
    where = f"{path} record {n}" + (f" (DATAID {dataid})" if dataid else "")
    for field in REQUIRED:
        if not _text(elem, field):
            raise InputError(f"<{elem.tag}> has no {field}", where=where, field=field)
    for child in elem:
        if child.tag not in KNOWN:
            unread[child.tag] += 1
    list_type = _text(elem, "UN_LIST_TYPE")
    if list_type not in REGIMES and not all_regimes:
        stats["skipped"] += 1
        return
    reference = _text(elem, "REFERENCE_NUMBER")  # .strip() drops the trailing spaces the list has
    listed_on = _date(_text(elem, "LISTED_ON"), where, "LISTED_ON")
    person = elem.tag == "INDIVIDUAL"
    parts = [_text(elem, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    aliases = []
    for alias in elem.findall("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        text = _text(alias, "ALIAS_NAME")
        if text and text != name and text not in aliases:
            aliases.append(text)

    regime = _regime(batch, kb, list_type, where, file_src)
    proposed = f"{'person' if person else 'org'}/un-{slug(reference)}"
    decision = batch.decide(Record(names=[name], aliases=aliases, cls="Person" if person else "Organization",
                                   proposed=proposed, where=where, ids={"reference_number": reference}))
    target = decision.key if decision.merged else None
    if target is not None:
        batch.existing(target)
        if not kb.get(target).get("reference_number"):
            batch.add(target, {"reference_number": reference}, where)
            batch.cite(target, [file_src])
        previous = kb.edges.get((regime, "DESIGNATES", target))
        if previous is not None and previous.get("record_id") != dataid:
            stats["already designated"] += 1
            return
    else:
        target = proposed
        original = _text(elem, "NAME_ORIGINAL_SCRIPT")
        notes = [_text(elem, "COMMENTS1")]
        if person:
            births = _births(elem, where)
            if births:
                notes.append("Date of birth: " + "; ".join(births) + ".")
            nationality = _values(elem, "NATIONALITY")
            if nationality:
                notes.append("Nationality: " + "; ".join(nationality) + ".")
        designation = _values(elem, "DESIGNATION")
        if designation:
            notes.append("Designation: " + "; ".join(designation) + ".")
        description = " ".join(x for x in notes if x)
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
               valid_from=listed_on, record_id=dataid)


def _regime(batch, kb, list_type: str, where: str, file_src: str) -> str:
    key = REGIMES.get(list_type) or f"regime/un-{slug(list_type)}"
    if key in kb.nodes:
        batch.existing(key)
    elif key not in batch.owned:
        batch.entity(key, "SanctionsRegime", where,
                     {"name": {"en": f"UN Security Council sanctions list: {list_type}"}}, [file_src])
    return key
