"""Benchmark: Peninsula at scale, side by side with pyoxigraph; prints one table of ratios.

    .venv/bin/python benchmarks/bench_scale.py [--runs 3] [--large 1000000] [--small 100000] [--dir out/bench]
    .venv/bin/python benchmarks/bench_scale.py --queries-only embedded:PATH   # pack queries on a loaded store

Generates (seeded) synthetic graphs of --small and --large triples with benchmarks/synth.py,
then measures, as medians over --runs runs:

- full load of the large N-Triples file into a fresh embedded store (streamed, GRAPH.BULK)
  vs pyoxigraph ``Store().load`` of the same file;
- reload of the same file into the loaded store (nothing new: lookups only) vs that load;
- export of the loaded store to N-Triples vs its full load time;
- p50 of 2- and 3-hop pack queries (PACK_QUERIES: real queries/<pack>/*.cypher files, parameters
  drawn from the loaded graph) vs p50 of ``RETURN 1``, with each query's own p50 and engine time, and
  the p50 of a query returning as many rows and columns without touching the graph (the reply's cost);
- the naive loader (one Cypher statement per triple) vs ours on the small file (one run);
- peak resident memory of a child process that loads the large file (and of the engine);
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
    ("influence/paths_as_of", "1-3 hops",
     lambda rnd, a: {"from_actor": rnd.choice(a["states"]), "to_actor": rnd.choice(a["states"])}),
    ("alliances/memberships_as_of", "1 hop", lambda rnd, a: {"organization": rnd.choice(a["orgs"])}),
    ("influence/dependence", "1 hop", lambda rnd, a: {"actor": rnd.choice(a["states"])}),
]
MULTI_HOP = {"2 hops", "1-3 hops"}


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
               "iso3": [r["k"] for r in store.query("MATCH (s:State) RETURN s.iso3 AS k ORDER BY k")],
               "missiles": [r["k"] for r in store.query("MATCH (m:MissileSystem) RETURN m.key AS k ORDER BY k")],
               "orgs": [r["k"] for r in store.query("MATCH (o:Organization) RETURN o.key AS k ORDER BY k")]}
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=Path("out/bench"))
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--no-neo4j", action="store_true",
                    help="Leave out the Neo4j columns (by default a Neo4j is started: NEO4J_URI, or the launcher).")
    ap.add_argument("--queries-only", metavar="STORE",
                    help="Only time the pack queries, on a store that already holds the large graph.")
    args = ap.parse_args(argv)
    if args.queries_only:
        return queries_only(args.queries_only, args.seed)

    from peninsula.graph.bulk import load_stream
    from peninsula.graph.export import write_ntriples
    from peninsula.graph.store import open_store

    args.dir.mkdir(parents=True, exist_ok=True)
    large, small = args.dir / f"synth-{args.large}.nt", args.dir / f"synth-{args.small}.nt"
    info = machine()
    t = time.perf_counter()
    n_large = synth.write(large, args.large, args.seed)
    synth.write(small, args.small, args.seed)
    synth.write(args.dir / f"synth-{args.large}.ttl", args.large, args.seed)
    gen_time = time.perf_counter() - t
    print(f"generated {n_large} + {args.small} triples (N-Triples and Turtle) in {gen_time:.1f} s under {args.dir}",
          flush=True)

    work = Path(tempfile.mkdtemp(prefix="peninsula-bench-"))
    ox, full, reload_, export, counts = [], [], [], [], None
    q50, r50 = {}, []  # per pack query: (hops, timings, rows, engine p50); RETURN 1 p50s
    for run in range(args.runs):
        ox.append(oxigraph_load(large))
        with open_store(f"embedded:{work / f'run{run}.db'}") as store:
            if run == 0:
                ver = versions(store)
            t = time.perf_counter()
            report = load_stream(store, large)
            full.append(time.perf_counter() - t)
            counts = (report.nodes, report.edges)
            t = time.perf_counter()
            again = load_stream(store, large)
            reload_.append(time.perf_counter() - t)
            assert not again.counters.changed, "a reload of the same file must write nothing"
            t = time.perf_counter()
            write_ntriples(store, work / "export.nt")
            export.append(time.perf_counter() - t)
            if run == 0:
                r50, q50 = pack_query_timings(store, args.seed)
            store.clear()
        print(f"run {run + 1}/{args.runs}: oxigraph {ox[-1]:.2f} s, load {full[-1]:.2f} s, reload {reload_[-1]:.2f} s, "
              f"export {export[-1]:.2f} s", flush=True)

    naive = ours_small = None
    if not args.skip_naive:
        with open_store(f"embedded:{work / 'naive.db'}") as store:
            naive = naive_load(store, small)
        with open_store(f"embedded:{work / 'ours.db'}") as store:
            t = time.perf_counter()
            load_stream(store, small)
            ours_small = time.perf_counter() - t
        print(f"naive {naive:.1f} s, ours {ours_small:.2f} s on {args.small} triples", flush=True)
    rss = child_peak_rss(large, work / "rss.db")

    m_ox, m_full, m_reload, m_export = map(_median, (ox, full, reload_, export))
    ret1 = _median(r50)
    multi = [t for hops, times, *_ in q50.values() if hops in MULTI_HOP for t in times]
    pooled = _median(multi)
    worst_q = max(_median(times) for hops, times, *_ in q50.values() if hops in MULTI_HOP)
    rows = [
        (f"full load {args.large} / pyoxigraph Store.load", m_full / m_ox, "<= 2x", m_full / m_ox <= 2),
        ("reload (nothing new) / Store.load", m_reload / m_ox, "<= 4x", m_reload / m_ox <= 4),
        ("export N-Triples / full load", m_export / m_full, "<= 1x", m_export / m_full <= 1),
        ("p50 of the 2-3-hop pack queries (all runs pooled) / p50 RETURN 1", pooled / ret1, "<= 3x",
         pooled / ret1 <= 3),
        ("  the same, worst single query", worst_q / ret1, "<= 3x", worst_q / ret1 <= 3),
    ]
    if naive is not None:
        rows.append((f"naive loader / ours, {args.small} triples", naive / ours_small, "printed", None))
    rss_gb = rss["python"] / 1024 ** 3
    print()
    print("## Peninsula at scale")
    for k, v in {**info, **ver}.items():
        print(f"- {k}: {v}")
    print(f"- large file: {n_large} triples -> {counts[0]} nodes, {counts[1]} relationships; runs: {args.runs} (medians)")
    print()
    print("| figure | ratio | goal | met |")
    print("| --- | --- | --- | --- |")
    for name, ratio, goal, ok in rows:
        print(f"| {name} | {ratio:.2f}x | {goal} | {'-' if ok is None else ('yes' if ok else 'NO')} |")
    print(f"| peak RSS loading {args.large} (Python process) | {rss_gb:.2f} GB | <= 1 GB | {'yes' if rss_gb <= 1 else 'NO'} |")
    print()
    print("| measure | median seconds | runs |")
    print("| --- | --- | --- |")
    n = f"{args.large:,}"
    for name, xs in ((f"pyoxigraph Store.load {n}", ox), (f"full load {n} (streamed, GRAPH.BULK)", full),
                     (f"reload {n} (compared in the engine, nothing written)", reload_),
                     (f"export {n} to N-Triples", export)):
        print(f"| {name} | {_median(xs):.2f} | {', '.join(f'{x:.2f}' for x in xs)} |")
    if naive is not None:
        print(f"| naive loader, {args.small} triples | {naive:.2f} | 1 |")
        print(f"| ours, {args.small} triples | {ours_small:.2f} | 1 |")
    print(f"| p50 RETURN 1 | {ret1 * 1000:.3f} ms | 300 x {len(r50)} |")
    print()
    print_query_table(ret1, q50)
    print(f"\nengine (redis child) RSS after loading {args.large:,}: {rss['engine'] / 1024 ** 3:.2f} GB")
    if not args.no_neo4j:
        neo4j_side_by_side(large, args.seed, m_full, q50)
    print(f"\nself peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
