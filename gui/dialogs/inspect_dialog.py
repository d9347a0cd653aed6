"""Inspect one image: overview, layers, history, run config, platforms, and the raw manifest and config."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.dates import format_created
from gui import humanize
from gui.dialogs.common import ERROR_STYLE, alive, setup_dialog
from gui.dialogs.inspect_data import InspectData, collect
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.models.image_rows import ImageRow
from gui.names import familiar


def _table(name: str, headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _json_view(name: str, parent: QWidget) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


class InspectDialog(QDialog):
    def __init__(self, row: ImageRow, store_root: str, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "inspectDialog", f"Inspect {row.label}")
        self.data: InspectData | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inspectTabs")

        self.overview = QWidget(self)
        self.overview_form = QFormLayout(self.overview)
        self.status_label = QLabel("Reading the image…", self.overview)
        self.status_label.setObjectName("inspectStatus")
        self.overview_form.addRow(self.status_label)
        self.layers_table = _table("layersTable", ["Digest", "Size", "Media type"], self)
        self.history_table = _table("historyTable", ["Created", "Created by", "Empty layer", "Comment"], self)
        self.config_table = _table("configTable", ["Setting", "Value"], self)
        self.platforms_table = _table("platformsTable", ["Platform", "Manifest digest", "Size", "Media type"], self)
        self.manifest_view = _json_view("manifestJson", self)
        self.config_view = _json_view("configJson", self)
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self.layers_table, "Layers")
        self.tabs.addTab(self.history_table, "History")
        self.tabs.addTab(self.config_table, "Config")
        self.tabs.addTab(self.platforms_table, "Platforms")
        self.tabs.addTab(self.manifest_view, "Manifest JSON")
        self.tabs.addTab(self.config_view, "Config JSON")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        char = self.fontMetrics().horizontalAdvance("x")
        self.resize(char * 110, self.fontMetrics().height() * 32)
        image_id = row.record.hex
        tasks.run(lambda: collect(store_root, image_id), self._on_data, self._on_error)

    def _on_data(self, data: InspectData) -> None:
        if not alive(self):
            return
        self.data = data
        self.status_label.hide()
        created = format_created(data.created)
        form = self.overview_form
        for label, value in (
            ("Image ID", data.id),
            ("Names", "\n".join(familiar(n) for n in data.names) or "<none>"),
            ("Manifest digest", data.digest),
            ("Media type", data.media_type),
            ("Created", f"{humanize.full_date(created)} ({humanize.relative_time(created)})" if created else
             "unknown"),
            ("Size", f"{humanize.size(data.size)} ({data.size:,} bytes)"),
            ("Platform", ", ".join(p.platform for p in data.platforms) if data.platforms else data.os_arch),
            ("Layers", str(len(data.layers))),
        ):
            text = QLabel(value, self.overview)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setObjectName("overview_" + label.lower().replace(" ", "_"))
            form.addRow(f"{label}:", text)
        _fill(self.layers_table, [[d.digest, humanize.size(d.size), d.media_type] for d in data.layers])
        _fill(self.history_table, [[str(h.get("created", "")), str(h.get("created_by", "")),
                                    "yes" if h.get("empty_layer") else "", str(h.get("comment", ""))]
                                   for h in data.history])
        _fill(self.config_table, config_rows(data.config))
        _fill(self.platforms_table, [[p.platform, p.digest, humanize.size(p.size), p.media_type]
                                     for p in data.platforms])
        self.tabs.setTabEnabled(self.tabs.indexOf(self.platforms_table), bool(data.platforms))
        self.manifest_view.setPlainText(data.manifest_json if not data.index_json else
                                        f"// index\n{data.index_json}\n\n// manifest for {data.os_arch}\n"
                                        f"{data.manifest_json}")
        self.config_view.setPlainText(data.config_json)
        for table in (self.layers_table, self.config_table):
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    def _on_error(self, failure: Failure) -> None:
        if alive(self):
            self.status_label.setText(failure.message)
            self.status_label.setStyleSheet(ERROR_STYLE)

def config_rows(config: dict) -> list[list[str]]:
    """The run settings people look for first, then labels one per row."""
    rows: list[list[str]] = []

    def join(value) -> str:
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    for key, title in (("Entrypoint", "Entrypoint"), ("Cmd", "Command"), ("WorkingDir", "Working directory"),
                       ("User", "User"), ("StopSignal", "Stop signal")):
        if config.get(key):
            rows.append([title, join(config[key])])
    for env in config.get("Env") or []:
        rows.append(["Environment", str(env)])
    for port in (config.get("ExposedPorts") or {}):
        rows.append(["Exposed port", str(port)])
    for volume in (config.get("Volumes") or {}):
        rows.append(["Volume", str(volume)])
    for key, value in sorted((config.get("Labels") or {}).items()):
        rows.append([f"Label {key}", str(value)])
    return rows
