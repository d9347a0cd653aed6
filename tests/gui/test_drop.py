"""Drag and drop onto the main window: archives and directories load, junk is refused with a message."""

from __future__ import annotations

import os

from PySide6.QtCore import QMimeData

from gui.models.image_table_model import COL_REPOSITORY, COL_TAG
from tests.gui.helpers import (
    drag_enter,
    drag_leave,
    drop_paths,
    mime_with_paths,
    small_image,
    write_dir,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)


def names_in_table(window) -> set[tuple[str, str]]:
    model = window.proxy
    return {(model.index(r, COL_REPOSITORY).data(), model.index(r, COL_TAG).data()) for r in range(model.rowCount())}


def store_files(root: str) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
                  if f != "lock")


def test_dropping_a_docker_archive_loads_it_and_a_row_appears(qtbot, window, tmp_path):
    img = small_image("alpine", docker=True)
    archive = tmp_path / "whatever-name.bin"  # any name: the engine sniffs the format
    write_docker_archive(archive, [(img, ["alpine:latest"])])
    assert window.stack.currentWidget() is window.drop_hint

    with qtbot.waitSignal(window.files_dropped) as dropped:
        drop_paths(window, [archive])
    assert dropped.args == [[str(archive)]]
    qtbot.waitUntil(lambda: ("docker.io/library/alpine", "latest") in names_in_table(window), timeout=15_000)
    assert window.stack.currentWidget() is window.table
    [job] = window.manager.jobs()
    assert job.state == "done" and job.title == "Loading whatever-name.bin"
    [rec] = window.model.records()
    assert rec.hex == img.id  # the image ID survives the load


def test_dropping_several_archives_makes_one_job_each(qtbot, window, tmp_path):
    a, b = small_image("one", docker=True), small_image("two")
    write_docker_archive(tmp_path / "one.tar", [(a, ["one:1"])])
    write_oci_archive(tmp_path / "two.tar.gz", [(b, "quay.io/team/two:2", None)], compress="gzip")
    drop_paths(window, [tmp_path / "one.tar", tmp_path / "two.tar.gz"])
    assert len(window.manager.jobs()) == 2
    qtbot.waitUntil(lambda: {("docker.io/library/one", "1"), ("quay.io/team/two", "2")} <= names_in_table(window),
                    timeout=15_000)
    # The window follows the store, so a row can show before its job's "done" arrives: wait for both.
    qtbot.waitUntil(lambda: {j.state for j in window.manager.jobs()} == {"done"}, timeout=15_000)


def test_dropping_an_oci_layout_directory_loads_it(qtbot, window, tmp_path):
    img = small_image("layout")
    write_oci_layout(tmp_path / "layout", [(img, "registry.example.com/layout:v3", None)])
    drop_paths(window, [tmp_path / "layout"])
    qtbot.waitUntil(lambda: ("registry.example.com/layout", "v3") in names_in_table(window), timeout=15_000)
    assert window.model.records()[0].hex == img.id


def test_dropping_a_dir_transport_directory_loads_an_unnamed_image(qtbot, window, tmp_path):
    img = small_image("dirimage")
    write_dir(tmp_path / "dir-image", img)
    drop_paths(window, [tmp_path / "dir-image"])
    qtbot.waitUntil(lambda: len(window.model.records()) == 1, timeout=15_000)
    assert names_in_table(window) == {("<none>", "<none>")}
    assert window.model.records()[0].hex == img.id


def test_dropping_junk_shows_a_message_and_changes_nothing(qtbot, window, tmp_path, store_root):
    junk = tmp_path / "notes.txt"
    junk.write_text("these are not the layers you are looking for\n")
    empty_dir = tmp_path / "holiday-photos"
    empty_dir.mkdir()
    (empty_dir / "beach.jpg").write_bytes(b"\xff\xd8\xff")
    before = store_files(store_root)

    with qtbot.waitSignal(window.manager.job_rejected, timeout=15_000):
        drop_paths(window, [junk])
    with qtbot.waitSignal(window.manager.job_rejected, timeout=15_000):
        drop_paths(window, [empty_dir])

    messages = window.message_bar.messages()
    assert window.message_bar.isVisible()
    assert any("notes.txt" in m and "not a tar archive" in m for m in messages), messages
    assert any("holiday-photos" in m and "neither an OCI layout" in m for m in messages), messages
    assert window.manager.jobs() == [] and window.dock.model.rowCount() == 0  # no failed rows left behind
    assert window.model.records() == [] and window.stack.currentWidget() is window.drop_hint
    assert store_files(store_root) == before


def test_window_highlights_while_a_file_drag_hovers_and_not_for_text(qtbot, window, tmp_path):
    archive = tmp_path / "a.tar"
    archive.write_bytes(b"")
    enter = drag_enter(window, mime_with_paths([archive]))
    assert enter.isAccepted() and window.drop_highlighted
    assert "Drop to load 1 item" in window.drop_overlay.text
    drag_leave(window)
    assert not window.drop_highlighted

    text_only = QMimeData()
    text_only.setText("docker.io/library/alpine:latest")
    enter, drop = drop_paths(window, [], mime=text_only)
    assert not enter.isAccepted() and drop is None
    assert not window.drop_highlighted and window.manager.jobs() == []
