"""How the `peninsula` command shows things: progress bars, rows, and the loaders' reports."""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import click


def progress_bar(total: int | None, label: str, unit: str = "rows"):
    """A progress bar on stderr with the count, the throughput and (when the total is known) the
    time left; shown on a terminal, or always / never with PENINSULA_PROGRESS=always|never."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task):
            return Text(f"{task.speed:,.0f} {unit}/s" if task.speed else f"- {unit}/s")

    mode = os.environ.get("PENINSULA_PROGRESS", "auto")
    shown = mode == "always" or (mode != "never" and sys.stderr.isatty())
    console = Console(stderr=True, force_terminal=mode == "always")
    count = MofNCompleteColumn() if total else TextColumn(f"{{task.completed:,}} {unit}")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), count, Rate(), TimeElapsedColumn(),
                        *([TimeRemainingColumn()] if total else []), console=console, transient=mode != "always",
                        disable=not shown, refresh_per_second=4)
    task = progress.add_task(label, total=total)
    return progress, (lambda n: progress.advance(task, n))


def review_lines(store, prepared) -> list[str]:
    """A dry run's lines: proposed merges, new entities, likely duplicates."""
    if prepared.kind == "source":
        return prepared.report.review()
    if prepared.kind == "stream":
        return []
    from peninsula.loaders.sources import KnowledgeBase

    return KnowledgeBase.of(store).matcher.review(prepared.nodes)


def print_classes(classes) -> None:
    if classes:
        click.echo("entities per class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))


def print_source_report(report) -> None:
    click.echo(report.summary())
    print_classes(report.classes)
    for name, n in sorted(report.unread.items()):
        click.echo(f"unread: {name} ({n} record(s)); not mapped, check the file or the loader")
    for k, v in sorted(report.stats.items()):
        if k not in ("read", "matched", "created", "skipped"):
            click.echo(f"  {k}: {v}")
    for note in report.notes:
        click.echo(f"note: {note}")
    for line in report.review():
        if not line.startswith("new: "):
            click.echo(line)
    click.echo(f"dataset: {report.dataset} (remove it with `peninsula unload {report.dataset}`)")


def print_rows(rows, fmt, constant=None):
    """Print rows; in a table, the column `constant` (a query's graph `type`) is dropped when one value fills it."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in r.items()})
        click.echo(buf.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    hidden = constant if constant in columns and len({str(r.get(constant)) for r in rows}) == 1 else None
    columns = [c for c in columns if c != hidden]
    table = Table(*columns)
    for r in rows:
        table.add_row(*(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)
                        for v in (r.get(c) for c in columns)))
    Console().print(table)
    click.echo(f"{len(rows)} row(s)" + (f"; {hidden} = {rows[0][hidden]} in every row" if hidden else ""))
