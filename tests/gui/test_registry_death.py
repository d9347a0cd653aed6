"""Issue 10 item 1 in the window: a REAL docker-registry killed by the test in the middle of a push started from
the Push dialog. The row ends "Failed" with the reason in one line and offers Retry (nobody pressed Cancel, so it
is never "Cancelled", and never "Done"); Retry after the registry is back completes the push."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from PySide6.QtCore import Qt

from engine.registry import client as client_mod
from engine.registry import upload as upload_mod
from gui.models.transfers_model import COL_ACTION, COL_STATE
from tests.fixtures.images import build_image, random_layer_tar
from tests.gui.helpers import preload, write_oci_archive
from tests.registry.conftest import _wait_ready, fault_proxy  # noqa: F401 - a fixture


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_registry_killed_mid_push_shows_failed_with_retry(qtbot, make_window, registry, tmp_path, store_root,
                                                            monkeypatch, sig):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 1 << 20)  # many acknowledged chunks: the kill lands mid-push
    monkeypatch.setattr(upload_mod, "FILE_CHUNK_SIZE", 1 << 20)
    monkeypatch.setattr(client_mod, "BACKOFF_BASE", 0.05)
    reg = registry("noauth")
    img = build_image([random_layer_tar(90 + i, 8 << 20, files=2) for i in range(3)], compression="gzip",
                      gzip_level=1)
    write_oci_archive(tmp_path / "seed.tar", [(img, f"{reg.host}/team/big:1", None)])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    dialog = window.commands.push(window.selected_rows()[0])
    assert dialog.destination_edit.text() == f"{reg.host}/team/big:1"
    total = sum(x.size for x in img.layers)

    def killed() -> bool:
        jobs = window.manager.active_jobs()
        if jobs and jobs[0].progress.done >= 0.05 * total:  # early: a fast push must not pass 70% between two polls
            reg.proc.send_signal(sig)
            reg.proc.wait(10)
            return True
        return False

    with qtbot.waitSignal(window.manager.job_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.push_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(killed, timeout=60_000)
    job = finished.args[0]
    assert job.state == "failed", (job.state, job.failure)
    assert not job.cancel_requested
    row = window.dock.model.index_of(job, COL_STATE)
    state = row.data()
    assert state.startswith("Failed: ") and "\n" not in state and reg.host in state, state
    assert "cancel" not in state.lower() and "Traceback" not in state, state
    assert window.dock.model.index_of(job, COL_ACTION).data() == "Retry"
    assert job.progress.done < 0.7 * total  # it did not run on with nobody listening

    # The registry comes back on the same port: Retry completes the push.
    with open(reg.dir / "registry.log", "ab") as log:
        reg.proc = subprocess.Popen([reg.proc.args[0], "serve", str(reg.dir / "config.yml")], stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env={k: v for k, v in os.environ.items()
                                         if not k.startswith("REGISTRY_")})
    _wait_ready(reg)
    with qtbot.waitSignal(window.manager.job_finished, timeout=60_000) as again:
        window.manager.retry(job)
    assert again.args[0].state == "done", again.args[0].failure


def test_a_waiting_blob_shows_what_it_waits_for_instead_of_a_speed():
    """The engine's WAITING event (engine/progress.py) reaches the row: no made-up speed while nothing moves."""
    from engine import progress as ev
    from gui.jobs.progress_state import ProgressAggregator

    snaps = []
    clock = iter(x * 0.5 for x in range(100))
    agg = ProgressAggregator(snaps.append, interval=0, clock=lambda: next(clock))
    agg(ev.Event(ev.NEW, "sha256:a", 0, 100))
    agg(ev.Event(ev.READ, "sha256:a", 50, 100))
    assert snaps[-1].speed > 0 and not snaps[-1].waiting
    agg(ev.Event(ev.WAITING, "sha256:a", 50, 100, "registry example.test:5000"))
    assert snaps[-1].waiting == "registry example.test:5000" and snaps[-1].speed == 0 and snaps[-1].eta is None
    agg(ev.Event(ev.READ, "sha256:a", 50, 100))  # no move: still waiting
    assert snaps[-1].waiting
    agg(ev.Event(ev.READ, "sha256:a", 80, 100))
    assert not snaps[-1].waiting


def test_a_stalled_push_row_says_it_waits_for_the_registry(qtbot, make_window, registry, fault_proxy, tmp_path,  # noqa: F811
                                                           store_root, monkeypatch):
    """The registry is held by the proxy before it reads the layers: the row's speed column says what the push
    waits for instead of a speed, and the push still completes once the registry answers."""
    from engine import progress as ev
    from gui.models.transfers_model import COL_SPEED

    monkeypatch.setattr(ev, "WAIT_AFTER", 0.3)
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    proxy.add("stall", method="PUT", path=r"/blobs/uploads/", seconds=3, times=100)
    img = build_image([random_layer_tar(95, 6 << 20, files=2)], compression="gzip", gzip_level=1)
    write_oci_archive(tmp_path / "seed.tar", [(img, f"{proxy.host}/team/slow:1", None)])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    dialog = window.commands.push(window.selected_rows()[0])
    seen: list[str] = []

    def waiting_shown() -> bool:
        jobs = window.manager.active_jobs()
        text = window.dock.model.index_of(jobs[0], COL_SPEED).data() if jobs else None
        if text:
            seen.append(text)
        return bool(text) and text.startswith("waiting for")

    with qtbot.waitSignal(window.manager.job_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.push_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(waiting_shown, timeout=30_000)
    assert seen[-1] == f"waiting for registry {proxy.host}", seen[-3:]
    assert finished.args[0].state == "done", finished.args[0].failure
