"""A registry tag's "Copy to" menu (gui/places/tag_actions.py) in the main window, with pytest-qt against REAL
docker-registry processes: Estiba's store (a pull, with the platform chosen), the other registry places, any
registry, a file or folder in the four formats, and any place that takes copies (Place.copy_destination,
gui/places/place.py), which is how the engines' places join once their backends are plugged in."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from engine.formats import oci_layout
from gui.dialogs import files
from tests.fixtures.images import write_oci_layout
from tests.gui.helpers import small_image
from tests.gui.test_places import choose_repo, open_place, select_tag, wait_job
from tests.gui.test_registry_browser import seed
from tests.registry.conftest import push


def action(view, name: str) -> QAction:
    view.fill_copy_menu()  # what opening the button's menu does
    found = view.copy_menu.findChild(QAction, name)
    assert found is not None, [a.objectName() for a in view.copy_menu.findChildren(QAction)]
    return found


def test_the_menu_offers_the_store_the_registries_and_the_four_formats(qtbot, make_window, gui_settings, registry,
                                                                       tmp_path, monkeypatch):
    for variable in ("CONTAINER_HOST", "DOCKER_HOST"):  # engines that do not answer take no copies
        monkeypatch.setenv(variable, f"unix://{tmp_path}/absent.sock")
    reg, other = registry(), registry()
    seed(reg, tmp_path, {"team/app:v1": small_image("one")})
    gui_settings.remember_registry(other.host)
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    view.fill_copy_menu()
    names = [a.objectName() for a in view.copy_menu.actions() if a.objectName()]
    assert names == ["copyTo-store", f"copyTo-registry:{other.host}", "copyTo-registry"]
    assert f"copyTo-registry:{reg.host}" not in names  # not to itself
    texts = [a.text() for a in view.copy_menu.actions()]
    assert texts[0] == "Estiba's store" and "A file or folder" in texts
    formats = [a.objectName() for a in view.copy_menu.findChild(QObject, "copyToFileMenu").actions()]
    assert formats == [f"copyTo-file-{f}" for f in ("docker-archive", "oci-archive", "docker-dir", "oci-dir")]
    assert "copyTo-engine:podman" not in names and "copyTo-engine:docker" not in names


def test_copy_to_the_store_pulls_the_platform_chosen(qtbot, make_window, gui_settings, registry, tmp_path):
    reg = registry()
    amd, arm = small_image("amd", arch="amd64"), small_image("arm", arch="arm64")
    write_oci_layout(tmp_path / "multi", [], index_of=[amd, arm], index_ref="multi")
    with oci_layout.open_layout_source(str(tmp_path / "multi"), "multi") as src:
        push(src, reg.ref("team/multi:v1"), all_platforms=True)
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/multi")
    select_tag(view, "v1")
    qtbot.waitUntil(lambda: view.platform_combo.findData("linux/arm64") >= 0, timeout=10_000)
    view.platform_combo.setCurrentIndex(view.platform_combo.findData("linux/arm64"))
    wait_job(qtbot, window, action(view, "copyTo-store").trigger)
    qtbot.waitUntil(lambda: bool(window.model.records()), timeout=10_000)
    assert [r.hex for r in window.model.records()] == [arm.id]  # the arm64 image, not this machine's


def test_copy_to_a_file_in_a_chosen_format(qtbot, make_window, gui_settings, registry, monkeypatch, tmp_path):
    reg = registry()
    img = small_image("filed")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.remember_registry(reg.host)
    out = tmp_path / "app.tar"
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(out))
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    wait_job(qtbot, window, action(view, "copyTo-file-oci-archive").trigger)
    raw = subprocess.run(["skopeo", "inspect", "--raw", f"oci-archive:{out}"], capture_output=True, check=True)
    assert raw.stdout == img.manifest
    assert window.model.records() == []  # not through the store


def test_a_place_that_takes_copies_is_offered_and_receives_the_image(qtbot, make_window, gui_settings, registry,
                                                                     tmp_path):
    """An engine place's backend that answers copy_destination() is listed and copied to. The backend is a
    small stand-in for the engines' code (which plugs in elsewhere); it names a real oci: layout as where
    its images go, and the copy into it is the real one."""
    reg = registry()
    img = small_image("engined")
    seed(reg, tmp_path, {"team/app:v1": img})
    gui_settings.remember_registry(reg.host)
    layout = tmp_path / "engine-storage"

    class Backend(QObject):
        changed = Signal()

        def make_view(self, parent):
            return QLabel("images", parent)

        def copy_destination(self, name: str) -> str:
            return f"oci:{layout}:{name.rpartition(':')[2]}"

    window = make_window()
    window.places.set_engine_backend("podman", Backend())
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    select_tag(view, "v1")
    entry = action(view, "copyTo-engine:podman")
    assert entry.text() == "Podman"
    wait_job(qtbot, window, entry.trigger)
    raw = subprocess.run(["skopeo", "inspect", "--raw", f"oci:{layout}:v1"], capture_output=True, check=True)
    assert raw.stdout == img.manifest
