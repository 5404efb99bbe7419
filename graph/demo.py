"""`peninsula demo`: the main job end to end, into one output folder."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from peninsula.graph.build import build
from peninsula.graph.export import export
from peninsula.graph.files import child, write_text_safely
from peninsula.loaders.formats import RDF_FORMATS


def run_demo(open_store, out_dir: Path, data_dir=None, echo=print) -> dict:
    from peninsula import queries
    from peninsula.graph import views
    from peninsula.graph.chart import tests_per_year_svg
    from peninsula.ontology.docs import reference

    out_dir = Path(out_dir)
    for sub in ("rdf", "queries", "views", "charts"):
        # refused when a planted link leads the sub-folder out of out_dir
        child(out_dir, sub, "x").parent.mkdir(parents=True, exist_ok=True)
    written: dict = {"rdf": [], "queries": [], "views": [], "charts": [], "docs": []}
    all_queries = [q for pack in queries.packs().values() for q in pack.values()]
    with open_store() as store, Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("build", total=4 + len(RDF_FORMATS) + len(all_queries) + len(views.VIEWS))
        report = build(store, data_dir)
        progress.advance(task)
        for q in all_queries:
            progress.update(task, description=f"query {q.id}")
            rows = queries.run_query(store, q.id)
            path = child(out_dir, "queries", f"{q.pack}-{q.name}.json")
            write_text_safely(path, json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            written["queries"].append(path)
            progress.advance(task)
        for fmt, rdf_format in RDF_FORMATS.items():
            progress.update(task, description=f"export {fmt}")
            path = child(out_dir, "rdf", f"peninsula{rdf_format.suffix}")
            export(store, fmt, path)  # written by rename, like every file here
            written["rdf"].append(path)
            progress.advance(task)
        from peninsula.graph.metadata import describe

        path = child(out_dir, "rdf", "void.ttl")  # the exports' VoID/DCAT description
        write_text_safely(path, describe(store).serialize(format="turtle"))
        written["rdf"].append(path)
        for name in views.VIEWS:
            progress.update(task, description=f"view {name}")
            path = child(out_dir, "views", views.file_name(name))
            views.write_view(views.named_view(store, name), path)
            written["views"].append(path)
            progress.advance(task)
        path = child(out_dir, "charts", "missile-tests-per-year.svg")
        write_text_safely(path, tests_per_year_svg(store))
        written["charts"].append(path)
        progress.advance(task)
        for fmt, suffix in (("markdown", "md"), ("html", "html")):
            path = child(out_dir, f"ontology.{suffix}")
            write_text_safely(path, reference(fmt))
            written["docs"].append(path)
        progress.advance(task)
        counts = store.counts()
    echo(f"built {report.nodes} entities, {report.edges} relationships "
         f"({report.derived.get('can_reach', 0)} derived CAN_REACH)")
    for kind, paths in written.items():
        echo(f"  {kind:<8} {len(paths):>3} file(s) in {paths[0].parent if paths else out_dir}")
    echo(f"  store    {sum(counts['labels'].get(k, 0) for k in ('Entity',))} nodes")
    return written
