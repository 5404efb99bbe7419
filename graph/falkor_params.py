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
# a map key that is a plain word: after { or , (inside a JSON string every quote is escaped)
_WORD_KEY = re.compile(r'([{,])"(\w+)":')
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
    header = _WORD_KEY.sub(r"\1`\2`:", text)
    if '":' in header and _KEY_END.search(header):  # a map key that is not a plain word
        return client_header(params)
    return f"CYPHER {header} "


def client_header(params: dict) -> str:
    """The header as the FalkorDB client writes it."""
    from falkordb.helpers import stringify_param_value

    return "CYPHER " + " ".join(f"{k}={stringify_param_value(v)}" for k, v in params.items()) + " "
