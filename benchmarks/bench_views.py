"""Benchmark: build a 1k-node and a 10k-node view in one run; print build times, their ratio and HTML sizes.

The goal is an about-linear build: 10x the nodes should cost <= 12x the time (pyvis's own
add_node/add_edge path costs ~95x). Run: `.venv/bin/python benchmarks/bench_views.py [--small N --large N]`.
The graph is synthetic (seeded): states, organizations, missiles and tests with dates, linked
like the curated data (a few hubs, many leaves), so the layout and the time data are exercised.
"""

from __future__ import annotations

import argparse
import random
import time

from peninsula.graph import views
from peninsula.ontology import load

CLASSES = ["State", "IntergovernmentalOrganization", "MissileSystem", "MissileTest", "Person", "CyberOperation"]
TYPES = ["ALLIED_WITH", "MEMBER_OF", "DEVELOPS", "TESTED", "SUPPORTS", "ATTRIBUTED_TO"]


def synthetic(n: int, seed: int = 7):
    ont = load()
    rnd = random.Random(seed)
    nodes = []
    for i in range(n):
        cls = CLASSES[i % len(CLASSES)]
        props = {"key": f"x/{i}", "class": cls, "name": f"{cls} {i}", "name_ko": f"항목 {i}"}
        if cls == "MissileTest":
            props["date"] = f"{rnd.randint(1984, 2024)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
        elif i % 3 == 0:
            props["valid_from"] = str(rnd.randint(1950, 2020))
        nodes.append({"key": f"x/{i}", "labels": ont.labels([cls]), "props": props})
    edges = []
    hubs = max(1, n // 50)
    for i in range(n):
        for j in (rnd.randrange(hubs), rnd.randrange(n)):
            if j != i:
                t = TYPES[(i + j) % len(TYPES)]
                edges.append({"type": t, "key": f"stmt/{len(edges)}", "src": f"x/{i}", "dst": f"x/{j}",
                              "props": {"key": f"stmt/{len(edges)}", "valid_from": str(rnd.randint(1950, 2024))}})
    return nodes, edges


def timed(n: int) -> tuple[float, float, int]:
    """(seconds to render the page, seconds for 20 layout iterations alone, HTML bytes)."""
    nodes, edges = synthetic(n)
    load()  # the ontology is cached; keep its parse out of the timing
    t = time.perf_counter()
    views.layout([x["key"] for x in nodes], [(e["src"], e["dst"]) for e in edges], iterations=20)
    t_layout = time.perf_counter() - t
    t = time.perf_counter()
    page = views.render(nodes, edges, title=f"bench {n}")
    return time.perf_counter() - t, t_layout, len(page.encode("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    args = ap.parse_args()
    timed(100)  # warm up: imports, the ontology, the inlined assets
    small, small_layout, small_size = timed(args.small)
    large, large_layout, large_size = timed(args.large)
    ratio = large / small
    scale = args.large / args.small
    for n, build, lay, size in ((args.small, small, small_layout, small_size), (args.large, large, large_layout, large_size)):
        print(f"{n:>6} nodes: build {build:7.2f} s, 20 layout iterations {lay:6.2f} s, HTML {size / 1e6:6.2f} MB")
    print(f"ratio of build times {args.large}/{args.small}: {ratio:.1f}x for {scale:.0f}x the nodes "
          f"(goal <= 12x; quadratic would be ~{scale ** 2:.0f}x)")
    print(f"ratio of layout times at equal iterations: {large_layout / small_layout:.1f}x "
          f"(the build runs fewer layout iterations above 1k nodes: 150, 60 above 1k, 25 above 2k)")
    print(f"ratio of HTML sizes: {large_size / small_size:.1f}x")


if __name__ == "__main__":
    main()
