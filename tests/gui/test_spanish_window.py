"""Starting Estiba with LANG=es_ES.UTF-8 shows the whole window in Spanish: the main window, every menu, the
context menu, the load, export, push, pull, login, tag, inspect, settings, remove and About dialogs, Qt's
file dialog and the Transfers panel after a real load. tests/gui/spanish_walk.py opens them in a process of
its own and lists every visible text that is still English."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.gui.desktop_helpers import ROOT, isolated_env


def walk(tmp_path, lang: str) -> dict:
    env = isolated_env(tmp_path, LANG=lang)
    run = subprocess.run([sys.executable, "-m", "tests.gui.spanish_walk"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_window_in_spanish_shows_no_english(tmp_path):
    result = walk(tmp_path, "es_ES.UTF-8")
    assert result["checked"] > 400  # it really looked at the window, its menus and dialogs
    assert result["english"] == [], "\n".join(f"{where}: {text}" for where, text in result["english"])


def test_the_same_walk_in_english_finds_english(tmp_path):
    """The walk can fail: with LANG=C.UTF-8 it reports the English texts (menus, dialogs, Qt's buttons)."""
    result = walk(tmp_path, "C.UTF-8")
    found = {text for _where, text in result["english"]}
    assert {"No images yet", "Pull an image", "Transfers", "Cancel"} <= found
