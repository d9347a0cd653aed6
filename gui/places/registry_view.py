"""A registry's contents as the right-hand view of its place (and inside the thin Browse Registry window):
its repositories (from the catalog where it offers one, else a field to type a name, offering the ones used
before), a repository's tags with digest, platforms, compressed size, created date and labels; filter and
sort as in the image table. The tag actions live in gui/places/tag_actions.py.

Every registry call runs on a worker (TaskRunner): the window never waits. Tags show as soon as the list
arrives; their details are read lazily, for the rows in view, and kept for the session (engine:
engine/registry/browse.py, engine/inspect_remote.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui import error_text, humanize
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.places.tag_actions import TagActions
from gui.registry_fetch import SESSION_CACHE, fetch_catalog, fetch_summary, fetch_tags
from gui.settings import AppSettings

COL_TAG, COL_DIGEST, COL_PLATFORMS, COL_SIZE, COL_CREATED, COL_LABELS = range(6)
DETAIL_BATCH = 40  # rows whose details are asked for at once
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # native values to sort by (sizes as numbers)


def used_repositories(settings: AppSettings, registry: str) -> list[str]:
    """Repositories of `registry` met before: in the pull history (HOST/REPO[:TAG]) of the settings."""
    out: list[str] = []
    for source in settings.pull_history:
        text = source.removeprefix("docker://")
        if text.startswith(registry + "/"):
            repo = text[len(registry) + 1:].partition("@")[0]
            repo = repo.rpartition(":")[0] if ":" in repo.rpartition("/")[2] else repo
            if repo and repo not in out:
                out.append(repo)
    return out


class RegistryView(TagActions, QWidget):
    pull_requested = Signal(object)  # dict(source, platform, all_platforms, tls_verify), as the pull dialog's
    tags_shown = Signal(int)  # rows in the tag table (tests wait on it)
    repos_shown = Signal(int)  # rows in the repository list (tests wait on it)
    details_shown = Signal(str)  # a tag whose details arrived
    deleted = Signal(str)  # the digest deleted
    transfer_requested = Signal(object)  # a TransferSpec for the Transfers panel (export, copy, mirror)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None, registry: str = "",
                 store_root: str = "", registry_field: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("registryView")
        self.settings = settings
        self.store_root = store_root
        self.tasks = TaskRunner(self)
        self._generation = 0
        self._pending: set[str] = set()
        self.registry = ""
        self.repo = ""
        self.inspection = None

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
        self.repo_edit.returnPressed.connect(self._on_repo_typed)
        self.repo_completions = QStringListModel(self)
        completer = QCompleter(self.repo_completions, self.repo_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.repo_edit.setCompleter(completer)

        self.tag_filter = QLineEdit(self)
        self.tag_filter.setObjectName("tagFilter")
        self.tag_filter.setPlaceholderText(self.tr("Filter tags"))
        self.tag_filter.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 6, self)
        self.model.setHorizontalHeaderLabels([self.tr("Tag"), self.tr("Digest"), self.tr("Platforms"),
                                              self.tr("Size"), self.tr("Created"), self.tr("Labels")])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(COL_TAG)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.tag_view = QTableView(self)
        self.tag_view.setObjectName("tagTable")
        self.tag_view.setModel(self.proxy)
        self.tag_view.setSortingEnabled(True)
        self.tag_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tag_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several to mirror
        self.tag_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tag_view.verticalHeader().hide()
        self.tag_view.horizontalHeader().setStretchLastSection(True)
        self.tag_view.verticalScrollBar().valueChanged.connect(self._ask_visible_details)
        self.tag_view.doubleClicked.connect(self.inspect_selected)
        self.build_tag_actions()
        self.tag_view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.status = QLabel(self)
        self.status.setObjectName("browserStatus")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        if registry_field:
            top = QHBoxLayout()
            top.addWidget(self.registry_combo, 1)
            top.addWidget(self.open_button)
            layout.addLayout(top)
        else:
            self.registry_combo.hide()
            self.open_button.hide()
            layout.setContentsMargins(0, 0, 0, 0)
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
        right_layout.addLayout(self.action_row())
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self._update_buttons()
        if registry:
            QTimer.singleShot(0, self.open_registry)

    def stop(self) -> None:
        """Drop the results still on their way (the view is closing)."""
        self._generation += 1

    # -- helpers --------------------------------------------------------------------------------------------

    def _tls(self) -> bool | None:
        return False if self.settings.is_insecure(self.registry) else None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)

    def selected_tags(self) -> list[str]:
        rows = sorted(self.tag_view.selectionModel().selectedRows(COL_TAG), key=lambda i: i.row())
        return [i.data() for i in rows]

    def selected_tag(self) -> str | None:
        """The tag the single-tag actions act on: the first of the selection."""
        tags = self.selected_tags()
        return tags[0] if tags else None

    @Slot()
    def _update_buttons(self, *args) -> None:  # noqa: ARG002
        tag = self.selected_tag()
        for b in self.tag_buttons:
            b.setEnabled(tag is not None)
        self.update_mirror_buttons()
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
        self.tag_picks.clear()  # another registry: nothing of the last one is picked
        self._say(self.tr("Reading the repositories of %1…").replace("%1", registry))
        self.tasks.run(lambda: fetch_catalog(registry, self._tls()), lambda listing: self._on_repos(gen, listing),
                       lambda failure: self._on_repos_failed(gen, failure))

    def _on_repos(self, gen: int, listing) -> None:
        if gen != self._generation:
            return
        self.repo_list.addItems(listing.names)
        self.repo_completions.setStringList(sorted({*used_repositories(self.settings, self.registry),
                                                    *listing.names}))
        self.settings.remember_registry(self.registry)
        self.repos_shown.emit(len(listing.names))
        if listing.complete:
            self._say(self.tr("%n repositories", "", len(listing.names)))
        else:
            self._say(self.tr("Only part of the list: %1").replace("%1", listing.problem), True)

    def _on_repos_failed(self, gen: int, failure: Failure) -> None:
        if gen != self._generation:
            return
        from engine.registry.browse import CatalogUnavailable

        used = used_repositories(self.settings, self.registry)
        self.repo_completions.setStringList(used)
        if failure.is_a(CatalogUnavailable):
            self.repo_list.addItems(used)  # the ones used before, to click instead of typing
            self._say(self.tr("This registry does not list its repositories: type a repository name below."))
            self.repo_edit.setFocus()
        else:
            self._say(self.tr("Cannot open the registry: %1").replace("%1", error_text.message(failure)), True)

    @Slot()
    def _on_repo_typed(self) -> None:
        self.open_repository(self.repo_edit.text().strip())

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
        self.loading_tags = True  # the emptied table does not undo this repository's picks
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
            for col, item in enumerate(row):
                item.setData(tag if col == COL_TAG else -1 if col == COL_SIZE else float("-inf")
                             if col == COL_CREATED else "", SORT_ROLE)
            self.model.appendRow(row)
            summary = SESSION_CACHE.get((self.registry, self.repo, tag))
            if summary is not None:
                self._fill(self.model.rowCount() - 1, summary)
        self.tag_view.setSortingEnabled(True)
        self.tag_view.sortByColumn(COL_TAG, Qt.SortOrder.AscendingOrder)
        self.restore_tag_selection()
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
            self.loading_tags = False
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
        from engine.dates import format_created

        created = format_created(s.created)
        values = {COL_DIGEST: s.digest[:19] + "…", COL_PLATFORMS: ", ".join(s.platforms),
                  COL_SIZE: humanize.size(s.size), COL_CREATED: humanize.short_date(created),
                  COL_LABELS: ", ".join(f"{k}={v}" for k, v in sorted(s.labels.items()))}
        for col, text in values.items():
            item = self.model.item(row, col)
            item.setText(text)
            item.setToolTip(s.digest if col == COL_DIGEST else text)
            item.setData(text, SORT_ROLE)
        self.model.item(row, COL_SIZE).setData(s.size, SORT_ROLE)
        # Dates sort by the time itself (the locale's text does not sort: "15/1/24" < "2/12/23"); unknown first.
        when = self.model.item(row, COL_CREATED)
        when.setData(created.timestamp() if created else float("-inf"), SORT_ROLE)
        if created:
            when.setToolTip(humanize.full_date(created))

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

