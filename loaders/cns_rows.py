"""The rows of the CNS database: its CSV (cp1252, any line ending) or its XLSX workbook.

Both yield `("header", where, names)` once, then `("row", where, {column: cell})` for each
non-empty row, `where` naming the file and line (or sheet and row). A malformed line, an
undecodable byte, a column named twice or a row longer than the header is refused with its line.
"""

from __future__ import annotations

import csv
import re

from peninsula.ontology import InputError

SHEET = "Missile Tests"


def csv_rows(path, encoding: str | None):
    """('header' | 'row', where, the header's names | {column: cell}) for each line of a CSV file."""
    with open(path, "rb") as fh:
        raw = fh.read(3)
        enc = encoding or ("utf-8" if raw == b"\xef\xbb\xbf" else "cp1252")
        fh.seek(3 if raw == b"\xef\xbb\xbf" else 0)

        def lines():
            n = 0
            for chunk in fh:  # lines end in \n, \r\n or a lone \r (0x0D is one byte in UTF-8 and cp1252)
                for line in _CR_LINE.split(chunk):
                    if not line:
                        continue
                    n += 1
                    try:
                        yield line.decode(enc)
                    except UnicodeDecodeError as exc:
                        raise InputError(f"undecodable byte 0x{line[exc.start]:02x} at column {exc.start + 1} "
                                         f"(read as {enc}; pass another encoding if the file is not {enc})",
                                         where=f"{path}:{n}") from None

        reader = csv.reader(lines())
        header = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", where=f"{path}:{reader.line_num}") from None
            if header is None:
                header = [h.strip() for h in row]
                _unique_columns(header, f"{path}:{reader.line_num}")
                yield "header", f"{path}:{reader.line_num}", header
                continue
            if not any(c.strip() for c in row):
                continue
            longest = max(len(c) for c in row)
            if longest > MAX_CELL:  # our own limit: csv's is process-wide and other libraries raise it
                raise InputError(f"malformed CSV: a cell of {longest:,} characters (at most {MAX_CELL:,})",
                                 where=f"{path}:{reader.line_num}")
            if len(row) > len(header):
                raise InputError(f"{len(row)} cells for {len(header)} columns", where=f"{path}:{reader.line_num}")
            yield "row", f"{path}:{reader.line_num}", dict(zip(header, row, strict=False))


MAX_CELL = 131_072  # characters in one cell: the csv module's default limit, which a CNS cell never nears
_CR_LINE = re.compile(rb"(?<=\r)(?!\n)")  # splits after a \r that does not start \r\n


def _unique_columns(header: list[str], where: str) -> None:
    """A column named twice would have one cell silently replace the other: refused."""
    first: dict = {}
    for i, name in enumerate(header, start=1):
        if not name:
            continue  # unnamed (empty) columns are never read
        if name in first:
            raise InputError(f"column {name!r} appears twice (columns {first[name]} and {i}); "
                             "rename or remove one", where=where, field=name)
        first[name] = i


def xlsx_rows(path):
    """Like csv_rows, for the sheet `Missile Tests` of the XLSX workbook (header within its first 5 rows)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", where=str(path)) from None
    try:
        if SHEET not in wb.sheetnames:
            raise InputError(f"no sheet {SHEET!r}; the workbook has {wb.sheetnames}", where=str(path))
        ws = wb[SHEET]
        header = None
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if header is None:
                names = [str(c).strip() for c in cells]
                if "Missile Name" in names or "Date" in names:
                    header = names
                    _unique_columns(header, f"{path} sheet {SHEET!r} row {n}")
                    yield "header", f"{path} sheet {SHEET!r} row {n}", header
                elif n >= 5:
                    raise InputError("no header row (with Date and Missile Name) in the first 5 rows",
                                     where=f"{path} sheet {SHEET!r}")
                continue
            if not any(str(c).strip() for c in cells):
                continue
            yield "row", f"{path} sheet {SHEET!r} row {n}", dict(zip(header, cells, strict=False))
    finally:
        wb.close()
