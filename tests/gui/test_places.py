"""The places list (gui/places/) in the main window, driven with pytest-qt against REAL docker-registry
processes: the store, the registries (logged in and used before), the engines' slots; a registry's
repositories then tags; export in a chosen format; delete with its confirmation; mirror as one job with a
row per image and a Retry that redoes only what failed; the window keeps drawing while a registry stalls."""

from __future__ import annotations

import subprocess
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction

from engine import credentials, remote
from engine.registry import browse
from gui import registry_fetch
from gui.dialogs import confirm as confirm_mod
from gui.dialogs import files
from gui.places import registry_view
from gui.places.places_model import PlaceRole
from gui.places.registry_view import RegistryView
from tests.gui.helpers import small_image
from tests.gui.test_registry_browser import seed


def titles(window) -> list[str]:
    model = window.places.model
    return [model.index(r).data(PlaceRole).title() for r in range(model.rowCount())]


def open_place(qtbot, window, registry: str) -> RegistryView:
    registry_fetch.SESSION_CACHE.clear()
    place = window.places.model.place(f"registry:{registry}")
    assert place is not None, titles(window)
    window.places.select(place.key)
    view = window.places.stack.currentWidget()
    assert isinstance(view, RegistryView)
    qtbot.waitUntil(lambda: view.repo_list.count() > 0, timeout=10_000)
    assert view.registry == registry
    return view


def choose_repo(qtbot, view: RegistryView, repo: str) -> None:
    item = view.repo_list.findItems(repo, Qt.MatchFlag.MatchExactly)[0]
    with qtbot.waitSignal(view.tags_shown, timeout=10_000):
        view.repo_list.setCurrentItem(item)


def select_tag(view: RegistryView, tag: str) -> None:
    for row in range(view.proxy.rowCount()):
        if view.proxy.index(row, 0).data() == tag:
            view.tag_view.selectRow(row)
            return
    raise AssertionError(f"no row for {tag}")


def view_tags(view: RegistryView) -> list[str]:
    return [view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())]


def wait_job(qtbot, window, start, state: str = "done"):
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        start()
    job = finished.args[0]
    assert job.state == state, job.failure
    return job


def test_places_show_the_store_registries_and_engine_slots(qtbot, make_window, gui_settings, registry):
    used, logged = registry(), registry("htpasswd")
    gui_settings.remember_registry(used.host)
    credentials.login(logged.host, "alice", logged.creds[1])  # the real keyring of the test session
    window = make_window()
    qtbot.waitUntil(lambda: logged.host in titles(window), timeout=10_000)
    names = titles(window)
    assert names[0] == "Estiba's store" and names[-2:] == ["Podman", "Docker"]
    assert set(names[1:-2]) == {used.host, logged.host}
    model = window.places.model
    assert model.place(f"registry:{logged.host}").state_text() == "logged in as alice"
    assert model.place(f"registry:{used.host}").state_text() == "used before"
    docker = model.place("engine:docker")  # no dockerd runs here (tests/gui/test_engine_places.py starts one)
    qtbot.waitUntil(lambda: docker.state_text() == "not running", timeout=10_000)
    assert not docker.accepts_drops()
    assert window.places.current() is model.place("store")
    assert window.places.stack.currentWidget() is window.stack  # the image table, as before
    window.places.select("engine:docker")
    assert window.places.stack.currentWidget().objectName() == "dockerView"
    window.places.select("store")
    assert window.places.stack.currentWidget() is window.stack


