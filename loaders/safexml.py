"""XML that never resolves entities or fetches anything."""

from __future__ import annotations

from peninsula.ontology import InputError


def check_xml(data: bytes, where: str) -> None:
    """Refuse a DOCTYPE (and with it entities, external or expanding) before any parser sees it."""
    lowered = data.lower()
    utf16 = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"\x00<": "utf-16-be", b"<\x00": "utf-16-le"}.get(data[:2])
    if utf16:  # in UTF-16 the markup's bytes are interleaved with NULs
        lowered = data.decode(utf16, errors="replace").lower().encode("utf-8")
    if b"<!doctype" in lowered or b"<!entity" in lowered:  # anywhere: comments may push it past any window
        raise InputError("XML with a DOCTYPE or entity declarations is refused (entities are never expanded)",
                         where=where)


def parse_xml(data: bytes, where: str):
    """Parse bytes with defusedxml (no DTDs, no entities, no network)."""
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    check_xml(data, where)
    try:
        return safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused: {exc}", where=where) from None
    except (LookupError, ValueError) as exc:  # an unknown or multi-byte encoding named in the declaration
        raise InputError(f"unreadable XML: {exc}", where=where) from None
    except safe_et.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(f"malformed XML: {exc}", where=f"{where}:{line}" if line else where) from None
