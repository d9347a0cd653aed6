"""The Places list (gui/places.py) against the real engines: each engine's state in place, probed off the UI
thread; a running engine's images as the store's records; archives dropped onto a place."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from gui.jobs.tasks import TaskRunner
from gui.places.engine_states import DOCKER, PODMAN, STORE, PlacesPanel
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def panel(qtbot):
    tasks = TaskRunner()
    widget = PlacesPanel(tasks)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    tasks.shutdown()


def test_states_in_place_and_engine_images_in_the_store_format(panel, qtbot, podman_service, tmp_path,
                                                                monkeypatch):
    img = build_image([random_layer_tar(90, 50_000)], docker=True, compression="none")
    archive = tmp_path / "a.tar"
    write_docker_archive(archive, [(img, ["docker.io/library/placed:1"])])
    podman_service.cli("load", "-i", archive)
    monkeypatch.setenv("CONTAINER_HOST", podman_service.host)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/absent.sock")
    panel.probe()
    qtbot.waitUntil(lambda: set(panel.states) == {PODMAN, DOCKER}, timeout=15000)
    assert panel.item(PODMAN).text() == "Podman"
    assert "not available" in panel.item(DOCKER).text()

    panel.list.setCurrentItem(panel.item(DOCKER))
    assert "not running" in panel.state_label.text()
    assert not panel.start_button.isVisible()  # only podman's service is Estiba's to start

    with qtbot.waitSignal(panel.engine_images, timeout=15000) as got:
        panel.list.setCurrentItem(panel.item(PODMAN))
    place, records = got.args
    assert place == PODMAN
    assert "4." in panel.state_label.text() and "running" in panel.state_label.text()
    mine = [r for r in records if r.id == img.config_digest]
    assert mine and mine[0].names == ["docker.io/library/placed:1"]
    podman_service.cli("rmi", "docker.io/library/placed:1")


def test_podman_installed_but_not_running_offers_start(panel, qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv("CONTAINER_HOST", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no rootless socket; /run/podman is absent here
    if os.path.exists("/run/podman/podman.sock"):
        pytest.skip("this machine runs a rootful podman service")
    panel.probe()
    qtbot.waitUntil(lambda: PODMAN in panel.states, timeout=15000)
    panel.list.setCurrentItem(panel.item(PODMAN))
    assert "installed but not running" in panel.state_label.text()
    assert panel.start_button.isVisible()
    with qtbot.waitSignal(panel.start_requested, timeout=2000):
        panel.start_button.click()
    panel.list.setCurrentItem(panel.item(STORE))
    assert panel.state_label.text() == "" and not panel.start_button.isVisible()


def test_drop_onto_a_place_hands_the_paths_over(panel, qtbot, tmp_path):
    path = tmp_path / "x.tar"
    path.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    rect = panel.list.visualItemRect(panel.item(PODMAN))
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.paths_dropped, timeout=2000) as got:
        panel.list.dropEvent(event)
    assert got.args == [PODMAN, [str(path)]]
