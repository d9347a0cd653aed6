"""Registry -> Browse Registry… (Ctrl+Shift+B): a window around the same RegistryView the places list shows
(gui/places/registry_view.py), with a field to open any registry by name. Kept for the menu and the shortcut;
the view holds every widget and action, so this module only forwards to it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from gui.places.registry_view import (  # noqa: F401 - re-exported for callers of the window
    COL_CREATED,
    COL_DIGEST,
    COL_LABELS,
    COL_PLATFORMS,
    COL_SIZE,
    COL_TAG,
    DETAIL_BATCH,
    SESSION_CACHE,
    RegistryView,
)
from gui.settings import AppSettings


class RegistryBrowser(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None, registry: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("registryBrowser")
        self.setWindowTitle(self.tr("Browse a registry"))
        self.view = RegistryView(settings, self, registry, store_root=getattr(parent, "store_root", ""),
                                 registry_field=True)
        QVBoxLayout(self).addWidget(self.view)
        places = getattr(parent, "places", None)
        if places is not None:  # a registry opened here becomes a place of the window's list
            self.view.repos_shown.connect(places.refresh_registries)
            self.view.places_provider = places.model.places  # "Copy to" offers the window's places
        char, line = self.fontMetrics().horizontalAdvance("x"), self.fontMetrics().height()
        self.resize(char * 130, line * 36)

    def __getattr__(self, name: str):
        # Only reached for names the dialog lacks: the view's widgets, signals and actions.
        view = self.__dict__.get("view") if "view" in self.__dict__ else None
        if view is None:
            raise AttributeError(name)
        return getattr(view, name)

    def done(self, result: int) -> None:  # noqa: D401 - QDialog.done
        self.view.stop()  # results still on their way are dropped
        super().done(result)
