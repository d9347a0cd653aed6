"""The main window's toolbar and menu bar, and what each window action does when triggered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QSizePolicy, QToolBar, QWidget

from gui import icons

if TYPE_CHECKING:
    from gui.main_window import MainWindow



class WindowMenus(QObject):
    """Builds the toolbar and menus of `window` from its WindowActions and connects the actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.toolbar = self._build_toolbar()
        self._build_menus()
        self._connect_actions()

    def _build_toolbar(self) -> QToolBar:
        w = self.window
        bar = QToolBar(QCoreApplication.translate("MainWindow", "Main"), w)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a = w.actions
        for action in (a.load, a.pull, a.login, a.refresh, a.settings):
            bar.addAction(action)
            bar.widgetForAction(action).setObjectName(action.objectName().replace("Action", "Button"))
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(w.filter_edit)
        w.addToolBar(bar)
        return bar

    def _build_menus(self) -> None:
        w = self.window
        a = w.actions
        menu_bar = w.menuBar()
        file_menu = menu_bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
        file_menu.setObjectName("fileMenu")
        file_menu.addActions([a.load, a.load_directory, a.pull])
        file_menu.addSeparator()
        file_menu.addActions([a.prune, a.settings])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        image_menu = menu_bar.addMenu(QCoreApplication.translate("MainWindow", "&Image"))
        image_menu.setObjectName("imageMenu")
        image_menu.addActions([a.export_default, a.push, a.tag, a.inspect, a.copy_id])
        image_menu.addSeparator()
        image_menu.addAction(a.remove)
        registry_menu = menu_bar.addMenu(QCoreApplication.translate("MainWindow", "&Registry"))
        registry_menu.setObjectName("registryMenu")
        registry_menu.addActions([a.login, a.browse_registry])
        view_menu = menu_bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
        view_menu.setObjectName("viewMenu")
        view_menu.addActions([a.refresh, a.filter])
        toggle = w.dock.toggleViewAction()
        toggle.setObjectName("transfersToggleAction")
        toggle.setIcon(icons.icon("transfers"))
        toggle.setShortcut("Ctrl+J")
        view_menu.addAction(toggle)
        help_menu = menu_bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(a.about)

    def _connect_actions(self) -> None:
        w = self.window
        a = w.actions
        a.load.triggered.connect(w.open_load)
        a.load_directory.triggered.connect(w.open_load_directory)
        a.pull.triggered.connect(w.open_pull)
        a.login.triggered.connect(lambda: w.open_login())
        a.browse_registry.triggered.connect(lambda: w.open_registry_browser())
        a.refresh.triggered.connect(lambda: w.engines.refresh_shown() or w.refresh())
        a.settings.triggered.connect(w.open_settings)
        a.filter.triggered.connect(w.focus_filter)
        a.quit.triggered.connect(w.close)
        a.about.triggered.connect(w.open_about)
        a.prune.triggered.connect(w.commands.prune)
        # While Podman or Docker is shown, the Image menu acts on its table (gui/window_engines.py).
        a.export_default.triggered.connect(lambda: w.engines.run_image_action("export") or
                                           w.commands.export(w.selected_rows(), w.settings.export_format))
        a.push.triggered.connect(lambda: w.engines.run_image_action("push") or w.on_single(w.commands.push))
        a.tag.triggered.connect(lambda: w.engines.run_image_action("tag") or w.on_single(w.commands.tag))
        a.inspect.triggered.connect(lambda: w.engines.shown() is not None or w.on_single(w.commands.inspect))
        a.copy_id.triggered.connect(lambda: w.engines.run_image_action("copy_id") or
                                    w.commands.copy_ids(w.selected_rows()))
        a.remove.triggered.connect(lambda: w.engines.run_image_action("remove") or w.commands.remove(w.selected_rows()))
