"""The main window's actions (toolbar, menus, shortcuts), each with an objectName and an icon."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from gui.icons import icon

translate = QCoreApplication.translate


class WindowActions:
    def __init__(self, parent: QWidget) -> None:
        def make(name: str, text: str, icon_name: str | None, shortcut=None, tip: str = "") -> QAction:
            action = QAction(text, parent)
            action.setObjectName(name)
            action.setProperty("iconName", icon_name)
            if icon_name:
                action.setIcon(icon(icon_name))
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setToolTip(tip)
                action.setStatusTip(tip)
            return action

        self.load = make("loadAction", translate("Actions", "&Load…"), "load", "Ctrl+O",
                         translate("Actions", "Load image archives into the store (Ctrl+O)"))
        self.load_directory = make("loadDirectoryAction", translate("Actions", "Load &Directory…"), "load-folder",
                                   "Ctrl+Shift+O", translate("Actions", "Load an OCI layout or dir: directory"))
        self.pull = make("pullAction", translate("Actions", "&Pull…"), "pull", "Ctrl+P",
                         translate("Actions", "Pull an image from a registry or a file (Ctrl+P)"))
        self.login = make("loginAction", translate("Actions", "Log &In…"), "login", "Ctrl+L",
                          translate("Actions", "Log in to a registry (Ctrl+L)"))
        self.browse_registry = make("browseRegistryAction", translate("Actions", "&Browse Registry…"), "pull",
                                    "Ctrl+Shift+B", translate("Actions",
                                                              "See a registry's repositories and tags (Ctrl+Shift+B)"))
        self.refresh = make("refreshAction", translate("Actions", "&Refresh"), "refresh",
                            QKeySequence.StandardKey.Refresh,
                            translate("Actions", "Reload the image list (F5)"))
        if self.refresh.shortcut() != QKeySequence("F5"):
            self.refresh.setShortcuts([QKeySequence("F5"), self.refresh.shortcut()])
        self.settings = make("settingsAction", translate("Actions", "&Settings…"), "settings",
                             QKeySequence.StandardKey.Preferences,
                             translate("Actions", "Store location, parallel transfers, defaults"))
        self.filter = make("filterAction", translate("Actions", "&Filter"), "filter", "Ctrl+F",
                           translate("Actions", "Filter the image list (Ctrl+F)"))
        self.quit = make("quitAction", translate("Actions", "&Quit"), "quit", QKeySequence.StandardKey.Quit)
        if self.quit.shortcut().isEmpty():  # platforms without a standard Quit key (offscreen, bare X11)
            self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.about = make("aboutAction", translate("Actions", "&About Estiba"), "about")
        self.prune = make("pruneAction", translate("Actions", "&Free Disk Space"), "clear", None,
                          translate("Actions", "Delete the layers and other files that no image in the store uses "
                                               "any more"))

        self.export_default = make("exportAction", translate("Actions", "&Export…"), "export", "Ctrl+E",
                                   translate("Actions",
                                             "Export the selected images in the default format (Ctrl+E)"))
        self.push = make("pushAction", translate("Actions", "P&ush to Registry…"), "push", "Ctrl+Shift+U")
        self.tag = make("tagAction", translate("Actions", "&Tag…"), "tag", "Ctrl+T")
        self.inspect = make("inspectAction", translate("Actions", "&Inspect"), "inspect", "Ctrl+I")
        self.copy_id = make("copyIdAction", translate("Actions", "&Copy Image ID"), "copy", "Ctrl+Shift+C")
        self.remove = make("removeAction", translate("Actions", "&Remove"), "remove",
                           QKeySequence.StandardKey.Delete,
                           translate("Actions", "Remove the selected images (Del)"))
        # Del belongs to the table: in the filter box it must still delete characters.
        self.remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.image_actions = [self.export_default, self.push, self.tag, self.inspect, self.copy_id, self.remove]

    def all(self) -> list[QAction]:
        return [self.load, self.load_directory, self.pull, self.login, self.browse_registry, self.refresh,
                self.settings, self.filter, self.quit, self.about, self.prune, *self.image_actions]

    def refresh_icons(self) -> None:
        for action in self.all():
            name = action.property("iconName")
            if name:
                action.setIcon(icon(name))
