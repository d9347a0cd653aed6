"""Smoke test of the sync benchmark (tests/benchmarks/sync_bench.py) on 2 x 2 tiny images, one repetition: it
builds the source registry, drives `estiba sync` and `skopeo sync` both ways and writes its JSON. It asserts
nothing about performance (the coordinator runs the real numbers on a quiet machine)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.interop
@pytest.mark.timeout(300)
def test_sync_benchmark_runs_both_tools(tmp_path: Path) -> None:
    for tool in ("docker-registry", "skopeo"):
        if shutil.which(tool) is None:
            msg = f"{tool} is not installed (tests/run.sh installs it)"
            pytest.fail(msg) if IN_CI else pytest.skip(msg)
    estiba = Path(sys.executable).with_name("estiba")
    out = tmp_path / "sync.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.sync_bench", "--repos", "2", "--tags", "2", "--base-mb", "0.5",
         "--reps", "1", "--workdir", str(tmp_path / "work"), "--json", str(out), "--estiba", str(estiba)],
        cwd=REPO, capture_output=True, text=True, timeout=280, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["images"] == 4
    for key in ("estiba-docker", "skopeo-docker", "estiba-yaml", "skopeo-yaml", "estiba-second"):
        assert len(doc["seconds"][key]) == 1 and doc["seconds"][key][0] > 0, key
    assert doc["result"] in ("pass", "FAIL") and doc["ratio_docker"] > 0
    assert "second sync" in proc.stdout
