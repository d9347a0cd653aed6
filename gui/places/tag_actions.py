"""The actions on a registry tag, for RegistryView (gui/places/registry_view.py): pull (choosing the platform),
copy to another registry or place, export to a file in any of the four formats without going through the
store, inspect (manifest, config, layers, history), delete (with a confirmation that lists every tag going
with it, and never through a tag that moved since it was listed). Mirroring is gui/places/mirror_actions.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from gui import error_text, registry_jobs
from gui.dialogs import confirm as confirm_mod
from gui.names import format_label
from gui.places import place as place_mod
from gui.places.mirror_actions import MirrorActions
from gui.registry_fetch import SESSION_CACHE, do_delete, fetch_delete_plan, fetch_inspection
from gui.settings import EXPORT_FORMATS


class TagActions(MirrorActions):
    """Mixed into RegistryView (a QWidget with registry, repo, settings, tasks, store_root, _say, _tls...)."""

    def build_tag_actions(self) -> None:
        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("pullPlatformCombo")
        self.pull_button = QPushButton(self.tr("Pull"), self)
        self.pull_button.setObjectName("pullTagButton")
        self.pull_button.clicked.connect(self.pull_selected)
        self.inspect_button = QPushButton(self.tr("Inspect"), self)
        self.inspect_button.setObjectName("inspectTagButton")
        self.inspect_button.clicked.connect(self.inspect_selected)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.setObjectName("deleteTagButton")
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setObjectName("exportTagButton")
        self.export_menu = QMenu(self.export_button)  # the format picker: one entry per format
        self.export_menu.setObjectName("exportFormatMenu")
        for fmt in EXPORT_FORMATS:
            action = self.export_menu.addAction(self.tr("As %1…").replace("%1", format_label(fmt)))
            action.setObjectName(f"exportAs-{fmt}")
            action.setData(fmt)
            action.triggered.connect(partial(self.export_selected, fmt))
        self.export_button.setMenu(self.export_menu)
        self.copy_button = QPushButton(self.tr("Copy to…"), self)
        self.copy_button.setObjectName("copyTagButton")
        self.copy_menu = QMenu(self.copy_button)  # filled as it opens: the places there are now
        self.copy_menu.setObjectName("copyToMenu")
        self.copy_menu.aboutToShow.connect(self.fill_copy_menu)
        self.copy_button.setMenu(self.copy_menu)
        self.copy_files_menu = QMenu(self.tr("A file or folder"), self.copy_menu)
        self.copy_files_menu.setObjectName("copyToFileMenu")
        for fmt in EXPORT_FORMATS:
            action = self.copy_files_menu.addAction(self.tr("As %1…").replace("%1", format_label(fmt)))
            action.setObjectName(f"copyTo-file-{fmt}")
            action.triggered.connect(partial(self.export_selected, fmt))
        self.places_provider: Callable[[], list] | None = None  # the window's places (set by whoever shows us)
        self.build_mirror_actions()
        self.tag_buttons = (self.pull_button, self.inspect_button, self.export_button, self.copy_button,
                            self.delete_button)
        for b in (self.open_button, self.mirror_button, self.mirror_tags_button, *self.tag_buttons):
            b.setAutoDefault(False)  # Return belongs to the field being typed in, not to a button

    def action_row(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        buttons.addWidget(self.platform_combo)
        for b in self.tag_buttons:
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.mirror_tags_button)
        buttons.addWidget(self.mirror_button)
        return buttons

    # -- actions on a tag -----------------------------------------------------------------------------------

    @Slot()
    def pull_selected(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        choice = self.platform_combo.currentData()
        self.pull_requested.emit({"source": f"{self.registry}/{self.repo}:{tag}",
                                  "platform": choice if choice not in (None, "all") else None,
                                  "all_platforms": choice == "all", "tls_verify": self._tls()})
        self._say(self.tr("Pulling %1 (see Transfers)").replace("%1", f"{self.repo}:{tag}"))

    def export_selected(self, fmt: str | None = None, *args) -> None:  # noqa: ARG002 - triggered(bool)
        """Export the selected tag in `fmt` (one of the four; the settings' default when not given)."""
        from gui.dialogs import files

        tag = self.selected_tag()
        if tag is None:
            return
        fmt = fmt if fmt in EXPORT_FORMATS else self.settings.export_format
        name = f"{self.registry}/{self.repo}:{tag}"
        default = f"{self.repo.rpartition('/')[2]}-{tag}" + ("" if fmt.endswith("-dir") else ".tar")
        path = files.ask_export_path(self, fmt, default)
        if path:
            self.transfer_requested.emit(registry_jobs.copy_spec(
                self.store_root, name, registry_jobs.export_location(fmt, path, name),
                parallel=self.settings.parallel_layers, tls_verify=self._tls(),
                manifest_format="v2s2" if fmt in ("docker-dir", "docker-archive") else None, output=path))
            self._say(self.tr("Exporting %1 as %2 (see Transfers)").replace("%1", f"{self.repo}:{tag}")
                      .replace("%2", format_label(fmt)))

    @Slot()
    def fill_copy_menu(self) -> None:
        """Copy the selected tag to: Estiba's store (a pull, with the platform chosen beside the buttons), each
        place that takes copies (an engine's place whose backend has copy_destination(), gui/places/place.py),
        the other registry places, any registry, or a file or folder in one of the four formats."""
        menu = self.copy_menu
        menu.clear()
        self._copy_action(self.tr("Estiba's store"), "copyTo-store", self.pull_selected)
        places = self.places_provider() if self.places_provider is not None else []
        name = f"{self.registry}/{self.repo}:{self.selected_tag()}"
        for place in places:
            if place_mod.copy_destination(place, name) is not None:
                self._copy_action(place.title(), f"copyTo-{place.key}", partial(self.copy_to_place, place))
        for place in places:
            if getattr(place, "kind", "") == place_mod.REGISTRY and getattr(place, "registry", "") != self.registry:
                self._copy_action(f"{place.registry}…", f"copyTo-{place.key}",
                                  partial(self.copy_to_registry, place.registry))
        self._copy_action(self.tr("Another registry…"), "copyTo-registry", self.copy_selected)
        menu.addSeparator()
        menu.addMenu(self.copy_files_menu)  # made once (clear() leaves a submenu alive): the four formats

    def _copy_action(self, text: str, name: str, slot) -> None:
        action = self.copy_menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda *_: slot())

    def copy_to_place(self, place) -> None:
        """To a place that takes copies (its copy_destination() names where, e.g. an engine's storage)."""
        tag = self.selected_tag()
        if tag is None:
            return
        name = f"{self.registry}/{self.repo}:{tag}"
        target = place_mod.copy_destination(place, name)
        if target:
            self.transfer_requested.emit(registry_jobs.copy_spec(
                self.store_root, name, target, parallel=self.settings.parallel_layers, tls_verify=self._tls()))
            self._say(self.tr("Copying %1 to %2 (see Transfers)").replace("%1", f"{self.repo}:{tag}")
                      .replace("%2", place.title()))

    def copy_to_registry(self, registry: str) -> None:
        self.copy_selected(f"{registry}/{self.repo}:{self.selected_tag()}")

    @Slot()
    def copy_selected(self, default: str | None = None) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        if not default:
            others = [r for r in self.settings.registry_history if r != self.registry]  # the other registries
            default = f"{others[0]}/{self.repo}:{tag}" if others else f"{self.repo}:{tag}"
        target = registry_jobs.ask_text(self, self.tr("Copy to another registry"),
                                        self.tr("Destination (HOST/REPOSITORY:TAG):"), default)
        if target:
            target = target if "://" in target or target.startswith(("oci", "dir:")) else f"docker://{target}"
            self.transfer_requested.emit(registry_jobs.copy_spec(
                self.store_root, f"{self.registry}/{self.repo}:{tag}", target,
                parallel=self.settings.parallel_layers, tls_verify=self._tls()))

    @Slot()
    def inspect_selected(self, *args) -> None:  # noqa: ARG002
        tag = self.selected_tag()
        if tag is None:
            return
        registry, repo = self.registry, self.repo
        self._say(self.tr("Reading %1…").replace("%1", f"{repo}:{tag}"))
        self.tasks.run(lambda: fetch_inspection(registry, repo, tag, self._tls()),
                       lambda doc: self._show_inspection(f"{registry}/{repo}:{tag}", doc),
                       lambda failure: self._say_failure(self.tr("Cannot inspect: %1"), failure))

    def _say_failure(self, text: str, failure) -> None:
        """`text` holds %1 for the failure, worded as the rest of the window words failures."""
        self._say(text.replace("%1", error_text.message(failure)), True)

    def _show_inspection(self, title: str, doc: dict) -> QDialog:
        dialog = QDialog(self)
        dialog.setObjectName("remoteInspectDialog")
        dialog.setWindowTitle(self.tr("Inspect %1").replace("%1", title))
        tabs = QTabWidget(dialog)
        for key, label in (("overview", self.tr("Overview")), ("manifest", self.tr("Manifest")),
                           ("config", self.tr("Config")), ("history", self.tr("History"))):
            view = QPlainTextEdit(tabs)
            view.setObjectName(f"{key}View")
            view.setReadOnly(True)
            view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            value = doc[key]
            view.setPlainText(value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False))
            tabs.addTab(view, label)
        QVBoxLayout(dialog).addWidget(tabs)
        dialog.resize(self.width() * 3 // 4, self.height() * 3 // 4)
        dialog.show()
        self._say("")
        self.inspection = dialog
        return dialog

    @Slot()
    def delete_selected(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        registry, repo = self.registry, self.repo
        listed = SESSION_CACHE.get((registry, repo, tag))
        self.tasks.run(lambda: fetch_delete_plan(registry, repo, tag, self._tls()),
                       lambda plan: self._confirm_delete(registry, repo, tag, listed, plan),
                       lambda failure: self._say_failure(self.tr("Cannot delete: %1"), failure))

    def _confirm_delete(self, registry: str, repo: str, tag: str, listed, plan: tuple[str, list[str]]) -> None:
        digest, tags = plan
        if listed is not None and listed.digest != digest:
            self._say(self.tr("%1 changed since it was listed; nothing was deleted. Its new details are shown.")
                      .replace("%1", f"{repo}:{tag}"), True)
            SESSION_CACHE.pop((registry, repo, tag), None)
            self._ask_visible_details()
            return
        text = self.tr("Delete %1 from %2?\n\nThe registry deletes the image, so these tags go with it: %3")
        text = text.replace("%1", f"{repo}@{digest[:19]}…").replace("%2", registry).replace("%3", ", ".join(tags))
        if not confirm_mod.confirm(self, self.tr("Delete from the registry"), text, self.tr("Delete")):
            self._say(self.tr("Nothing was deleted."))
            return
        self.tasks.run(lambda: do_delete(registry, repo, tag, digest, self._tls()),
                       lambda gone: self._on_deleted(registry, repo, tags, gone),
                       lambda failure: self._say_failure(self.tr("Not deleted: %1"), failure))

    def _on_deleted(self, registry: str, repo: str, tags: list[str], digest: str) -> None:
        for t in tags:
            SESSION_CACHE.pop((registry, repo, t), None)
        self.deleted.emit(digest)
        self.open_repository(repo)
        self._say(self.tr("Deleted %1 (tags: %2)").replace("%1", digest[:19] + "…").replace("%2", ", ".join(tags)))
