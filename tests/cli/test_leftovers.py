"""Issue 10 item 22: SIGTERM is handled like Ctrl-C (the transfer is cancelled and cleans up, in the store's tmp/
and beside the output), and what a killed process left (SIGKILL) is swept by the next run, but only once its
owner is gone: a live (stopped) process keeps its temporaries. Real `estiba` subprocesses, real signals."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.cli.cli_helpers import ROOT, estiba
from tests.fixtures.images import build_image, random_layer_tar, write_oci_archive


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("leftovers")
    img = build_image([random_layer_tar(500 + i, 40 << 20, files=2) for i in range(3)], compression="gzip",
                      gzip_level=1)
    write_oci_archive(base / "big.tar", [(img, "big:1", None)])
    return base / "big.tar"


def start_save(store, out, fmt: str = "docker-archive") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "cli", "--store", str(store), "save", "--format", fmt, "-o",
                             str(out), "big:1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)


def temporaries(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def wait_for_temporary(proc, folder, timeout: float = 60.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.startswith(".") and p.is_file() and p.stat().st_size > 0]
        if found:
            return [p.name for p in found]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    raise AssertionError("no temporary appeared beside the output")


@pytest.fixture
def store(tmp_path, big_store):
    estiba(tmp_path / "store", "load", "-i", big_store)
    return tmp_path / "store"


def test_sigterm_cancels_the_save_and_leaves_nothing(store, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = start_save(store, out_dir / "big.tar")
    wait_for_temporary(proc, out_dir)
    proc.send_signal(signal.SIGTERM)
    began = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - began < 5
    lines = err.decode().strip().splitlines()
    # an interrupt exits 1, as podman 4.3 on Ctrl-C (docs/podman.md, Exit codes): SIGTERM is handled as Ctrl-C
    assert proc.returncode == 1 and lines == ["Error: interrupted; nothing was changed"], (proc.returncode, err)
    assert list(out_dir.iterdir()) == []
    assert list((store / "tmp").iterdir()) == []


def test_sigterm_during_a_load_cleans_the_store_staging(tmp_path, big_store):
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--store", str(store), "load", "-i", str(big_store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not any(p.is_dir() for p in (store / "tmp").glob("*")):  # its staging area exists
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "interrupted" in err.decode(), err
    assert list((store / "tmp").iterdir()) == []
    assert estiba(store, "images", "-q").stdout.strip() == b""


def test_what_a_killed_save_left_is_swept_by_the_next_run(store, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = start_save(store, out_dir / "big.tar")
    wait_for_temporary(proc, out_dir)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    left = temporaries(out_dir)
    assert left and all(f"-{proc.pid}-" in name for name in left), left  # named after their owner
    estiba(store, "save", "--format", "docker-archive", "-o", out_dir / "big.tar", "big:1")
    assert sorted(p.name for p in out_dir.iterdir()) == ["big.tar"]


def test_the_store_tmp_of_a_killed_process_is_swept_by_the_next_run(tmp_path):
    store = tmp_path / "store"
    estiba(store, "images")
    # what a killed load leaves: a staging directory and a spool named after a pid that no longer runs
    dead = _dead_pid()
    (store / "tmp" / f"{dead}-abcd1234").mkdir()
    (store / "tmp" / f"{dead}-abcd1234" / "blob").write_bytes(b"x" * 1000)
    (store / "tmp" / f"{dead}-spool-xyz.tar").write_bytes(b"y" * 1000)
    live = store / "tmp" / f"{os.getppid()}-live"  # a running process (pytest's parent) that holds no lock...
    live.mkdir()  # ...but is brand new: it may be about to take it, so it stays
    estiba(store, "images")
    assert sorted(p.name for p in (store / "tmp").iterdir()) == [live.name]


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_live_process_keeps_its_temporaries(store, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    first = start_save(store, out_dir / "big.tar")
    mine = wait_for_temporary(first, out_dir)
    first.send_signal(signal.SIGSTOP)
    try:
        for name in mine:  # old enough that only its owner's lock protects it
            os.utime(out_dir / name, (time.time() - 3600, time.time() - 3600))
        estiba(store, "images")
        estiba(store, "save", "--format", "docker-archive", "-o", out_dir / "big.tar", "big:1")
        assert set(mine) <= set(temporaries(out_dir)), "a live process's temporary was swept"
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["big.tar"]


# --- issue 10 (remaining): the index.json temporary of an OCI layout --------------------------------------

KILL_AT_INDEX = """
import os, runpy, signal, sys
real_replace = os.replace
def replace(src, dst, *a, **k):  # the moment index.json would be replaced: SIGKILL, as a crash would
    if os.path.basename(str(dst)) == "index.json":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *a, **k)
os.replace = replace
sys.argv = ["estiba", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__")
"""


@pytest.fixture
def small_store(tmp_path):
    from tests.gui.helpers import small_image

    write_oci_archive(tmp_path / "small.tar", [(small_image("one"), "small:1", None)])
    estiba(tmp_path / "store", "load", "-i", tmp_path / "small.tar")
    return tmp_path / "store"


def test_the_index_temporary_a_killed_layout_write_left_is_swept_and_a_foreign_one_stays(small_store, tmp_path):
    """kill -9 while an OCI layout's index.json is being replaced (the process kills itself right before the
    rename, with its temporary written and fsynced): the `.index.json-<pid>-*.tmp` it leaves carries its pid,
    and the next write to the layout removes it. A `.index.json-*.tmp` without a pid tag (another program's,
    or an older Estiba's) and the temporary of a live process stay."""
    layout = tmp_path / "layout"
    estiba(small_store, "save", "--format", "oci-dir", "-o", layout, "small:1")
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    killed = subprocess.run([sys.executable, "-c", KILL_AT_INDEX, "--store", str(small_store), "save", "--format",
                             "oci-dir", "-o", str(layout), "small:1"], env=env, cwd=ROOT, capture_output=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    left = [name for name in temporaries(layout) if name.startswith(".index.json-")]
    tagged = [m for m in map(re.compile(r"\.index\.json-(\d+)-.+\.tmp").fullmatch, left) if m]
    assert len(left) == 1 and tagged, f"the temporary carries no owner's pid: {left}"
    assert not _alive(int(tagged[0].group(1)))
    foreign = layout / ".index.json-k3x9q_a1.tmp"  # tempfile's name without a pid tag: not ours
    foreign.write_bytes(b"{}")
    live = layout / f".index.json-{os.getppid()}-live.tmp"  # a running owner (pytest's parent)
    live.write_bytes(b"{}")
    estiba(small_store, "save", "--format", "oci-dir", "-o", layout, "small:1")
    assert temporaries(layout) == sorted([foreign.name, live.name])
    assert json.loads((layout / "index.json").read_bytes())["manifests"]  # the layout is whole


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
