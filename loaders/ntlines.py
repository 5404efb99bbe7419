"""N-Triples (and N-Quads) lines for the streaming load: sorted on disk so each subject's lines are
together, cut into chunks at subject boundaries, and matched into text rows.

GNU ``sort -u`` (C locale, bounded buffer, spilling to temporary files) reads an N-Triples or
N-Quads file itself; any other format pyoxigraph parses and writes to ``sort`` as N-Triples
(N-Quads for TriG, so named graphs are kept). One regular expression matches a whole chunk of
lines in the plain form; lines with escapes, comments or odd spacing go through pyoxigraph one
by one, and a bad one is reported with its line number in the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peninsula.loaders.formats import RdfFormat
from peninsula.loaders.guard import MAX_TEXT, text_problem
from peninsula.ontology import InputError

SORT_BUFFER = os.environ.get("PENINSULA_SORT_BUFFER", "256M")
CHUNK = 1 << 22  # bytes of sorted N-Triples decoded and matched at a time
_IRI_BODY = r'[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*'
_IRI = rf"<{_IRI_BODY}>"
_BNODE = r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*"
# a literal without escapes, control characters (loaders.guard refuses them) or more than MAX_TEXT characters
_OBJECT = (rf'{_IRI}|{_BNODE}|"[^"\\\x00-\x08\x0a-\x1f\x7f-\x9f]{{0,{MAX_TEXT}}}"'
           rf'(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?')
# One triple in the plain form pyoxigraph and Peninsula write: one space apart, no escapes; the
# predicate is captured without its brackets. Any other line (escapes, tabs, comments) is parsed
# by pyoxigraph itself. ROWS matches a whole chunk of such lines at once (one C call, no objects).
CANONICAL = re.compile(rf"({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT}) \.\n?")
ROWS = re.compile(rf"^({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT}) \.$", re.M)
# the same for N-Quads (TriG and N-Quads input): a fourth group, the graph name ('' for the default graph)
CANONICAL_QUAD = re.compile(rf"({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT})(?: ({_IRI}|{_BNODE}))? \.\n?")
ROWS_QUAD = re.compile(rf"^({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT})(?: ({_IRI}|{_BNODE}))? \.$", re.M)
_SUBJECT = re.compile(rb"([^ \t\r\n]+)[ \t]")


def sort_cmd(tmp: str) -> list[str]:
    exe = shutil.which("sort")
    if exe is None:
        raise InputError("streaming load needs the `sort` program (GNU coreutils); use the normal load instead")
    return [exe, "-u", "-S", SORT_BUFFER, "-T", tmp]


def sort_env() -> dict:
    return {**os.environ, "LC_ALL": "C"}


def _line_number(path: Path, line: bytes) -> int | None:
    """Where a line of the sorted stream was in the file (only asked when reporting an error)."""
    line = line.rstrip(b"\r\n")
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            if raw.rstrip(b"\r\n") == line:
                return lineno
    return None


@contextmanager
def sorted_lines(path: Path, fmt: RdfFormat, tmp: str):
    """A binary stream of the file as unique N-Triples lines (N-Quads lines for TriG and N-Quads:
    a named graph is kept), sorted (so grouped by subject).

    An N-Triples or N-Quads file is sorted as it is, by `sort` reading it itself (lines are checked
    after); any other format is parsed by pyoxigraph and written to `sort` as N-Triples (N-Quads)."""
    import pyoxigraph

    if fmt.line_based:
        proc = subprocess.Popen([*sort_cmd(tmp), "--", str(path)], stdout=subprocess.PIPE, env=sort_env())
    else:
        proc = subprocess.Popen(sort_cmd(tmp), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=sort_env())
        try:
            quads = pyoxigraph.parse(path=str(path), format=fmt.ox_format)
            if fmt.named_graphs:
                pyoxigraph.serialize(quads, proc.stdin, format=pyoxigraph.RdfFormat.N_QUADS)
            else:
                pyoxigraph.serialize((q.triple for q in quads), proc.stdin, format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            proc.kill()
            raise InputError(f"malformed {fmt.parser}: {exc}", where=f"{path}:{exc.lineno}" if exc.lineno else str(path)) from None
        except BaseException:
            proc.kill()
            raise
        finally:
            proc.stdin.close()
    try:
        yield proc.stdout
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        code = proc.wait()
    if code > 0:
        raise InputError(f"`sort` failed (exit status {code}) on the file", where=str(path))


def _slow_rows(data: bytes, path: Path, quads: bool = False) -> list:
    """Sorted lines that are not all in the plain form: one by one, through pyoxigraph where needed.

    A literal parsed by pyoxigraph travels as its term (escapes decoded); IRIs as N-Triples text.
    N-Quads (`quads`): each row has a fourth item, the graph name as N-Triples text ('' if none)."""
    import pyoxigraph

    canonical = CANONICAL_QUAD if quads else CANONICAL
    syntax, name = (pyoxigraph.RdfFormat.N_QUADS, "N-Quads") if quads else (pyoxigraph.RdfFormat.N_TRIPLES, "N-Triples")
    rows = []
    for raw in data.splitlines(keepends=True):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            lineno = _line_number(path, raw)
            raise InputError(f"not UTF-8 ({exc.reason})", where=f"{path}:{lineno}" if lineno else str(path)) from None
        m = canonical.fullmatch(line)
        if m is not None:
            rows.append(m.groups("") if quads else m.groups())
            continue
        try:
            parsed = list(pyoxigraph.parse(raw, format=syntax))
        except SyntaxError as exc:
            lineno = _line_number(path, raw)
            raise InputError(f"malformed {name}: {exc}", where=f"{path}:{lineno}" if lineno else str(path)) from None
        for q in parsed:
            t = q.triple
            o = t.object
            if isinstance(o, pyoxigraph.Literal):
                problem = text_problem(o.value)  # what loaders.guard refuses in every reader
                if problem:
                    lineno = _line_number(path, raw)
                    raise InputError(problem, where=f"{path}:{lineno}" if lineno else f"{path} {t.subject}",
                                     field=t.predicate.value.rsplit("#", 1)[-1])
            row = (str(t.subject), t.predicate.value, o if isinstance(o, pyoxigraph.Literal) else str(o))
            if quads:
                row += ("" if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else str(q.graph_name),)
            rows.append(row)
    return rows


def subject_chunks(stream, chunk: int = CHUNK) -> Iterator[bytes]:
    """Sorted N-Triples in pieces of about CHUNK bytes, each cut where a subject's lines begin
    (so every subject's triples are in one piece; a subject larger than CHUNK makes a larger one)."""
    return _chunks(stream, chunk, _last_subject_start)


def _chunks(stream, chunk: int, group_start) -> Iterator[bytes]:
    """Whole lines in pieces of about `chunk` bytes, each cut where `group_start(data, end)` says the
    group of the last complete line (ending at `end`) begins, so no group is split."""
    rest = b""
    while data := stream.read(chunk):
        data = rest + data
        end = data.rfind(b"\n") + 1
        cut = group_start(data, end) if end else 0
        if cut == 0:
            rest = data
            continue
        yield data[:cut]
        rest = data[cut:]
    if rest:
        yield rest


def _last_subject_start(data: bytes, end: int) -> int:
    """Where the lines of the subject of the last complete line (ending at `end`) begin."""
    start = data.rfind(b"\n", 0, end - 1) + 1
    m = _SUBJECT.match(data, start, end)
    if m is None:
        return start
    token = m.group(1)
    while start > 0:
        prev = data.rfind(b"\n", 0, start - 1) + 1
        if not (data.startswith(token, prev) and data[prev + len(token):prev + len(token) + 1] in (b" ", b"\t")):
            break
        start = prev
    return start


def chunk_rows(data: bytes, path: Path, quads: bool = False) -> list:
    """Whole sorted lines -> (subject, predicate IRI, object) text rows: one regular expression
    over the chunk where every line is plain, else line by line. The subject and object keep
    their N-Triples form; the predicate is the bare IRI. N-Quads (`quads`): a fourth item, the
    graph name in N-Triples form, '' for the default graph."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _slow_rows(data, path, quads)
    rows = (ROWS_QUAD if quads else ROWS).findall(text)
    return rows if len(rows) == text.count("\n") else _slow_rows(data, path, quads)


def record_chunks(stream, chunk: int = CHUNK) -> Iterator[bytes]:
    """The join's sorted tab-separated records in pieces of about `chunk` bytes, each cut where a
    triple's records begin (so all records of one triple are in one piece)."""
    return _chunks(stream, chunk, _last_triple_start)


def _last_triple_start(data: bytes, end: int) -> int:
    """Where the records of the triple of the last complete record (ending at `end`) begin."""
    start = data.rfind(b"\n", 0, end - 1) + 1
    third = start
    for _ in range(3):
        third = data.index(b"\t", third, end) + 1
    spo = data[start:third]
    while start > 0:
        prev = data.rfind(b"\n", 0, start - 1) + 1
        if not data.startswith(spo, prev):
            break
        start = prev
    return start
