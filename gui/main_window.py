"""The main window: the image table (or the drop hint when the store is empty), toolbar and menus, drag and
drop, the transfers dock, inline messages and the status bar."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine import image_info
from engine.store import ImageRecord, Store, default_root
from gui import error_text, icons
from gui.actions import WindowActions
from gui.dialogs import files
from gui.dialogs.login_dialog import LoginDialog
from gui.dialogs.pull_dialog import PullDialog
from gui.dialogs.settings_dialog import SettingsDialog
from gui.image_commands import ImageCommands
from gui.jobs.errors import Failure
from gui.jobs.manager import TransferJob, TransferManager
from gui.jobs.specs import TransferSpec, load_spec, pull_spec
from gui.jobs.tasks import TaskRunner
from gui.models.image_filter_proxy import ImageFilterProxy
from gui.models.image_rows import ImageRow
from gui.models.image_table_model import ImageTableModel
from gui.places import PlacesPanel
from gui.quit_guard import QuitGuard
from gui.settings import AppSettings
from gui.store_watch import StoreWatcher, records_stamp
from gui.widgets.drop_hint import DropHint
from gui.widgets.drop_overlay import DropOverlay
from gui.widgets.image_menu import build_image_menu
from gui.widgets.image_table import ImageTableView
from gui.widgets.message_bar import ERROR, INFO, MessageBar
from gui.widgets.status_line import StatusLine
from gui.widgets.transfers_dock import TransfersDock
from gui.window_engines import WindowEngines
from gui.window_menus import WindowMenus
from gui.window_transfers import APP_NAME, WindowTransfers

PAGE_HINT, PAGE_TABLE = 0, 1


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders in a drag; empty when it carries none (text, web links...)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def accept_local_paths(event: QDropEvent) -> list[str]:
    """Accept a drag or drop event as a copy when it carries local paths, else ignore it; the paths (or [])."""
    paths = local_paths(event.mimeData())
    if not paths:
        event.ignore()
        return []
    event.setDropAction(Qt.DropAction.CopyAction)
    event.accept()
    return paths


class MainWindow(QMainWindow):
    images_refreshed = Signal(object)  # list[ImageRecord]
    files_dropped = Signal(object)  # list[str]
    login_changed = Signal()

    def __init__(self, store_root: str | None, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings
        self.store_root = os.path.abspath(store_root or settings.store_path or default_root())
        self.tasks = TaskRunner(self)
        self.manager = TransferManager(settings.parallel_jobs, self)
        self.commands = ImageCommands(self)
        self.actions = WindowActions(self)
        self._refreshing = False
        self._refresh_again = False
        self._login_dialog: LoginDialog | None = None
        self._context_menu: QMenu | None = None
        self.refresh_count = 0  # completed refreshes (tests wait on it)

        self.model = ImageTableModel(self)
        self.proxy = ImageFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = ImageTableView(self)
        self.table.setModel(self.proxy)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_image_actions)
        self.table.addAction(self.actions.remove)

        self.drop_hint = DropHint(self)
        self.drop_hint.load_clicked.connect(self.open_load)
        self.drop_hint.pull_clicked.connect(self.open_pull)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("imageStack")
        self.stack.addWidget(self.drop_hint)
        self.stack.addWidget(self.table)
        self.message_bar = MessageBar(self)

        central = QWidget(self)
        central.setObjectName("centralWidget")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.message_bar)
        self.places = PlacesPanel(self, self.stack)  # the places list (gui/places/) beside the image table
        layout.addWidget(self.places, 1)
        self.setCentralWidget(central)
        self.drop_overlay = DropOverlay(central)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText(self.tr("Filter images (Ctrl+F)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAcceptDrops(False)
        self.filter_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("x") * 40)
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        self.filter_edit.addAction(icons.icon("filter"), QLineEdit.ActionPosition.LeadingPosition).setObjectName(
            "filterIconAction")

        self.dock = TransfersDock(self.manager, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)

        self.menus = WindowMenus(self)
        self.toolbar = self.menus.toolbar
        self.status = StatusLine(self.statusBar())
        self.store_label = self.status.store_label
        self.transfers = WindowTransfers(self)
        self.engines = WindowEngines(self)  # Podman's and Docker's places (gui/window_engines.py)
        self.quit_guard = QuitGuard(self)
        self.watcher = StoreWatcher(self.store_root, self.tasks, self)
        self.watcher.changed.connect(self.refresh)

        self.setAcceptDrops(True)
        self.setWindowIcon(icons.icon("estiba"))
        self.setWindowTitle(APP_NAME)
        char, line = self.fontMetrics().horizontalAdvance("x"), self.fontMetrics().height()
        self.resize(char * 150, line * 42)
        self.resizeDocks([self.dock], [line * 12], Qt.Orientation.Vertical)
        self._update_image_actions()
        self._show_page()
        self.refresh()

    # -- the image list -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the store on a worker thread; several requests while one runs make one more read."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        root = self.store_root

        def read() -> tuple[str, tuple | None, list[ImageRecord]]:
            stamp = records_stamp(root)  # before reading: a change made meanwhile differs from it
            store = Store(root)
            return root, stamp, image_info.with_listed_sizes(store, store.images())  # the CLI's `images` sizes

        self.tasks.run(read, self._on_read, self._on_refresh_failed)

    def _on_read(self, result: tuple[str, tuple | None, list[ImageRecord]]) -> None:
        root, stamp, records = result
        self.watcher.seen(root, stamp)
        self._on_records(records)

    def _on_records(self, records: list[ImageRecord]) -> None:
        keep = {(r.record.id, r.name) for r in self.selected_rows()}
        self.model.set_records(records)
        if keep:
            view_rows = []
            for i in range(self.proxy.rowCount()):
                row = self.table.row_at_view_row(i)
                if row is not None and (row.record.id, row.name) in keep:
                    view_rows.append(i)
            self.table.select_view_rows(view_rows)
        self._after_refresh()
        self.images_refreshed.emit(records)

    def _on_refresh_failed(self, failure: Failure) -> None:
        self.show_message(self.tr("Cannot read the image store: {error}").format(error=error_text.message(failure)))
        self._after_refresh()

    def _after_refresh(self) -> None:
        self._refreshing = False
        self.refresh_count += 1
        self._show_page()
        self._update_image_actions()
        count = len(self.model.records())
        self.store_label.setText(self.tr("%n image(s) · {store}", "", count).format(store=self.store_root))
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _show_page(self) -> None:
        self.stack.setCurrentIndex(PAGE_TABLE if self.model.records() else PAGE_HINT)

    def selected_rows(self) -> list[ImageRow]:
        return self.table.selected_rows()

    def _update_image_actions(self, *args) -> None:  # noqa: ARG002
        engines = getattr(self, "engines", None)
        if engines is not None and engines.update_actions():  # an engine's table is shown: its selection counts
            return
        rows = self.selected_rows()
        a = self.actions
        for action in (a.export_default, a.copy_id, a.remove):
            action.setEnabled(bool(rows))
        for action in (a.push, a.tag, a.inspect):
            action.setEnabled(len(rows) == 1)

    def on_single(self, command) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            command(rows[0])

    def image_context_menu(self, rows: list[ImageRow]) -> QMenu:
        menu = build_image_menu(self, rows, self.commands)
        self._context_menu = menu  # keep it alive while it is open
        return menu

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        rows = self.table.rows_for_menu_at(pos)
        if rows:
            self.image_context_menu(rows).popup(self.table.viewport().mapToGlobal(pos))

    def _on_double_click(self, index) -> None:
        row = self.table.row_at_view_row(index.row())
        if row is not None:
            self.commands.inspect(row)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- transfers ------------------------------------------------------------------------------------------

    def submit(self, spec: TransferSpec) -> TransferJob | None:
        return self.manager.submit(spec)

    def load_paths(self, paths: list[str], *, from_drop: bool = False) -> list[TransferJob]:
        jobs = []
        for path in paths:
            job = self.submit(load_spec(self.store_root, path, parallel=self.settings.parallel_layers,
                                        from_drop=from_drop))
            if job is not None:
                jobs.append(job)
        if jobs:
            self.notify(self.tr("Loading %n item(s)…", "", len(jobs)) if len(jobs) > 1
                        else jobs[0].title + "…")
        return jobs

    @Slot(object)
    def open_paths(self, paths: list[str]) -> list[TransferJob]:
        """Files given on the command line or by a second `estiba`: load them as a drop would; come to the
        front (a second start with no files only brings the window up)."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        return self.load_paths(list(paths), from_drop=True) if paths else []

    def pull(self, request: dict) -> TransferJob | None:
        spec = pull_spec(self.store_root, request["source"], parallel=self.settings.parallel_layers,
                         platform=request.get("platform"), all_platforms=bool(request.get("all_platforms")),
                         tls_verify=request.get("tls_verify"))
        return self.submit(spec)

    # -- dialogs --------------------------------------------------------------------------------------------

    def open_load(self) -> None:
        paths = files.ask_load_paths(self, self.settings.last_dir or os.path.expanduser("~"))
        if paths:
            self.settings.last_dir = os.path.dirname(paths[0])
            self.load_paths(paths)

    def open_load_directory(self) -> None:
        path = files.ask_load_directory(self, self.settings.last_dir or os.path.expanduser("~"))
        if path:
            self.settings.last_dir = os.path.dirname(path)
            self.load_paths([path])

    def open_registry_browser(self, registry: str = ""):
        from gui.registry_browser import RegistryBrowser

        dialog = RegistryBrowser(self.settings, self, registry)
        dialog.pull_requested.connect(self.pull)
        dialog.transfer_requested.connect(self.submit)
        dialog.show()
        return dialog

    def open_pull(self) -> PullDialog:
        dialog = PullDialog(self.settings, self)
        dialog.pull_requested.connect(self.pull)
        dialog.show()
        return dialog

    def open_login(self, registry: str | None = None) -> LoginDialog:
        dialog = self._login_dialog
        if dialog is not None:
            try:
                dialog.isVisible()
            except RuntimeError:
                dialog = None
        if dialog is None:
            dialog = LoginDialog(self.settings, self.tasks, registry, self)
            dialog.logged_in.connect(self._on_login_changed)
            dialog.logged_out.connect(self._on_login_changed)
            self._login_dialog = dialog
        elif registry:
            dialog.registry_combo.setCurrentText(registry)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_login_changed(self, registry: str) -> None:
        self.login_changed.emit()
        self.notify(self.tr("Login for {registry} changed").format(registry=registry))

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self)
        dialog.applied.connect(self._apply_settings)
        dialog.show()
        return dialog

    def _apply_settings(self, changed: set[str]) -> None:
        if "parallel_jobs" in changed:
            self.manager.set_parallel_jobs(self.settings.parallel_jobs)
        if "store_path" in changed:
            self.store_root = os.path.abspath(self.settings.store_path or default_root())
            self.watcher.set_root(self.store_root)
            self.refresh()
        if "language" in changed:
            self.show_message(self.tr("The new language takes effect when Estiba starts again."), INFO)
        self.notify(self.tr("Settings saved"))

    def open_about(self):
        from gui.dialogs.about_dialog import AboutDialog

        dialog = AboutDialog(self.store_root, self)
        dialog.show()
        return dialog

    # -- messages -------------------------------------------------------------------------------------------

    def show_message(self, text: str, level: str = ERROR, action=None) -> None:
        """An inline message; `action` is an optional (button text, callback) offer beside it."""
        self.message_bar.show_message(text, level, action)

    def notify(self, text: str, timeout_ms: int = 8000) -> None:
        self.status.show_text(text, timeout_ms)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StatusTip:
            # QMainWindow would paint the tip over the whole status bar, store label included.
            self.status.show_tip(event.tip())
            return True
        return super().event(event)

    # -- drag and drop --------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = accept_local_paths(event)
        if paths:
            self.drop_overlay.show_for(len(paths))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        accept_local_paths(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        paths = accept_local_paths(event)
        if paths:
            self.files_dropped.emit(paths)
            if not self.engines.drop_paths(paths):  # an engine's place is shown: its engine takes them
                self.load_paths(paths, from_drop=True)

    @property
    def drop_highlighted(self) -> bool:
        return self.drop_overlay.isVisible()

    # -- look and lifetime ----------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            icons.clear_cache()
            self.actions.refresh_icons()
            self.dock.refresh_icons()
            self.drop_hint.refresh_icons()
        super().changeEvent(event)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel the transfers and wait for every worker (quit, and test teardown); a close then asks nothing."""
        self.quit_guard.release()
        self.watcher.stop()
        self.manager.shutdown(timeout_ms)
        self.engines.shutdown()
        # Every background task of the window and of its views (a registry view's tag details): queued ones are
        # dropped, running ones get the time left. Otherwise deleting a view waits, in its thread pool's
        # destructor, for every queued fetch against a registry that may be gone.
        for runner in [self.tasks, *self.findChildren(TaskRunner)]:
            runner.shutdown(timeout_ms)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.quit_guard.may_close():
            event.ignore()  # refused, or the transfers are being cancelled: it closes once they end
            return
        self.shutdown()
        super().closeEvent(event)
