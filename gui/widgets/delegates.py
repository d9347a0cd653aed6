"""Painted cells for the transfers view: progress bars, and buttons (Cancel / Retry / Show in folder)
that are drawn, not widgets, so hundreds of rows stay cheap."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from gui.jobs import manager as states
from gui.models.transfers_model import ActionRole, ProgressRole, action_text, progress_text

_SCALE = 1000


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(ProgressRole)
        if value is None:
            return super().paint(painter, option, index)
        done, total, state = value
        if state in (states.FAILED, states.CANCELLED) and done == 0:
            return super().paint(painter, option, index)  # nothing moved: no empty bar
        # Draw the selection background first, then the bar inset a little.
        base = QStyleOptionViewItem(option)
        self.initStyleOption(base, index)
        base.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, base, painter, option.widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        bar.minimum = 0
        bar.maximum = _SCALE
        if state == states.DONE and total <= 0:
            bar.progress = _SCALE
        else:
            bar.progress = min(_SCALE, int(done * _SCALE / total)) if total > 0 else 0
        bar.text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        sample = progress_text(999_000_000, 999_000_000)
        return QSize(max(hint.width(), option.fontMetrics.horizontalAdvance(sample) + 16),
                     max(hint.height(), option.fontMetrics.height() + 10))


class ActionDelegate(QStyledItemDelegate):
    """A push button painted in the cell; a click emits `clicked(index)`."""

    clicked = Signal(QModelIndex)

    def _button_rect(self, option: QStyleOptionViewItem, index: QModelIndex) -> QRect:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        width = option.fontMetrics.horizontalAdvance(text) + 20
        rect = option.rect.adjusted(2, 2, -2, -2)
        rect.setWidth(min(rect.width(), width))
        return rect

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        action = index.data(ActionRole)
        base = QStyleOptionViewItem(option)
        self.initStyleOption(base, index)
        base.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, base, painter, option.widget)
        if not action:
            return
        button = QStyleOptionButton()
        button.rect = self._button_rect(option, index)
        button.text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        if option.state & QStyle.StateFlag.State_MouseOver:
            button.state |= QStyle.StateFlag.State_MouseOver
        button.palette = option.palette
        button.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, option.widget)

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and index.data(ActionRole):
            assert isinstance(event, QMouseEvent)
            if event.button() == Qt.MouseButton.LeftButton and \
                    self._button_rect(option, index).contains(event.position().toPoint()):
                self.clicked.emit(index)
                return True
        return super().editorEvent(event, model, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        widest = max((action_text(a) for a in ("cancel", "retry", "show")), key=option.fontMetrics.horizontalAdvance)
        return QSize(option.fontMetrics.horizontalAdvance(widest) + 28, option.fontMetrics.height() + 12)
