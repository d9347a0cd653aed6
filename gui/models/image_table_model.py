"""The image table: a flat QAbstractTableModel over ImageRows, with sort keys for Python-side sorting."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from engine.store import ImageRecord
from gui import humanize
from gui.models.image_rows import NONE, ImageRow, rows_from_records

COL_REPOSITORY, COL_TAG, COL_ID, COL_CREATED, COL_SIZE, COL_PLATFORM = range(6)
HEADERS = (QT_TRANSLATE_NOOP("ImageTableModel", "Repository"), QT_TRANSLATE_NOOP("ImageTableModel", "Tag"),
           QT_TRANSLATE_NOOP("ImageTableModel", "Image ID"), QT_TRANSLATE_NOOP("ImageTableModel", "Created"),
           QT_TRANSLATE_NOOP("ImageTableModel", "Size"), QT_TRANSLATE_NOOP("ImageTableModel", "Platform"))
SortRole = Qt.ItemDataRole.UserRole
RowRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def read_only_flags(index: Index) -> Qt.ItemFlag:
    """Item flags for a read-only view: valid items enabled and selectable, never editable."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ImageTableModel(QAbstractTableModel):
    def __init__(self, parent=None, place: str = "store") -> None:
        super().__init__(parent)
        self.place = place  # where these images are: "store", "podman" or "docker" (for row drags)
        self._rows: list[ImageRow] = []
        self._records: list[ImageRecord] = []
        self._mono: QFont | None = None

    # -- content ------------------------------------------------------------------------------------------------

    def set_records(self, records: list[ImageRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._rows = rows_from_records(self._records)
        self.endResetModel()

    def records(self) -> list[ImageRecord]:
        return list(self._records)

    def row(self, i: int) -> ImageRow:
        return self._rows[i]

    def rows(self) -> list[ImageRow]:
        return list(self._rows)

    # -- Qt model -----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(HEADERS):
            return self.tr(HEADERS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole and \
                section == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = read_only_flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        from gui.models.image_drag import MIME_TYPE

        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802 - rows dragged onto another place (a copy)
        from gui.models.image_drag import image_mime

        rows = sorted({i.row() for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)})
        return image_mime(self.place, [self._rows[r] for r in rows])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SortRole:
            return self._sort_key(row, col)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == COL_ID:
            return self._mono_font()
        if role == Qt.ItemDataRole.ForegroundRole and row.name is None and col in (COL_REPOSITORY, COL_TAG):
            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def _display(self, row: ImageRow, col: int) -> str:
        if col == COL_REPOSITORY:
            return row.repository
        if col == COL_TAG:
            return row.tag
        if col == COL_ID:
            return row.short_id
        if col == COL_CREATED:
            return humanize.relative_time(row.created)
        if col == COL_SIZE:
            return humanize.size(row.record.size)
        return row.platform

    def _sort_key(self, row: ImageRow, col: int) -> tuple:
        # Tuples of Python values: compared in Python by the proxy, never as 32-bit ints in C++.
        unnamed = row.name is None
        if col == COL_REPOSITORY:
            return (unnamed, row.repository, row.tag)
        if col == COL_TAG:
            return (unnamed, row.tag, row.repository)
        if col == COL_ID:
            return (row.record.hex, row.repository)
        if col == COL_CREATED:
            stamp = row.created.timestamp() if row.created else float("-inf")
            return (stamp, row.repository)
        if col == COL_SIZE:
            return (row.record.size, row.repository)
        return (row.platform, row.repository)

    def _tooltip(self, row: ImageRow, col: int) -> str | None:
        if col == COL_CREATED:
            return humanize.full_date(row.created)
        if col == COL_ID:
            return row.record.id
        if col == COL_SIZE:
            return self.tr("{count} bytes").format(count=humanize.number(row.record.size))
        if col == COL_PLATFORM:
            return "\n".join(row.record.platforms) or None
        if col in (COL_REPOSITORY, COL_TAG):
            return row.name or self.tr("This image has no name: right-click → Tag… to give it one")
        return None

    def _mono_font(self) -> QFont:
        if self._mono is None:
            self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return self._mono


__all__ = ["ImageTableModel", "HEADERS", "SortRole", "RowRole", "NONE", "COL_REPOSITORY", "COL_TAG", "COL_ID",
           "COL_CREATED", "COL_SIZE", "COL_PLATFORM"]
