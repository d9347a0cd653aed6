"""The right-click menu of the image table. Every action has an objectName so tests can trigger it."""

from __future__ import annotations

from functools import partial
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu, QWidget

from gui.counts import counts
from gui.icons import icon
from gui.models.image_rows import ImageRow
from gui.names import format_label
from gui.settings import EXPORT_FORMATS

translate = QCoreApplication.translate


class ImageCommandsLike(Protocol):
    def export(self, rows: list[ImageRow], fmt: str) -> None: ...
    def push(self, row: ImageRow) -> None: ...
    def tag(self, row: ImageRow) -> None: ...
    def remove(self, rows: list[ImageRow]) -> None: ...
    def inspect(self, row: ImageRow) -> None: ...
    def copy_ids(self, rows: list[ImageRow]) -> None: ...
    def copy_names(self, rows: list[ImageRow]) -> None: ...


def export_action_name(fmt: str) -> str:
    return "export_" + fmt.replace("-", "_")


def build_image_menu(parent: QWidget, rows: list[ImageRow], commands: ImageCommandsLike) -> QMenu:
    menu = QMenu(parent)
    menu.setObjectName("imageContextMenu")
    single = len(rows) == 1
    images = {r.record.id for r in rows}

    export = menu.addMenu(icon("export"), translate("ImageMenu", "Export") if single else
                          counts().export_to_one(len(rows)))
    export.setObjectName("export_menu")
    for fmt in EXPORT_FORMATS:
        action = export.addAction(f"{format_label(fmt)}…")
        action.setObjectName(export_action_name(fmt))
        action.triggered.connect(partial(commands.export, rows, fmt))
        if fmt == "docker-dir" and len(images) > 1:
            action.setEnabled(False)
            action.setToolTip(translate("ImageMenu", "A Docker directory holds one image"))
    export.setToolTipsVisible(True)

    push = menu.addAction(icon("push"), translate("ImageMenu", "Push to registry…"))
    push.setObjectName("push")
    push.setEnabled(single)
    if single:
        push.triggered.connect(partial(commands.push, rows[0]))

    copy_to = getattr(commands, "copy_to", None)
    if copy_to is not None:  # the store's images to Podman or Docker (as a drag onto their place does)
        places = menu.addMenu(icon("copy"), translate("ImageMenu", "Copy To"))
        places.setObjectName("copy_to_menu")
        for place, title in (("podman", "Podman"), ("docker", "Docker")):
            action = places.addAction(title)
            action.setObjectName(f"copy_to_{place}")
            action.triggered.connect(partial(copy_to, rows, place))

    tag = menu.addAction(icon("tag"), translate("ImageMenu", "Tag…"))
    tag.setObjectName("tag")
    tag.setEnabled(single)
    if single:
        tag.triggered.connect(partial(commands.tag, rows[0]))

    inspect = menu.addAction(icon("inspect"), translate("ImageMenu", "Inspect"))
    inspect.setObjectName("inspect")
    inspect.setEnabled(single)
    if single:
        inspect.triggered.connect(partial(commands.inspect, rows[0]))

    menu.addSeparator()
    copy_id = menu.addAction(icon("copy"), translate("ImageMenu", "Copy image ID") if single else
                             translate("ImageMenu", "Copy image IDs"))
    copy_id.setObjectName("copy_id")
    copy_id.triggered.connect(partial(commands.copy_ids, rows))
    copy_name = menu.addAction(icon("copy"), translate("ImageMenu", "Copy name") if single else
                               translate("ImageMenu", "Copy names"))
    copy_name.setObjectName("copy_name")
    copy_name.setEnabled(any(r.name for r in rows))
    copy_name.triggered.connect(partial(commands.copy_names, rows))

    menu.addSeparator()
    remove = menu.addAction(icon("remove"), translate("ImageMenu", "Remove") if single else
                            counts().remove_images(len(rows)))
    remove.setObjectName("remove")
    remove.triggered.connect(partial(commands.remove, rows))
    return menu
