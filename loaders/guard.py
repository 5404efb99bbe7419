"""Checks every reader applies before anything reaches a store: text, IRIs, numbers, JSON-LD, YAML.

What passes here can be written to any store and read back unchanged: no NUL or other control
characters (FalkorDB's parameter header cannot carry NUL; terminals obey escape sequences), no
lone surrogates (not encodable as UTF-8), no text longer than MAX_TEXT, no IRI with a space or a
character IRIs may not hold, no non-finite number, no integer outside 64 bits. JSON-LD never names
a remote context (Peninsula fetches nothing); YAML aliases never expand into a "billion laughs".
"""

from __future__ import annotations

import json
import math
import re

from rdflib import XSD, Literal, URIRef

from peninsula.ontology import InputError
from peninsula.ontology.temporal import CERTAIN_PATTERNS, xsd_date_error, xsd_type

MAX_TEXT = 100_000  # characters in one text value; longer means a broken or hostile file
MAX_YAML_VALUES = 2_000_000  # values a YAML document may expand to through aliases
INT64 = 2**63
BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
BAD_IRI = re.compile(r"[\x00-\x20<>\"{}|^`\\\x7f-\x9f\ud800-\udfff]")
LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
FLOATS = {XSD.double, XSD.float, XSD.decimal}
INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger,
            XSD.negativeInteger, XSD.nonPositiveInteger}


def text_problem(value: str) -> str | None:
    """Why this text cannot be stored as it is, or None."""
    if len(value) > MAX_TEXT:
        return f"text of {len(value):,} characters is longer than the {MAX_TEXT:,} allowed"
    bad = BAD_TEXT.search(value)
    if bad:
        char = bad.group()
        what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
        return f"{what} U+{ord(char):04X} at character {bad.start() + 1} (only tab and newlines are allowed)"
    return None


def check_text(value: str, where: str | None, field: str | None) -> str:
    problem = text_problem(value)
    if problem:
        raise InputError(problem, where=where, field=field)
    return value


def iri_problem(iri: str) -> str | None:
    if len(iri) > MAX_TEXT:
        return f"an IRI of {len(iri):,} characters"
    bad = BAD_IRI.search(iri)
    if bad:
        char = bad.group()
        name = "a space" if char == " " else f"U+{ord(char):04X}"
        return f"the IRI <{iri[:200]}> holds {name}, which IRIs may not contain"
    return None


def number_problem(lit: Literal) -> str | None:
    dt = lit.datatype
    if dt in FLOATS and not lit.ill_typed:
        try:
            if not math.isfinite(float(lit.value)):
                return f"{str(lit)!r} is not a finite number"
        except (TypeError, ValueError, OverflowError):
            return f"{str(lit)!r} is not a number"
    if dt in INTEGERS and isinstance(lit.value, int) and not -INT64 <= lit.value < INT64:
        return f"{str(lit)[:40]!r} does not fit in 64 bits"
    return None


def date_problem(lit: Literal) -> str | None:
    """An xsd:date, xsd:gYearMonth or xsd:gYear of our form that names no real calendar date ('2017-13');
    other forms (a time zone) are the mapping's to judge."""
    pattern = CERTAIN_PATTERNS.get(lit.datatype)
    if pattern is None or pattern.match(str(lit)) or xsd_type(str(lit)) != lit.datatype:
        return None
    return xsd_date_error(str(lit))


def check_graph(graph, path: str, text: str | None = None) -> None:
    """Every term of a parsed RDF graph: IRIs, literal text, numbers and dates. Names the line where it can."""
    for s, p, o in graph:
        for position, term in (("subject", s), ("predicate", p), ("object", o)):
            if isinstance(term, URIRef):
                problem = iri_problem(str(term))
            elif isinstance(term, Literal):
                problem = text_problem(str(term)) or number_problem(term) or date_problem(term)
            else:
                continue
            if problem:
                field = _local(p) if position == "object" else position
                raise InputError(problem, where=_where(path, text, term, s), field=field)


def _local(iri) -> str:
    text = str(iri)
    return re.split(r"[#/]", text)[-1] or text


def _where(path: str, text: str | None, term, subject) -> str:
    """path:line when the term (or failing that its subject) appears literally in the text."""
    if text is not None:
        for needle in (str(term)[:80], str(subject)[:80]):
            at = text.find(needle) if needle else -1
            if at >= 0:
                return f"{path}:{text.count(chr(10), 0, at) + 1}"
    return f"{path} <{str(subject)[:200]}>"


# ---------------------------------------------------------------------------- JSON
def load_json(text: str, where: str, *, what: str = "malformed JSON", line_in_where: bool = False):
    """json.loads, with every way it fails as an InputError: malformed text (naming the line, unless
    `where` already does), nesting too deep, an integer of thousands of digits."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = where if line_in_where else f"{where}:{exc.lineno}"
        raise InputError(f"{what}: {exc.msg} (column {exc.colno})", where=at) from None
    except RecursionError:
        raise InputError(f"{what}: nested too deeply", where=where) from None
    except ValueError as exc:  # e.g. an integer beyond the interpreter's digit limit
        raise InputError(f"{what}: {str(exc)[:120]}", where=where) from None


# ---------------------------------------------------------------------------- JSON-LD
def check_json_ld(text: str, where: str) -> None:
    """Refuse JSON that is not JSON-LD, and any @context or @import that would be fetched."""
    doc = load_json(text, where)
    if not isinstance(doc, (dict, list)):
        raise InputError(f"JSON-LD is an object or an array, not {type(doc).__name__}", where=f"{where}:1")
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if key == "@context":
                for ctx in item if isinstance(item, list) else [item]:
                    if isinstance(ctx, str):
                        raise InputError(f"remote JSON-LD context {ctx[:200]!r} refused: Peninsula never fetches "
                                         "anything; inline the context", where=_json_where(text, where, ctx),
                                         field="@context")
            if key == "@import":
                raise InputError(f"JSON-LD @import {str(item)[:200]!r} refused: Peninsula never fetches anything",
                                 where=_json_where(text, where, str(item)), field="@import")
            stack.append(item)


def _json_where(text: str, where: str, needle: str) -> str:
    at = text.find(json.dumps(needle)[1:-1][:80])
    return f"{where}:{text.count(chr(10), 0, at) + 1}" if at >= 0 else where


# ---------------------------------------------------------------------------- YAML
def check_yaml_expansion(doc, where: str) -> None:
    """Count the values a YAML document expands to (aliases counted each time they are used)."""
    sizes: dict = {}
    in_progress: set = set()
    stack = [(doc, False)]
    while stack:
        value, done = stack.pop()
        if not isinstance(value, (list, dict)):
            continue
        ident = id(value)
        if ident in sizes:
            continue
        children = list(value.values()) if isinstance(value, dict) else value
        if done:
            in_progress.discard(ident)
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > MAX_YAML_VALUES:
                raise InputError(f"YAML aliases expand to more than {MAX_YAML_VALUES:,} values "
                                 "(a 'billion laughs' document?)", where=where)
            sizes[ident] = total
            continue
        if ident in in_progress:
            raise InputError("a YAML alias refers to the structure that contains it (a cycle)", where=where)
        in_progress.add(ident)
        stack.append((value, True))
        stack.extend((c, False) for c in children if isinstance(c, (list, dict)) and id(c) not in sizes)
