"""Estiba's own store as a place: its view is the window's image table (or the drop hint when it is empty),
and files dropped on it are loaded into the store."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from gui import icons
from gui.places.place import STORE, Place


class StorePlace(Place):
    kind = STORE

    def __init__(self, window, table_page: QWidget) -> None:
        super().__init__("store", window)
        self.window = window
        self.table_page = table_page

    def title(self) -> str:
        return self.tr("Estiba's store")

    def icon(self) -> QIcon:
        return icons.icon("image")

    def make_view(self, parent: QWidget) -> QWidget:  # noqa: ARG002 - the page already exists
        return self.table_page

    def accepts_drops(self) -> bool:
        return True

    def drop(self, paths: list[str]) -> None:
        self.window.load_paths(paths)

    def accepts_images(self, dragged) -> bool:
        return dragged.place != "store"

    def drop_images(self, dragged) -> None:
        self.window.engines.copy_images(dragged, "store")
