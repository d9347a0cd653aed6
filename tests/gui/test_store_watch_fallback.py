"""The window follows the store without inotify (gui/store_watch.py's fallback): a store changed by `estiba` in a
subprocess still shows within a second or two (issue 10 item 7).

The fault is produced for real, not mocked: the window runs in a user namespace of its own (unshare -U -r) whose
inotify limit (/proc/sys/user/max_inotify_watches or max_inotify_instances, counted per user namespace) the
test sets to 0 there, so its inotify calls fail as they do when a desktop has used every watch or instance,
and nothing else on the machine is affected.
- no watch left (ENOSPC from inotify_add_watch): QFileSystemWatcher cannot watch the folder, and the watcher's
  own timer checks images.json once a second;
- no instance left (EMFILE from inotify_init1): Qt's QFileSystemWatcher has no native engine and polls the
  folder itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.cli_helpers import estiba
from tests.gui.desktop_helpers import ROOT, isolated_env
from tests.gui.helpers import small_image, write_docker_archive

FOLLOW_S = 2.0


def _userns_works() -> bool:
    try:
        return subprocess.run(["unshare", "-U", "-r", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _userns_works(), reason="needs unshare -U (user namespaces) to reach the limit privately")
@pytest.mark.parametrize(("limit", "fault"), [("watches", "no watch: No space left on device"),
                                             ("instances", "no instance: Too many open files")])
def test_the_window_follows_the_store_when_inotify_is_exhausted(tmp_path, limit, fault):
    env = isolated_env(tmp_path)
    store = tmp_path / "store"
    estiba(store, "images")  # the store's folder exists, as it does once any window or command used it
    write_docker_archive(tmp_path / "a.tar", [(small_image("a"), ["a:1"])])
    script = f"echo 0 > /proc/sys/user/max_inotify_{limit} && exec \"$@\""
    run = subprocess.run(["unshare", "-U", "-r", "sh", "-c", script, "sh", sys.executable, "-m",
                          "tests.gui.store_watch_probe", str(store), str(tmp_path / "a.tar")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    state = json.loads(run.stdout.strip().splitlines()[-1])
    assert state["inotify"] == fault, state  # the limit is really reached in the window's process
    if limit == "watches":
        assert state["fell_back"] and not state["watching"] and state["polling"], state
    else:
        assert state["watching"] and not state["fell_back"], state  # Qt's own polling engine
    assert state["names"] == ["docker.io/library/a:1"], state
    assert state["followed_in"] is not None and state["followed_in"] < FOLLOW_S, state
