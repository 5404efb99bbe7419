"""Colours, shapes and dashes of a view, derived from the ontology's hierarchy and families.

Kinds of things: one clearly different hue per group of classes (the class under Entity, or
under Actor for states, organizations and people), so a view shows a handful of hues, not six
greens; within a group the ontology's shape (pen:shape) and a darker or lighter tone tell the
subclasses apart. Relationships: the hue of their family (pen:family), and within a family each
type its own tone and dash pattern, so "member of", "leads" and "part of" never look alike;
derived relationships (CAN_REACH) are dotted.
"""

from __future__ import annotations

from functools import cache

# The hues come from the ontology: pen:color on the class heading each group (Tableau 10, clearly
# different on a projector) and on each pen:RelationshipFamily
MERGED = {"SanctionsRegime": "Sanction", "SanctionMeasure": "Sanction",  # one hue for the sanctions machinery
          "ExerciseSeries": "Event"}  # and one for exercises and the series they belong to
TONES = (0.0, -0.35, 0.35, -0.6, 0.55, -0.2, 0.2)  # <0 darker, >0 lighter
DASHES = (False, [10, 5], [3, 4], [12, 4, 3, 4], [6, 3], [2, 6], [14, 3, 3, 3, 3, 3])
DERIVED_DASH = [2, 3]


def tone(color: str, amount: float) -> str:
    """The colour mixed toward white (amount > 0) or black (amount < 0)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    target = 255 if amount > 0 else 0
    mix = [round(c + (target - c) * abs(amount)) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def group_of(cls: str, ont) -> str:
    """The class's group: its ancestor just under Entity (just under Actor for actors)."""
    chain = [cls] + [a for a in ont.ancestors(cls) if a != cls]
    chain = sorted(set(chain), key=lambda c: len(ont.ancestors(c)))  # most general first
    top = [c for c in chain if c not in ("Entity", "Actor", "Thing")]
    group = top[0] if top else cls
    return MERGED.get(group, group)


def class_styles(counts: dict, ont) -> dict:
    """{class: {"color", "shape", "group"}} for the classes of a view (counts: class -> members);
    within a group the most numerous class gets the group's hue and the others a tone of it."""
    groups: dict = {}
    for cls in sorted(counts, key=lambda c: (-counts[c], c)):
        groups.setdefault(group_of(cls, ont), []).append(cls)
    out = {}
    for group, members in groups.items():
        base = (ont.classes[group].color if group in ont.classes else "") or "#7f7f7f"
        for i, cls in enumerate(members):
            info = ont.classes.get(cls)
            out[cls] = {"color": tone(base, TONES[i % len(TONES)]), "shape": (info.shape if info else None) or "dot",
                        "group": group}
    return out


@cache
def type_styles(ont) -> dict:
    """{relationship type: {"color", "dashes", "family"}}: every type of a family its own look (past
    len(TONES) members a family's tones come round again, each time with the dashes shifted by one,
    so tone and dash together stay distinct for up to len(TONES) * len(DASHES) types)."""
    by_family: dict = {}
    for t in sorted(ont.rel_types):
        prop = ont.rel_types[t]
        by_family.setdefault(prop.family or "other", []).append(t)
    out = {}
    for family, members in by_family.items():
        base = ont.families.get(family) or "#7f8c8d"
        for i, t in enumerate(members):
            derived = ont.rel_types[t].derived
            out[t] = {"color": tone(base, TONES[i % len(TONES)]), "family": family,
                      "dashes": DERIVED_DASH if derived else DASHES[(i + i // len(TONES)) % len(DASHES)],
                      "derived": derived}
    return out
