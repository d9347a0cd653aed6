"""Plain `estiba` where one of Qt's xcb libraries is really gone: the loader's cache still lists it, its file
is an empty one (bind-mounted /dev/null, in a private mount namespace, so the machine keeps its library).
Qt would abort there (exit 134); Estiba says in one line what is missing and what to install."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.gui.desktop_helpers import ROOT, Xvfb, estiba_command, isolated_env


def _library_path(soname: str) -> str | None:
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        name, _, where = line.strip().partition(" => ")
        if name.split(" ", 1)[0] == soname and "x86-64" in name:
            return where.strip()
    return None


def _estiba_without(library: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    script = f'mount --bind /dev/null "{library}" && exec "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                           *estiba_command()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(os.geteuid() != 0, reason="bind-mounting over a library needs root (in a mount namespace)")
@pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux's unshare is not installed")
def test_a_missing_xcb_library_is_one_line_naming_the_package_not_an_abort(tmp_path):
    library = _library_path("libxcb-cursor.so.0")
    assert library, "libxcb-cursor.so.0 is not installed: tests/run.sh installs libxcb-cursor0"
    with Xvfb() as display:
        env = isolated_env(tmp_path, DISPLAY=display)
        env.pop("QT_QPA_PLATFORM")
        env.pop("WAYLAND_DISPLAY", None)
        run = _estiba_without(library, env)
    assert run.returncode == 125, (run.returncode, run.stderr[-2000:])
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("Error: ") and "sudo apt install libxcb-cursor0" in run.stderr, run.stderr
    assert "libxcb-icccm4" not in run.stderr  # only what is missing is named
    assert "commands work without a display" in run.stderr
    assert os.path.getsize(library) > 0  # the machine's library was never touched
