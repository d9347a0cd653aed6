"""Progress events and the cancel token.

Events are per blob (new / read / done / skipped), as containers/image reports them. The throttle
sits at the source: a listener hears at most one `read` event per blob every `interval` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import Cancelled

NEW, READ, DONE, SKIPPED, MESSAGE = "new", "read", "done", "skipped", "message"


@dataclass(frozen=True)
class Event:
    kind: str
    blob: str  # digest, or a short label such as "config"
    offset: int = 0  # bytes of this blob done so far
    total: int = -1  # its size when known
    text: str = ""


class CancelToken:
    """Set from any thread; checked by the engine between chunks (so a cancel lands within ~1 MiB). Work that
    can block without bytes flowing (a stalled download) registers on_cancel() to be woken."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next = 0

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - waking one piece of work must not stop waking the others
                pass

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` (on the cancelling thread) when this is cancelled, at once if it already is. Returns
        a function that forgets it."""
        with self._lock:
            if not self._event.is_set():
                key, self._next = self._next, self._next + 1
                self._callbacks[key] = callback

                def forget() -> None:
                    with self._lock:
                        self._callbacks.pop(key, None)

                return forget
        callback()
        return _nothing

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


Listener = Callable[[Event], None]
OnBytes = Callable[[int], None] | None  # told how many more bytes of a blob are done


class Progress:
    """Thread-safe fan-in of progress from parallel blob copies to one listener."""

    def __init__(self, listener: Listener | None = None, cancel: CancelToken | None = None,
                 interval: float = 0.05) -> None:
        self.listener = listener
        self.cancel = cancel or CancelToken()
        self.interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}

    def _emit(self, event: Event) -> None:
        if self.listener is not None:
            self.listener(event)

    def message(self, text: str) -> None:
        self._emit(Event(MESSAGE, "", text=text))

    def new(self, blob: str, total: int) -> None:
        self.cancel.check()
        self._emit(Event(NEW, blob, 0, total))

    def skipped(self, blob: str, total: int) -> None:
        self._emit(Event(SKIPPED, blob, total, total))

    def done(self, blob: str, total: int) -> None:
        self._emit(Event(DONE, blob, total, total))

    def counter(self, blob: str, total: int, check_cancel: bool = True) -> Callable[[int], None]:
        """A callback for HashingReader: counts bytes, checks cancel (unless told not to: an upload body must
        not be cut mid-request), emits throttled READ events."""
        state = {"offset": 0}
        check = self.cancel.check if check_cancel else _nothing

        def on_bytes(n: int) -> None:
            check()
            state["offset"] += n
            now = time.monotonic()
            with self._lock:
                if now - self._last.get(blob, 0.0) < self.interval:
                    return
                self._last[blob] = now
            self._emit(Event(READ, blob, state["offset"], total))

        return on_bytes


def _nothing() -> None:
    pass
