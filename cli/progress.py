"""A one-line progress bar on a terminal (stderr), fed by engine progress events."""

from __future__ import annotations

import sys
import threading
import time

from engine import progress as ev

_BAR = 30


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


class TerminalProgress:
    """Draws `[=====>    ] 45% 120.3 MB / 270.0 MB  3/5 blobs` at most 10 times a second."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._lock = threading.Lock()
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._finished: set[str] = set()
        self._waiting: dict[str, str] = {}  # blob -> the peer it waits for (engine WAITING events)
        self._last = 0.0
        self._drawn = False

    def __call__(self, event: ev.Event) -> None:
        if event.kind == ev.MESSAGE:  # a note for the user (a platform chosen for them): one line, tty or not
            with self._lock:
                self.stream.write(("\r\x1b[K" if self._drawn else "") + f"Note: {event.text}\n")
                self.stream.flush()
            return
        if not self.enabled:
            return
        with self._lock:
            if event.kind == ev.WAITING:
                self._waiting[event.blob] = event.text
                self._draw()
                return
            if event.offset > self._done.get(event.blob, -1) or event.kind != ev.READ:
                self._waiting.pop(event.blob, None)
            if event.total >= 0:
                self._total[event.blob] = event.total
            self._done[event.blob] = event.offset
            if event.kind in (ev.DONE, ev.SKIPPED):
                self._finished.add(event.blob)
            now = time.monotonic()
            if now - self._last >= 0.1 or event.kind in (ev.DONE, ev.SKIPPED):
                self._last = now
                self._draw()

    def _draw(self) -> None:
        total = sum(self._total.values()) or 1
        done = min(sum(self._done.values()), total)
        frac = done / total
        filled = int(frac * _BAR)
        bar = "=" * filled + (">" if filled < _BAR else "") + " " * (_BAR - filled - 1)
        line = (f"\r[{bar}] {frac * 100:3.0f}% {human_bytes(done)} / {human_bytes(total)}  "
                f"{len(self._finished)}/{len(self._total)} blobs")
        if self._waiting:
            line += f"  waiting for {next(iter(self._waiting.values()))}"
        self.stream.write(line + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
