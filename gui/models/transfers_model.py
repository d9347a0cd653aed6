"""The transfers list as a tree: one row per job, one child row per layer (blob) of that job.

Job rows are identified by internalId 0, child rows by their job's id, so indexes survive rows being
cleared. Progress updates emit dataChanged for one row (and insert children as layers appear); the
model is never reset on progress.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractItemModel, QCoreApplication, QModelIndex, Qt

from engine import progress as ev
from gui import error_text, humanize
from gui.icons import icon
from gui.jobs import manager as states
from gui.jobs.manager import TransferJob
from gui.jobs.progress_state import DONE, SKIPPED, BlobProgress
from gui.models.image_table_model import Index, read_only_flags

COL_TITLE, COL_PROGRESS, COL_SPEED, COL_ETA, COL_STATE, COL_ACTION = range(6)
HEADERS = (QT_TRANSLATE_NOOP("TransfersModel", "Transfer"), QT_TRANSLATE_NOOP("TransfersModel", "Progress"),
           QT_TRANSLATE_NOOP("TransfersModel", "Speed"), QT_TRANSLATE_NOOP("TransfersModel", "Time left"),
           QT_TRANSLATE_NOOP("TransfersModel", "State"), "")
translate = QCoreApplication.translate
ProgressRole = Qt.ItemDataRole.UserRole + 10  # (done, total, state)
JobRole = Qt.ItemDataRole.UserRole + 11
ActionRole = Qt.ItemDataRole.UserRole + 12  # "cancel" | "retry" | "show" | None

STATE_TEXT = {states.QUEUED: QT_TRANSLATE_NOOP("TransfersModel", "Queued"),
              states.RUNNING: QT_TRANSLATE_NOOP("TransfersModel", "Running"),
              states.DONE: QT_TRANSLATE_NOOP("TransfersModel", "Done"),
              states.FAILED: QT_TRANSLATE_NOOP("TransfersModel", "Failed"),
              states.CANCELLED: QT_TRANSLATE_NOOP("TransfersModel", "Cancelled")}
KIND_ICONS = {"load": "load", "save": "export", "pull": "pull", "push": "push"}
STATE_ICONS = {states.DONE: "done", states.FAILED: "error", states.CANCELLED: "cancel"}
# Phases that are not a layer's copy (engine/progress.py): a .tar.gz decompressed before its layers are read
PHASE_TEXT = {ev.DECOMPRESSING: QT_TRANSLATE_NOOP("TransfersModel", "Decompressing"),
              ev.READING: QT_TRANSLATE_NOOP("TransfersModel", "Reading")}
ACTION_TEXT = {"cancel": QT_TRANSLATE_NOOP("TransfersModel", "Cancel"),
               "retry": QT_TRANSLATE_NOOP("TransfersModel", "Retry"),
               "show": QT_TRANSLATE_NOOP("TransfersModel", "Show in folder")}


def _tr(text: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP above, in the user's language."""
    return QCoreApplication.translate("TransfersModel", text)


def action_text(action: str) -> str:
    """The painted button's label for "cancel", "retry" or "show"."""
    return _tr(ACTION_TEXT[action])


def action_for(job: TransferJob) -> str | None:
    if job.active:
        return None if job.cancel_requested else "cancel"
    if job.state in (states.FAILED, states.CANCELLED):
        return "retry"
    if job.state == states.DONE and job.spec.output:
        return "show"
    return None


def state_text(job: TransferJob) -> str:
    if job.active and job.cancel_requested:
        return translate("TransfersModel", "Cancelling…")
    if job.state == states.FAILED and job.failure is not None:
        return translate("TransfersModel", "Failed: {error}").format(error=error_text.message(job.failure))
    return _tr(STATE_TEXT[job.state])


def progress_text(done: int, total: int, state: str | None = None) -> str:
    if state == states.QUEUED and not done:
        return translate("TransfersModel", "Waiting for a free slot")
    if total <= 0:
        return humanize.size(done) if done else ""
    pct = min(100, int(done * 100 / total))
    return translate("TransfersModel", "{percent}% · {done} of {total}").format(
        percent=pct, done=humanize.size(done), total=humanize.size(total))


