"""An analyst's judgements on proposed matches, kept so every later load honours them.

A judgement file is YAML (a list of `{record, entity, judgement}`) or CSV (columns `record,entity,
judgement`): `record` is the key a loaded record gets when new (`org/un-kpe-905`, `event/cns-201`),
`entity` the key of the entity it was (or could be) matched to, `judgement` one of same / different /
unsure. `load --judgements FILE` adds FILE's judgements to the kept file (`PENINSULA_JUDGEMENTS`,
default `$XDG_DATA_HOME/peninsula/judgements.yaml`; a later line about the same pair wins), and
every load reads the kept file, so a wrong merge is fixed once.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from peninsula.ontology import InputError

VERDICTS = ("same", "different", "unsure")


def kept_path() -> Path:
    env = os.environ.get("PENINSULA_JUDGEMENTS")
    if env:
        return Path(env)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "peninsula" / "judgements.yaml"


def read(path) -> dict:
    """(record, entity) -> verdict from a YAML or CSV file; errors name the file, row and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=str(path)) from None
    if path.suffix.lower() == ".csv":
        rows = [(f"{path}:{n}", row) for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2)]
    else:
        import yaml

        try:
            doc = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            raise InputError(f"malformed YAML: {exc}", where=str(path)) from None
        if not isinstance(doc, list):
            raise InputError("a list of {record, entity, judgement} is expected", where=str(path))
        rows = [(f"{path} item {n}", row) for n, row in enumerate(doc, start=1)]
    out = {}
    for where, row in rows:
        if not isinstance(row, dict):
            raise InputError("each judgement is {record, entity, judgement}", where=where)
        for name in ("record", "entity", "judgement"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise InputError(f"needs a {name}", where=where, field=name)
        verdict = row["judgement"].strip().casefold()
        if verdict not in VERDICTS:
            raise InputError(f"{row['judgement']!r} is not one of {', '.join(VERDICTS)}", where=where,
                             field="judgement")
        out[(row["record"].strip(), row["entity"].strip())] = verdict
    return out


def kept() -> dict:
    path = kept_path()
    return read(path) if path.is_file() else {}


def keep(new: dict) -> dict:
    """Add judgements to the kept file (written whole, through a temp file); returns all of them."""
    import yaml

    from peninsula.graph.files import write_bytes_safely

    merged = {**kept(), **new}
    path = kept_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = [{"record": r, "entity": e, "judgement": v} for (r, e), v in sorted(merged.items())]
    write_bytes_safely(path, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8"))
    return merged


def load_judgements(path=None) -> dict:
    """The kept judgements plus those of `path` (which are then kept too)."""
    return keep(read(path)) if path else kept()