def test_a_logged_in_registry_lists_repositories_then_tags(qtbot, make_window, registry, tmp_path):
    reg = registry("htpasswd")
    a, b = small_image("one"), small_image("two", arch="arm64", layers=3)
    seed(reg, tmp_path, {"team/app:v1": a, "team/app:v2": b, "other/tool:1.0": a})
    credentials.login(reg.host, "alice", reg.creds[1])
    window = make_window()
    qtbot.waitUntil(lambda: reg.host in titles(window), timeout=10_000)
    view = open_place(qtbot, window, reg.host)
    assert sorted(view.repo_list.item(i).text() for i in range(view.repo_list.count())) == ["other/tool", "team/app"]
    choose_repo(qtbot, view, "team/app")
    assert view_tags(view) == ["v1", "v2"]
    row = {t: view._row_of(t) for t in ("v1", "v2")}
    qtbot.waitUntil(lambda: all(view.model.item(r, registry_view.COL_PLATFORMS).text() for r in row.values()),
                    timeout=10_000)
    assert view.model.item(row["v2"], registry_view.COL_PLATFORMS).text() == "linux/arm64"
    assert "test=two" in view.model.item(row["v2"], registry_view.COL_LABELS).text()
    assert view.model.item(row["v1"], registry_view.COL_CREATED).text() != ""
    view.tag_view.sortByColumn(registry_view.COL_SIZE, Qt.SortOrder.DescendingOrder)  # by bytes, not by text
    assert view_tags(view) == ["v2", "v1"]
    view.tag_view.sortByColumn(registry_view.COL_SIZE, Qt.SortOrder.AscendingOrder)
    assert view_tags(view) == ["v1", "v2"]
    view.tag_filter.setText("V2")
    assert view_tags(view) == ["v2"]


def test_export_a_tag_in_the_format_chosen(qtbot, make_window, gui_settings, registry, monkeypatch, tmp_path):
    reg = registry()
    img = small_image("exported")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.remember_registry(reg.host)
    gui_settings.export_format = "docker-archive"  # the default; the menu picks another
    out = tmp_path / "out-layout"
    asked: list[str] = []
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: asked.append(fmt) or str(out))
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    formats = [a.data() for a in view.export_menu.actions()]
    assert formats == ["docker-archive", "oci-archive", "docker-dir", "oci-dir"]
    action = next(a for a in view.export_menu.actions() if a.data() == "oci-dir")
    wait_job(qtbot, window, action.trigger)
    assert asked == ["oci-dir"]
    raw = subprocess.run(["skopeo", "inspect", "--raw", f"oci:{out}:v1"], capture_output=True, check=True)
    assert raw.stdout == img.manifest
    assert window.model.records() == []  # nothing went into the store


def test_delete_from_a_place_lists_every_tag_and_asks(qtbot, make_window, gui_settings, registry, monkeypatch,
                                                      tmp_path):
    reg = registry()
    a, b = small_image("gone"), small_image("stays")
    seed(reg, tmp_path, {"team/app:a": a, "team/app:alias": a, "team/app:keep": b})
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(confirm_mod, "confirm", lambda parent, title, text, ok: asked.append(text) or next(answers))
    select_tag(view, "alias")
    view.delete_selected()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert "a, alias" in asked[0] and a.manifest_digest[:19] in asked[0]
    client = remote.open_client(reg.host)
    assert sorted(browse.list_tags(client, "team/app").names) == ["a", "alias", "keep"]  # "no" changed nothing
    select_tag(view, "alias")
    with qtbot.waitSignal(view.deleted, timeout=10_000) as deleted:
        view.delete_selected()
    assert deleted.args == [a.manifest_digest] and len(asked) == 2
    qtbot.waitUntil(lambda: view_tags(view) == ["keep"], timeout=10_000)
    assert browse.list_tags(client, "team/app").names == ["keep"]


def test_mirror_is_one_job_with_a_row_per_image_and_retry_redoes_only_failures(qtbot, make_window, gui_settings,
                                                                              registry, fault_proxy, monkeypatch,
                                                                              tmp_path):
    from gui import registry_jobs

    reg, other = registry(), registry()
    imgs = {f"team/app:v{i}": small_image(f"m{i}") for i in (1, 2, 3)}
    seed(reg, tmp_path, imgs)
    gui_settings.remember_registry(reg.host)
    proxy = fault_proxy(other)  # the destination refuses v2's manifest until the fault is taken away
    fault = proxy.add("status", method="PUT", path=r"/mirror/app/manifests/v2$", status=500, times=100)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/mirror")
    job = wait_job(qtbot, window, view.mirror_repository, state="failed")
    assert "1 of 3 images failed" in job.failure.message and "v2" in job.failure.message
    assert len(window.manager.jobs()) == 1  # one job for the whole mirror
    rows = {b.blob: b.state for b in job.progress.blobs}
    assert rows == {"team/app (v1)": "done", "team/app (v2)": "running", "team/app (v3)": "done"}
    tmodel = window.dock.model
    job_index = tmodel.index(0, 0)
    assert tmodel.rowCount(job_index) == 3
    assert sorted(tmodel.index(r, 0, job_index).data() for r in range(3)) == sorted(rows)
    assert tmodel.index([b.blob for b in job.progress.blobs].index("team/app (v2)"), 4, job_index).data() == \
        "Failed"
    with proxy._lock:
        proxy.faults.remove(fault)
    proxy.clear()
    wait_job(qtbot, window, lambda: window.manager.retry(job))
    touched = {s.path for s in proxy.seen(path=r"/manifests/")}
    assert touched and all("/manifests/v2" in p or "/manifests/sha256:" in p for p in touched), touched
    assert {b.blob: b.state for b in job.progress.blobs} == {k: "done" for k in rows}
    assert job.result.count("copied") == 3
    client = remote.open_client(other.host)
    for tag, img in imgs.items():
        assert browse.head_manifest(client, "mirror/app", tag.rpartition(":")[2]).digest == img.manifest_digest


