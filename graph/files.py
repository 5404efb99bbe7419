"""Writing output files so that nothing outside the intended file is ever overwritten.

    write_text_safely(path, text)     path's folder gets a new file, atomically; returns the path
    write_bytes_safely(path, data)    the same for bytes
    child(folder, *parts)             folder/parts..., refused if it would lead out of folder

What `-o PATH` means everywhere: PATH is the user's own choice (`..` in it is theirs to use), but
the file written is exactly PATH's last component inside PATH's folder. The text goes to a fresh
temporary file in that folder (created exclusively, so never through a planted link) that then
replaces the target by rename: a symlink at the target is replaced, never followed, and a reader
sees the old file or the new one, never half of one. Names Peninsula derives itself (a view's
name, the demo's sub-folders) go through `child`, which refuses `..`, absolute parts and a link
that leads out of the folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from peninsula.ontology import InputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(path, *, binary: bool = False, newline: str | None = "\n", field: str = "output"):
    """A file object for a new `path`: a fresh file in the same folder (created exclusively, never
    through a planted link), renamed over `path` when the block ends without error (a symlink at
    `path` is replaced, never followed), removed if not. The folder is created if missing. Text is
    UTF-8; `newline=""` for the csv module."""
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise InputError(f"refusing to write to {str(path)!r}: not a file name", field=field)
    target = path.parent / path.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            raise InputError(f"{target} is a folder, not a file", field=field)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}", field=field) from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes_safely(path, data: bytes, *, field: str = "output") -> Path:
    """Write `data` to `path` by temporary file and rename (see `replacing`), synced to disk."""
    with replacing(path, binary=True, field=field) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(path).parent / Path(path).name


def write_text_safely(path, text: str, *, field: str = "output") -> Path:
    """Write `text` (UTF-8) to `path` by temporary file and rename; see write_bytes_safely."""
    return write_bytes_safely(path, text.encode("utf-8"), field=field)


def child(folder, *parts: str, field: str = "output") -> Path:
    """folder/part/part..., for names Peninsula made up: refused if it leads out of `folder`
    (an absolute part, `..`, or a symlinked sub-folder pointing elsewhere)."""
    folder = Path(folder)
    path = folder.joinpath(*parts)
    for part in parts:
        if Path(part).is_absolute() or ".." in Path(part).parts:
            raise InputError(f"refusing to write {path}: {part!r} leads out of {folder}", field=field)
    root = folder.resolve()
    # the file itself may be a link (it is replaced, not followed); its folder must stay inside
    real = path.parent.resolve() / path.name
    if real != root and root not in real.parents:
        raise InputError(f"refusing to write {path}: a link leads it out of {folder} (to {real.parent})",
                         field=field)
    return path
