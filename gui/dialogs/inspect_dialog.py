"""Inspect one image: overview, layers, history, run config, platforms, and the raw manifest and config."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
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
from gui import error_text, humanize
from gui.dialogs.common import ERROR_STYLE, alive, setup_dialog
from gui.dialogs.inspect_data import InspectData, collect
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.models.image_rows import ImageRow
from gui.names import familiar

translate = QCoreApplication.translate


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
        setup_dialog(self, "inspectDialog", self.tr("Inspect {image}").format(image=row.label))
        self.data: InspectData | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inspectTabs")

        self.overview = QWidget(self)
        self.overview_form = QFormLayout(self.overview)
        self.status_label = QLabel(self.tr("Reading the image…"), self.overview)
        self.status_label.setObjectName("inspectStatus")
        self.overview_form.addRow(self.status_label)
        self.layers_table = _table("layersTable", [self.tr("Digest"), self.tr("Size"), self.tr("Media type")], self)
        self.history_table = _table("historyTable", [self.tr("Created"), self.tr("Created by"), self.tr("Empty layer"),
                                                     self.tr("Comment")], self)
        self.config_table = _table("configTable", [self.tr("Setting"), self.tr("Value")], self)
        self.platforms_table = _table("platformsTable", [self.tr("Platform"), self.tr("Manifest digest"),
                                                         self.tr("Size"), self.tr("Media type")], self)
        self.manifest_view = _json_view("manifestJson", self)
        self.config_view = _json_view("configJson", self)
        self.tabs.addTab(self.overview, self.tr("Overview"))
        self.tabs.addTab(self.layers_table, self.tr("Layers"))
        self.tabs.addTab(self.history_table, self.tr("History"))
        self.tabs.addTab(self.config_table, self.tr("Config"))
        self.tabs.addTab(self.platforms_table, self.tr("Platforms"))
        self.tabs.addTab(self.manifest_view, self.tr("Manifest JSON"))
        self.tabs.addTab(self.config_view, self.tr("Config JSON"))

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
        for name, label, value in (
            ("image_id", self.tr("Image ID:"), data.id),
            ("names", self.tr("Names:"), "\n".join(familiar(n) for n in data.names) or "<none>"),
            ("manifest_digest", self.tr("Manifest digest:"), data.digest),
            ("media_type", self.tr("Media type:"), data.media_type),
            ("created", self.tr("Created:"), f"{humanize.full_date(created)} ({humanize.relative_time(created)})"
             if created else humanize.unknown()),
            ("size", self.tr("Size:"), self.tr("{size} ({count} bytes)").format(
                size=humanize.size(data.size), count=humanize.number(data.size))),
            ("platform", self.tr("Platform:"), ", ".join(p.platform for p in data.platforms) if data.platforms
             else data.os_arch),
            ("layers", self.tr("Layers:"), humanize.number(len(data.layers))),
        ):
            text = QLabel(value, self.overview)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setObjectName("overview_" + name)
            form.addRow(label, text)
        _fill(self.layers_table, [[d.digest, humanize.size(d.size), d.media_type] for d in data.layers])
        _fill(self.history_table, [[str(h.get("created", "")), str(h.get("created_by", "")),
                                    self.tr("yes") if h.get("empty_layer") else "", str(h.get("comment", ""))]
                                   for h in data.history])
        _fill(self.config_table, config_rows(data.config))
        _fill(self.platforms_table, [[p.platform, p.digest, humanize.size(p.size), p.media_type]
                                     for p in data.platforms])
        self.tabs.setTabEnabled(self.tabs.indexOf(self.platforms_table), bool(data.platforms))
        self.manifest_view.setPlainText(data.manifest_json if not data.index_json else
                                        "// index\n{index}\n\n// {title}\n{manifest}".format(
                                            index=data.index_json, manifest=data.manifest_json,
                                            title=self.tr("manifest for {platform}").format(platform=data.os_arch)))
        self.config_view.setPlainText(data.config_json)
        for table in (self.layers_table, self.config_table):
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    def _on_error(self, failure: Failure) -> None:
        if alive(self):
            self.status_label.setText(error_text.message(failure))
            self.status_label.setStyleSheet(ERROR_STYLE)

def config_rows(config: dict) -> list[list[str]]:
    """The run settings people look for first, then labels one per row."""
    rows: list[list[str]] = []

    def join(value) -> str:
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)

    for key, title in (("Entrypoint", translate("InspectDialog", "Entrypoint")),
                       ("Cmd", translate("InspectDialog", "Command")),
                       ("WorkingDir", translate("InspectDialog", "Working directory")),
                       ("User", translate("InspectDialog", "User")),
                       ("StopSignal", translate("InspectDialog", "Stop signal"))):
        if config.get(key):
            rows.append([title, join(config[key])])
    for env in config.get("Env") or []:
        rows.append([translate("InspectDialog", "Environment"), str(env)])
    for port in (config.get("ExposedPorts") or {}):
        rows.append([translate("InspectDialog", "Exposed port"), str(port)])
    for volume in (config.get("Volumes") or {}):
        rows.append([translate("InspectDialog", "Volume"), str(volume)])
    for key, value in sorted((config.get("Labels") or {}).items()):
        rows.append([translate("InspectDialog", "Label {key}").format(key=key), str(value)])
    return rows
