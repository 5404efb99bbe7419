"""One matcher for every loader: is this loaded record an entity the knowledge base already has?

Features, each explained in the decision's `reasons`:

- identifiers decide: a UN reference number, a Wikidata QID or a source record id (CNS `F1=...`)
  held by a compatible entity is that entity (score 1.0);
- class compatibility, from the ontology: one class is the other or below it, or both are
  places or weapon systems (a LaunchSite may be a MilitaryBase); a Person is never an Organization;
- names, normalised (`name_keys`): case, diacritics and McCune-Reischauer marks (Kusŏng,
  P'yŏngsŏng), apostrophes, hyphens and word order (ER Scud / Scud-ER), a parenthetical acronym
  (kept as a short alias), legal-form words (rigour's organisation-type database: Corporation,
  Corp., Co., Ltd.). Then rapidfuzz's similarity of the normalised names (Korean / Korea);
  names whose numbers differ are different things (Hwasong-15 / Hwasong-5);
- aliases: a shared alias decides like a name, except one of four characters or fewer
  (NCG, GBAE), which is listed but never decides a match on its own; when the names are close
  as well (CLOSE: one's words nearly within the other's, numbers agreeing) the candidate is a
  likely duplicate, printed for review and still never merged;
- places: within DISTANCE_KM of each other with a compatible name (one name's words within
  the other's); farther apart, never the same place;
- judgements: an analyst's `same` / `different` / `unsure` on a (record, entity) pair
  (see judgements.py) overrides the score.

A best candidate scoring MERGE or more, clearly ahead of the next, is merged; candidates from
LIKELY up are reported as likely duplicates and never merged silently.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

MERGE = 0.90
LIKELY = 0.75
MARGIN = 0.03  # how far ahead of the second candidate the best must be
SHORT = 4  # an alias of this many characters or fewer never decides alone
CLOSE = 0.80  # names this close, beside a shared short alias, make a likely duplicate (for review only)
DISTANCE_KM = 5.0
ID_LABELS = {"reference_number": "UN reference number", "wikidata": "Wikidata QID", "record_id": "record id"}
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bb`\u00b4]")
_PAREN = re.compile(r"\(([^()]*)\)")
_DIGITS = re.compile(r"\d+")
# generic English legal-form words rigour's organisation-type database leaves in (it removes Ltd., LLC, ...)
_LEGAL = re.compile(r"\b(corporation|corp|company|co|incorporated|inc|limited)\b")


# ---------------------------------------------------------------------------- names
@cache
def _remove_org_types():
    from rigour.names.org_types import remove_org_types

    return remove_org_types


def _plain(text: str) -> str:
    """Case-folded ASCII-ish text: diacritics and MR breves dropped, apostrophes joined, punctuation
    turned into spaces, legal-form words removed."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    stripped = _LEGAL.sub(" ", _remove_org_types()(text))
    if stripped.strip():
        text = stripped
    return " ".join(sorted(text.split()))


@cache
def name_keys(text: str) -> list[str]:
    """The normalised forms of a name, the main one first: `General Bureau of Atomic Energy (GBAE)`
    -> ['atomic bureau energy general of', 'gbae']; `Kusong (Panghyon)` -> ['kusong', 'panghyon'].
    Words are sorted, so word order does not count."""
    inner = [m.group(1) for m in _PAREN.finditer(text)]
    main = _PAREN.sub(" ", text)
    keys = [_plain(main)] + [_plain(x) for x in inner]
    if not keys[0]:
        keys[0] = _plain(text)
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def is_short(key: str) -> bool:
    return len(key.replace(" ", "")) <= SHORT


def _ratio(a: str, b: str) -> float:
    """Similarity of two normalised names in [0, 1]; 0 when their numbers differ. Every word of one
    without its twin in the other needs a close variant there (Korean / Korea), else the score stays
    below LIKELY: `Person A` / `Person B`, `Tangun` / `Taesong` differ in a whole word."""
    if a == b:
        return 1.0
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    score = fuzz.ratio(a, b) / 100
    wa, wb = set(a.split()), set(b.split())
    only_a, only_b = wa - wb, wb - wa
    if len(only_a) != len(only_b) or not all(any(fuzz.ratio(x, y) >= 80 for y in only_b) for x in only_a):
        score = min(score, LIKELY - 0.01)
    return score


def similarity(a: str, b: str) -> float:
    """Best similarity between the normalised forms of two names (long forms only)."""
    ka = [k for k in name_keys(a) if not is_short(k)]
    kb = [k for k in name_keys(b) if not is_short(k)]
    return max((_ratio(x, y) for x in ka for y in kb), default=0.0)


