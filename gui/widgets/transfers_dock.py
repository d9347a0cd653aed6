"""The transfers dock: every load, export, pull and push with its progress, and what can be done to it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gui import error_text, humanize
from gui.icons import icon
from gui.jobs import manager as states
from gui.jobs.manager import TransferJob, TransferManager
from gui.models.transfers_model import (
    COL_ACTION,
    COL_ETA,
    COL_PROGRESS,
    COL_SPEED,
    COL_STATE,
    COL_TITLE,
    ActionRole,
    TransfersModel,
    progress_text,
    state_text,
)
from gui.widgets.delegates import ActionDelegate, ProgressDelegate

translate = QCoreApplication.translate


class TransfersDock(QDockWidget):
    show_in_folder_requested = Signal(object)  # TransferJob

    def __init__(self, manager: TransferManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transfers"))
        self.setObjectName("transfersDock")
        self.manager = manager
        self.model = TransfersModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("transfersView")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(True)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setMouseTracking(True)
        self.progress_delegate = ProgressDelegate(self.view)
        self.action_delegate = ActionDelegate(self.view)
        self.view.setItemDelegateForColumn(COL_PROGRESS, self.progress_delegate)
        self.view.setItemDelegateForColumn(COL_ACTION, self.action_delegate)
        self.action_delegate.clicked.connect(self._on_action_clicked)
        header = self.view.header()
        header.setStretchLastSection(False)
        fm = self.fontMetrics()
        widths = {COL_PROGRESS: fm.horizontalAdvance(progress_text(999_000_000, 999_000_000)) + 28,
                  COL_SPEED: fm.horizontalAdvance(humanize.speed(999_000_000)) + 16,
                  COL_ETA: fm.horizontalAdvance(humanize.duration(59 * 60 + 59)) + 16,
                  COL_STATE: fm.horizontalAdvance(self.tr("Cancelling…")) + 40,
                  COL_ACTION: fm.horizontalAdvance(self.tr("Show in folder")) + 40}
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_STATE, QHeaderView.ResizeMode.Stretch)  # room for error messages
        header.setSectionResizeMode(COL_ACTION, QHeaderView.ResizeMode.Fixed)

        self.cancel_button = self._tool("cancelButton", "cancel", self.tr("Cancel"), self._cancel_selected)
        self.retry_button = self._tool("retryButton", "retry", self.tr("Retry"), self._retry_selected)
        self.show_button = self._tool("showInFolderButton", "folder", self.tr("Show in folder"), self._show_selected)
        self.details_button = self._tool("detailsButton", "details", self.tr("Details"), self._toggle_details)
        self.details_button.setCheckable(True)
        self.clear_button = self._tool("clearFinishedButton", "clear", self.tr("Clear finished"),
                                       self._clear_finished)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for b in (self.cancel_button, self.retry_button, self.show_button, self.details_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("transferDetails")
        self.details.setReadOnly(True)
        self.details.hide()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter)
        self.setWidget(body)

        manager.job_added.connect(self._on_job_added)
        manager.job_changed.connect(self._on_job_changed)
        manager.jobs_removed.connect(self._on_jobs_removed)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _tool(self, name: str, icon_name: str, text: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setIcon(icon(icon_name))
        button.setText(text)
        button.setToolTip(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def refresh_icons(self) -> None:
        for button, name in ((self.cancel_button, "cancel"), (self.retry_button, "retry"), (self.show_button, "folder"),
                             (self.details_button, "details"), (self.clear_button, "clear")):
            button.setIcon(icon(name))

    # -- selection ----------------------------------------------------------------------------------------------

    def selected_jobs(self) -> list[TransferJob]:
        seen: dict[int, TransferJob] = {}
        for index in self.view.selectionModel().selectedRows():
            job = self.model.job_at(index)
            if job is not None:
                seen.setdefault(job.id, job)
        return list(seen.values())

    def select_job(self, job: TransferJob) -> None:
        index = self.model.index_of(job)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def action_button_pos(self, job: TransferJob) -> QPoint:
        """Where the row's painted button is, in viewport coordinates (tests click there)."""
        rect = self.view.visualRect(self.model.index_of(job, COL_ACTION))
        return QPoint(rect.left() + 12, rect.center().y())

    # -- slots --------------------------------------------------------------------------------------------------

    @Slot(object)
    def _on_job_added(self, job: TransferJob) -> None:
        self.model.add_job(job)
        self.show()
        self.raise_()
        self._update_buttons()

    @Slot(object)
    def _on_job_changed(self, job: TransferJob) -> None:
        self.model.update_job(job)
        self._update_buttons()

    @Slot(object)
    def _on_jobs_removed(self, jobs: list[TransferJob]) -> None:
        self.model.remove_jobs(jobs)
        self._update_buttons()

    @Slot(QModelIndex)
    def _on_action_clicked(self, index: QModelIndex) -> None:
        job = self.model.job_at(index)
        if job is not None:
            self.perform(job, index.data(ActionRole))

    def perform(self, job: TransferJob, action: str | None) -> None:
        if action == "cancel":
            self.manager.cancel(job)
        elif action == "retry":
            self.manager.retry(job)
        elif action == "show":
            self.show_in_folder_requested.emit(job)

    def _cancel_selected(self) -> None:
        for job in self.selected_jobs():
            self.manager.cancel(job)

    def _retry_selected(self) -> None:
        for job in self.selected_jobs():
            self.manager.retry(job)

    def _show_selected(self) -> None:
        for job in self.selected_jobs():
            if job.state == states.DONE and job.spec.output:
                self.show_in_folder_requested.emit(job)
                return

    def _clear_finished(self) -> None:
        self.manager.clear_finished()

    def _toggle_details(self, on: bool) -> None:
        self.details.setVisible(on)
        self._update_details()

    def _update_buttons(self, *args) -> None:  # noqa: ARG002
        jobs = self.selected_jobs()
        self.cancel_button.setEnabled(any(j.active and not j.cancel_requested for j in jobs))
        self.retry_button.setEnabled(any(j.state in (states.FAILED, states.CANCELLED) for j in jobs))
        self.show_button.setEnabled(any(j.state == states.DONE and j.spec.output for j in jobs))
        self.clear_button.setEnabled(any(not j.active for j in self.manager.jobs()))
        self._update_details()

    def _update_details(self) -> None:
        if not self.details.isVisible():
            return
        jobs = self.selected_jobs()
        self.details.setPlainText("\n\n".join(details_text(j) for j in jobs) if jobs else
                                  self.tr("Select a transfer to see its details."))


def details_text(job: TransferJob) -> str:
    moved = progress_text(job.progress.done, job.progress.total) or translate("TransfersDock", "nothing moved yet")
    lines = [job.title, job.spec.summary, translate("TransfersDock", "State: {state}").format(state=state_text(job)),
             translate("TransfersDock", "Progress: {progress}").format(progress=moved)]
    if job.started_at is not None:
        end = job.finished_at or job.started_at
        if job.finished_at:
            lines.append(translate("TransfersDock", "Took {duration}").format(
                duration=humanize.duration(end - job.started_at)))
    if job.progress.blobs:
        lines.append(translate("TransfersDock", "Layers: {count}").format(count=len(job.progress.blobs)))
    if job.attempt > 1:
        lines.append(translate("TransfersDock", "Attempt {number}").format(number=job.attempt))
    if job.failure is not None:
        lines.append(translate("TransfersDock", "Error: {error}").format(error=error_text.message(job.failure)))
        if job.failure.details:
            lines.append(job.failure.details)
    return "\n".join(line for line in lines if line)
