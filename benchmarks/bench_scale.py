"""Benchmark: Peninsula at scale, side by side with pyoxigraph; prints one table of ratios.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000000,10000000] [--inputs synth,curated]
        [--runs 3] [--runs-large 1] [--small 100000] [--dir out/bench] [--no-neo4j] [--skip-naive]
    .venv/bin/python benchmarks/bench_scale.py --queries-only embedded:PATH   # pack queries on a loaded store

Generates (seeded) inputs of each of --sizes triples: synthetic graphs by benchmarks/synth.py, and
the curated graph's export replicated under renamed IRIs; then measures, as medians over --runs
runs (--runs-large above 2M triples):

- full load of each N-Triples file into a fresh embedded store (streamed, GRAPH.BULK)
  vs pyoxigraph ``Store().load`` and ``Store().bulk_load`` of the same file;
- reload of the same file into the loaded store (nothing new: lookups only) vs that load;
- export of the loaded store to N-Triples vs its full load time;
- load of that export (sorted: read as it is, no first sort; what a user reloading an export meets)
  into a fresh store, vs pyoxigraph ``Store().load`` of the input;
- p50 of 2- and 3-hop pack queries (PACK_QUERIES: real queries/<pack>/*.cypher files, parameters
  drawn from the loaded graph) vs p50 of ``RETURN 1``, with each query's own p50 and engine time, and
  the p50 of a query returning as many rows and columns without touching the graph (the reply's cost);
- the naive loader (one Cypher statement per triple) vs ours on the small file (one run);
- peak resident memory of a child process that loads the large file (and of the engine);
- where the time of the load, reload and export goes: CPU seconds of this process, of its
  children (the mapping workers, `sort`, the export's forked half) and of the engine, and for the
  export, the wall time after its last line was made (`sort` finishing);
- Neo4j beside it (unless --no-neo4j): the large file loaded through Peninsula into Neo4j Community
  5.26 (NEO4J_URI, or one started from graph/neo4j-launcher) and the same pack queries' p50 through
  Neo4j's official driver, with the same parameters.

Figures are wall-clock on whatever else the machine runs: on a shared machine they are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - the generator beside this file

# Pack queries (queries/<pack>/<name>.cypher, run as `peninsula query` runs them) whose anchors exist
# in the synthetic graph, each with parameters drawn from the loaded graph. The goal is on the
# 2-3-hop ones; the 1-hop ones are printed beside them for contrast. Queries about things the
# generator does not make (sanctions, cyber operations, talks rounds, reach) would answer nothing.
PACK_QUERIES = [  # (query id, hops, parameter maker: (random, anchors) -> params)
    ("missiles/tests_of_system", "2 hops", lambda rnd, a: {"system": rnd.choice(a["missiles"])}),
    ("diplomacy/agreements_of_party", "2 hops", lambda rnd, a: {"state": rnd.choice(a["iso3"])}),
    ("influence/paths_as_of", "1-3 hops", lambda rnd, a: dict(zip(("from_actor", "to_actor"), _pair(rnd, a["regions"]), strict=True))),
    ("alliances/memberships_as_of", "1 hop", lambda rnd, a: {"organization": rnd.choice(a["orgs"])}),
    ("influence/dependence", "1 hop", lambda rnd, a: {"actor": rnd.choice(a["states"])}),
]
MULTI_HOP = {"2 hops", "1-3 hops"}


def _regions(states: list[str]) -> list[list[str]]:
    """States that chains run between: a replicated input's copies (keys ending -c<copy>), else the
    generator's regions (synth.region; its keys sort in the order they were made)."""
    copies: dict[str, list[str]] = {}
    for key in states:
        copy = re.search(r"-c(\d+)$", key)
        if copy is None:
            return [synth.region(states, i) for i in range(0, len(states), synth.REGION)]
        copies.setdefault(copy.group(1), []).append(key)
    return list(copies.values())


def _pair(rnd, regions: list[list[str]]) -> list[str]:
    """Two states of one region, so the question asks the same of the graph at every size."""
    return rnd.sample(rnd.choice([r for r in regions if len(r) > 1]), 2)


def _median(xs):
    return statistics.median(xs)


