"""The scale benchmark's own measuring (its figures live in the README, not in tests): where it says
a step's CPU went must be where it went."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import pytest
from support import ROOT

from peninsula.graph.store import open_store


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(ROOT / "benchmarks"))  # bench_scale imports the generator beside it
    try:
        spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "bench_scale.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_cpu_split_puts_each_second_where_it_was_spent(bench, tmp_path):
    """CPU burnt here, in a child that ends, and in the engine, each lands in its own column."""
    with open_store(f"embedded:{tmp_path / 'split.db'}") as store:
        store.query("RETURN 1")
        with bench.CpuSplit(store) as cpu:
            _spin(0.3)
            subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.6\n"
                            "while time.process_time() < end: pass"], check=True)
            started = time.perf_counter()
            while time.perf_counter() - started < 0.5:  # the engine's own work (summing in Cypher)
                store.query("UNWIND range(1, 200000) AS x RETURN sum(x) AS s")
    f = cpu.figures
    assert f["ours"] >= 0.3 and f["children"] >= 0.6 and f["engine"] >= 0.2, f
    assert f["ours"] < 0.3 + f["wall"] and f["children"] < 1.2, f  # nothing counted twice
    assert f["wall"] >= 0.3 + 0.5


def test_split_table_prints_each_step_of_the_median_run(bench, capsys):
    figures = {"wall": 2.0, "ours": 0.5, "children": 2.5, "engine": 0.6}
    walls = (9.0, 2.0, 1.0)  # the second run's load is the median
    result = {"kind": "synth", "triples": 1000, "load": list(walls),
              "split": [{step: {**figures, "wall": w} for step in ("load", "reload", "export")} for w in walls]}
    result["split"][1]["export"]["after the last line"] = 0.25
    bench.print_split([result])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| synth")]
    assert [r.split(" | ")[2] for r in rows] == ["load", "reload", "export"]
    assert all(" 2.00 s " in r for r in rows)  # the median run's, not the first or the last
    assert rows[0].endswith("| 1.80 | - |") and rows[2].endswith("| 0.25 s |")
