"""Smoke test of the engine benchmark (tests/benchmarks/engine_bench.py) on a tiny image, one repetition:
it starts its private engines, runs every operation on every side (Estiba, the engine, and skopeo for
export-podman) and writes its JSON. Nothing about speed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.engine_bench import TARGETS
from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.interop
@pytest.mark.timeout(300)
def test_engine_benchmark_runs_every_operation(tmp_path: Path) -> None:
    missing = [t for t in ("dockerd", "docker", "podman", "skopeo") if shutil.which(t) is None]
    if missing:
        msg = f"{', '.join(missing)} not installed (tests/run.sh installs them)"
        pytest.fail(msg) if IN_CI else pytest.skip(msg)
    out = tmp_path / "engines.json"
    proc = subprocess.run([sys.executable, "-m", "tests.benchmarks.engine_bench", "--size-mb", "3", "--reps", "1",
                           "--workdir", str(tmp_path / "work"), "--json", str(out),
                           "--estiba", str(Path(sys.executable).parent / "estiba")],
                          cwd=REPO, capture_output=True, text=True, timeout=280, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    rows = json.loads(out.read_text())["rows"]
    assert [r["op"] for r in rows] == list(TARGETS)
    for r in rows:
        assert r["errors"] == []
        assert len(r["estiba"]["runs_s"]) == 1 and len(r["engine"]["runs_s"]) == 1
        assert r["ratio"] > 0
    # export-podman has a third column: skopeo reading podman's storage directly
    by_op = {r["op"]: r for r in rows}
    assert len(by_op["export-podman"]["skopeo"]["runs_s"]) == 1
    assert by_op["export-podman"]["ratio_skopeo"] > 0
    assert all("skopeo" not in r for op, r in by_op.items() if op != "export-podman")
    assert "skopeo s" in proc.stdout
