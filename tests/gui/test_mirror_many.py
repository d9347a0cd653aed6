"""Mirroring several repositories of a registry at once (gui/places/mirror_actions.py over
gui/places/mirror_jobs.py): the repository list takes a multiple selection, each repository keeps the tags
picked in it, and the whole lot is ONE job, ONE engine sync run, driven with pytest-qt against REAL
docker-registry processes; a fault proxy in front of the destination counts what is sent (and holds the
shared base layer's upload back, so the other repository's image asks for it while it is on its way).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from engine import remote
from engine.registry import browse
from gui.registry_fetch import SESSION_CACHE
from tests.gui.test_places import choose_repo, open_place, select_tag, wait_job
from tests.registry.test_sync import fill


def add_repo(qtbot, view, repo: str) -> None:
    """Ctrl-click: `repo` joins the selection of the repository list and its tags are shown."""
    item = view.repo_list.findItems(repo, Qt.MatchFlag.MatchExactly)[0]
    with qtbot.waitSignal(view.tags_shown, timeout=10_000):
        view.repo_list.setCurrentItem(item, QItemSelectionModel.SelectionFlag.Select)


def _base_uploads(proxy, base: str) -> list:
    return [s for s in proxy.seen("PUT", r"/blobs/uploads/") if base in s.path]


def test_two_repositories_are_one_job_and_their_shared_base_goes_once(qtbot, make_window, gui_settings, registry,
                                                                      fault_proxy, monkeypatch, tmp_path):
    from gui import registry_jobs

    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"r/one": ["v1", "v2"], "r/two": ["v1"], "r/three": ["v1"]})
    base = built["r/one:v1"].layers[0].digest.split(":")[1]
    assert built["r/two:v1"].layers[0].digest.endswith(base)  # one base under both repositories
    proxy = fault_proxy(dst)
    proxy.add("stall", method="PUT", path=base, seconds=1.5, times=1)  # the base's upload takes a while
    source = fault_proxy(src)  # counts what the mirror asks of the source
    gui_settings.parallel_jobs = 3  # the three images at once
    gui_settings.remember_registry(source.host)
    window = make_window()
    view = open_place(qtbot, window, source.host)
    choose_repo(qtbot, view, "r/one")
    add_repo(qtbot, view, "r/two")
    # the browsing's own requests (r/two's details) done before counting the mirror's
    qtbot.waitUntil(lambda: (source.host, "r/two", "v1") in SESSION_CACHE and not view._pending,  # noqa: SLF001
                    timeout=10_000)
    source.clear()
    assert view.mirror_repos() == ["r/one", "r/two"]
    assert view.mirror_button.text() == "Mirror 2 Repositories…"
    asked: list[str] = []
    monkeypatch.setattr(registry_jobs, "ask_text", lambda _w, _t, label, *a, **k: asked.append(label)
                        or f"{proxy.host}/m")
    job = wait_job(qtbot, window, view.mirror_repository)
    assert "r/one, r/two" in asked[0]
    assert len(source.seen("GET", r"^/v2/$")) == 1  # one client: both listings (at once) and the copies
    assert len(source.seen("GET", r"/tags/list")) == 2
    assert len(window.manager.jobs()) == 1  # one job for both repositories
    assert job.result.count("copied") == 3
    assert {b.blob: b.state for b in job.progress.blobs} == {"r/one (v1)": "done", "r/one (v2)": "done",
                                                             "r/two (v1)": "done"}
    assert len(_base_uploads(proxy, base)) == 1, [s.path for s in proxy.seen()]  # once, not once per repository
    # The other repository mounts it. Two tags of one repository that both waited for the base's upload may
    # each mount it (a redundant but harmless mount, said in the session note): never a second upload.
    mounts = [s.status for s in proxy.seen("POST", "mount=") if base in s.path]
    assert mounts and set(mounts) == {201}, mounts
    tmodel = window.dock.model
    assert tmodel.rowCount(tmodel.index(0, 0)) == 3  # a row per image in the Transfers panel
    client = remote.open_client(dst.host)
    for name, img in (("m/one", built["r/one:v1"]), ("m/two", built["r/two:v1"])):
        assert browse.head_manifest(client, name, "v1").digest == img.manifest_digest
    assert job.title == f"Mirroring {source.host}: r/one, r/two to {proxy.host}/m"


def test_picked_tags_of_several_repositories_and_retry_redoes_only_the_failed(qtbot, make_window, gui_settings,
                                                                             registry, fault_proxy, monkeypatch,
                                                                             tmp_path):
    from gui import registry_jobs

    src, dst = registry(), registry()
    built = fill(src, tmp_path, {"r/one": ["v1", "v2"], "r/two": ["v1", "v2"], "r/three": ["v1"]})
    proxy = fault_proxy(dst)  # the destination refuses two:v2's manifest until the fault is taken away
    fault = proxy.add("status", method="PUT", path=r"/m/two/manifests/v2$", status=500, times=100)
    gui_settings.remember_registry(src.host)
    window = make_window()
    view = open_place(qtbot, window, src.host)
    choose_repo(qtbot, view, "r/one")
    select_tag(view, "v1")  # only v1 of r/one
    add_repo(qtbot, view, "r/two")  # every tag of r/two (none picked there)
    add_repo(qtbot, view, "r/three")
    select_tag(view, "v1")
    choose = view.repo_list.findItems("r/three", Qt.MatchFlag.MatchExactly)[0]
    view.repo_list.setCurrentItem(choose, QItemSelectionModel.SelectionFlag.Deselect)  # r/three leaves again
    qtbot.waitUntil(lambda: view.mirror_repos() == ["r/one", "r/two"], timeout=5_000)
    add_repo(qtbot, view, "r/one")  # back to r/one: its pick is selected again
    assert view.selected_tags() == ["v1"]
    assert view.mirror_picks() == {"r/one": ["v1"], "r/two": None}
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/m")
    job = wait_job(qtbot, window, view.mirror_selected, state="failed")
    assert "1 of 3 images failed" in job.failure.message, job.failure.message
    assert len(window.manager.jobs()) == 1
    rows = {b.blob: b.state for b in job.progress.blobs}
    assert rows == {"r/one (v1)": "done", "r/two (v1)": "done", "r/two (v2)": "running"}, rows
    with proxy._lock:  # noqa: SLF001 - the fault is taken away for the retry
        proxy.faults.remove(fault)
    proxy.clear()
    wait_job(qtbot, window, lambda: window.manager.retry(job))
    touched = {s.path for s in proxy.seen(path=r"/manifests/")}
    assert touched and all("/m/two/manifests/" in p for p in touched), touched  # only two:v2 again
    assert job.result.count("copied") == 3
    client = remote.open_client(dst.host)
    assert browse.head_manifest(client, "m/two", "v2").digest == built["r/two:v2"].manifest_digest
    assert browse.head_manifest(client, "m/one", "v1").digest == built["r/one:v1"].manifest_digest
    try:
        browse.head_manifest(client, "m/one", "v2")
    except Exception as exc:  # noqa: BLE001 - NotFound: v2 of r/one was not picked
        assert type(exc).__name__ == "NotFound"
    else:
        raise AssertionError("r/one:v2 was mirrored though only v1 was picked")


def test_repositories_that_would_land_on_one_name_are_refused_before_anything_moves(qtbot, make_window,
                                                                                    gui_settings, registry,
                                                                                    monkeypatch, tmp_path):
    from gui import registry_jobs

    src = registry()
    fill(src, tmp_path, {"a/app": ["v1"], "b/app": ["v1"]})
    gui_settings.remember_registry(src.host)
    window = make_window()
    view = open_place(qtbot, window, src.host)
    choose_repo(qtbot, view, "a/app")
    add_repo(qtbot, view, "b/app")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked")))
    view.mirror_repository()
    assert window.manager.jobs() == []
    assert "a/app and b/app would both be mirrored as app" in view.status.text()
