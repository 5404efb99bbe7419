"""Static SVG charts from a store: missile tests per year, stacked by missile class.

Every text that comes from data is escaped; the SVG makes no reference outside itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from peninsula.graph.views import year_of

TESTS = ("MATCH (t:MissileTest) OPTIONAL MATCH (t)-[:TESTED]->(m:Entity) "
         "RETURN t.key AS key, t.date AS date, m.missile_class AS missile_class")
ORDER = ["SRBM", "CRBM", "MRBM", "IRBM", "ICBM", "SLBM", "HGV", "cruise", "SLV", "unknown"]
PALETTE = ["#f5b041", "#f8c471", "#e67e22", "#d35400", "#922b21", "#2874a6", "#8e44ad", "#16a085", "#5d6d7e",
           "#bdc3c7"]


def tests_per_year(store) -> dict[int, Counter]:
    """{year: Counter(missile class -> tests)}; a test counts once, under the first class it flew."""
    classes: dict[str, set] = defaultdict(set)
    years: dict[str, int] = {}
    for row in store.query(TESTS):
        year = year_of(row.get("date"))
        if year is None:
            continue
        years[row["key"]] = year
        value = row.get("missile_class")
        for cls in value if isinstance(value, list) else [value]:
            if cls:
                classes[row["key"]].add(str(cls))
    out: dict[int, Counter] = defaultdict(Counter)
    for key, year in years.items():
        out[year][sorted(classes[key], key=_rank)[0] if classes[key] else "unknown"] += 1
    return dict(out)


def _rank(cls: str) -> tuple[int, str]:
    return (ORDER.index(cls) if cls in ORDER else len(ORDER) - 1, cls)


def _color(cls: str, extra: list[str]) -> str:
    if cls in ORDER:
        return PALETTE[ORDER.index(cls)]
    return ["#1abc9c", "#a569bd", "#58d68d", "#cb4335", "#85929e"][extra.index(cls) % 5]


COVERAGE = ("Every ICBM, IRBM and SLBM flight test that could be sourced; shorter-range launches only where they "
            "mark a first.\nNot a count of all launches: load the CNS/NTI database (peninsula load --format cns) for that.")


def tests_per_year_svg(store, *, title: str = "Missile tests per year, by class", width: int = 900,
                       height: int = 390, note: str = COVERAGE) -> str:
    """Stacked bars of missile tests per year (MissileTest nodes by year of `date`, coloured by the
    `missile_class` of the system each TESTED; 'unknown' where none is recorded), with a note on
    what the counts cover under the axis."""
    return svg_from_counts(tests_per_year(store), title=title, width=width, height=height, note=note)


def svg_from_counts(counts: dict[int, Counter], *, title: str, width: int = 900, height: int = 360,
                    note: str = "") -> str:
    lines = note.splitlines()
    left, right, top, bottom = 48, 150, 40, 40 + 16 * len(lines)
    plot_w, plot_h = width - left - right, height - top - bottom
    classes = sorted({c for per in counts.values() for c in per}, key=_rank)
    extra = [c for c in classes if c not in ORDER]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" font-family="system-ui, sans-serif" font-size="12">',
             f"<title>{escape(title)}</title>",
             f'<text x="{left}" y="22" font-size="16" font-weight="600">{escape(title)}</text>']
    if not counts:
        parts.append(f'<text x="{left}" y="{top + plot_h / 2}" fill="#6b7785">No dated missile tests.</text></svg>')
        return "".join(parts)
    lo, hi = min(counts), max(counts)
    years = list(range(lo, hi + 1))
    peak = max(sum(c.values()) for c in counts.values())
    step = max(1, -(-peak // 5))
    ymax = step * -(-peak // step)
    bar = plot_w / len(years)
    for v in range(0, ymax + 1, step):
        y = top + plot_h - v / ymax * plot_h
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e8eb"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7785">{v}</text>')
    label_every = max(1, round(len(years) / 12))
    for i, year in enumerate(years):
        x = left + i * bar
        base = top + plot_h
        for cls in classes:
            n = counts.get(year, Counter()).get(cls, 0)
            if not n:
                continue
            h = n / ymax * plot_h
            base -= h
            parts.append(f'<rect x="{x + bar * 0.1:.1f}" y="{base:.1f}" width="{bar * 0.8:.1f}" height="{h:.1f}" '
                         f'fill="{_color(cls, extra)}"><title>{year}: {n} {escape(cls)}</title></rect>')
        if i % label_every == 0 or year == hi:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                         f'fill="#6b7785">{year}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#6b7785"/>')
    for i, line in enumerate(lines):
        y = height - 10 - 15 * (len(lines) - 1 - i)
        parts.append(f'<text x="{left}" y="{y}" font-size="11" fill="#6b7785">{escape(line)}</text>')
    for i, cls in enumerate(reversed(classes)):
        y = top + 10 + i * 20
        parts.append(f'<rect x="{width - right + 16}" y="{y - 10}" width="12" height="12" fill="{_color(cls, extra)}"/>'
                     f'<text x="{width - right + 34}" y="{y}">{escape(cls)}</text>')
    parts.append("</svg>")
    return "".join(parts)
