"""Progress on stderr, read from the one engine aggregation (engine/progress_state.py) the GUI also reads.

- On a terminal: one line per blob (`Copying blob 3f4ca6e2b8c1  12.3 MB / 28.1 MB  5.2 MB/s`), redrawn in
  place at most 10 times a second, cut to the terminal's width, and left on screen when done. A phase that
  is not a blob's copy has a line of its own first (`Decompressing app.tar.gz  1.2 GB / 2.1 GB  310 MB/s`).
- Not a terminal (a CI log, a file): podman's lines, once per blob: `Copying blob sha256:... done` (or
  `skipped: already exists`), then `Writing manifest to image destination` at the end.
- `-q`: nothing.
Never on stdout: `save` may be writing an archive there.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

from engine import progress as ev
from engine.progress_state import DONE, SKIPPED, ProgressAggregator, ProgressSnapshot

PHASES = {ev.DECOMPRESSING: "Decompressing", ev.READING: "Reading"}


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _label(blob: str) -> str:
    return blob if not blob.startswith("sha256:") else blob


class Silent:
    def __call__(self, event: ev.Event) -> None:
        pass

    def finish(self, ok: bool = True) -> None:
        pass


class LogLines:
    """podman's non-terminal output: one line per blob when it starts being copied or is skipped, and a
    `done` line when it is."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self._lock = threading.Lock()
        self._said: set[str] = set()
        self._waiting: set[str] = set()  # blobs whose wait was logged, until they move again
        self.aggregator = ProgressAggregator(lambda snap: None, interval=3600)

    def __call__(self, event: ev.Event) -> None:
        self.aggregator(event)
        if event.kind == ev.MESSAGE:  # a note for the user (a platform chosen for them): one line
            if event.text:
                with self._lock:
                    self._write(f"Note: {event.text}")
            return
        if not event.blob:
            return
        kind = "config" if event.blob == "config" else "blob"
        with self._lock:
            if event.kind == ev.WAITING:
                if event.blob not in self._waiting:
                    self._waiting.add(event.blob)
                    self._write(f"Copying {kind} {event.blob} waiting for {event.text}")
                return
            self._waiting.discard(event.blob)
            if event.kind == ev.SKIPPED and event.blob not in self._said:
                self._said.add(event.blob)
                self._write(f"Copying {kind} {event.blob} skipped: already exists")
            elif event.kind == ev.DONE and event.blob not in self._said:
                self._said.add(event.blob)
                self._write(f"Copying {kind} {event.blob} done")

    def _write(self, line: str) -> None:
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def finish(self, ok: bool = True) -> None:
        if self._said and ok:
            self._write("Writing manifest to image destination")


class TerminalLines:
    """One line per blob, redrawn in place (cursor moved up over the block), each cut to the width."""

    def __init__(self, stream, interval: float = 0.1) -> None:
        self.stream = stream
        self._drawn = 0
        self._lock = threading.Lock()
        self._last: ProgressSnapshot | None = None
        self.aggregator = ProgressAggregator(self._on_snapshot, interval=interval)
        self._started = time.monotonic()

    def __call__(self, event: ev.Event) -> None:
        self.aggregator(event)

    def _on_snapshot(self, snap: ProgressSnapshot) -> None:
        with self._lock:
            self._last = snap
            self._draw(snap)

    def _draw(self, snap: ProgressSnapshot) -> None:
        width = max(20, self._columns())
        lines = []
        for b in snap.blobs:
            if b.phase:  # not a blob: a phase of the job, named by its input (`Decompressing app.tar.gz`)
                head = f"{PHASES.get(b.phase, b.phase.capitalize())} {b.blob}"
            else:
                head = f"Copying {'config' if b.blob == 'config' else 'blob'} {b.blob.removeprefix('sha256:')[:12]}"
            if b.state == SKIPPED:
                tail = "skipped: already exists"
            elif b.state == DONE:
                tail = f"done  {human_bytes(b.total if b.total >= 0 else b.done)}"
            else:
                total = human_bytes(b.total) if b.total >= 0 else "?"
                tail = f"{human_bytes(b.done)} / {total}"
                if snap.waiting:  # engine WAITING events: nothing moves, so no speed is shown
                    tail += f"  waiting for {snap.waiting}"
                elif snap.speed > 0:
                    tail += f"  {human_bytes(snap.speed)}/s"
            lines.append(f"{head}  {tail}"[: width - 1])
        out = ("\x1b[F" * self._drawn) if self._drawn else ""
        out += "".join(f"\r{line}\x1b[K\n" for line in lines)
        self._drawn = len(lines)
        try:
            self.stream.write(out)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def _columns(self) -> int:
        """The width of the terminal stderr is (not stdout's: that may be an archive going to a pipe)."""
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return shutil.get_terminal_size((80, 24)).columns

    def finish(self, ok: bool = True) -> None:
        self.aggregator.flush()


def progress_for(quiet: bool = False, stream=None):
    """The progress listener for a command: silent, terminal lines or podman's log lines."""
    stream = stream or sys.stderr
    if quiet:
        return Silent()
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return TerminalLines(stream) if tty else LogLines(stream)
