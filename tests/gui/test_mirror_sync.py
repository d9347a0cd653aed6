"""The window's mirror is ONE engine sync run (gui/places/mirror_jobs.py over engine/sync.py), driven with
pytest-qt against REAL docker-registry processes; a fault proxy in front of the destination counts what is
sent (and holds the shared base layer's upload back, so that the other images of the run ask for that blob
while it is still on its way, which a healthy loopback registry is too fast to show).

What it shares with `estiba sync`: a blob the images have in common is uploaded once and waited for by the
others; a second mirror with nothing new sends nothing; a later mirror (after a restart) of another
repository mounts that blob from where the first one put it. Cancel ends the run within a second; Retry
redoes only the failed images.
"""

from __future__ import annotations

import time

from engine.registry.client import KNOWN_BLOBS
from tests.gui.test_places import choose_repo, open_place, wait_job
from tests.registry.test_sync import fill

WRITES = ("PUT", "POST", "PATCH", "DELETE")



def _writes(proxy) -> list:
    return [s for s in proxy.seen() if s.method in WRITES]


def _forget_blob_locations() -> None:
    """What a restart of the app forgets: the process-wide table of where blobs were seen."""
    with KNOWN_BLOBS._lock:  # noqa: SLF001 - the engine's process-wide table, emptied as a new process has it
        KNOWN_BLOBS._seen.clear()  # noqa: SLF001


def test_a_mirror_uploads_a_shared_base_once_and_a_rerun_sends_nothing(qtbot, make_window, gui_settings, registry,
                                                                       fault_proxy, monkeypatch, tmp_path):
    from gui import registry_jobs

    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"team/app": ["v1", "v2", "v3", "v4"]})
    base = built["team/app:v1"].layers[0].digest.split(":")[1]
    assert all(img.layers[0].digest.endswith(base) for img in built.values())  # one base under every tag
    proxy = fault_proxy(dst)
    proxy.add("stall", method="PUT", path=base, seconds=1.5, times=1)  # the base's upload takes a while
    gui_settings.parallel_jobs = 4  # the four images at once
    gui_settings.remember_registry(src.host)
    window = make_window()
    view = open_place(qtbot, window, src.host)
    choose_repo(qtbot, view, "team/app")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/mirror")
    job = wait_job(qtbot, window, view.mirror_repository)
    assert job.result.count("copied") == 4
    assert {b.blob: b.state for b in job.progress.blobs} == {f"team/app (v{i})": "done" for i in range(1, 5)}
    uploads = [s for s in proxy.seen("PUT", r"/blobs/uploads/") if base in s.path]
    assert len(uploads) == 1, [s.path for s in proxy.seen()]  # each image on its own sent it four times

    proxy.clear()
    again = wait_job(qtbot, window, view.mirror_repository)  # nothing new: nothing is sent
    assert again is not job and again.result.count("skipped") == 4
    assert {b.state for b in again.progress.blobs} == {"skipped"}
    assert _writes(proxy) == []


def test_a_later_mirror_mounts_what_an_earlier_one_sent(qtbot, make_window, gui_settings, store_root, registry,
                                                        fault_proxy, monkeypatch, tmp_path):
    """Like `estiba sync` run repository by repository: the blob locations are kept beside the store, so a
    mirror after a restart mounts the shared base from the first repository instead of uploading it."""
    import os

    from gui import registry_jobs

    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"r/one": ["v1"], "r/two": ["v1"]})
    base = built["r/one:v1"].layers[0].digest.split(":")[1]
    proxy = fault_proxy(dst)
    gui_settings.remember_registry(src.host)
    window = make_window()
    view = open_place(qtbot, window, src.host)
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/m")
    choose_repo(qtbot, view, "r/one")
    wait_job(qtbot, window, view.mirror_repository)
    assert os.path.isfile(os.path.join(store_root, "blob-locations.json"))
    _forget_blob_locations()
    proxy.clear()
    choose_repo(qtbot, view, "r/two")
    wait_job(qtbot, window, view.mirror_repository)
    assert not [s for s in proxy.seen("PUT", r"/blobs/uploads/") if base in s.path]
    assert [s.status for s in proxy.seen("POST", "mount=") if base in s.path] == [201]


def test_cancel_ends_a_mirror_within_a_second_and_retry_finishes_it(qtbot, make_window, gui_settings, registry,
                                                                    fault_proxy, monkeypatch, tmp_path):
    from gui import registry_jobs

    src, dst = registry(), registry()
    fill(src, tmp_path, {"team/app": ["v1", "v2", "v3"]})
    proxy = fault_proxy(dst)
    stall = proxy.add("stall", method="PUT", path=r"/blobs/uploads/", seconds=30.0, times=100)  # never finish
    gui_settings.parallel_jobs = 3
    gui_settings.remember_registry(src.host)
    window = make_window()
    view = open_place(qtbot, window, src.host)
    choose_repo(qtbot, view, "team/app")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/mirror")
    view.mirror_repository()
    qtbot.waitUntil(lambda: len(window.manager.jobs()) == 1, timeout=10_000)
    job = window.manager.jobs()[0]
    qtbot.waitUntil(lambda: bool(proxy.seen("PUT", r"/blobs/uploads/")), timeout=15_000)
    qtbot.waitUntil(lambda: bool(job.progress.waiting), timeout=15_000)  # its row says it waits: stalled
    t0 = time.monotonic()
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000):
        window.manager.cancel(job)
    elapsed = time.monotonic() - t0
    print(f"mirror cancel took {elapsed * 1000:.0f} ms")
    assert job.state == "cancelled", job.failure
    assert elapsed < 1.0, elapsed  # the 30 s stalls were cut, not waited out
    with proxy._lock:  # noqa: SLF001 - the fault is taken away for the retry
        proxy.faults.remove(stall)
    wait_job(qtbot, window, lambda: window.manager.retry(job))
    assert job.result.count("copied") == 3
