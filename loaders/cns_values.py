"""The cells of the CNS database that hold measures: distances with units and ranges, coordinates."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from peninsula.ontology import InputError

UNKNOWN = {"", "unknown", "n/a", "na", "none", "-", "--", "not applicable"}  # a cell that says nothing

_NUMBER = r"(\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?)"
_MILES = 1.609344
MAX_KM = Decimal(1_000_000)  # a plausibility bound, not a fact: a larger distance is a broken cell
_SIGN = re.compile(r"(?:^|(?<=[^\w]))[-\u2212\u2013]\s*$")  # a minus before a number, not a range's dash


def parse_km(value, where: str, column: str):
    """Text with units and ranges -> (km or None, the original text when it was not a plain number).

    `1,380 km` -> 1380; `between 25 and 90 km` / `25-90 km` -> 90 (upper bound, text kept);
    `~500 km` -> 500; `1.5e3 km` -> 1500; `Unknown`, `N/A`, blank -> None. A negative, infinite or
    implausible (over MAX_KM, under a millimetre) distance is refused, naming the cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _checked_km(Decimal(str(value)), str(value), where, column), None
    text = str(value).strip()
    low = text.casefold()
    if low in UNKNOWN or low.startswith(("unknown", "n/a")):
        return None, None
    matches = list(re.finditer(_NUMBER, text))
    if not matches:
        raise InputError(f"{text!r} is not a distance (expected e.g. 1,380 km, between 25 and 90 km, Unknown)",
                         where=where, field=column)
    for m in matches:
        before = text[:m.start()]
        if _SIGN.search(before) and not re.search(r"\d\s*[-\u2212\u2013]\s*$", before):
            raise InputError(f"{text!r} is negative; a distance cannot be", where=where, field=column)
    try:
        values = [Decimal(m.group().replace(",", "")) for m in matches]
    except InvalidOperation:
        raise InputError(f"{text!r} is not a distance", where=where, field=column) from None
    km = max(values)
    if re.search(r"\bmi(les?)?\b", low):
        km = (km * Decimal(str(_MILES))).quantize(Decimal("0.1"))
    elif re.search(r"\d\s*m\b|\bmeters?\b|\bmetres?\b", low) and "km" not in low:
        km = km / 1000
    plain = re.fullmatch(r"~?\s*" + _NUMBER + r"\s*(km|kilometers|kilometres)?", low)
    return _checked_km(km, text, where, column), None if plain else text


def _checked_km(km: Decimal, text: str, where: str, column: str) -> Decimal:
    """Finite, not negative, at most MAX_KM; written in plain notation (`1E+3` -> `1000`)."""
    if not km.is_finite():
        raise InputError(f"{text!r} is not a finite number", where=where, field=column)
    if km < 0:
        raise InputError(f"{text!r} is negative; a distance cannot be", where=where, field=column)
    if km > MAX_KM:
        raise InputError(f"{text!r} is more than {MAX_KM:,} km: not a plausible distance, check the cell",
                         where=where, field=column)
    if km and km.adjusted() < -6:  # below a millimetre (and `1e-999999999` would not fit in memory as text)
        raise InputError(f"{text!r} is less than a millimetre: not a plausible distance, check the cell",
                         where=where, field=column)
    return Decimal(format(km, "f"))


def parse_coordinate(value, where: str, column: str, limit: int):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if text.casefold() in UNKNOWN:
            return None
        try:
            number = float(text)
        except ValueError:
            raise InputError(f"{text!r} is not a decimal coordinate", where=where, field=column) from None
    if not -limit <= number <= limit:
        raise InputError(f"{number} is outside -{limit}..{limit}", where=where, field=column)
    return number
