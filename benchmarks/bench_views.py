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


SLIDER_STEPS = """(async () => {
  const P = window.peninsula, lo = P.data.years.min, out = [], ours = [], draw = [];
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const median = xs => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  for (let i = 0; i < 12; i++) {          // a window of 5 years dragged a year a step
    const a = lo + 20 + i; const t = performance.now();
    P.setYears(a, a + 5); const t1 = performance.now(); await frame(); out.push(performance.now() - t); ours.push(t1 - t);
  }
  for (let i = 0; i < 5; i++) {           // one whole synchronous vis-network redraw, apart from the steps
    await frame(); const t2 = performance.now(); P.network.redraw(); draw.push(performance.now() - t2);
  }
  return [median(out), median(ours), median(draw)];
})()"""
PAN_ZOOM = """(async () => {
  const net = window.peninsula.network; let frames = 0;
  net.on("afterDrawing", () => frames++);
  const t0 = performance.now();
  await new Promise(done => {
    (function step() {
      const t = (performance.now() - t0) / 1000;
      if (t > 3) return done();
      net.moveTo({ position: { x: 400 * Math.sin(t * 2), y: 300 * Math.cos(t * 2) }, scale: 0.3 + 0.2 * Math.sin(t * 3) });
      requestAnimationFrame(step);
    })();
  });
  return frames / ((performance.now() - t0) / 1000);
})()"""


# The WebGL renderer Gephi Lite uses (sigma.js 3 + graphology, pinned in package.json, `make lint-deps`),
# drawing the same nodes (positions, sizes, colours) and edges, measured like the vis-network page:
# a window of years moved a year a step (hidden flags changed for what changed, in one batch), and
# the camera moved every animation frame, edges and labels hidden while it moves.
SIGMA_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<div id="c" style="position:absolute;inset:0"></div><script>{js}</script><script>
const D = JSON.parse({data}), g = new graphology.MultiDirectedGraph(), color = {{}};
D.classes.forEach(c => color[c.name] = c.color);
D.nodes.forEach(n => g.addNode(n.id, {{ x: n.x, y: -n.y, size: Math.max(1.5, n.size / 8), color: color[n.cls] || "#999", label: n.label }}));
D.edges.forEach(e => g.addEdgeWithKey(e.id, e.from, e.to, {{ color: "#bbb", size: 1 }}));
window.sig = new Sigma(g, document.getElementById("c"), {{ hideEdgesOnMove: true, hideLabelsOnMove: true }});
window.D = D; window.g = g;
</script></body></html>"""
SIGMA_SLIDER = """(async () => {
  const lo = D.years.min, out = [], ours = [];
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const median = xs => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  for (let i = 0; i < 12; i++) {
    const a = lo + 20 + i, b = a + 5, t = performance.now();
    g.updateEachNodeAttributes((key, attr) => {
      const n = D.nodes[g.__index[key]], v = !n.dated || ((n.y0 === null || n.y0 <= b) && (n.y1 === null || n.y1 >= a));
      attr.hidden = !v; return attr;
    }, { attributes: ["hidden"] });
    ours.push(performance.now() - t); await frame(); out.push(performance.now() - t);
  }
  return [median(out), median(ours)];
})()"""
SIGMA_PAN = """(async () => {
  const cam = sig.getCamera(); let frames = 0;
  sig.on("afterRender", () => frames++);
  const t0 = performance.now();
  await new Promise(done => {
    (function step() {
      const t = (performance.now() - t0) / 1000;
      if (t > 3) return done();
      cam.setState({ x: 0.5 + 0.2 * Math.sin(t * 2), y: 0.5 + 0.2 * Math.cos(t * 2), ratio: 0.6 + 0.3 * Math.sin(t * 3) });
      requestAnimationFrame(step);
    })();
  });
  return frames / ((performance.now() - t0) / 1000);
})()"""


def sigma_js() -> str | None:
    """graphology and sigma's own minified builds from node_modules, or None when not installed."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "node_modules"
    files = [root / "graphology/dist/graphology.umd.min.js", root / "sigma/dist/sigma.min.js"]
    if not all(f.exists() for f in files):
        return None
    return "\n".join(f.read_text(encoding="utf-8").replace("</script", "<\\/script") for f in files)


def sigma_figures(browser, page_html: str, path, js: str) -> tuple[float, float, float, float]:
    """(seconds to open, slider step ms to the frame, of which the update ms, pan/zoom frames/s) for
    the same data drawn by sigma.js."""
    import json
    import re

    data = re.search(r'<script type="application/json" id="pen-data">(.*?)</script>', page_html, re.S).group(1)
    path.write_text(SIGMA_PAGE.format(js=js, data=json.dumps(data)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    t = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.sig !== undefined", timeout=300_000)
    page.evaluate("g.__index = {}; D.nodes.forEach((n, i) => g.__index[n.id] = i); 0")
    opened = time.perf_counter() - t
    step, ours = page.evaluate(SIGMA_SLIDER)
    fps = page.evaluate(SIGMA_PAN)
    page.close()
    return opened, step, ours, fps


def in_browser(sizes) -> None:
    """Median slider step (ms, one year, until the frame is drawn) and pan/zoom frames per second
    in headless Chromium (Debian's chromium, Playwright), for pages of each size; the same for the
    data drawn by sigma.js when node_modules has it. Headless Chromium has no GPU: WebGL runs on
    SwiftShader, canvas 2D on the CPU, as on these machines."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        print("no chromium: browser figures skipped")
        return
    js = sigma_js()
    if js is None:
        print("no node_modules/sigma (make lint-deps): the sigma.js figures skipped")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.path.realpath(chromium), args=["--no-sandbox"])
        for n in sizes:
            nodes, edges = synthetic(n)
            path = Path(tmp) / f"bench-{n}.html"
            html = views.render(nodes, edges, title=f"bench {n}")
            path.write_text(html, encoding="utf-8")
            page = b.new_page(viewport={"width": 1366, "height": 768})
            t = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=300_000)
            opened = time.perf_counter() - t
            step, ours, draw = page.evaluate(SLIDER_STEPS)
            fps = page.evaluate(PAN_ZOOM)
            print(f"{n:>6} nodes, vis-network: opens in {opened:5.1f} s, slider step {step:7.1f} ms to the frame "
                  f"(goal <= 100), of which the update {ours:.1f} ms; one full redraw {draw:.1f} ms; "
                  f"pan/zoom {fps:5.1f} frames/s (goal >= {30 if n <= 1000 else 10})")
            page.close()
            if js:
                opened, step, ours, fps = sigma_figures(b, html, Path(tmp) / f"sigma-{n}.html", js)
                print(f"{n:>6} nodes, sigma.js (WebGL): opens in {opened:5.1f} s, slider step {step:7.1f} ms to the "
                      f"frame, of which the update {ours:.1f} ms; pan/zoom {fps:5.1f} frames/s")
        b.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
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
    if not args.no_browser:
        in_browser((args.small, args.large))


if __name__ == "__main__":
    main()