def test_browsing_a_stalled_registry_keeps_the_window_drawing(qtbot, make_window, gui_settings, registry,
                                                              fault_proxy, tmp_path):
    """The registry takes 2 s to list its tags (the proxy stalls): a 10 ms UI timer keeps firing meanwhile."""
    reg = registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    proxy = fault_proxy(reg)
    proxy.add("stall", method="GET", path=r"/tags/list", seconds=2.0)
    gui_settings.remember_registry(proxy.host)
    window = make_window()
    view = open_place(qtbot, window, proxy.host)
    ticks: list[float] = []
    timer = QTimer(window)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    t0 = time.monotonic()
    with qtbot.waitSignal(view.tags_shown, timeout=10_000):
        view.repo_list.setCurrentRow(0)
        assert time.monotonic() - t0 < 0.5  # the call returned at once: the listing runs on a worker
    timer.stop()
    assert time.monotonic() - t0 >= 1.9  # the stall happened
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    print(f"UI timer while the registry stalled: {len(ticks)} ticks, longest gap {max(gaps) * 1000:.0f} ms")
    assert len(ticks) > 50 and max(gaps) < 0.25, max(gaps)


def _drop_on_place(window, key: str, mime):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    places = window.places
    viewport = places.list.viewport()
    pos = places.list.visualRect(places.model.index(places.model.row_of(key))).center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, *args))
    move = QDragMoveEvent(pos, *args)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(pos), *args)
    if move.isAccepted():
        QApplication.sendEvent(viewport, drop)
    return move.isAccepted()


def test_an_archive_dropped_on_the_store_place_loads_and_an_absent_engine_refuses_it(qtbot, window, tmp_path):
    from tests.gui.helpers import mime_with_paths, write_docker_archive

    img = small_image("dropped", docker=True)
    archive = tmp_path / "dropped.tar"
    write_docker_archive(archive, [(img, ["dropped:1"])])
    mime = mime_with_paths([archive])
    docker = window.places.model.place("engine:docker")
    qtbot.waitUntil(lambda: docker.state_text() == "not running", timeout=10_000)
    assert not _drop_on_place(window, "engine:docker", mime)  # Docker does not run here: not a drop target
    assert window.manager.jobs() == []
    assert _drop_on_place(window, "store", mime)
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=15_000)


def test_a_registry_opened_in_the_browse_window_joins_the_places(qtbot, window, registry, tmp_path):
    reg = registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    assert reg.host not in titles(window)
    browser = window.open_registry_browser(reg.host)
    qtbot.addWidget(browser)
    qtbot.waitUntil(lambda: reg.host in titles(window), timeout=10_000)
    assert window.places.model.place(f"registry:{reg.host}").state_text() == "used before"


