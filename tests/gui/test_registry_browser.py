"""The registry browser (gui/registry_browser.py) driven with pytest-qt against REAL docker-registry processes:
repositories from the catalog, tags with their details read lazily on workers, pull into the store through the
Transfers panel, inspect, and delete with a confirmation that names every tag going with it."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui import registry_browser
from gui.dialogs import confirm as confirm_mod
from tests.fixtures.images import write_oci_layout
from tests.gui.helpers import small_image
from tests.registry.conftest import push


def seed(reg, tmp_path, refs: dict[str, object]) -> None:
    from engine.formats import oci_layout

    for i, (ref, img) in enumerate(refs.items()):
        path = tmp_path / f"seed-{i}"
        write_oci_layout(path, [(img, "x", None)])
        with oci_layout.open_layout_source(str(path), "x") as src:
            push(src, reg.ref(ref), reg.creds)


def open_browser(qtbot, window, reg):
    registry_browser.SESSION_CACHE.clear()
    browser = window.open_registry_browser(reg.host)
    qtbot.addWidget(browser)
    qtbot.waitUntil(lambda: browser.repo_list.count() > 0, timeout=10_000)
    return browser


def choose_repo(qtbot, browser, repo: str) -> None:
    item = browser.repo_list.findItems(repo, Qt.MatchFlag.MatchExactly)[0]
    with qtbot.waitSignal(browser.tags_shown, timeout=10_000):
        browser.repo_list.setCurrentItem(item)


def select_tag(browser, tag: str) -> None:
    for row in range(browser.proxy.rowCount()):
        if browser.proxy.index(row, 0).data() == tag:
            browser.tag_view.selectRow(row)
            return
    raise AssertionError(f"no row for {tag}")


def cell(browser, tag: str, col: int) -> str:
    row = browser._row_of(tag)
    return browser.model.item(row, col).text()


def test_browse_repositories_then_tags_with_details(qtbot, window, registry, tmp_path):
    reg = registry()
    a, b = small_image("one"), small_image("two", arch="arm64")
    seed(reg, tmp_path, {"team/app:v1": a, "team/app:v2": b, "other/tool:1.0": a})
    browser = open_browser(qtbot, window, reg)
    assert sorted(browser.repo_list.item(i).text() for i in range(browser.repo_list.count())) == \
        ["other/tool", "team/app"]
    choose_repo(qtbot, browser, "team/app")
    assert [browser.proxy.index(r, 0).data() for r in range(browser.proxy.rowCount())] == ["v1", "v2"]
    qtbot.waitUntil(lambda: cell(browser, "v2", registry_browser.COL_PLATFORMS) != "", timeout=10_000)
    qtbot.waitUntil(lambda: cell(browser, "v1", registry_browser.COL_PLATFORMS) != "", timeout=10_000)
    assert cell(browser, "v2", registry_browser.COL_PLATFORMS) == "linux/arm64"
    assert b.manifest_digest.startswith(cell(browser, "v2", registry_browser.COL_DIGEST).rstrip("…"))
    assert "test=two" in cell(browser, "v2", registry_browser.COL_LABELS)
    browser.tag_filter.setText("2")
    assert browser.proxy.rowCount() == 1


def test_registry_without_catalog_asks_for_a_repository(qtbot, window, registry, fault_proxy, tmp_path):
    """A registry that offers no catalog (played by the fault proxy's 404 in front of a real registry)."""
    reg = registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path=r"/_catalog", status=404, times=10)
    registry_browser.SESSION_CACHE.clear()
    browser = window.open_registry_browser(proxy.host)
    qtbot.addWidget(browser)
    qtbot.waitUntil(lambda: "type a repository" in browser.status.text(), timeout=10_000)
    browser.repo_edit.setText("team/app")
    with qtbot.waitSignal(browser.tags_shown, timeout=10_000) as shown:
        qtbot.keyClick(browser.repo_edit, Qt.Key.Key_Return)
    assert shown.args == [1]


def test_browsing_never_blocks_the_window(qtbot, window, registry, fault_proxy, tmp_path):
    """A registry that takes 2 s to list its tags (the proxy stalls): the window keeps drawing meanwhile."""
    reg = registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    proxy = fault_proxy(reg)
    proxy.add("stall", method="GET", path=r"/tags/list", seconds=2.0)
    registry_browser.SESSION_CACHE.clear()
    browser = window.open_registry_browser(proxy.host)
    qtbot.addWidget(browser)
    qtbot.waitUntil(lambda: browser.repo_list.count() == 1, timeout=10_000)
    t0 = time.monotonic()
    browser.repo_list.setCurrentRow(0)
    assert time.monotonic() - t0 < 0.5  # the call returned: the listing is on a worker
    gaps, last = [], time.monotonic()
    while browser.model.rowCount() == 0 and time.monotonic() - t0 < 10:
        QApplication.processEvents()
        now = time.monotonic()
        gaps.append(now - last)
        last = now
        time.sleep(0.01)
    assert browser.model.rowCount() == 1 and max(gaps) < 0.5


def test_pull_a_tag_into_the_store(qtbot, window, registry, tmp_path):
    reg = registry()
    img = small_image("pulled")
    seed(reg, tmp_path, {"team/app:v1": img})
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    select_tag(browser, "v1")
    with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
        qtbot.mouseClick(browser.pull_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=10_000)


