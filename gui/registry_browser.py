"""A registry as a place to look into: its repositories (from the catalog where it offers one, else a field to
type a name), a repository's tags with digest, platforms, compressed size, created date and labels, and from a
tag: pull, inspect, delete (with a confirmation naming every tag that goes with it).

Every registry call runs on a worker (TaskRunner): the window never waits. Tags show as soon as the list
arrives; their details are read lazily, for the rows in view, and kept for the session (engine:
engine/registry/browse.py, engine/inspect_remote.py).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui import error_text, humanize, registry_jobs
from gui.dialogs import confirm as confirm_mod
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.registry_fetch import (
    do_delete,
    fetch_catalog,
    fetch_delete_plan,
    fetch_inspection,
    fetch_summary,
    fetch_tags,
)
from gui.settings import AppSettings

COL_TAG, COL_DIGEST, COL_PLATFORMS, COL_SIZE, COL_CREATED, COL_LABELS = range(6)
SESSION_CACHE: dict[tuple[str, str, str], object] = {}  # (registry, repo, tag) -> TagSummary, for the session
DETAIL_BATCH = 40  # rows whose details are asked for at once


class RegistryBrowser(QDialog):
    pull_requested = Signal(object)  # dict(source, platform, all_platforms, tls_verify), as the pull dialog's
    tags_shown = Signal(int)  # rows in the tag table (tests wait on it)
    details_shown = Signal(str)  # a tag whose details arrived
    deleted = Signal(str)  # the digest deleted
    transfer_requested = Signal(object)  # a TransferSpec for the Transfers panel (export, copy, mirror)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None, registry: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("registryBrowser")
        self.setWindowTitle(self.tr("Browse a registry"))
        self.settings = settings
        self.tasks = TaskRunner(self)
        self._generation = 0
        self._pending: set[str] = set()
        self.registry = ""
        self.repo = ""

        self.registry_combo = QComboBox(self)
        self.registry_combo.setObjectName("registryCombo")
        self.registry_combo.setEditable(True)
        self.registry_combo.addItems(settings.registry_history)
        self.registry_combo.setEditText(registry)
        self.registry_combo.lineEdit().setPlaceholderText(self.tr("registry, e.g. quay.io or localhost:5000"))
        self.registry_combo.lineEdit().returnPressed.connect(self.open_registry)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setObjectName("openRegistryButton")
        self.open_button.clicked.connect(self.open_registry)

        self.repo_list = QListWidget(self)
        self.repo_list.setObjectName("repositoryList")
        self.repo_list.currentTextChanged.connect(self._on_repo_chosen)
        self.repo_edit = QLineEdit(self)
        self.repo_edit.setObjectName("repositoryEdit")
        self.repo_edit.setPlaceholderText(self.tr("or type a repository, e.g. team/app"))
        self.repo_edit.returnPressed.connect(lambda: self.open_repository(self.repo_edit.text().strip()))

        self.tag_filter = QLineEdit(self)
        self.tag_filter.setObjectName("tagFilter")
        self.tag_filter.setPlaceholderText(self.tr("Filter tags"))
        self.tag_filter.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 6, self)
        self.model.setHorizontalHeaderLabels([self.tr("Tag"), self.tr("Digest"), self.tr("Platforms"),
                                              self.tr("Size"), self.tr("Created"), self.tr("Labels")])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(COL_TAG)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.tag_view = QTableView(self)
        self.tag_view.setObjectName("tagTable")
        self.tag_view.setModel(self.proxy)
        self.tag_view.setSortingEnabled(True)
        self.tag_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tag_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tag_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tag_view.verticalHeader().hide()
        self.tag_view.horizontalHeader().setStretchLastSection(True)
        self.tag_view.verticalScrollBar().valueChanged.connect(self._ask_visible_details)
        self.tag_view.doubleClicked.connect(self.inspect_selected)

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
        self.export_button.clicked.connect(self.export_selected)
        self.copy_button = QPushButton(self.tr("Copy to…"), self)
        self.copy_button.setObjectName("copyTagButton")
        self.copy_button.clicked.connect(self.copy_selected)
        self.mirror_button = QPushButton(self.tr("Mirror Repository…"), self)
        self.mirror_button.setObjectName("mirrorButton")
        self.mirror_button.clicked.connect(self.mirror_repository)
        self.tag_view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.tag_buttons = (self.pull_button, self.inspect_button, self.export_button, self.copy_button,
                            self.delete_button)
        for b in (self.open_button, self.mirror_button, *self.tag_buttons):
            b.setAutoDefault(False)  # Return belongs to the field being typed in, not to a button

        self.status = QLabel(self)
        self.status.setObjectName("browserStatus")
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.registry_combo, 1)
        top.addWidget(self.open_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.repo_list, 1)
        left_layout.addWidget(self.repo_edit)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tag_filter)
        right_layout.addWidget(self.tag_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.platform_combo)
        for b in self.tag_buttons:
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.mirror_button)
        right_layout.addLayout(buttons)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        char, line = self.fontMetrics().horizontalAdvance("x"), self.fontMetrics().height()
        self.resize(char * 130, line * 36)
        self._update_buttons()
        if registry:
            QTimer.singleShot(0, self.open_registry)

    # -- helpers --------------------------------------------------------------------------------------------

    def _tls(self) -> bool | None:
        return False if self.settings.is_insecure(self.registry) else None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)

    def _say_failure(self, template: str, failure: Failure) -> None:
        """`template`'s %1 filled with the failure in the window's words (gui/error_text.py)."""
        self._say(template.replace("%1", error_text.message(failure)), True)

    def selected_tag(self) -> str | None:
        rows = self.tag_view.selectionModel().selectedRows(COL_TAG)
        return rows[0].data() if rows else None

    @Slot()
    def _update_buttons(self, *args) -> None:  # noqa: ARG002
        tag = self.selected_tag()
        for b in self.tag_buttons:
            b.setEnabled(tag is not None)
        self.mirror_button.setEnabled(bool(self.repo))
        self.platform_combo.clear()
        self.platform_combo.addItem(self.tr("This computer's platform"), None)
        summary = SESSION_CACHE.get((self.registry, self.repo, tag)) if tag else None
        if summary is not None and len(summary.platforms) > 1:
            for p in summary.platforms:
                self.platform_combo.addItem(p, p)
            self.platform_combo.addItem(self.tr("All platforms"), "all")
        self.platform_combo.setEnabled(self.platform_combo.count() > 1)

    # -- repositories ---------------------------------------------------------------------------------------

    @Slot()
    def open_registry(self) -> None:
        registry = self.registry_combo.currentText().strip().removeprefix("docker://").rstrip("/")
        if not registry:
            self._say(self.tr("Type a registry name first."), True)
            return
        self.registry = registry
        self._generation += 1
        gen = self._generation
        self.repo_list.clear()
        self.model.removeRows(0, self.model.rowCount())
        self._say(self.tr("Reading the repositories of %1…").replace("%1", registry))
        self.tasks.run(lambda: fetch_catalog(registry, self._tls()), lambda listing: self._on_repos(gen, listing),
                       lambda failure: self._on_repos_failed(gen, failure))

    def _on_repos(self, gen: int, listing) -> None:
        if gen != self._generation:
            return
        self.repo_list.addItems(listing.names)
        if listing.complete:
            self._say(self.tr("%n repositories", "", len(listing.names)))
        else:
            self._say(self.tr("Only part of the list: %1").replace("%1", listing.problem), True)

    def _on_repos_failed(self, gen: int, failure: Failure) -> None:
        if gen != self._generation:
            return
        from engine.registry.browse import CatalogUnavailable

        if failure.is_a(CatalogUnavailable):
            self._say(self.tr("This registry does not list its repositories: type a repository name below."))
            self.repo_edit.setFocus()
        else:
            self._say(self.tr("Cannot open the registry: %1").replace("%1", error_text.message(failure)), True)

    @Slot(str)
    def _on_repo_chosen(self, repo: str) -> None:
        if repo:
            self.open_repository(repo)

    # -- tags -----------------------------------------------------------------------------------------------

    def open_repository(self, repo: str) -> None:
        if not self.registry:
            self.open_registry()
        if not repo or not self.registry:
            return
        self.repo = repo
        self._generation += 1
        gen = self._generation
        self.model.removeRows(0, self.model.rowCount())
        self._pending.clear()
        registry = self.registry
        self._say(self.tr("Reading the tags of %1…").replace("%1", f"{registry}/{repo}"))
        self.tasks.run(lambda: fetch_tags(registry, repo, self._tls()), lambda listing: self._on_tags(gen, listing),
                       lambda failure: self._on_tags_failed(gen, failure))

    def _on_tags(self, gen: int, listing) -> None:
        if gen != self._generation:
            return
        self.tag_view.setSortingEnabled(False)
        for tag in sorted(listing.names):
            row = [QStandardItem(tag)] + [QStandardItem("") for _ in range(5)]
            self.model.appendRow(row)
            summary = SESSION_CACHE.get((self.registry, self.repo, tag))
            if summary is not None:
                self._fill(self.model.rowCount() - 1, summary)
        self.tag_view.setSortingEnabled(True)
        self.tag_view.sortByColumn(COL_TAG, Qt.SortOrder.AscendingOrder)
        count = len(listing.names)
        if listing.complete:
            self._say(self.tr("%n tags", "", count))
        else:
            self._say(self.tr("Only part of the list (%1 tags): %2").replace("%1", str(count))
                      .replace("%2", listing.problem), True)
        self.tags_shown.emit(count)
        QTimer.singleShot(0, self._ask_visible_details)

    def _on_tags_failed(self, gen: int, failure: Failure) -> None:
        if gen == self._generation:
            self._say(self.tr("Cannot list the tags: %1").replace("%1", error_text.message(failure)), True)

    @Slot()
    def _ask_visible_details(self, *args) -> None:  # noqa: ARG002
        first = max(0, self.tag_view.rowAt(0))
        last = self.tag_view.rowAt(self.tag_view.viewport().height() - 1)
        last = self.proxy.rowCount() - 1 if last < 0 else last
        registry, repo, gen = self.registry, self.repo, self._generation
        for view_row in range(first, min(last + 1, first + DETAIL_BATCH)):
            tag = self.proxy.index(view_row, COL_TAG).data()
            if tag is None or tag in self._pending or (registry, repo, tag) in SESSION_CACHE:
                continue
            self._pending.add(tag)
            self.tasks.run(lambda t=tag: fetch_summary(registry, repo, t, self._tls()),
                           lambda s, t=tag: self._on_summary(gen, t, s),
                           lambda f, t=tag: self._on_summary_failed(gen, t, f))

    def _row_of(self, tag: str) -> int:
        found = self.model.findItems(tag, Qt.MatchFlag.MatchExactly, COL_TAG)
        return found[0].row() if found else -1

    def _fill(self, row: int, s) -> None:
        values = {COL_DIGEST: s.digest[:19] + "…", COL_PLATFORMS: ", ".join(s.platforms),
                  COL_SIZE: humanize.size(s.size),
                  COL_CREATED: (s.created or "")[:19].replace("T", " "),
                  COL_LABELS: ", ".join(f"{k}={v}" for k, v in sorted(s.labels.items()))}
        for col, text in values.items():
            item = self.model.item(row, col)
            item.setText(text)
            item.setToolTip(s.digest if col == COL_DIGEST else text)
        self.model.item(row, COL_SIZE).setData(s.size, Qt.ItemDataRole.UserRole)

    def _on_summary(self, gen: int, tag: str, summary) -> None:
        SESSION_CACHE[(self.registry, self.repo, tag)] = summary
        self._pending.discard(tag)
        if gen != self._generation:
            return
        row = self._row_of(tag)
        if row >= 0:
            self._fill(row, summary)
        if tag == self.selected_tag():
            self._update_buttons()
        self.details_shown.emit(tag)

    def _on_summary_failed(self, gen: int, tag: str, failure: Failure) -> None:
        self._pending.discard(tag)
        row = self._row_of(tag) if gen == self._generation else -1
        if row >= 0:
            self.model.item(row, COL_DIGEST).setText(self.tr("unreadable"))
            self.model.item(row, COL_DIGEST).setToolTip(error_text.message(failure))

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

    @Slot()
    def export_selected(self) -> None:
        from gui.dialogs import files

        tag = self.selected_tag()
        if tag is None:
            return
        fmt = self.settings.export_format
        name = f"{self.registry}/{self.repo}:{tag}"
        default = f"{self.repo.rpartition('/')[2]}-{tag}" + ("" if fmt.endswith("-dir") else ".tar")
        path = files.ask_export_path(self, fmt, default)
        if path:
            window = self.parent()
            self.transfer_requested.emit(registry_jobs.copy_spec(
                getattr(window, "store_root", ""), name, registry_jobs.export_location(fmt, path, name),
                parallel=self.settings.parallel_layers, tls_verify=self._tls(),
                manifest_format="v2s2" if fmt in ("docker-dir", "docker-archive") else None, output=path))

    @Slot()
    def copy_selected(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        target = registry_jobs.ask_text(self, self.tr("Copy to another registry"),
                                        self.tr("Destination (HOST/REPOSITORY:TAG):"), f"{self.repo}:{tag}")
        if target:
            target = target if "://" in target or target.startswith(("oci", "dir:")) else f"docker://{target}"
            self.transfer_requested.emit(registry_jobs.copy_spec(
                getattr(self.parent(), "store_root", ""), f"{self.registry}/{self.repo}:{tag}", target,
                parallel=self.settings.parallel_layers, tls_verify=self._tls()))

    @Slot()
    def mirror_repository(self) -> None:
        if not self.repo:
            return
        target = registry_jobs.ask_text(self, self.tr("Mirror a repository"), self.tr(
            "Every tag of %1 to a registry (HOST/PATH) or a folder (/path):").replace("%1", self.repo))
        if target:
            self.transfer_requested.emit(registry_jobs.mirror_spec(
                self.registry, self.repo, target, jobs=max(1, self.settings.parallel_jobs),
                parallel=self.settings.parallel_layers, tls_verify=self._tls()))
            self._say(self.tr("Mirroring %1 (see Transfers)").replace("%1", self.repo))

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

    def done(self, result: int) -> None:  # noqa: D401 - QDialog.done
        self._generation += 1  # results still on their way are dropped
        super().done(result)