def test_mirror_only_the_selected_tags(qtbot, make_window, gui_settings, registry, monkeypatch, tmp_path):
    from PySide6.QtCore import QItemSelectionModel

    from gui import registry_jobs

    reg, other = registry(), registry()
    imgs = {f"team/app:v{i}": small_image(f"s{i}") for i in (1, 2, 3)}
    seed(reg, tmp_path, imgs)
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.tag_view.selectionModel().select(view.proxy.index(view_tags(view).index("v3"), 0), flags)
    assert view.selected_tags() == ["v1", "v3"] and view.mirror_tags_button.isEnabled()
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: other.ref("sel"))
    job = wait_job(qtbot, window, view.mirror_tags_button.click)
    assert sorted(b.blob for b in job.progress.blobs) == ["team/app (v1)", "team/app (v3)"]
    client = remote.open_client(other.host)
    assert sorted(browse.list_tags(client, "sel/app").names) == ["v1", "v3"]


def test_cancel_a_mirror_in_flight_ends_it_as_cancelled(qtbot, make_window, gui_settings, registry, fault_proxy,
                                                         monkeypatch, tmp_path):
    from gui import registry_jobs

    reg, other = registry(), registry()
    seed(reg, tmp_path, {f"team/app:v{i}": small_image(f"c{i}") for i in (1, 2)})
    gui_settings.remember_registry(reg.host)
    proxy = fault_proxy(other)
    proxy.add("stall", method="POST", path=r"/blobs/uploads/", seconds=20.0, times=100)  # uploads never start
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: f"{proxy.host}/mirror")
    view.mirror_repository()
    qtbot.waitUntil(lambda: len(window.manager.jobs()) == 1 and window.manager.jobs()[0].state == "running",
                    timeout=10_000)
    job = window.manager.jobs()[0]
    qtbot.waitUntil(lambda: len(job.progress.blobs) == 2 and bool(proxy.seen("POST", r"/blobs/uploads/")),
                    timeout=10_000)
    t0 = time.monotonic()
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000):
        window.manager.cancel(job)
    assert job.state == "cancelled", job.failure
    assert time.monotonic() - t0 < 5  # the 20 s stalls were cut, not waited out


def test_copy_offers_another_registry_place_and_copies_there(qtbot, make_window, gui_settings, registry,
                                                             monkeypatch, tmp_path):
    from gui import registry_jobs

    reg, other = registry(), registry()
    img = small_image("copied")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.remember_registry(other.host)
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    offered: list[str] = []
    monkeypatch.setattr(registry_jobs, "ask_text", lambda parent, title, label, default="": offered.append(default)
                        or default)
    view.fill_copy_menu()  # what opening the button's menu does
    action = view.copy_menu.findChild(QAction, f"copyTo-registry:{other.host}")
    wait_job(qtbot, window, action.trigger)
    assert offered == [f"{other.host}/team/app:v1"]
    assert browse.head_manifest(remote.open_client(other.host), "team/app", "v1").digest == img.manifest_digest


def test_an_engine_backend_plugs_into_its_slot(qtbot, window, tmp_path):
    """The extension point the engines' code uses (gui/places/engine_place.py): a backend object replaces the
    slot's "not available yet" with its own state line, view and drop handling. The backend here is a small
    stand-in for that code, which lives elsewhere; the places list around it is the real one."""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    from tests.gui.helpers import mime_with_paths

    class Backend(QObject):
        changed = Signal()

        def __init__(self) -> None:
            super().__init__()
            self.state, self.dropped, self.activations = "podman 4.3.1", [], 0

        def state_text(self) -> str:
            return self.state

        def make_view(self, parent):
            label = QLabel("images", parent)
            label.setObjectName("podmanImages")
            return label

        def accepts_drops(self) -> bool:
            return True

        def drop(self, paths) -> None:
            self.dropped.append(paths)

        def activated(self) -> None:
            self.activations += 1

    backend = Backend()
    window.places.select("engine:podman")
    place = window.places.set_engine_backend("podman", backend)
    assert window.places.stack.currentWidget().objectName() == "podmanImages"  # it was shown: the new view
    assert backend.activations == 1
    row = window.places.model.row_of("engine:podman")
    assert window.places.model.index(row).data() == "Podman\npodman 4.3.1"
    with qtbot.waitSignal(window.places.model.dataChanged):
        backend.state = "not running"
        backend.changed.emit()
    assert place.state_text() == "not running"
    archive = tmp_path / "a.tar"
    archive.write_bytes(b"")
    assert _drop_on_place(window, "engine:podman", mime_with_paths([archive]))
    assert backend.dropped == [[str(archive)]]
