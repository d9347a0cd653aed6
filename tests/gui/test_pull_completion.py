"""The pull dialog completes repositories and tags from a REAL docker-registry as the user types, and warns when
the tag asked for (latest by default) is not there (gui/pull_completion.py)."""

from __future__ import annotations

from gui import pull_completion
from tests.fixtures.images import write_oci_layout
from tests.gui.helpers import small_image
from tests.registry.conftest import push


def test_pull_dialog_completes_from_the_registry_and_warns_about_a_missing_tag(qtbot, window, registry,
                                                                              tmp_path):
    from engine.formats import oci_layout

    reg = registry()
    for tag in ("v1", "v2"):
        path = tmp_path / tag
        write_oci_layout(path, [(small_image(tag), "x", None)])
        with oci_layout.open_layout_source(str(path), "x") as src:
            push(src, reg.ref(f"team/app:{tag}"))
    pull_completion.LISTS.clear()
    dialog = window.open_pull()
    completion = dialog.completion
    dialog.source_combo.setCurrentText(f"{reg.host}/")
    qtbot.waitUntil(lambda: f"{reg.host}/team/app" in completion.model.stringList(), timeout=10_000)
    dialog.source_combo.setCurrentText(f"{reg.host}/team/app")
    qtbot.waitUntil(lambda: f"{reg.host}/team/app:v2" in completion.model.stringList(), timeout=10_000)
    qtbot.waitUntil(lambda: completion.warning.isVisibleTo(dialog), timeout=5_000)
    assert "no tag latest" in completion.warning.text() and "v1, v2" in completion.warning.text()
    dialog.source_combo.setCurrentText(f"{reg.host}/team/app:v2")
    assert not completion.warning.isVisibleTo(dialog)
    dialog.source_combo.setCurrentText(f"{reg.host}/team/app:v9")
    assert completion.warning.isVisibleTo(dialog) and "no tag v9" in completion.warning.text()
    dialog.reject()
