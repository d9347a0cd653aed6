"""Making a cancel reach a request that is blocked in the socket.

A registry that stops reading leaves `sendall()` blocked inside http.client, and one that stops answering
leaves `getresponse()` blocked: no cancel check runs there. Every request is therefore sent inside
`cancellable(token)`: wire.py records each request's connection as the thread's in-flight connection,
and a cancel starts a watcher that shuts that socket down once the request has not moved for STALL_WAIT
(or, at the latest, ABORT_WAIT after the cancel: an upload chunk that is still moving may finish first,
since distribution cannot even DELETE a session whose PATCH was cut mid-body). A request begun after the
cancel (the clean-up DELETE of an upload session, or a worker's next request) gets only LATE_STALL_WAIT:
a healthy registry answers well within it, and a stalled one must not hold the cancel up for another
STALL_WAIT per request. A body streamed after the response headers (a blob download) is cut the same way
through response_socket().
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ABORT_WAIT = 5.0
STALL_WAIT = 0.75
LATE_STALL_WAIT = 0.2


class _Flight:
    def __init__(self) -> None:
        self.conn = None  # an http.client connection
        self.moved = time.monotonic()
        self.done = False
        self.stall_wait = STALL_WAIT

    def watch(self) -> None:
        deadline = time.monotonic() + ABORT_WAIT
        while not self.done:
            now = time.monotonic()
            if now > deadline or now - self.moved > self.stall_wait:
                shut_down(getattr(self.conn, "sock", None))
                return
            time.sleep(0.05)


_flights: dict[int, _Flight] = {}


@contextmanager
def cancellable(cancel) -> Iterator[None]:
    """Send one request (headers and body, until the response headers are in) so that `cancel` can cut it."""
    if cancel is None:
        yield
        return
    flight = _Flight()
    if cancel.cancelled:
        flight.stall_wait = LATE_STALL_WAIT
    tid = threading.get_ident()
    outer = _flights.get(tid)
    _flights[tid] = flight
    forget = cancel.on_cancel(lambda: threading.Thread(target=flight.watch, name="estiba-cancel-watch",
                                                       daemon=True).start())
    try:
        yield
    finally:
        flight.done = True
        forget()
        if outer is None:
            _flights.pop(tid, None)
        else:
            _flights[tid] = outer


def moved() -> None:
    """The request on this thread made progress (an upload body sent a block)."""
    flight = _flights.get(threading.get_ident())
    if flight is not None:
        flight.moved = time.monotonic()


def record(conn) -> None:
    """`conn` carries this thread's request now: a cancel's watcher shuts its socket down."""
    flight = _flights.get(threading.get_ident())
    if flight is not None:
        flight.conn = conn


def response_socket(resp) -> socket.socket | None:
    """The socket a streamed response (wire.Response) reads its body from."""
    return resp.sock


def shut_down(sock: socket.socket | None) -> None:
    """Wake whoever is blocked on `sock` (from another thread)."""
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
