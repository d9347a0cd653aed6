"""Helpers for tests that run Estiba as a separate process: an Xvfb display, the `estiba` command, an
environment of its own (HOME, XDG dirs, store), waiting for the store, and stopping what a test started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def estiba_command() -> list[str]:
    """The installed `estiba` script next to this Python (pip install -e . made it)."""
    script = VENV_BIN / "estiba"
    assert script.is_file(), f"{script} is missing: pip install -e . first"
    return [str(script)]


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "LC_", "LANGUAGE"))}
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_RUNTIME_DIR=str(runtime), ESTIBA_STORE=str(tmp_path / "store"), LANG="C.UTF-8",
               PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", QT_QPA_PLATFORM="offscreen",
               TMPDIR=str(tmp_path))
    env.update(extra)
    return env


class Xvfb:
    """A private X server: `with Xvfb() as display: ...` (display is ":N")."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.display = ""

    def __enter__(self) -> str:
        read, write = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten",
                                      "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        assert number, "Xvfb did not start"
        self.display = f":{number}"
        return self.display

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def store_images(store: Path) -> list[str]:
    """Names of the images in the store, read with the engine (no Qt)."""
    from engine.store import Store

    if not store.exists():
        return []
    return sorted(n for rec in Store(str(store)).images() for n in rec.names)


def wait_until(predicate, timeout: float = 60.0, what: str = "the condition") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def processes_with(marker: str) -> list[int]:
    """PIDs of this user's processes whose command line or environment holds `marker` (a test's own tmp
    path), so a test stops only what it started, by id."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in blob:
            pids.append(int(entry.name))
    return pids


def stop(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
