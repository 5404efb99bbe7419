"""Literal values by kind, for the codec (``loaders.codec``): what kind of value a property holds,
an RDF literal checked and decoded into a graph value, a value a person typed (YAML) checked and
typed, and the N-Triples form of terms."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from rdflib import XSD, BNode, Literal, URIRef

from peninsula.loaders.guard import INT64, check_text
from peninsula.ontology import InputError
from peninsula.ontology.model import OntProperty
from peninsula.ontology.temporal import (
    CERTAIN_PATTERNS,
    XSD_PATTERNS,
    DateError,
    partial_date,
    xsd_date_error,
    xsd_type,
)

NUMERIC = {XSD.integer: int, XSD.decimal: float, XSD.double: float, XSD.boolean: bool}
STRING = str(XSD.string)
# kinds of value (codec.Rule.kind)
LANG, DATE, TEXT, NUMBER, TYPED, REF, QID = "lang", "date", "text", "number", "typed", "ref", "qid"


def kind_of(prop: OntProperty) -> str:
    if prop.key_valued:
        return REF
    if prop.is_lang:
        return LANG
    if prop.is_date:
        return DATE
    if prop.range is None or prop.range == XSD.string:
        return TEXT
    return NUMBER if prop.range in NUMERIC else TYPED


def short(iri) -> str:
    return str(iri).replace(str(XSD), "xsd:")


def as_decimal(v) -> Decimal:
    try:
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    except InvalidOperation:
        return Decimal(str(v))


# N-Triples string escapes, and what needs one (codec.nt_values inlines `nt_string`)
NT_ESCAPE = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
             **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in (0x0A, 0x0D, 0x09)}}
NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def nt_string(text: str) -> str:
    """A lexical form as an N-Triples string: quote, backslash, CR, LF escaped (and other controls)."""
    return f'"{text.translate(NT_ESCAPE) if NEEDS_ESCAPE.search(text) else text}"'


# date lexical forms by length -> (pattern, N-Triples suffix): 10 date, 7 gYearMonth, 4 gYear (others: general path)
DATE_BY_LENGTH = {{"date": 10, "gYearMonth": 7, "gYear": 4}[str(dt).rsplit("#", 1)[1]]: (pattern, f"^^<{dt}>")
                   for dt, pattern in XSD_PATTERNS.items()}


def _date_check(dt):
    """A date of datatype `dt` as it is, if real (a day up to 28 without a further look), else None."""
    certain, pattern = CERTAIN_PATTERNS[dt].match, XSD_PATTERNS[dt].match
    return lambda text: text if certain(text) or (pattern(text) and xsd_date_error(text) is None) else None


def _number_check(dt):
    """The value `decode` gives a number of datatype `dt` in a common lexical form, else None (the
    others, and every refusal with its message, are `decode`'s): integers of up to 18 digits, decimals
    of up to 15 (what a store keeps exactly), doubles that survive 15 significant digits, true and false."""
    if dt == XSD.boolean:
        return {"true": True, "false": False}.get
    if dt == XSD.integer:
        integer = re.compile(r"-?[0-9]{1,18}").fullmatch
        return lambda text: int(text) if integer(text) else None
    if dt == XSD.decimal:
        decimal = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,14})?").fullmatch
        return lambda text: float(text) if decimal(text) and len(text) - text.startswith("-") <= 16 else None
    double = re.compile(r"-?[0-9]{1,17}(?:\.[0-9]{1,17})?(?:[eE][+-]?[0-9]{1,3})?").fullmatch

    def check(text):
        value = float(text) if double(text) else None
        return value if value is not None and math.isfinite(value) and float(f"{value:.15g}") == value else None
    return check


# the fast path's checks by N-Triples suffix: dates (certainly real ones without a further look) and numbers
_DATE_NT = {f"^^<{dt}>": _date_check(dt) for dt in CERTAIN_PATTERNS}
_NUMBER_NT = {str(dt): _number_check(dt) for dt in NUMERIC}


def decode(lit: Literal, prop: OntProperty, where: str):
    """One RDF literal -> (graph key, value), checked against the property's range."""
    dt = lit.datatype
    if prop.is_lang:
        if lit.language is None:
            raise InputError(f"{prop.name} needs a language-tagged string, got {lit!r}", where=where, field=prop.name)
        lang = lit.language.lower().replace("-", "_")
        return (prop.key if lang == "en" else f"{prop.key}_{lang}"), str(lit)
    if lit.language is not None:
        raise InputError(f"{prop.name} takes no language tag", where=where, field=prop.name)
    if prop.is_date:
        if dt not in XSD_PATTERNS or xsd_type(str(lit)) != dt:
            raise InputError(f"{prop.name} needs an xsd:date, xsd:gYearMonth or xsd:gYear, got {lit!r}",
                             where=where, field=prop.name)
        problem = xsd_date_error(str(lit))
        if problem:
            raise InputError(problem, where=where, field=prop.name)
        return prop.key, str(lit)
    expected = prop.range or XSD.string
    if (dt or XSD.string) != expected:
        raise InputError(f"{prop.name} needs {short(expected)}, got {lit!r}", where=where, field=prop.name)
    if expected not in NUMERIC:
        return prop.key, str(lit)
    if lit.ill_typed or lit.value is None:
        raise InputError(f"{prop.name}: {str(lit)!r} is not a valid {short(expected)}", where=where, field=prop.name)
    value = NUMERIC[expected](lit.value)
    if (expected == XSD.decimal and Decimal(f"{value:.15g}") != lit.value) or (
            expected == XSD.double and float(f"{value:.15g}") != value):
        raise InputError(f"{prop.name}: {str(lit)!r} has more significant digits than a store returns "
                         "(15); round it", where=where, field=prop.name)
    if expected == XSD.integer and not -INT64 <= value < INT64:
        raise InputError(f"{prop.name}: {str(lit)!r} does not fit a 64-bit integer", where=where, field=prop.name)
    return prop.key, value


def fast_rule(prop: OntProperty, suffix: str):
    """(graph key, None or a check) for literals with this suffix that take the fast path, else None
    (they go through `decode`). A check maps the lexical form to the value `decode` gives, or to None
    for a form that must go through `decode` after all (to be refused with its message, or rarer)."""
    if suffix.startswith("@"):
        if prop.is_lang:
            lang = suffix[1:].lower().replace("-", "_")
            return prop.key if lang == "en" else f"{prop.key}_{lang}", None
        return None
    if prop.is_lang:
        return None
    if prop.is_date:
        check = _DATE_NT.get(suffix)
        return (prop.key, check) if check is not None else None
    expected = str(prop.range or XSD.string)
    if expected != (suffix[3:-1] if suffix else STRING):
        return None
    return prop.key, _NUMBER_NT.get(expected)


def parse(prop: OntProperty, value, where: str):
    """One value a person typed (YAML) -> its RDF object, checked and normalised by the
    property's kind: a date as a partial date, numbers finite and in range, text checked (a REF is made an IRI by the codec)."""
    k = prop.key
    if isinstance(value, (list, dict)):
        raise InputError(f"takes one value, got {type(value).__name__}", where=where, field=k)
    kind = kind_of(prop)
    if kind == DATE:
        try:
            value = partial_date(value)
        except DateError as exc:
            raise InputError(str(exc), where=where, field=k) from None
        return Literal(value, datatype=xsd_type(value))
    if kind == NUMBER:
        return _parse_number(prop.range, value, where, k)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InputError(f"expected text, got {value!r}", where=where, field=k)
    value = check_text(str(value), where, k)
    pattern = TYPED_PATTERNS.get(prop.range)
    if pattern is not None and not pattern[0].match(value):
        raise InputError(f"{value!r} is not {pattern[1]}", where=where, field=k)
    return Literal(value, datatype=prop.range if kind == TYPED else None)


TYPED_PATTERNS = {XSD.anyURI: (re.compile(r"^https?://\S+$"), "an http(s) URL"),
                  XSD.time: (re.compile(r"^\d{2}:\d{2}:\d{2}$"), "a time HH:MM:SS")}


def _parse_number(rng, value, where: str, k: str) -> Literal:
    if rng == XSD.boolean:
        if not isinstance(value, bool):
            raise InputError(f"{value!r} is not true or false", where=where, field=k)
        return Literal(value, datatype=XSD.boolean)
    if rng == XSD.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{value!r} is not an integer", where=where, field=k)
        if not -INT64 <= value < INT64:
            raise InputError(f"{value} does not fit in 64 bits", where=where, field=k)
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, bool):
        raise InputError(f"{value!r} is not a number", where=where, field=k)
    try:
        number = Decimal(str(value).replace(",", "")) if rng == XSD.decimal else float(value)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        raise InputError(f"{value!r} is not a number", where=where, field=k) from None
    if not (number.is_finite() if isinstance(number, Decimal) else True) or not math.isfinite(float(number)):
        raise InputError(f"{value!r} is not a finite number", where=where, field=k)
    if rng == XSD.decimal:
        return Literal(Decimal(repr(float(number))), datatype=XSD.decimal)
    return Literal(number, datatype=XSD.double)


def term_nt(o) -> str:
    """An rdflib IRI, blank node or literal in N-Triples form."""
    if isinstance(o, URIRef):
        return f"<{o}>"
    if isinstance(o, BNode):
        return f"_:{o}"
    if o.language:
        return f"{nt_string(str(o))}@{o.language}"
    dt = o.datatype
    return nt_string(str(o)) + (f"^^<{dt}>" if dt is not None and str(dt) != STRING else "")
