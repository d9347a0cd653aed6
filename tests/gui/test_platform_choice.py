"""The platform choice is enforced in the window's pull and load (issue 10 item 9): the platform taken is
said, a platform the image does not have is refused with nothing stored, and a multi-platform image of which
one platform was kept comes with an offer to keep the whole image. Real layouts, real engine, real store."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from engine.platform import host
from engine.store import Store
from tests.gui.helpers import drop_paths, small_image, write_oci_layout
from tests.gui.test_pull_dialog import pull_with_dialog


def test_pulling_a_platform_the_image_does_not_have_is_refused_and_stores_nothing(qtbot, window, tmp_path,
                                                                                  store_root):
    amd = small_image("only-amd", arch="amd64")
    write_oci_layout(tmp_path / "single", [(amd, "single:1", None)])
    dialog = pull_with_dialog(qtbot, window, source=f"oci:{tmp_path / 'single'}:single:1",
                              platform_text="linux/arm64")
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        dialog.pull_button.click()
    job = finished.args[0]
    assert job.state == "failed"
    assert "has no image for linux/arm64" in job.failure.message and "linux/amd64" in job.failure.message
    assert "--platform" not in job.failure.message  # the window words its own way out
    assert Store(store_root).images() == [] and os.listdir(Store(store_root).blobs_dir) == []


def test_the_platform_taken_is_said(qtbot, window, tmp_path):
    other = "arm64" if host().architecture != "arm64" else "amd64"
    img = small_image("foreign", arch=other)
    write_oci_layout(tmp_path / "foreign", [(img, "foreign:1", None)])
    dialog = pull_with_dialog(qtbot, window, source=f"oci:{tmp_path / 'foreign'}:foreign:1")  # This computer
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        dialog.pull_button.click()
    assert finished.args[0].state == "done", finished.args[0].failure
    assert f"(linux/{other})" in window.status.text()


def test_a_dropped_multi_platform_layout_says_what_was_kept_and_offers_the_whole_image(qtbot, window, tmp_path):
    want = host()
    other = "arm64" if want.architecture != "arm64" else "amd64"
    mine, theirs = small_image("m", arch=want.architecture), small_image("m", arch=other)
    write_oci_layout(tmp_path / "multi", [], index_of=[mine, theirs], index_ref="multi:1")
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        drop_paths(window, [tmp_path / "multi"])
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: window.message_bar.isVisible())
    [message] = window.message_bar.messages()
    assert "multi-platform" in message and f"linux/{other}" in message
    assert f"(linux/{want.architecture}" in window.status.text()
    button = window.message_bar.action_button
    assert button.isVisible() and button.text() == "Keep All Platforms"
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: any(r.is_index for r in window.model.records()), timeout=10_000)
    index = next(r for r in window.model.records() if r.is_index)
    assert sorted(index.platforms) == sorted([f"linux/{want.architecture}", f"linux/{other}"])
    assert not window.message_bar.isVisible() or "multi-platform" not in " ".join(window.message_bar.messages())
