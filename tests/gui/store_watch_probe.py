"""Open the window on a store, change the store with `estiba` in a subprocess and print, as JSON, how the
window followed it: {"inotify": ..., "watching": bool, "fell_back": bool, "followed_in": seconds or null}.

    python -m tests.gui.store_watch_probe STORE ARCHIVE

Run by tests/gui/test_store_watch_fallback.py in a user namespace whose inotify limit is 0 (so the limit is
reached for this process only), with HOME, XDG dirs and QT_QPA_PLATFORM=offscreen from the test."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time

IN_ACCESS = 0x1


def inotify_state() -> str:
    """What this process gets from inotify: "ok", or why not."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        return "no instance: " + os.strerror(ctypes.get_errno())
    try:
        if libc.inotify_add_watch(fd, b".", IN_ACCESS) < 0:
            return "no watch: " + os.strerror(ctypes.get_errno())
        return "ok"
    finally:
        os.close(fd)


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.app import configure_application
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from tests.gui.spanish_walk import settle

    store, archive = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    settings = AppSettings(QSettings(os.path.join(os.environ["HOME"], "probe.ini"), QSettings.Format.IniFormat))
    configure_application(app, settings)
    window = MainWindow(store, settings)
    window.show()
    watcher = window.watcher
    settle(app, lambda: window.refresh_count >= 1 and (watcher.watching or watcher.fell_back))
    state = {"inotify": inotify_state(), "watching": watcher.watching, "fell_back": watcher.fell_back,
             "polling": watcher.polling, "followed_in": None}
    subprocess.run([sys.executable, "-m", "cli", "--store", store, "load", "-i", archive], check=True,
                   capture_output=True, timeout=120)
    start = time.monotonic()
    try:
        settle(app, lambda: any(r.names for r in window.model.records()), timeout=10)
        state["followed_in"] = time.monotonic() - start
    except TimeoutError:
        pass
    state["names"] = sorted(n for r in window.model.records() for n in r.names)
    window.shutdown()
    print(json.dumps(state))
    return 0


if __name__ == "__main__":
    sys.exit(main())
