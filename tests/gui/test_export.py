"""Export through the right-click menu in each of the four formats; skopeo reads what was written and finds the
same image ID (the sha256 of the config bytes)."""

from __future__ import annotations

import hashlib
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from gui.dialogs import files
from gui.widgets.image_menu import export_action_name
from tests.gui.helpers import preload, small_image, write_docker_archive, write_oci_archive

FORMATS = {  # export format -> (file name asked for, skopeo transport)
    "docker-archive": ("alpine-latest.tar", "docker-archive"),
    "oci-archive": ("alpine-latest-oci.tar", "oci-archive"),
    "docker-dir": ("alpine-latest", "dir"),
    "oci-dir": ("alpine-latest-oci", "oci"),
}


@pytest.fixture
def alpine(tmp_path, store_root):
    img = small_image("alpine", layers=2)
    write_oci_archive(tmp_path / "seed.tar", [(img, "docker.io/library/alpine:latest", None)])
    preload(store_root, tmp_path / "seed.tar")
    return img


def select_all(qtbot, window, count: int) -> list:
    qtbot.waitUntil(lambda: window.proxy.rowCount() == count, timeout=10_000)
    window.table.select_view_rows(list(range(count)))
    return window.selected_rows()


def export_through_menu(qtbot, window, monkeypatch, rows, fmt: str, output) -> dict:
    asked = {}

    def fake_ask(parent, chosen_fmt, default_path):
        asked.update(fmt=chosen_fmt, default=default_path)
        return str(output)

    monkeypatch.setattr(files, "ask_export_path", fake_ask)
    menu = window.image_context_menu(rows)
    with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
        menu.findChild(QAction, export_action_name(fmt)).trigger()
    job = finished.args[0]
    assert job.state == "done", job.failure
    return asked


@pytest.mark.interop
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_from_the_context_menu_is_read_by_skopeo_with_the_same_id(qtbot, make_window, monkeypatch, tmp_path,
                                                                         alpine, skopeo, fmt):
    window = make_window()
    rows = select_all(qtbot, window, 1)
    name, transport = FORMATS[fmt]
    output = tmp_path / "out" / name
    output.parent.mkdir()
    asked = export_through_menu(qtbot, window, monkeypatch, rows, fmt, output)
    assert asked["fmt"] == fmt and asked["default"].endswith("/" + name)  # a sensible default name

    config = skopeo("inspect", "--config", "--raw", f"{transport}:{output}").stdout.encode()
    assert hashlib.sha256(config).hexdigest() == alpine.id
    info = json.loads(skopeo("inspect", f"{transport}:{output}").stdout)
    assert len(info["Layers"]) == 2
    [job] = window.manager.jobs()
    assert job.spec.output == str(output) and window.dock.model.index_of(job).isValid()


@pytest.mark.interop
def test_exporting_several_images_writes_one_multi_image_docker_archive(qtbot, make_window, monkeypatch, tmp_path,
                                                                       store_root, skopeo):
    one, two = small_image("one"), small_image("two", docker=True)
    write_docker_archive(tmp_path / "seed.tar", [(one, ["one:1"]), (two, ["quay.io/x/two:2"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    rows = select_all(qtbot, window, 2)
    output = tmp_path / "both.tar"
    asked = export_through_menu(qtbot, window, monkeypatch, rows, "docker-archive", output)
    assert asked["default"].endswith("-and-1-more.tar")
    ids = set()
    for ref in ("docker.io/library/one:1", "quay.io/x/two:2"):
        config = skopeo("inspect", "--config", "--raw", f"docker-archive:{output}:{ref}").stdout.encode()
        ids.add(hashlib.sha256(config).hexdigest())
    assert ids == {one.id, two.id}


def test_docker_directory_export_of_several_images_is_disabled_in_the_menu(qtbot, make_window, tmp_path, store_root):
    write_docker_archive(tmp_path / "seed.tar", [(small_image("a"), ["a:1"]), (small_image("b"), ["b:1"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    menu = window.image_context_menu(select_all(qtbot, window, 2))
    assert not menu.findChild(QAction, "export_docker_dir").isEnabled()
    assert menu.findChild(QAction, "export_oci_archive").isEnabled()
    assert not menu.findChild(QAction, "push").isEnabled()  # push, tag, inspect take one image


def test_show_in_folder_opens_the_export_folder(qtbot, make_window, monkeypatch, tmp_path, alpine):
    window = make_window()
    rows = select_all(qtbot, window, 1)
    output = tmp_path / "exports" / "alpine-latest.tar"
    output.parent.mkdir()
    export_through_menu(qtbot, window, monkeypatch, rows, "docker-archive", output)
    opened = []
    monkeypatch.setattr(files, "show_in_folder", lambda path: opened.append(path) or True)
    [job] = window.manager.jobs()
    qtbot.mouseClick(window.dock.view.viewport(), Qt.MouseButton.LeftButton, pos=window.dock.action_button_pos(job))
    assert opened == [str(output)]
