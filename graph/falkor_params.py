"""FalkorDB's parameters: a `CYPHER name=value ...` header in front of the query text.

The client writes it (`falkordb.helpers.stringify_param_value`) in recursive Python at about 2 µs a
value, the largest part of comparing a batch of 10,000 elements with the store (a reload) or of
writing one. `params_header` writes the same text by one C-coded `json.dumps`. JSON writes a string
as the client does (only backslash and double quote escaped) unless the string holds a control
character, and a map as {"k":v} where the client writes {`k`:v}; every other case (such an escape,
a map key that is not a plain word, a value JSON cannot write) is left to the client's own writer.
"""

from __future__ import annotations

import json
import re

_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False, separators=(",", ":")).encode
# A map key that is a plain word, by its opening quote: after { or , and before the word and `":`
# (inside a JSON string every quote is escaped, after a backslash, so these never match there). Two
# passes with constant replacements that start at a literal pair, then one `str.replace` of the
# closing quotes, cost 20-30% less than one substitution with groups did (0.8 us a key).
_KEY_OPEN_BRACE = re.compile(r'\{"(?=\w+":)')
_KEY_OPEN_COMMA = re.compile(r',"(?=\w+":)')
# a quote that ends a map key (not one escaped inside a string, such as a title's `\"patience\": how`)
_KEY_END = re.compile(r'(?<!\\)(?:\\\\)*":')


def params_header(params: dict | None) -> str:
    """The header for `params` ("" for none), as the client would write it."""
    if not params:
        return ""
    try:
        text = " ".join(f"{k}={_JSON(v)}" for k, v in params.items())
    except (TypeError, ValueError):  # a value JSON cannot write (bytes, a tuple key, NaN)
        return client_header(params)
    if "\\" in text and "\\" in text.replace("\\\\", "").replace('\\"', ""):
        return client_header(params)  # an escape other than \\ and \" (a control character)
    header, opened = _KEY_OPEN_BRACE.subn("{`", text)
    header, more = _KEY_OPEN_COMMA.subn(",`", header)
    inside = '\\":' in header  # a quote inside a string before a colon (a title's `\"patience\": how`)
    if inside:  # set aside (JSON writes no NUL: it escapes every control character)
        header = header.replace('\\":', "\\\x00")
    if header.count('":') != opened + more:  # a map key that is not a plain word
        return client_header(params)
    header = header.replace('":', "`:")
    if inside:
        header = header.replace("\\\x00", '\\":')
        if _KEY_END.search(header):  # a key ending in a backslash (escaped: `\\":`)
            return client_header(params)
    return f"CYPHER {header} "


def client_header(params: dict) -> str:
    """The header as the FalkorDB client writes it."""
    from falkordb.helpers import stringify_param_value

    return "CYPHER " + " ".join(f"{k}={stringify_param_value(v)}" for k, v in params.items()) + " "
