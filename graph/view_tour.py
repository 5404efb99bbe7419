"""Tours: a short lesson in YAML that a view steps through with Next and Previous.

    title: The Six-Party Talks, 2003-2009
    description: One line under the title.
    families: [diplomacy, agreement]     # relationship families drawn (pen:family), or
    view: diplomacy                      # ...a named view's families
    steps:
      - title: The talks open
        text: A few sentences, every fact from data/.
        years: [2003, 2003]              # or one year: 2003
        select: [process/six-party-talks]  # node keys: selected and fitted
        show: [State, TalksRound]        # kinds of things shown (ontology classes); all when absent
        sources: [src/chinaorg-2005-07-19]  # keys of Source entities the text rests on

`read_tour(path)` checks the file against the ontology (families, classes) and names the file,
step and field of every problem; `tour_view(store, tour)` checks the keys against the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from peninsula.ontology import InputError, load

STEP_FIELDS = {"title", "text", "years", "select", "show", "sources"}
TOUR_FIELDS = {"title", "description", "families", "view", "steps"}


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    years: tuple[int, int] | None = None
    select: tuple[str, ...] = ()
    show: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tour:
    title: str
    families: tuple[str, ...]
    steps: tuple[Step, ...]
    description: str = ""
    path: str = ""
    keys: frozenset = field(default_factory=frozenset)

    def as_data(self) -> dict:
        return {"title": self.title, "steps": [
            {"title": s.title, "text": s.text, "from": s.years[0] if s.years else None,
             "to": s.years[1] if s.years else None, "select": list(s.select), "show": list(s.show),
             "sources": list(s.sources)} for s in self.steps]}


def _strings(value, where, name) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise InputError("expected a list of non-empty strings", where=where, field=name)
    return tuple(v.strip() for v in items)


def _years(value, where) -> tuple[int, int] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if len(items) == 1:
        items = items * 2
    if len(items) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in items) or items[0] > items[1]:
        raise InputError(f"expected a year or [FIRST, LAST] with FIRST <= LAST, got {value!r}", where=where, field="years")
    return items[0], items[1]


def _step(raw, where, ont) -> Step:
    if not isinstance(raw, dict):
        raise InputError("a step is a mapping with title, text, years, select, show, sources", where=where)
    unknown = sorted(set(raw) - STEP_FIELDS)
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; a step has {', '.join(sorted(STEP_FIELDS))}",
                         where=where, field=unknown[0])
    for name in ("title", "text"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise InputError("required, a non-empty text", where=where, field=name)
    show = _strings(raw.get("show"), where, "show")
    bad = [c for c in show if c not in ont.classes]
    if bad:
        raise InputError(f"not a class of the ontology: {', '.join(bad)}", where=where, field="show")
    return Step(raw["title"].strip(), " ".join(raw["text"].split()), _years(raw.get("years"), where),
                _strings(raw.get("select"), where, "select"), show, _strings(raw.get("sources"), where, "sources"))


def read_tour(path) -> Tour:
    """The tour in a YAML file, checked; errors name the file, the step and the field."""
    from peninsula.graph.views import VIEWS

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the tour: {exc.strerror}", where=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from None
    if not isinstance(raw, dict):
        raise InputError("a tour is a mapping with title, families or view, and steps", where=str(path))
    unknown = sorted(set(raw) - TOUR_FIELDS)
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}", where=str(path), field=unknown[0])
    if not isinstance(raw.get("title"), str) or not raw["title"].strip():
        raise InputError("required, a non-empty text", where=str(path), field="title")
    ont = load()
    known = {p.family for p in ont.rel_types.values() if p.family}
    families = list(_strings(raw.get("families"), str(path), "families"))
    if raw.get("view") is not None:
        if raw["view"] not in VIEWS:
            raise InputError(f"no view {raw['view']!r}; views: {', '.join(VIEWS)}", where=str(path), field="view")
        families += VIEWS[raw["view"]].families
    bad = [f for f in families if f not in known]
    if bad or not families:
        raise InputError(f"give families among {', '.join(sorted(known))} or a view" + (f"; unknown: {', '.join(bad)}"
                         if bad else ""), where=str(path), field="families")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise InputError("required, a list of steps", where=str(path), field="steps")
    parsed = tuple(_step(s, f"{path} step {i}", ont) for i, s in enumerate(steps, 1))
    return Tour(raw["title"].strip(), tuple(dict.fromkeys(families)), parsed,
                " ".join(str(raw.get("description") or "").split()), str(path))


def check_keys(tour: Tour, node_keys: set, source_keys: set) -> None:
    """Every selected node is in the view and every source is a Source of the store."""
    for i, step in enumerate(tour.steps, 1):
        where = f"{tour.path} step {i}"
        missing = [k for k in step.select if k not in node_keys]
        if missing:
            raise InputError(f"not in this tour's view (families {', '.join(tour.families)}): {', '.join(missing)}",
                             where=where, field="select")
        missing = [k for k in step.sources if k not in source_keys]
        if missing:
            raise InputError(f"no such Source in the store: {', '.join(missing)}", where=where, field="sources")
