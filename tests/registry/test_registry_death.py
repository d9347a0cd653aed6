"""Issue 10 item 1 (engine side): a real docker-registry killed by the test mid-push and mid-pull. The transfer
ends as a failure with a one-line reason (never as a cancel: nobody cancelled), progress counts only what the
registry accepted (it does not run on once nothing listens), and a transfer that stops moving says what it is
waiting for."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from engine import progress as ev
from engine.errors import Cancelled, EstibaError
from engine.formats.oci_layout import open_layout_source
from engine.progress import Progress
from engine.registry import upload as upload_mod
from tests.fixtures.images import build_image, random_layer_tar, write_oci_layout
from tests.registry.conftest import pull, push

LAYER = 12 << 20


@pytest.fixture(autouse=True)
def no_stored_logins(monkeypatch):
    from engine import credentials

    monkeypatch.setattr(credentials, "lookup", lambda registry, authfile=None: None)


@pytest.fixture(scope="module")
def big_image():
    return build_image([random_layer_tar(70 + i, LAYER, files=2) for i in range(3)], compression="gzip",
                       gzip_level=1)


class Watcher:
    """A progress listener that kills the registry once `fraction` of the bytes are reported done."""

    def __init__(self, reg, total: int, fraction: float, sig: int) -> None:
        self.reg, self.total, self.fraction, self.sig = reg, total, fraction, sig
        self.done: dict[str, int] = {}
        self.killed_at: float | None = None
        self.done_at_kill = 0
        self.after_kill: list[ev.Event] = []
        self.lock = threading.Lock()

    def __call__(self, event: ev.Event) -> None:
        with self.lock:
            if self.killed_at is not None:
                self.after_kill.append(event)
            if event.kind in (ev.READ, ev.DONE, ev.SKIPPED):
                self.done[event.blob] = max(self.done.get(event.blob, 0), event.offset)
            if self.killed_at is None and sum(self.done.values()) >= self.fraction * self.total:
                self.reg.proc.send_signal(self.sig)
                self.reg.proc.wait(10)
                self.killed_at = time.monotonic()
                self.done_at_kill = sum(self.done.values())

    @property
    def final(self) -> int:
        return sum(self.done.values())


@pytest.fixture(scope="module")
def plain_image():
    """Uncompressed layers: the push compresses them as it streams (the writer's spool path of upload.py)."""
    return build_image([random_layer_tar(80 + i, LAYER, files=2) for i in range(3)], compression="none")


@pytest.mark.parametrize("layers", ["gzip", "streamed"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_registry_killed_mid_push_fails_the_push_with_a_reason(registry, big_image, plain_image, tmp_path,
                                                                  fast_retries, monkeypatch, sig, layers):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 2 << 20)
    monkeypatch.setattr(upload_mod, "FILE_CHUNK_SIZE", 2 << 20)  # several acknowledged chunks per layer
    monkeypatch.setattr(ev, "WAIT_AFTER", 0.3)
    reg = registry("noauth")
    image = big_image if layers == "gzip" else plain_image
    write_oci_layout(tmp_path / "layout", [(image, "v1", None)])
    total = sum(x.size for x in image.layers)
    watcher = Watcher(reg, total, 0.2, sig)
    progress = Progress(watcher, interval=0)
    began = time.monotonic()
    with open_layout_source(str(tmp_path / "layout")) as src, pytest.raises(EstibaError) as info:
        push(src, f"{reg.host}/dead/push:v1", progress=progress, parallel=3)
    assert watcher.killed_at is not None, "the registry was not killed: the push ended first"
    assert not isinstance(info.value, Cancelled), info.value
    assert not progress.cancel.requested, "nobody cancelled"
    text = str(info.value)
    assert "\n" not in text and reg.host in text and "Traceback" not in text, text
    assert time.monotonic() - began < 60
    # progress is what the registry acknowledged before it died, not what was queued after
    assert watcher.final <= watcher.done_at_kill + 3 * (2 << 20), (watcher.done_at_kill, watcher.final, total)
    assert watcher.final < 0.6 * total


def test_progress_counts_what_the_registry_acknowledged_and_a_stall_says_what_it_waits_for(
        registry, fault_proxy, big_image, tmp_path, monkeypatch):
    """The closing PUT of each layer (12 MB, one request) is held by the proxy before the registry reads it: the
    bytes sit in socket buffers. Progress must not count them, and must say it is waiting for the registry."""
    monkeypatch.setattr(ev, "WAIT_AFTER", 0.3)
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    write_oci_layout(tmp_path / "layout", [(big_image, "v1", None)])
    proxy.add("stall", method="PUT", path=r"/blobs/uploads/", seconds=1.5, times=100)
    events: list[ev.Event] = []
    with open_layout_source(str(tmp_path / "layout")) as src:
        push(src, f"{proxy.host}/slow/push:v1", progress=Progress(events.append, interval=0), parallel=3)
    sizes = {x.digest: x.size for x in big_image.layers}
    reads = [e for e in events if e.kind == ev.READ and e.blob in sizes]
    # (the few bytes read to sniff the compression count as read, before the upload starts)
    assert reads and all(e.offset < 64 or e.offset == sizes[e.blob] for e in reads), \
        sorted({(e.blob[7:12], e.offset) for e in reads})[:8]
    waiting = [e for e in events if e.kind == ev.WAITING]
    assert waiting and all(e.text == f"registry {proxy.host}" for e in waiting), waiting[:3]
    assert {e.blob for e in waiting} <= set(sizes) | {big_image.config_digest}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_registry_killed_mid_pull_fails_the_pull_with_a_reason(registry, big_image, tmp_path, fast_retries,
                                                                  sig):
    reg = registry("noauth")
    write_oci_layout(tmp_path / "layout", [(big_image, "v1", None)])
    with open_layout_source(str(tmp_path / "layout")) as src:
        push(src, f"{reg.host}/dead/pull:v1")
    total = sum(x.size for x in big_image.layers)
    watcher = Watcher(reg, total, 0.2, sig)
    progress = Progress(watcher, interval=0)
    from engine.store import Store

    store = Store(str(tmp_path / "store"))
    with pytest.raises(EstibaError) as info:
        pull(f"{reg.host}/dead/pull:v1", progress=progress, dest=store.destination(), parallel=3)
    assert watcher.killed_at is not None, "the registry was not killed: the pull ended first"
    assert not isinstance(info.value, Cancelled), info.value
    assert not progress.cancel.requested
    assert "\n" not in str(info.value) and reg.host in str(info.value)
    assert store.images() == [] and list((tmp_path / "store" / "tmp").iterdir()) == []
