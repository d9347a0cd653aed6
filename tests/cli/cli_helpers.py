"""Running the real `estiba` command in a subprocess, and snapshots of directories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def estiba(store, *args, input_bytes: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "cli", "--store", str(store), *map(str, args)],
                          capture_output=True, env=env, input=input_bytes, cwd=ROOT, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"estiba {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout.decode()}\n{proc.stderr.decode()}")
    return proc


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 125, (proc.returncode, err)
    # podman-style progress lines (stderr is not a terminal here) come before the error: they are not errors
    progress = ("Copying ", "Trying to ", "Writing manifest")
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(progress)]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), (fragment, lines[0])
    return lines[0]


def snapshot(root) -> dict[str, bytes]:
    """Every file below root (but the store's lock file) with its bytes, and every directory."""
    out: dict[str, bytes] = {}
    for dirpath, dirs, files in os.walk(root):
        for d in dirs:
            out[os.path.relpath(os.path.join(dirpath, d), root) + "/"] = b""
        for f in files:
            p = os.path.join(dirpath, f)
            if f == "lock":
                continue
            if os.path.islink(p):
                out[os.path.relpath(p, root)] = b"-> " + os.readlink(p).encode()
                continue
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out
