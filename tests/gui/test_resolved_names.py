"""The pull and push dialogs say what a name means before anything starts, as the command line resolves it
(registries.conf: unqualified-search registries, aliases, mirrors, relocated registries), and the transfer
they start goes there. Real dialogs, a real registries.conf file, a REAL docker-registry standing in for
quay.io (the machine is offline)."""

from __future__ import annotations

import pytest
import requests
from PySide6.QtCore import Qt

from engine import operations
from engine.store import Store
from tests.gui.helpers import preload, small_image, write_oci_archive


@pytest.fixture
def conf(tmp_path, monkeypatch):
    path = tmp_path / "registries.conf"
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(path))
    # a drop-in folder of our own: the machine's (Debian's shortnames.conf aliases) is then not read
    (tmp_path / "home" / ".config" / "containers" / "registries.conf.d").mkdir(parents=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return path


def resolved_text(qtbot, dialog, field_setter, text: str) -> str:
    with qtbot.waitSignal(dialog.resolved.resolved, timeout=10_000):
        field_setter(text)
    return dialog.resolved.text()


def test_a_short_name_shows_its_full_name_its_alias_and_its_mirror(qtbot, window, conf):
    conf.write_text('unqualified-search-registries = ["docker.io"]\n[aliases]\n"web" = "quay.io/josedom24/webserver"\n'
                    '[[registry]]\nprefix = "quay.io"\nlocation = "127.0.0.1:5999"\n'
                    '[[registry.mirror]]\nlocation = "mirror.example:5000"\n')
    dialog = window.open_pull()
    text = resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "alpine")
    assert text == "alpine → docker.io/library/alpine:latest"
    text = resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "web:v1")
    assert f"web:v1 → quay.io/josedom24/webserver:v1 (an alias in {conf})" in text
    assert "Pulled from mirror.example:5000/josedom24/webserver:v1, then 127.0.0.1:5999/josedom24/webserver:v1" in text
    text = resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "docker.io/library/alpine:3")
    assert text == "" and not dialog.resolved.isVisible()  # a full name that goes where it says
    dialog.source_combo.setCurrentText("oci-archive:/tmp/x.tar")  # a file: nothing to resolve
    assert not dialog.resolved.isVisible()
    dialog.reject()


def test_several_search_registries_are_listed_and_one_can_be_picked(qtbot, window, conf):
    conf.write_text('unqualified-search-registries = ["registry.fedoraproject.org", "docker.io"]\n'
                    'short-name-mode = "enforcing"\n')
    dialog = window.open_pull()
    text = resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "fedora:39")
    assert "registry.fedoraproject.org/fedora:39" in text and "docker.io/library/fedora:39" in text
    assert "pick one" in text
    qtbot.mouseClick(dialog.pull_button, Qt.MouseButton.LeftButton)  # enforcing: no guessing
    assert dialog.isVisible() and "pick one of the names" in dialog.error_label.text()
    dialog.resolved.linkActivated.emit("name:docker.io/library/fedora:39")
    assert dialog.source() == "docker.io/library/fedora:39"
    dialog.reject()


def test_a_blocked_registry_is_said_before_pulling(qtbot, window, conf):
    conf.write_text('[[registry]]\nprefix = "quay.io"\nblocked = true\n')
    dialog = window.open_pull()
    assert "blocked" in resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "quay.io/a/b:1")
    dialog.reject()


@pytest.fixture
def quay(tmp_path, registry):
    """A real registry standing in for quay.io, holding josedom24/webserver:v1."""
    reg = registry("noauth")
    img = small_image("webserver")
    write_oci_archive(tmp_path / "seed.tar", [(img, "seed:1", None)])
    staging = Store(str(tmp_path / "staging-store"))
    operations.load(staging, str(tmp_path / "seed.tar"))
    operations.push(staging, "seed:1", f"docker://{reg.ref('josedom24/webserver:v1')}")
    return reg, img


def test_the_dialog_pulls_where_the_resolved_name_says(qtbot, window, conf, quay):
    reg, img = quay
    conf.write_text(f'unqualified-search-registries = ["quay.io"]\n[[registry]]\nprefix = "quay.io"\n'
                    f'location = "{reg.host}"\ninsecure = true\n')
    dialog = window.open_pull()
    text = resolved_text(qtbot, dialog, dialog.source_combo.setCurrentText, "josedom24/webserver:v1")
    assert text == (f"josedom24/webserver:v1 → quay.io/josedom24/webserver:v1<br>"
                    f"Pulled from {reg.host}/josedom24/webserver:v1 (registries.conf)")
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.pull_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=10_000)
    [rec] = window.model.records()
    assert rec.names == ["quay.io/josedom24/webserver:v1"]  # the name asked for, as the CLI and podman


def test_the_push_dialog_shows_and_uses_the_relocated_registry(qtbot, make_window, conf, quay, tmp_path,
                                                               store_root):
    reg, _ = quay
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n')
    img = small_image("shop")
    write_oci_archive(tmp_path / "shop.tar", [(img, "quay.io/acme/shop:2", None)])
    preload(store_root, tmp_path / "shop.tar")
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    dialog = window.commands.push(window.selected_rows()[0])
    qtbot.waitUntil(lambda: dialog.resolved.result is not None, timeout=10_000)
    assert dialog.resolved.text() == f"Pushed to {reg.host}/acme/shop:2 (registries.conf)"
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.push_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    answer = requests.head(f"http://{reg.host}/v2/acme/shop/manifests/2", timeout=30, headers={
        "Accept": "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json"})
    assert answer.status_code == 200