def test_inspect_shows_manifest_config_and_history(qtbot, window, registry, tmp_path):
    reg = registry()
    img = small_image("looked")
    seed(reg, tmp_path, {"team/app:v1": img})
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    select_tag(browser, "v1")
    browser.inspect_selected()
    qtbot.waitUntil(lambda: getattr(browser, "inspection", None) is not None, timeout=10_000)
    from PySide6.QtWidgets import QPlainTextEdit

    views = {v.objectName(): v.toPlainText() for v in browser.inspection.findChildren(QPlainTextEdit)}
    assert views["manifestView"] == img.manifest.decode()
    assert img.manifest_digest in views["overviewView"] and '"test": "looked"' in views["configView"]


def test_delete_confirms_with_every_tag_and_deletes(qtbot, window, registry, monkeypatch, tmp_path):
    reg = registry()
    a, b = small_image("gone"), small_image("stays")
    seed(reg, tmp_path, {"team/app:a": a, "team/app:alias": a, "team/app:keep": b})
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(confirm_mod, "confirm", lambda parent, title, text, ok: asked.append(text) or next(answers))
    select_tag(browser, "a")
    browser.delete_selected()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert "a, alias" in asked[0] and a.manifest_digest[:19] in asked[0]
    assert browser.status.text() == "Nothing was deleted."
    select_tag(browser, "a")
    with qtbot.waitSignal(browser.deleted, timeout=10_000) as deleted:
        browser.delete_selected()
    assert deleted.args == [a.manifest_digest]
    qtbot.waitUntil(lambda: browser.model.rowCount() == 1, timeout=10_000)
    assert browser.model.item(0, 0).text() == "keep"


def test_delete_refuses_a_tag_that_moved(qtbot, window, registry, monkeypatch, tmp_path):
    reg = registry()
    seed(reg, tmp_path, {"team/app:a": small_image("first")})
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    qtbot.waitUntil(lambda: cell(browser, "a", registry_browser.COL_PLATFORMS) != "", timeout=10_000)
    seed(reg, tmp_path / "again", {"team/app:a": small_image("second")})  # someone pushes meanwhile
    monkeypatch.setattr(confirm_mod, "confirm", lambda *a: (_ for _ in ()).throw(AssertionError("asked")))
    select_tag(browser, "a")
    browser.delete_selected()
    qtbot.waitUntil(lambda: "changed since it was listed" in browser.status.text(), timeout=10_000)


def test_a_thousand_tags_show_in_under_a_second_and_details_stay_lazy(qtbot, window, registry, fault_proxy,
                                                                      tmp_path):
    """1,000 tags (the list is the proxy's: pushing 1,000 manifests would only slow the test): the table fills
    at once and only the rows in view ask for their manifests."""
    import json

    reg = registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    proxy = fault_proxy(reg)
    tags = [f"1.{i}" for i in range(1000)]
    proxy.add("status", method="GET", path=r"/tags/list", status=200, times=5,
              body=json.dumps({"name": "team/app", "tags": tags}).encode())
    registry_browser.SESSION_CACHE.clear()
    browser = window.open_registry_browser(proxy.host)
    qtbot.addWidget(browser)
    qtbot.waitUntil(lambda: browser.repo_list.count() == 1, timeout=10_000)
    t0 = time.monotonic()
    with qtbot.waitSignal(browser.tags_shown, timeout=10_000) as shown:
        browser.repo_list.setCurrentRow(0)
    assert shown.args == [1000] and time.monotonic() - t0 < 1.0
    qtbot.wait(500)
    asked = {s.path for s in proxy.seen("GET", "/manifests/")}
    assert 0 < len(asked) <= registry_browser.DETAIL_BATCH


def wait_job(qtbot, window, start) -> object:
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        start()
    job = finished.args[0]
    assert job.state == "done", job.failure
    return job


def test_export_a_tag_to_a_file_without_the_store(qtbot, window, registry, monkeypatch, gui_settings, tmp_path):
    import subprocess

    from gui.dialogs import files

    reg = registry()
    img = small_image("exported")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.export_format = "oci-archive"
    out = tmp_path / "out.tar"
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(out))
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    select_tag(browser, "v1")
    wait_job(qtbot, window, browser.export_selected)
    raw = subprocess.run(["skopeo", "inspect", "--raw", f"oci-archive:{out}:v1"], capture_output=True, check=True)
    assert raw.stdout == img.manifest
    assert window.model.records() == []  # nothing went into the store


def test_copy_and_mirror_to_another_registry(qtbot, window, registry, monkeypatch, tmp_path):
    from engine import remote
    from engine.registry import browse
    from gui import registry_jobs

    reg, other = registry(), registry()
    imgs = {"team/app:v1": small_image("m1"), "team/app:v2": small_image("m2")}
    seed(reg, tmp_path, imgs)
    browser = open_browser(qtbot, window, reg)
    choose_repo(qtbot, browser, "team/app")
    select_tag(browser, "v1")
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: other.ref("copied/app:c1"))
    wait_job(qtbot, window, browser.copy_selected)
    client = remote.open_client(other.host)
    assert browse.head_manifest(client, "copied/app", "c1").digest == imgs["team/app:v1"].manifest_digest
    monkeypatch.setattr(registry_jobs, "ask_text", lambda *a, **k: other.ref("mirror"))
    job = wait_job(qtbot, window, browser.mirror_repository)
    assert job.result.count("copied") == 2
    assert sorted(browse.list_tags(client, "mirror/app").names) == ["v1", "v2"]
    again = wait_job(qtbot, window, browser.mirror_repository)  # a rerun (what Retry does) copies nothing
    assert again.result.count("skipped") == 2