def _timings(store, cypher, params_list, budget: float = 10.0):
    """Seconds per run of `cypher` with each of `params_list` (stopping after `budget` seconds, 20 runs
    at least), the rows per run, and the engine's own p50 (FalkorDB's reported execution time)."""
    times, rows, engine = [], [], []
    start = time.perf_counter()
    for i, params in enumerate(params_list):
        t = time.perf_counter()
        rows.append(len(store.query(cypher, params)))
        times.append(time.perf_counter() - t)
        if i >= 19 and time.perf_counter() - start > budget:
            break
    if store.dialect == "falkordb":  # FalkorDB reports its own execution time
        for params in params_list[:20]:
            engine.append(float(store.graph.ro_query(cypher, params).run_time_ms) / 1000)
    return times, statistics.mean(rows), _median(engine) if engine else float("nan")


def _floor(store, cypher, params, rows: int) -> float:
    """p50 of a query that touches no graph but returns as many rows and columns (short strings) as
    `cypher` does: what the round trip and decoding the reply cost, whatever the engine does."""
    sample = store.query(cypher, params)
    columns = len(sample[0]) if sample else 1
    shape = ", ".join(f"'entity/synth-' + toString(i) AS c{c}" for c in range(columns))
    return _median(_timings(store, f"UNWIND range(1, {max(rows, 1)}) AS i RETURN {shape}", [{}] * 200)[0])


def pack_query_timings(store, seed: int) -> tuple[list[float], dict]:
    """p50 of `RETURN 1` (before and after) and, per pack query, (hops, timings, rows, engine p50, p50 of
    the same number of rows and columns returned without graph work)."""
    from peninsula.queries import get

    anchors = {"states": [r["k"] for r in store.query("MATCH (s:State) RETURN s.key AS k ORDER BY k")],
               "iso3": [r["k"] for r in store.query("MATCH (s:State) WHERE s.iso3 IS NOT NULL RETURN s.iso3 AS k ORDER BY k")],
               "missiles": [r["k"] for r in store.query("MATCH (m:MissileSystem) RETURN m.key AS k ORDER BY k")],
               "orgs": [r["k"] for r in store.query("MATCH (o:Organization) RETURN o.key AS k ORDER BY k")]}
    anchors["regions"] = _regions(anchors["states"])
    rnd = random.Random(seed)
    store.query("RETURN 1")
    ret1 = [_median(_timings(store, "RETURN 1", [{}] * 300)[0])]
    out = {}
    for qid, hops, make in PACK_QUERIES:
        q = get(qid)
        params = [q.bind(make(rnd, anchors)) for _ in range(200)]
        times, rows, engine = _timings(store, q.text_for(store.dialect), params)
        out[qid] = (hops, times, rows, engine, _floor(store, q.text_for(store.dialect), params[0], round(rows)))
    ret1.append(_median(_timings(store, "RETURN 1", [{}] * 300)[0]))
    return ret1, out


def print_query_table(ret1: float, q50: dict) -> None:
    print("| pack query | hops | p50 | / RETURN 1 | engine p50 | rows (mean) | same rows, no graph work / RETURN 1 | runs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for qid, (hops, times, rows, engine, floor) in q50.items():
        print(f"| {qid} | {hops} | {_median(times) * 1000:.3f} ms | {_median(times) / ret1:.1f}x | "
              f"{engine * 1000:.3f} ms | {rows:.1f} | {floor / ret1:.1f}x | {len(times)} |")


def queries_only(uri: str, seed: int) -> int:
    """The pack-query part alone, on a store loaded before (to iterate on queries and indexes)."""
    from peninsula.graph.store import open_store

    with open_store(uri) as store:
        r50, q50 = pack_query_timings(store, seed)
    ret1 = _median(r50)
    multi = [t for hops, times, *_ in q50.values() if hops in MULTI_HOP for t in times]
    print(f"load average {os.getloadavg()[0]:.2f}; p50 RETURN 1 {ret1 * 1000:.3f} ms; 2-3-hop pooled "
          f"{_median(multi) / ret1:.2f}x\n")
    print_query_table(ret1, q50)
    return 0


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "os": platform.platform(),
            "cpu": f"{cpu} x{os.cpu_count()}", "memory": mem, "load average at start": f"{load[0]:.2f}"}


