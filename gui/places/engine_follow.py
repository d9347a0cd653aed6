"""An engine's image events, followed on a thread of its own (engine/engines/events.py follow() blocks for
as long as the engine runs), so that an image pulled, loaded, tagged or removed with `podman` or `docker` in
a terminal shows in the window within a second or two, without polling the list.

The thread reports through a signals object made on the GUI thread: `changed` for an image event,
`connected` each time the stream is (again) open (the list is read then: events before it were not seen),
`lost` when the engine goes away. It then tries again, sooner after a stream that lasted (an engine that was
restarted) than after one that ended at once (a podman whose events_logger is "none" streams nothing), until
stop()."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal

from engine.errors import Cancelled, EstibaError
from engine.progress import CancelToken

RETRY_SECONDS = 1.0  # doubled after each stream that ended within LONG_STREAM_SECONDS, up to MAX_RETRY_SECONDS
LONG_STREAM_SECONDS = 30.0
MAX_RETRY_SECONDS = 60.0


class _Signals(QObject):
    changed = Signal(str)  # the event's action
    connected = Signal()
    lost = Signal(str)  # why, in the engine's words


class EngineFollower(QObject):
    def __init__(self, kind: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.signals = _Signals(self)  # made here, on the GUI thread
        self.changed, self.connected, self.lost = self.signals.changed, self.signals.connected, self.signals.lost
        self._stop = threading.Event()
        self._token = CancelToken()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._token = CancelToken()
        self._thread = threading.Thread(target=self._run, args=(self._token,), name=f"estiba-{self.kind}-events",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._token.cancel()  # shuts the socket down: the blocked read returns at once
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def _run(self, token: CancelToken) -> None:
        from engine.engines import discovery, events
        from engine.engines.client import Engine

        signals = self.signals
        up = [True]  # the engine was running when following started; `lost` is said once per outage

        def opened() -> None:
            up[0] = True
            signals.connected.emit()

        quick = 0  # streams in a row that ended soon after they opened (an engine that logs no events)
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                with Engine(discovery.find(self.kind, start_service=False)) as engine:
                    events.follow(engine, signals.changed.emit, token, on_open=opened)
            except Cancelled:
                return
            except (EstibaError, OSError) as exc:
                if self._stop.is_set():
                    return
                if up[0]:
                    up[0] = False
                    signals.lost.emit(str(exc))
            quick = quick + 1 if time.monotonic() - began < LONG_STREAM_SECONDS else 0
            if self._stop.wait(min(MAX_RETRY_SECONDS, RETRY_SECONDS * 2 ** quick)):
                return
