"""Follow the store on disk: another window or `estiba` in a terminal changing images.json shows here.

The store replaces images.json atomically (a new file renamed over it), so a watch on the file itself would
be lost at the first change: the watch is on the store's folder, whose entries change with each rename.
Bursts (a temporary file, then the rename) are folded into one check after a short pause. When the watch
cannot be set up (no inotify watch left, a folder that does not exist yet), a timer checks once a second;
with no inotify instance at all, Qt's QFileSystemWatcher polls the folder itself (about once a second).
Both are tested with the limits really reached (tests/gui/test_store_watch_fallback.py).
The check itself (a stat) runs on a worker thread: a store on a slow or hung file system never blocks
drawing. Only a real change of images.json (size, mtime, inode) makes the window reload.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from gui.jobs.tasks import TaskRunner

DEBOUNCE_MS = 150
POLL_MS = 1000
RECORDS = "images.json"
_UNSET = ("unset",)  # no version seen yet


def records_stamp(root: str) -> tuple[int, int, int] | None:
    """What identifies one version of ROOT/images.json (None when there is none)."""
    try:
        st = os.stat(os.path.join(root, RECORDS))
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


class StoreWatcher(QObject):
    changed = Signal()  # images.json differs from the last version seen

    def __init__(self, root: str, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.root = ""
        self._stamp: tuple | None = _UNSET
        self._checking = False
        self._again = False
        self._watch_failed = False
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._soon)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.check)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.check)
        self.set_root(root)

    @property
    def watching(self) -> bool:
        return bool(self._watcher.directories())

    @property
    def polling(self) -> bool:
        return self._poll.isActive()

    @property
    def fell_back(self) -> bool:
        """The folder could not be watched (no inotify watch left): the timer goes on checking once a second."""
        return self._watch_failed

    def set_root(self, root: str) -> None:
        """Follow the store at `root`. Whoever reads the store tells seen() which version it read."""
        self._unwatch()
        self.root = root
        self._stamp = _UNSET
        self._watch_failed = False
        self._poll.start()  # until the first check finds the folder and the watch is set
        self.check()

    def seen(self, root: str, stamp: tuple[int, int, int] | None) -> None:
        """The caller read the store at `root` after taking `stamp` (records_stamp): later checks compare with
        it, so a change made while it was reading still shows."""
        if root == self.root:
            self._stamp = stamp

    def stop(self) -> None:
        self._poll.stop()
        self._debounce.stop()
        self._unwatch()
        self.root = ""

    def _unwatch(self) -> None:
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())

    def _soon(self, _path: str = "") -> None:
        self._debounce.start()

    def check(self, notify: bool = True) -> None:
        """Compare images.json with the version seen last (on a worker); emit `changed` if it differs."""
        if not self.root:
            return
        if self._checking:
            self._again = self._again or notify
            return
        self._checking = True
        root = self.root
        self.tasks.run(lambda: (root, records_stamp(root), os.path.isdir(root)),
                       lambda result: self._on_stamp(result, notify),
                       lambda _failure: self._on_stamp((root, self._stamp, False), notify))

    def _on_stamp(self, result: tuple[str, tuple[int, int, int] | None, bool], notify: bool) -> None:
        self._checking = False
        root, stamp, exists = result
        if root != self.root:
            return
        if self._stamp is _UNSET:
            self._stamp = stamp  # nothing read yet to compare with: this is the version to follow
        elif stamp != self._stamp:
            self._stamp = stamp
            if notify:
                self.changed.emit()
        if exists and not self.watching and not self._watch_failed:
            if self._watcher.addPath(root):
                self._poll.stop()
                self._again = True  # a change between that stat and the watch would send no event: look again
            else:
                self._watch_failed = True  # no inotify watch left: keep polling
        if self._again:
            self._again = False
            self.check()