def versions(store) -> dict:
    out = {"python": platform.python_version()}
    for dist in ("pyoxigraph", "falkordblite", "FalkorDB", "rdflib", "redis"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = "-"
    out["redis server (embedded)"] = store.versions().get("redis")
    try:
        modules = store.db.client.execute_command("MODULE", "LIST")
        for m in modules:
            m = dict(zip(m[::2], m[1::2], strict=False))
            name = m.get(b"name", m.get("name"))
            out[f"module {name.decode() if isinstance(name, bytes) else name}"] = m.get(b"ver", m.get("ver"))
    except Exception:  # noqa: BLE001 - versions are informative only
        pass
    return out


# ---------------------------------------------------------------------------- the measured paths
def oxigraph_load(path: Path) -> float:
    import pyoxigraph

    t = time.perf_counter()
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    elapsed = time.perf_counter() - t
    del store
    return elapsed


def oxigraph_bulk_load(path: Path, directory: Path) -> float:
    """pyoxigraph's `Store.bulk_load` of `path` into a store on disk at `directory` (removed after)."""
    import shutil

    import pyoxigraph

    t = time.perf_counter()
    store = pyoxigraph.Store(str(directory))
    store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    elapsed = time.perf_counter() - t
    del store
    shutil.rmtree(directory, ignore_errors=True)
    return elapsed


def naive_load(store, path: Path) -> float:
    """One Cypher statement per triple, as a first attempt would do it (and as n10s-style
    triple-at-a-time import does): every statement node becomes a node of its own."""
    import pyoxigraph

    from peninsula.loaders.mapping import key_of
    from peninsula.ontology import load

    ont = load()
    t = time.perf_counter()
    for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES):
        s, p, o = q.subject.value, q.predicate.value, q.object
        from rdflib import URIRef

        key = key_of(URIRef(s))
        if p.endswith("#type"):
            store.execute("MERGE (n:Entity {key: $key}) SET n.class = $cls", {"key": key, "cls": o.value})
        elif type(o).__name__ == "Literal":
            prop = ont.by_iri(p)
            name = prop.key if prop is not None else "value"
            store.execute(f"MERGE (n:Entity {{key: $key}}) SET n.`{name}` = $v", {"key": key, "v": o.value})
        else:
            store.execute("MERGE (a:Entity {key: $a}) MERGE (b:Entity {key: $b}) MERGE (a)-[:LINK {iri: $p}]->(b)",
                          {"a": key, "b": key_of(URIRef(o.value)), "p": p})
    return time.perf_counter() - t


def child_peak_rss(path: Path, db: Path) -> dict:
    """Load `path` in a fresh process; its peak RSS, and the engine's RSS at the end.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would report its parent's."""
    code = (
        "import json, resource, psutil, sys\n"
        "from peninsula.graph.store import open_store\n"
        "from peninsula.graph.bulk import load_stream\n"
        "s = open_store('embedded:' + sys.argv[2])\n"
        "r = load_stream(s, sys.argv[1])\n"
        "pid = s.db.client.info('server')['process_id']\n"
        "engine = psutil.Process(pid).memory_info().rss\n"
        "s.close()\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "peak = int(hwm[0].split()[1]) * 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "print(json.dumps({'python': peak, 'engine': engine,"
        " 'nodes': r.nodes, 'edges': r.edges}))\n")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(db)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def neo4j_side_by_side(large: Path, seed: int, falkor_load: float, falkor_q50: dict) -> None:
    """The same file loaded through Peninsula into Neo4j (one run), and the same pack queries with the
    same parameters through Neo4j's official driver, beside embedded FalkorDB's figures."""
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.neo4j_local import LocalNeo4j
    from peninsula.graph.store import open_store

    server = None
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        server = LocalNeo4j(Path(tempfile.mkdtemp(prefix="peninsula-bench-neo4j-")) / "data", 0, heap="2g").start()
        os.environ.update(server.env())
        uri = server.uri
    try:
        with open_store(uri) as store:
            store.clear()
            t = time.perf_counter()
            load_stream(store, large)
            load = time.perf_counter() - t
            r50, q50 = pack_query_timings(store, seed)
            engine = store.versions()["engine"]
            store.clear()
    finally:
        if server:
            server.stop()
    ret1 = _median(r50)
    print(f"\n## Neo4j beside embedded FalkorDB ({engine} at {store.describe()})")
    print()
    print("| figure | FalkorDB (embedded) | Neo4j | FalkorDB / Neo4j | goal |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| load {large.name} through Peninsula | {falkor_load:.2f} s | {load:.2f} s | {falkor_load / load:.2f}x | - |")
    met = 0
    for qid, (hops, times, *_rest) in falkor_q50.items():
        f50, n50 = _median(times), _median(q50[qid][1])
        met += f50 <= n50
        print(f"| p50 {qid} ({hops}) | {f50 * 1000:.3f} ms | {n50 * 1000:.3f} ms | {f50 / n50:.2f}x | "
              f"{'yes' if f50 <= n50 else 'NO'} (<= 1x) |")
    print(f"| p50 RETURN 1 | - | {ret1 * 1000:.3f} ms | - | - |")
    print(f"\nFalkorDB at or below Neo4j on {met} of {len(falkor_q50)} pack queries.")


