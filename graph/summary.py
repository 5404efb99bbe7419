"""What is in a store, as the Markdown table the README shows: classes in ontology order."""

from __future__ import annotations

from peninsula.ontology import load


def class_rows(counts: dict) -> list[tuple[str, str, int]]:
    """(indented class name, definition, count) for every class with at least one node, depth first."""
    ont = load()
    labels = counts["labels"]
    children: dict[str | None, list[str]] = {}
    for name, cls in ont.classes.items():
        parents = [p for p in cls.parents if p in ont.classes]
        children.setdefault(parents[0] if parents else None, []).append(name)
    rows: list[tuple[str, str, int]] = []

    def walk(name: str, depth: int) -> None:
        if labels.get(name, 0) == 0:
            return
        if name != "Entity":
            rows.append(("&nbsp;&nbsp;" * (depth - 1) + name, ont.classes[name].definition, labels[name]))
        for child in sorted(children.get(name, [])):
            walk(child, depth + 1)

    for root in sorted(children.get(None, [])):
        walk(root, 0)
    return rows


def markdown(counts: dict) -> str:
    lines = ["| class | what | entities |", "| --- | --- | ---: |"]
    lines += [f"| {name} | {definition} | {n} |" for name, definition, n in class_rows(counts)]
    types = counts["types"]
    lines.append("")
    lines.append(f"{sum(types.values())} relationships of {len(types)} types: "
                 + ", ".join(f"{t} {n}" for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))) + ".")
    return "\n".join(lines) + "\n"


START, END = "<!-- kb-table -->", "<!-- /kb-table -->"


def readme_section(text: str) -> str:
    """The table between the README's kb-table markers."""
    if START not in text or END not in text:
        return ""
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def update_readme(text: str, counts: dict) -> str:
    """The README with its kb-table section replaced by the table for `counts`."""
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else rest
    return f"{head}{START}\n{markdown(counts)}{END}{tail}"
