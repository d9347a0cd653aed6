"""Progress events and the cancel token.

Events are per blob (new / read / done / skipped), as containers/image reports them. The throttle
sits at the source: a listener hears at most one `read` event per blob every `interval` seconds. A blob in
flight that has not moved for WAIT_AFTER seconds gets a `waiting` event naming the peer it waits for (the
front ends show that instead of a speed), repeated every WAIT_AFTER while it stays still.

The cancel token tells a user's cancel (cancel()) from the pipeline stopping its other workers after a failure
(stop()): only the first is reported as Cancelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import Cancelled

NEW, READ, DONE, SKIPPED, MESSAGE, WAITING = "new", "read", "done", "skipped", "message", "waiting"
# Phases of a job that are not a blob's copy, named on their NEW event (Event.text): the front ends say so.
DECOMPRESSING, READING = "decompressing", "reading"  # an archive compressed as a whole; a pipe, spooled
WAIT_AFTER = 3.0  # seconds without a byte before a blob in flight is reported as waiting


@dataclass(frozen=True)
class Event:
    kind: str
    blob: str  # digest, or a short label such as "config"
    offset: int = 0  # bytes of this blob done so far
    total: int = -1  # its size when known
    text: str = ""  # MESSAGE: the message; WAITING: what is waited for ("registry example.com"); NEW: a phase


class CancelToken:
    """Set from any thread; checked by the engine between chunks (so a cancel lands within ~1 MiB). Work that
    can block without bytes flowing (a stalled download) registers on_cancel() to be woken."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next = 0
        self._requested = False

    def cancel(self) -> None:
        """The user (or the app on quit) cancels."""
        self._requested = True
        self.stop()

    def stop(self) -> None:
        """Stop every piece of work, as a cancel does, without it being one (a failure stops the others)."""
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
        """Work must stop (a cancel or a stop)."""
        return self._event.is_set()

    @property
    def requested(self) -> bool:
        """Somebody cancelled (not merely a stop after a failure)."""
        return self._requested

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
        self._moving: dict[str, list] = {}  # blob in flight -> [last move (monotonic), offset, total]
        self.waiting_for = ""  # the peer a stalled blob waits for, set by the copy pipeline
        self._watch: threading.Event | None = None

    def _emit(self, event: Event) -> None:
        if event.kind != MESSAGE and event.blob:
            with self._lock:
                if event.kind in (NEW, READ):
                    self._moving[event.blob] = [time.monotonic(), event.offset, event.total]
                elif event.kind in (DONE, SKIPPED):
                    self._moving.pop(event.blob, None)
        if self.listener is not None:
            self.listener(event)

    def start_watch(self, waiting_for: str) -> None:
        """Report blobs that stop moving (until stop_watch()); `waiting_for` names the peer."""
        self.waiting_for = waiting_for
        if self._watch is None and self.listener is not None:
            self._watch = threading.Event()
            threading.Thread(target=self._watching, args=(self._watch,), name="estiba-stall-watch",
                             daemon=True).start()

    def stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.set()
            self._watch = None
        with self._lock:
            self._moving.clear()

    def _watching(self, stop: threading.Event) -> None:
        while not stop.wait(min(0.25, WAIT_AFTER / 2)):
            now = time.monotonic()
            with self._lock:
                still = [(blob, state[1], state[2]) for blob, state in self._moving.items()
                         if now - state[0] >= WAIT_AFTER]
                for blob, _, _ in still:
                    self._moving[blob][0] = now  # said once per WAIT_AFTER of stillness
            for blob, offset, total in still:
                if not stop.is_set() and self.listener is not None:
                    self.listener(Event(WAITING, blob, offset, total, self.waiting_for))

    def message(self, text: str) -> None:
        self._emit(Event(MESSAGE, "", text=text))

    def new(self, blob: str, total: int, phase: str = "") -> None:
        """A blob (or a phase such as DECOMPRESSING, counting its input's bytes) starts."""
        self.cancel.check()
        self._emit(Event(NEW, blob, 0, total, phase))

    def skipped(self, blob: str, total: int) -> None:
        self._emit(Event(SKIPPED, blob, total, total))

    def done(self, blob: str, total: int) -> None:
        self._emit(Event(DONE, blob, total, total))

    def counter(self, blob: str, total: int, check_cancel: bool = True,
                total_of: Callable[[], int] | None = None) -> Callable[[int], None]:
        """A callback for HashingReader: counts bytes, checks cancel (unless told not to: an upload body must
        not be cut mid-request), emits throttled READ events. total_of: the blob's total as it is known at each
        event (a layer compressed on the way: an estimate that improves), instead of `total`."""
        state = {"offset": 0}
        check = self.cancel.check if check_cancel else _nothing

        def on_bytes(n: int) -> None:
            check()
            state["offset"] += n
            now = time.monotonic()
            with self._lock:
                moving = self._moving.get(blob)
                if moving is not None:
                    moving[0], moving[1] = now, state["offset"]
                if now - self._last.get(blob, 0.0) < self.interval:
                    return
                self._last[blob] = now
            self._emit(Event(READ, blob, state["offset"], total_of() if total_of is not None else total))

        on_bytes.touch = lambda: self.touch(blob)  # type: ignore[attr-defined]
        return on_bytes

    def touch(self, blob: str) -> None:
        """The blob's transfer moves although nothing is counted yet (an upload body going into the socket,
        before the registry's answer counts it): it is not waiting."""
        with self._lock:
            moving = self._moving.get(blob)
            if moving is not None:
                moving[0] = time.monotonic()


def _nothing() -> None:
    pass