def curated_export(work: Path) -> Path:
    """The curated graph's own N-Triples export (built from data/ into a scratch store)."""
    from peninsula.graph.build import build
    from peninsula.graph.export import write_ntriples
    from peninsula.graph.store import open_store

    out = work / "curated.nt"
    with open_store(f"embedded:{work / 'curated.db'}") as store:
        build(store)
        write_ntriples(store, out)
        store.clear()
    return out


def make_input(kind: str, size: int, args, work: Path) -> tuple[Path, int]:
    """The input file of `kind` (synth: the seeded generator; curated: the curated export replicated
    under renamed IRIs) at about `size` triples, and its exact number of triples."""
    path = args.dir / f"{kind}-{size}.nt"
    if kind == "synth":
        return path, synth.write(path, size, args.seed)
    return path, synth.replicate(curated_export(work), path, size)


class CpuSplit:
    """CPU seconds of one step, split by who spent them: this process, its children that ended during
    the step (the mapping workers, the `sort` processes, the export's forked half: reaped, so counted)
    and the engine (the embedded FalkorDB's server process); wall seconds beside them."""

    def __init__(self, store):
        import psutil

        self.engine = psutil.Process(store.db.client.info("server")["process_id"])

    def _now(self) -> tuple:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        engine = self.engine.cpu_times()
        return (time.perf_counter(), me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime,
                engine.user + engine.system)

    def __enter__(self) -> CpuSplit:
        self.start = self._now()
        return self

    def __exit__(self, *exc) -> None:
        wall, ours, children, engine = (b - a for a, b in zip(self.start, self._now(), strict=True))
        self.figures = {"wall": wall, "ours": ours, "children": children, "engine": engine}


def measure(kind: str, size: int, args, work: Path) -> dict:
    """Every figure of one input at one size: loads (ours, pyoxigraph's two), reload, export, the pack
    queries (first run), peak memory of a loading process and of the engine."""
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.export import write_ntriples
    from peninsula.graph.store import open_store

    t = time.perf_counter()
    path, triples = make_input(kind, size, args, work)
    print(f"{kind} {size:,}: generated {triples:,} triples in {time.perf_counter() - t:.1f} s", flush=True)
    runs = args.runs if size <= 2_000_000 else args.runs_large
    out = {"kind": kind, "size": size, "triples": triples, "runs": runs, "ox": [], "bulk": [], "load": [],
           "reload": [], "export": [], "reexport": []}
    for run in range(runs):
        out["ox"].append(oxigraph_load(path))
        out["bulk"].append(oxigraph_bulk_load(path, work / f"ox-{kind}-{size}-{run}"))
        with open_store(f"embedded:{work / f'{kind}-{size}-{run}.db'}") as store:
            out.setdefault("versions", versions(store))
            split = {}
            with CpuSplit(store) as cpu:
                report = load_stream(store, path)
            out["load"].append(cpu.figures["wall"])
            split["load"] = cpu.figures
            out["counts"] = (report.nodes, report.edges)
            with CpuSplit(store) as cpu:
                again = load_stream(store, path)
            out["reload"].append(cpu.figures["wall"])
            split["reload"] = cpu.figures
            assert not again.counters.changed, "a reload of the same file must write nothing"
            last_line = []  # when the export's last lines were made (the forked half's come when it ends)
            with CpuSplit(store) as cpu:
                write_ntriples(store, work / "export.nt", progress=lambda n, seen=last_line: seen.append(time.perf_counter()))
            out["export"].append(cpu.figures["wall"])
            split["export"] = {**cpu.figures, **({"after the last line": cpu.start[0] + cpu.figures["wall"] - last_line[-1]}
                                                   if last_line else {})}
            out.setdefault("split", []).append(split)
            if run == 0:
                out["ret1"], out["queries"] = pack_query_timings(store, args.seed)
            store.clear()
        # the export, sorted, loads the way users reload their exports: read as it is, no first sort
        with open_store(f"embedded:{work / f'{kind}-{size}-{run}-export.db'}") as store:
            t = time.perf_counter()
            report = load_stream(store, work / "export.nt")
            out["reexport"].append(time.perf_counter() - t)
            assert (report.nodes, report.edges) == out["counts"], "the export must load back to the same graph"
            store.clear()
        (work / "export.nt").unlink(missing_ok=True)
        print(f"  run {run + 1}/{runs}: pyoxigraph load {out['ox'][-1]:.2f} s, bulk_load {out['bulk'][-1]:.2f} s, "
              f"ours: load {out['load'][-1]:.2f} s, reload {out['reload'][-1]:.2f} s, "
              f"export {out['export'][-1]:.2f} s, load of the export {out['reexport'][-1]:.2f} s", flush=True)
    out["rss"] = child_peak_rss(path, work / f"rss-{kind}-{size}.db")
    if not args.keep_inputs and size > 2_000_000:
        path.unlink(missing_ok=True)
    return out


