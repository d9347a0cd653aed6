"""Smoke test of the benchmark script (tests/benchmarks/bench.py) on a tiny image with one repetition: proves that
the script builds valid inputs, drives skopeo, Estiba and a loopback docker-registry, and writes its table and
JSON. It asserts nothing about performance."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks import bench, inputs
from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]


def _estiba() -> str:
    beside = Path(sys.executable).parent / "estiba"
    return str(beside) if beside.exists() else (shutil.which("estiba") or str(REPO / ".venv" / "bin" / "estiba"))


@pytest.mark.interop
@pytest.mark.timeout(120)
def test_benchmark_runs_every_operation_on_a_tiny_image(tmp_path: Path) -> None:
    if shutil.which("docker-registry") is None:
        msg = "docker-registry is not installed (tests/run.sh installs it)"
        pytest.fail(msg) if IN_CI else pytest.skip(msg)
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench", "--size-mb", "3", "--reps", "1", "--many", "3",
         "--images", "multi,single", "--workdir", str(tmp_path / "work"), "--json", str(out), "--estiba", _estiba()],
        cwd=REPO, capture_output=True, text=True, timeout=110, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(out.read_text())

    # inputs: real files split into 5 layers (multi) or 1 (single), close to the asked size
    assert [len(doc["inputs"][k]["layers"]) for k in ("multi", "single")] == [5, 1]
    for k in ("multi", "single"):
        assert 2.7e6 <= doc["inputs"][k]["uncompressed_bytes"] <= 3.3e6 * 1.1

    # every operation ran, per image and globally; skopeo (the reference) succeeded everywhere
    want = {(op.key, img) for op in bench.OPS if op.per_image for img in ("multi", "single")}
    want |= {(op.key, None) for op in bench.OPS if not op.per_image}
    got = {(r["op"], r["image"]) for r in doc["results"]}
    assert got == want
    for r in doc["results"]:
        assert r["errors"].get("skopeo") is None, r
        assert len(r["samples"]["skopeo"]) == 1 and r["samples"]["skopeo"][0]["rss_mb"] > 0, r
        # Estiba either ran once or has a one-line reason, shown as n/a
        if r["errors"].get("estiba"):
            assert "\n" not in r["errors"]["estiba"] and r["result"].startswith("n/a"), r
        else:
            assert len(r["samples"]["estiba"]) == 1 and r["median_seconds"]["estiba"] > 0, r
            assert r["ratio"] is not None, r
            assert r["result"] == "pass" or r["result"].startswith("FAIL "), r
            for tool in ("skopeo", "estiba"):  # one run: min = median = max
                assert r["min_seconds"][tool] == r["median_seconds"][tool] == r["max_seconds"][tool], r
            assert r["loadavg_during"] is not None and r["samples"]["estiba"][0]["loadavg"] >= 0, r
    helps = [r for r in doc["results"] if r["op"] == "help"]
    assert helps[0]["samples"]["estiba"], "estiba --help must run"

    # the copy row measured skopeo's gzip output, for the size comparison
    copies = [r for r in doc["results"] if r["op"] == "copy-docker-archive-oci-archive"]
    assert all(r["facts"]["skopeo"]["layer_bytes"] > 0 for r in copies)
    assert doc["machine"]["cores"] >= 1 and "skopeo" in doc["machine"]["skopeo"]

    # the table on stdout names every operation
    for op in bench.OPS:
        assert op.title in proc.stdout
    assert "ratio" in proc.stdout.splitlines()[3] and "min-max" in proc.stdout.splitlines()[3]
    assert "medians of at least 5" in proc.stdout  # one rep: the table says it is not enough


def _row(target: float, skopeo: list[float], estiba: list[float]) -> bench.Row:
    op = bench.Op("x", "x", bench.Target(ratio=target), lambda *a: iter(()))
    row = bench.Row(op, "multi")
    for tool, times in ((bench.SKOPEO, skopeo), (bench.ESTIBA, estiba)):
        row.samples[tool] = [bench.Sample(t, 1024, 0.1, 0, loadavg=1.5) for t in times]
    return row


def test_spread_medians_min_max_and_the_warning() -> None:
    tight = _row(0.5, [4.0, 4.1, 4.0, 3.9, 4.0], [1.0, 1.02, 0.98, 1.0, 1.01])
    assert tight.too_spread() == [] and tight.spread(bench.ESTIBA) == (0.98, 1.02)
    assert tight.load() == 1.5 and tight.as_json()["spread_warning"] == []
    wide = _row(0.5, [4.0, 4.1, 4.0, 3.9, 4.0], [1.0, 2.4, 0.9, 1.0, 1.1])  # one slow Estiba run: 150% spread
    assert any("estiba runs spread" in w for w in wide.too_spread())
    straddles = _row(0.25, [4.0, 4.4, 4.0, 3.7, 4.0], [0.9, 1.0, 1.0, 1.0, 1.1])  # 0.20-0.30 around 0.25
    assert any("straddles" in w for w in straddles.too_spread())
    assert "!" in bench.table([wide]).splitlines()[2]
    assert bench.spread_warnings([tight, wide]) and len(bench.spread_warnings([tight])) == 0


def test_plan_layers_fills_groups_in_walk_order() -> None:
    files = iter([(f"/f{i}", 1000) for i in range(100)] + [("/huge", 10**9)] + [(f"/g{i}", 1000) for i in range(50)])
    groups = inputs.plan_layers(60_000, (0.5, 0.3, 0.2), files)
    sizes = [len(g) * 1512 for g in groups]
    assert [abs(s - t) <= 0.1 * t for s, t in zip(sizes, (30_000, 18_000, 12_000), strict=True)] == [True] * 3
    assert "/huge" not in [p for g in groups for p in g]
    with pytest.raises(inputs.BuildError):
        inputs.plan_layers(10**7, (1.0,), iter([("/a", 1000)]))


def test_py_spy_raw_summary_ranks_functions(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text("main (cli.py:10);copy (copy.py:5);compress (compression.py:40) 30\n"
                   "main (cli.py:10);copy (copy.py:7);sha (digest.py:3) 10\n")
    text = bench.summarise_raw(str(raw))
    assert "40 samples" in text
    self_part = text.split("inclusive time:")[0]
    assert self_part.index("compress (compression.py)") < self_part.index("sha (digest.py)")
    assert "75.0%  compress (compression.py)" in text and "100.0%  copy (copy.py)" in text
