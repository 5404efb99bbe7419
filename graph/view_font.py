"""Hangul that renders on a machine with no Korean font: a subset of an openly licensed Korean
font, only the glyphs the page uses, embedded in the page as a data: URL (the page's CSP allows
`font-src data:`).

The font comes from the machine that writes the view: PENINSULA_HANGUL_FONT, else Debian's
fonts-nanum (NanumGothic, SIL Open Font License 1.1) or fonts-noto-cjk (Noto Sans CJK, OFL 1.1).
The subset is a modified version, so it is renamed (family "Peninsula Hangul", as the OFL asks
of fonts with reserved names) and keeps the font's copyright and license records. Without a
font the page falls back to the reader's own Korean fonts; `hangul_font()` says which file it used.
"""

from __future__ import annotations

import base64
import io
import os
import re
from functools import cache
from pathlib import Path

FAMILY = "Peninsula Hangul"
CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansKR-Regular.otf",
)
# Hangul Jamo, compatibility Jamo, syllables, and CJK punctuation the names use
KOREAN = re.compile(r"[\u1100-\u11ff\u3000-\u303f\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
UNICODE_RANGE = "U+1100-11FF, U+3000-303F, U+3130-318F, U+A960-A97F, U+AC00-D7FF"


def hangul_font() -> Path | None:
    """The Korean font the views subset, or None when the machine has none."""
    given = os.environ.get("PENINSULA_HANGUL_FONT")
    for path in ([given] if given else []) + list(CANDIDATES):
        if path and Path(path).is_file():
            return Path(path)
    return None


def korean_chars(text: str) -> str:
    return "".join(sorted(set(KOREAN.findall(text))))


@cache
def _subset(path: str, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=False)
    options = subset.Options()
    options.flavor = "woff"  # zlib, in the standard library (woff2 would need brotli)
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright, license and its URL
    options.layout_features = ["*"]
    options.hinting = False
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # VTT hinting sources: not needed
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    for record in font["name"].names:  # a modified version carries another name (OFL 1.1, reserved names)
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "")
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def font_face_css(text: str) -> str:
    """An @font-face rule embedding the glyphs of the Korean characters in `text` ("" when there
    are none or no font is available)."""
    chars = korean_chars(text)
    path = hangul_font()
    if not chars or path is None:
        return ""
    data = base64.b64encode(_subset(str(path), chars)).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); '
            f"unicode-range: {UNICODE_RANGE}; font-display: block; }}")
