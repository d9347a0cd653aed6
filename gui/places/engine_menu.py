"""The right-click menu of an engine's image table: export in podman's four formats, push to a registry,
copy to another place (Estiba's store, the other engine), tag, copy the ID or name, remove. Every action has
an objectName so tests can trigger it."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu, QWidget

from gui.counts import counts
from gui.icons import icon
from gui.models.image_rows import ImageRow
from gui.names import format_label
from gui.settings import EXPORT_FORMATS
from gui.widgets.image_menu import export_action_name

translate = QCoreApplication.translate
PLACES = ("store", "podman", "docker")


def place_name(place: str) -> str:
    return {"podman": "Podman", "docker": "Docker"}.get(place) or translate("EngineMenu", "Estiba's Store")


def build_engine_menu(parent: QWidget, kind: str, rows: list[ImageRow], commands) -> QMenu:
    menu = QMenu(parent)
    menu.setObjectName("engineImageMenu")
    single = len(rows) == 1
    one_image = len({r.record.id for r in rows}) == 1

    export = menu.addMenu(icon("export"), translate("EngineMenu", "Export"))
    export.setObjectName("export_menu")
    export.setEnabled(one_image)
    for fmt in EXPORT_FORMATS:
        action = export.addAction(f"{format_label(fmt)}…")
        action.setObjectName(export_action_name(fmt))
        action.triggered.connect(partial(commands.export, rows[:1], fmt))

    push = menu.addAction(icon("push"), translate("EngineMenu", "Push to Registry…"))
    push.setObjectName("push")
    push.setEnabled(single)
    if single:
        push.triggered.connect(partial(commands.push, rows[0]))

    copy_to = menu.addMenu(icon("copy"), translate("EngineMenu", "Copy To"))
    copy_to.setObjectName("copy_to_menu")
    for place in PLACES:
        if place != kind:
            action = copy_to.addAction(place_name(place))
            action.setObjectName(f"copy_to_{place}")
            action.triggered.connect(partial(commands.copy_to, rows, place))

    tag = menu.addAction(icon("tag"), translate("EngineMenu", "Tag…"))
    tag.setObjectName("tag")
    tag.setEnabled(single)
    if single:
        tag.triggered.connect(partial(commands.tag, rows[0]))

    menu.addSeparator()
    copy_id = menu.addAction(icon("copy"), translate("EngineMenu", "Copy Image ID"))
    copy_id.setObjectName("copy_id")
    copy_id.triggered.connect(partial(commands.copy_ids, rows))
    copy_name = menu.addAction(icon("copy"), translate("EngineMenu", "Copy Name"))
    copy_name.setObjectName("copy_name")
    copy_name.setEnabled(any(r.name for r in rows))
    copy_name.triggered.connect(partial(commands.copy_names, rows))

    menu.addSeparator()
    remove = menu.addAction(icon("remove"), translate("EngineMenu", "Remove") if single else
                            counts().remove_images(len(rows)))
    remove.setObjectName("remove")
    remove.triggered.connect(partial(commands.remove, rows))
    return menu