class TransfersModel(QAbstractItemModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._jobs: list[TransferJob] = []
        self._children: dict[int, int] = {}  # job id -> child rows announced to views

    # -- content ------------------------------------------------------------------------------------------------

    def jobs(self) -> list[TransferJob]:
        return list(self._jobs)

    def job_at(self, index: Index) -> TransferJob | None:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._jobs[index.row()] if index.row() < len(self._jobs) else None
        return self._job_by_id(index.internalId())

    def index_of(self, job: TransferJob, column: int = 0) -> QModelIndex:
        row = self._row_of(job.id)
        return QModelIndex() if row is None else self.index(row, column)

    def add_job(self, job: TransferJob) -> None:
        row = len(self._jobs)
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.append(job)
        self._children[job.id] = 0
        self.endInsertRows()
        self.update_job(job)

    def update_job(self, job: TransferJob) -> None:
        row = self._row_of(job.id)
        if row is None:
            return
        parent = self.index(row, 0)
        want, have = len(job.progress.blobs), self._children.get(job.id, 0)
        if want > have:
            self.beginInsertRows(parent, have, want - 1)
            self._children[job.id] = want
            self.endInsertRows()
        elif want < have:  # a retry starts from no layers
            self.beginRemoveRows(parent, want, have - 1)
            self._children[job.id] = want
            self.endRemoveRows()
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        if want:
            self.dataChanged.emit(self.index(0, 0, parent), self.index(want - 1, len(HEADERS) - 1, parent))

    def remove_jobs(self, jobs: list[TransferJob]) -> None:
        for job in jobs:
            row = self._row_of(job.id)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._jobs[row]
            self._children.pop(job.id, None)
            self.endRemoveRows()

    # -- Qt model -----------------------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._jobs) else QModelIndex()
        if parent.internalId() != 0 or parent.row() >= len(self._jobs):
            return QModelIndex()
        job = self._jobs[parent.row()]
        if row >= self._children.get(job.id, 0):
            return QModelIndex()
        return self.createIndex(row, column, job.id)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        row = self._row_of(index.internalId())
        return QModelIndex() if row is None else self.createIndex(row, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._jobs)
        if parent.internalId() != 0 or parent.column() != 0 or parent.row() >= len(self._jobs):
            return 0
        return self._children.get(self._jobs[parent.row()].id, 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(HEADERS):
            return _tr(HEADERS[section]) if HEADERS[section] else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_flags(index)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if index.row() >= len(self._jobs):
                return None
            return self._job_data(self._jobs[index.row()], index.column(), role)
        job = self._job_by_id(index.internalId())
        if job is None or index.row() >= len(job.progress.blobs):
            return None
        return self._blob_data(job, job.progress.blobs[index.row()], index.column(), role)

    def _job_data(self, job: TransferJob, col: int, role: int):
        if role == JobRole:
            return job
        snap = job.progress
        if role == ProgressRole and col == COL_PROGRESS:
            return (snap.done, snap.total, job.state)
        if role == ActionRole and col == COL_ACTION:
            return action_for(job)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TITLE:
                return job.title
            if col == COL_PROGRESS:
                return progress_text(snap.done, snap.total, job.state)
            if col == COL_SPEED:
                if job.state == states.RUNNING and snap.waiting:
                    return QCoreApplication.translate("TransfersModel", "waiting for %1").replace("%1",
                                                                                                snap.waiting)
                return humanize.speed(snap.speed) if job.state == states.RUNNING and snap.speed > 0 else ""
            if col == COL_ETA:
                return humanize.duration(snap.eta) if job.state == states.RUNNING and snap.eta is not None else ""
            if col == COL_STATE:
                return state_text(job)
            if col == COL_ACTION:
                action = action_for(job)
                return _tr(ACTION_TEXT[action]) if action else ""
        if role == Qt.ItemDataRole.DecorationRole:
            if col == COL_TITLE:
                return icon(KIND_ICONS.get(job.spec.kind, "transfers"))
            if col == COL_STATE and job.state in STATE_ICONS:
                return icon(STATE_ICONS[job.state])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_STATE and job.failure is not None:
                return error_text.message(job.failure)
            return job.spec.summary or job.title
        return None

    def _blob_data(self, job: TransferJob, blob: BlobProgress, col: int, role: int):
        if role == JobRole:
            return job
        if role == ProgressRole and col == COL_PROGRESS:
            return (blob.done, blob.total, job.state)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TITLE:
                if ":" not in blob.blob:
                    return blob.blob
                return translate("TransfersModel", "Layer {digest}").format(digest=blob.blob.split(":", 1)[-1][:12])
            if col == COL_PROGRESS:
                return progress_text(blob.done, blob.total)
            if col == COL_STATE:
                if blob.state == SKIPPED:
                    return translate("TransfersModel", "Already there")
                if blob.state == DONE:
                    return _tr(STATE_TEXT[states.DONE])
                if job.state != states.RUNNING:
                    return _tr(STATE_TEXT[job.state])
                if blob.phase in PHASE_TEXT:
                    return _tr(PHASE_TEXT[blob.phase])
                return translate("TransfersModel", "Copying")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TITLE:
            return blob.blob
        return None

    # -- helpers ------------------------------------------------------------------------------------------------

    def _row_of(self, job_id: int) -> int | None:
        for i, job in enumerate(self._jobs):
            if job.id == job_id:
                return i
        return None

    def _job_by_id(self, job_id: int) -> TransferJob | None:
        row = self._row_of(job_id)
        return None if row is None else self._jobs[row]