def _contained(a: str, b: str) -> bool:
    """One name's words all within the other's (Sinpo / Sinpo shipyard and submarine base)."""
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to tell 1 km from 5."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# ---------------------------------------------------------------------------- records and decisions
@dataclass
class Record:
    """What a loader knows of one record, to be matched."""

    names: list
    cls: str
    proposed: str  # the key the record gets if it is new
    where: str
    aliases: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)  # reference_number / wikidata / record_id -> value
    lat: float | None = None
    lon: float | None = None


@dataclass
class Decision:
    record: Record
    key: str  # the matched entity, or the proposed key when new
    kind: str  # merge | new
    score: float = 0.0
    reasons: list = field(default_factory=list)
    considered: list = field(default_factory=list)  # other candidates: {key, score, reasons}

    @property
    def merged(self) -> bool:
        return self.kind == "merge"

    @property
    def likely(self) -> list:
        """Candidates not merged that look the same (score >= LIKELY, judged unsure, or a shared short
        alias with close names)."""
        return [c for c in self.considered if c["score"] >= LIKELY or c.get("unsure") or c.get("review")]


# ---------------------------------------------------------------------------- the matcher
class Matcher:
    """Candidates from the knowledge base for a record, scored and explained."""

    def __init__(self, kb, judgements=None):
        from peninsula.ontology import load

        self.kb, self.ont = kb, load()
        self.judgements = judgements or {}
        self.ids: dict = {kind: {} for kind in ID_LABELS}
        self.keys_of: dict = {}  # name key -> entity keys
        self.short_of: dict = {}  # short alias key -> entity keys
        self.choices: list = []  # long name keys, for rapidfuzz
        for key, props in kb.nodes.items():
            self.add(key, props)
        for ref, key in kb.references.items():
            self.ids["reference_number"].setdefault(ref, key)

    def add(self, key: str, props: dict):
        """Index one entity (also used for entities a batch creates, so a file matches itself)."""
        for kind in ID_LABELS:
            for v in _as_list(props.get(kind)):
                self.ids[kind].setdefault(str(v).strip(), key)
        for text in _texts(props):
            for k in name_keys(text):
                if is_short(k):
                    self.short_of.setdefault(k, set()).add(key)
                else:
                    if k not in self.keys_of:
                        self.choices.append(k)
                    self.keys_of.setdefault(k, set()).add(key)

    # -- classes
    def compatible(self, cls: str, key: str) -> bool:
        props = self.kb.get(key)
        if props is None:
            return False
        classes = props.get("class")
        return any(self._compatible(cls, c) for c in (classes if isinstance(classes, list) else [classes])
                   if c in self.ont.classes)

    def _compatible(self, a: str, b: str) -> bool:
        if self.ont.is_a(a, b) or self.ont.is_a(b, a):
            return True
        return any(self.ont.is_a(a, root) and self.ont.is_a(b, root) for root in ("Place", "WeaponSystem"))

    # -- exact names (weapon systems: no fuzzy names, numbers and letters count)
    def exact(self, text: str, cls: str) -> list[str]:
        found = set()
        for k in name_keys(text)[:1]:
            found |= self.keys_of.get(k, set())
        return sorted(key for key in found if self.compatible(cls, key))

    # -- the decision
    def match(self, record: Record) -> Decision:
        judged = self.judged(record.proposed)
        for kind, value in record.ids.items():
            key = self.ids.get(kind, {}).get(str(value).strip()) if value else None
            if key and key != record.proposed and self.compatible(record.cls, key) and judged.get(key) != "different":
                return Decision(record, key, "merge", 1.0, [f"same {ID_LABELS[kind]} {value}"])
        for key, verdict in judged.items():
            if verdict == "same" and key in self.kb.nodes:
                return Decision(record, key, "merge", 1.0, ["judged the same by an analyst"])
        cands = self._candidates(record)
        for c in cands:
            verdict = judged.get(c["key"])
            if verdict == "different":
                c["score"], c["reasons"] = 0.0, c["reasons"] + ["judged different by an analyst"]
            elif verdict == "unsure":
                c["unsure"] = True
                c["reasons"].append("judged unsure by an analyst: not merged")
        cands.sort(key=lambda c: (-c["score"], c["key"]))
        best = cands[0] if cands else None
        second = cands[1]["score"] if len(cands) > 1 else 0.0
        if best and best["score"] >= MERGE and not best.get("unsure") and best["score"] - second >= MARGIN:
            return Decision(record, best["key"], "merge", best["score"], best["reasons"], cands[1:])
        if best and best["score"] >= MERGE:
            for c in cands:
                if c["score"] >= MERGE and not c.get("unsure"):
                    c["reasons"].append("not merged: another candidate scores as high")
        return Decision(record, record.proposed, "new", 0.0, [], cands)

    def judged(self, proposed: str) -> dict:
        """entity key -> the analyst's verdict on (proposed, entity), in either order of the pair."""
        out = {}
        for (a, b), verdict in self.judgements.items():
            if a == proposed:
                out[b] = verdict
            elif b == proposed:
                out[a] = verdict
        return out

    def review(self, nodes: list[dict]) -> list[str]:
        """For nodes a file describes under keys of its own (RDF additions): each new one, and the
        entities it looks like. RDF keys are identities, so nothing is merged; the analyst decides."""
        lines = []
        for n in nodes:
            props = n["props"]
            if n["key"] in self.kb.nodes or not isinstance(props.get("name"), str):
                continue
            cls = props["class"][0] if isinstance(props.get("class"), list) else props.get("class")
            if cls not in self.ont.classes or cls == "Source":
                continue
            d = self.match(Record(names=[props["name"]], aliases=_as_list(props.get("alias")), cls=cls,
                                  proposed=n["key"], where=n["key"],
                                  ids={k: props.get(k) for k in ID_LABELS if props.get(k)},
                                  lat=props.get("latitude"), lon=props.get("longitude")))
            lines.append(f"new: {n['key']}")
            for c in ([{"key": d.key, "score": d.score, "reasons": d.reasons}] if d.merged else []) + d.likely:
                lines.append(f"likely duplicate: {n['key']} ~ {c['key']} (score {c['score']:.2f}: "
                             f"{'; '.join(c['reasons'])})")
        return lines

    def _candidates(self, record: Record) -> list[dict]:
        long_keys, short_keys = [], []
        for text in [*record.names, *record.aliases]:
            for k in name_keys(text):
                (short_keys if is_short(k) else long_keys).append(k)
        found: dict = {}  # entity key -> (score, reasons)
        for q in dict.fromkeys(long_keys):
            for choice, _score, _ in process.extract(q, self.choices, scorer=fuzz.ratio, score_cutoff=LIKELY * 100,
                                                    limit=20):
                for key in self.keys_of[choice]:
                    s = _ratio(q, choice)
                    if s and s > found.get(key, (0, []))[0]:
                        why = f"same name after normalisation ('{q}')" if s == 1 else \
                            f"name similarity {s:.2f} ('{q}' ~ '{choice}')"
                        found[key] = (s, [why])
            if record.lat is not None:  # places: a name within the other's, checked by distance below
                for choice, keys in self.keys_of.items():
                    if _contained(q, choice):
                        for key in keys:
                            if key not in found:
                                found[key] = (0.0, [f"names within each other ('{q}' / '{choice}')"])
        shared = set()
        for q in dict.fromkeys(short_keys):
            for key in self.short_of.get(q, set()) | self.keys_of.get(q, set()):
                score, reasons = found.get(key, (0.0, []))
                found[key] = (score, reasons + [f"shared short alias '{q}' ({SHORT} characters or fewer: never "
                                                f"decides a match on its own)"])
                shared.add(key)
        out = []
        for key, (score, reasons) in found.items():
            if key == record.proposed or not self.compatible(record.cls, key):
                continue
            score, reasons = self._place(record, key, score, reasons)
            c = {"key": key, "score": round(score, 4), "reasons": reasons}
            if key in shared and score < LIKELY:
                close = self._closeness(long_keys, key)
                if close >= CLOSE:
                    c["review"] = True
                    reasons.append(f"names close ({close:.2f}) beside the shared short alias: a likely duplicate "
                                   "to review, not merged")
            out.append(c)
        return out

    def _closeness(self, long_keys: list[str], key: str) -> float:
        """How close the record's long names come to the entity's: the share of the shorter name's
        words found in the other (rapidfuzz token_set_ratio); 0 when their numbers differ."""
        theirs = [k for text in _texts(self.kb.get(key) or {}) for k in name_keys(text) if not is_short(k)]
        return max((0.0 if _DIGITS.findall(a) != _DIGITS.findall(b) else fuzz.token_set_ratio(a, b) / 100
                    for a in long_keys for b in theirs), default=0.0)

    def _place(self, record: Record, key: str, score: float, reasons: list):
        props = self.kb.get(key)
        if record.lat is None or props.get("latitude") is None:
            return score, reasons
        d = km(record.lat, record.lon, float(props["latitude"]), float(props["longitude"]))
        if d > DISTANCE_KM:
            return 0.0, reasons + [f"{d:.1f} km apart (more than {DISTANCE_KM:g} km): another place"]
        if score < MERGE and any("within each other" in r for r in reasons):
            score = MERGE
        return score, reasons + [f"{d:.1f} km apart (within {DISTANCE_KM:g} km)"]


def _as_list(v) -> list:
    return [] if v is None else v if isinstance(v, list) else [v]


def _texts(props: dict):
    for k, v in props.items():
        if k in ("name", "alias", "designation") or k.startswith(("name_", "alias_")):
            yield from (x for x in _as_list(v) if isinstance(x, str))