def print_split(results: list[dict]) -> None:
    """Where the time of each step went, in the run whose load was the median one."""
    print("\nWhere the time goes (the run with the median load; CPU seconds; children: the mapping workers, "
          "`sort`, the export's forked half; after the last line: the export's wall time once its last line "
          "was made, `sort` finishing):\n")
    print("| input | triples | step | wall | this process | children | engine | CPU / wall | after the last line |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        runs = sorted(zip(r["load"], r["split"], strict=True), key=lambda x: x[0])
        split = runs[(len(runs) - 1) // 2][1]
        for step in ("load", "reload", "export"):
            f = split[step]
            cpu = f["ours"] + f["children"] + f["engine"]
            after = f"{f['after the last line']:.2f} s" if "after the last line" in f else "-"
            print(f"| {r['kind']} | {r['triples']:,} | {step} | {f['wall']:.2f} s | {f['ours']:.2f} s | "
                  f"{f['children']:.2f} s | {f['engine']:.2f} s | {cpu / f['wall']:.2f} | {after} |")


def _yes(ok) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def print_results(results: list[dict], info: dict) -> None:
    """The tables: per input and size, the ratios against the goals; growth from the smallest to the
    largest size; each pack query's p50 at every size."""
    print()
    print("## Peninsula at scale")
    for k, v in {**info, **results[0]["versions"]}.items():
        print(f"- {k}: {v}")
    print()
    print("| input | triples | nodes | relationships | runs | load / Store.load | load / bulk_load | "
          "reload / Store.load | export / load | load of the export / Store.load | peak RSS loading | engine RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        ox, bulk, load, reload_, export, again = map(_median, (r["ox"], r["bulk"], r["load"], r["reload"], r["export"],
                                                               r["reexport"]))
        rss = r["rss"]["python"] / 1024 ** 3
        print(f"| {r['kind']} | {r['triples']:,} | {r['counts'][0]:,} | {r['counts'][1]:,} | {r['runs']} | "
              f"{load / ox:.2f}x ({_yes(load / ox <= 1)}) | {load / bulk:.2f}x ({_yes(load / bulk <= 1)}) | "
              f"{reload_ / ox:.2f}x ({_yes(reload_ / ox <= 2)}) | {export / load:.2f}x ({_yes(export / load <= 0.5)}) | "
              f"{again / ox:.2f}x | {rss:.2f} GB ({_yes(rss <= 2)}) | {r['rss']['engine'] / 1024 ** 3:.2f} GB |")
    print("\nGoals: load <= 1.0x pyoxigraph `Store.load`, reload <= 2x, export <= 0.5x the load, "
          "peak RSS of the loading process <= 2 GB.\n")
    print("| input | triples | pyoxigraph Store.load | pyoxigraph bulk_load | load | reload | export | "
          "load of the export (median s, runs) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        cells = [f"{_median(r[k]):.2f} ({', '.join(f'{x:.2f}' for x in r[k])})"
                 for k in ("ox", "bulk", "load", "reload", "export", "reexport")]
        print(f"| {r['kind']} | {r['triples']:,} | " + " | ".join(cells) + " |")
    by_kind: dict[str, list[dict]] = {}
    for r in results:
        by_kind.setdefault(r["kind"], []).append(r)
    print()
    print("| input | sizes | triples ratio | load time ratio | export time ratio | goal (<= 1.1 x triples ratio) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, rs in by_kind.items():
        if len(rs) < 2:
            continue
        small, big = rs[0], rs[-1]
        n = big["triples"] / small["triples"]
        grow = {k: _median(big[k]) / _median(small[k]) for k in ("load", "export")}
        ok = all(g <= 1.1 * n for g in grow.values())
        print(f"| {kind} | {small['triples']:,} -> {big['triples']:,} | {n:.2f}x | {grow['load']:.2f}x | "
              f"{grow['export']:.2f}x | {_yes(ok)} |")
    print_split(results)
    print()
    print("| input | pack query | hops | " + " | ".join(f"p50 at {r['triples']:,}" for r in next(iter(by_kind.values())))
          + " | largest / smallest (goal <= 2x) |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in next(iter(by_kind.values()))) + " | --- |")
    for kind, rs in by_kind.items():
        for qid, hops, _make in PACK_QUERIES:
            p50 = [_median(r["queries"][qid][1]) for r in rs]
            ratio = p50[-1] / p50[0]
            print(f"| {kind} | {qid} | {hops} | " + " | ".join(f"{x * 1000:.3f} ms" for x in p50)
                  + f" | {ratio:.2f}x ({_yes(ratio <= 2)}) |")
    largest = max((r for r in results if r["kind"] == "synth"), key=lambda r: r["triples"], default=results[-1])
    print(f"\nThe pack queries on {largest['kind']} {largest['triples']:,}, against `RETURN 1`:\n")
    print_query_table(_median(largest["ret1"]), largest["queries"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000",
                    help="Comma-separated sizes in triples (default: 1M and 10M).")
    ap.add_argument("--inputs", default="synth,curated",
                    help="synth (the seeded generator), curated (the curated export replicated), or both.")
    ap.add_argument("--runs", type=int, default=3, help="Runs (medians) at sizes up to 2M triples.")
    ap.add_argument("--runs-large", type=int, default=1, help="Runs at sizes above 2M triples.")
    ap.add_argument("--small", type=int, default=100_000, help="Size of the naive loader's input.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=Path("out/bench"))
    ap.add_argument("--keep-inputs", action="store_true", help="Keep the inputs above 2M triples (GBs).")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--no-neo4j", action="store_true",
                    help="Leave out the Neo4j columns (by default a Neo4j is started: NEO4J_URI, or the launcher).")
    ap.add_argument("--queries-only", metavar="STORE",
                    help="Only time the pack queries, on a store that already holds the large graph.")
    args = ap.parse_args(argv)
    if args.queries_only:
        return queries_only(args.queries_only, args.seed)

    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store

    args.dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(x) for x in args.sizes.split(","))
    kinds = [k.strip() for k in args.inputs.split(",")]
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="peninsula-bench-"))
    results = [measure(kind, size, args, work) for kind in kinds for size in sizes]
    info["load average at the end"] = f"{os.getloadavg()[0]:.2f}"
    print_results(results, info)

    if not args.skip_naive:
        small = args.dir / f"synth-{args.small}.nt"
        synth.write(small, args.small, args.seed)
        with open_store(f"embedded:{work / 'naive.db'}") as store:
            naive = naive_load(store, small)
        with open_store(f"embedded:{work / 'ours.db'}") as store:
            t = time.perf_counter()
            load_stream(store, small)
            ours_small = time.perf_counter() - t
        print(f"\nnaive loader (one statement per triple) / ours on {args.small:,} triples: "
              f"{naive / ours_small:.1f}x ({naive:.2f} s vs {ours_small:.2f} s)")
    if not args.no_neo4j:
        first = next(r for r in results if r["kind"] == kinds[0])
        neo4j_side_by_side(args.dir / f"{first['kind']}-{first['size']}.nt", args.seed, _median(first["load"]),
                           first["queries"])
    print(f"\nself peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
