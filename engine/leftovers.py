"""Temporaries that outlive their process, and sweeping them.

A process killed outright (SIGKILL, a crash, a power cut) cannot clean up: its staging directories in the
store's tmp/ and the hidden temporaries it wrote beside an output (`.OUT-<pid>-*.tmp`, `.estiba-tmp-<pid>-*`)
stay behind. Every such name carries its owner's pid, and the owner holds an flock on it while it lives. A
later run removes one only when its owner is gone: the pid is not running (os.kill(pid, 0)), or the pid was
reused by another process (the lock is free although the pid runs) and the entry is not brand new (the owner
takes the lock right after creating it).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time

FRESH = 10.0  # seconds: an unlocked entry this young may still be about to be locked by its owner


def owner_tag() -> str:
    """`<pid>-`, put in the name of every temporary this process creates."""
    return f"{os.getpid()}-"


def hold(fd: int) -> None:
    """Take the owner's lock on a temporary (file or directory) for as long as `fd` stays open."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # a filesystem without flock: the pid check alone decides


def hold_path(path: str) -> int | None:
    """hold() on a path (a staging directory); returns the fd to close when done, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    hold(fd)
    return fd


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _unlocked(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return True


def owner_gone(path: str, pid: int) -> bool:
    if pid == os.getpid():
        return False
    if not _running(pid):
        return True
    try:
        age = time.time() - os.lstat(path).st_mtime
    except OSError:
        return False
    return age > FRESH and _unlocked(path)


def _remove(path: str) -> None:
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def sweep(folder: str, pattern: re.Pattern[str]) -> list[str]:
    """Remove the entries of `folder` whose name matches `pattern` (its group "pid" the owner) and whose owner is
    gone. Returns the names removed. Errors (a folder we cannot read) remove nothing."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        path = os.path.join(folder, name)
        if owner_gone(path, int(m.group("pid"))):
            _remove(path)
            removed.append(name)
    return removed


STORE_TMP = re.compile(r"(?P<pid>\d+)-.*")


def sweep_store_tmp(tmp_dir: str) -> list[str]:
    """The store's tmp/: staging areas and spools named `<pid>-...`."""
    return sweep(tmp_dir, STORE_TMP)


def sweep_beside(target: str, prefix: str, suffix: str = "") -> list[str]:
    """Stale temporaries named `<prefix><pid>-<anything><suffix>` in target's directory."""
    pattern = re.compile(re.escape(prefix) + r"(?P<pid>\d+)-.*" + re.escape(suffix), re.DOTALL)
    return sweep(os.path.dirname(os.path.abspath(target)), pattern)
