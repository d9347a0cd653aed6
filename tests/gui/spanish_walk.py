"""Open every part of the window in the language of the environment and report visible English.

    LANG=es_ES.UTF-8 QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.spanish_walk

Run by tests/gui/test_spanish_window.py in a process of its own (so the language really comes from LANG),
with HOME, XDG dirs and ESTIBA_STORE pointing into a temporary directory. It opens the main window, every
menu, the image context menu and its Export submenu, the load, export, push, pull, login, tag, inspect,
settings, remove and About dialogs (the file dialogs as Qt's own, not the platform's) and the Transfers panel
after a real load, collects every visible text (labels, buttons, menus, tooltips, placeholders, combo items,
tabs, headers, cells of the item views) and prints JSON: {"checked": N, "english": [[where, text], ...],
"mnemonics": [[where, problem], ...]} (tests/gui/mnemonic_check.py: two widgets of one dialog or menu on
the same Alt+letter, or an "&" shown to the user).

A text counts as English when it is (or fills in) an English source text of estiba_es.ts whose Spanish
differs, or when it holds a word from a list of common English interface words. Data (image names,
digests, paths, platforms) is not language and is left out: tokens with a digit, '/', '.', ':' or '@'.
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from tests.gui import mnemonic_check

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_WORDS = {
    "the", "and", "of", "to", "with", "from", "for", "this", "your", "image", "images", "load", "loading", "pull",
    "push", "cancel", "retry", "done", "failed", "settings", "file", "files", "view", "help", "remove", "export",
    "browse", "close", "save", "open", "name", "size", "created", "layers", "history", "transfer", "transfers",
    "state", "speed", "progress", "user", "password", "log", "login", "logged", "show", "hide", "copy", "inspect",
    "filter", "refresh", "quit", "about", "directory", "folder", "look", "all", "new", "date", "modified", "back",
    "forward", "detail", "details", "list", "yes", "cancelled", "queued", "running", "copying", "drop", "select",
    "platforms", "registry", "tag", "choose", "stored", "store", "default", "language", "compression", "version",
    "licence", "engine", "overview", "value", "setting", "waiting", "already", "there", "left", "time", "insecure",
    "destination", "verify", "certificate", "keyring", "checking", "apply", "cancelling", "clear", "finished",
}
# podman's verbs in parentheses next to the Spanish (the course's vocabulary), and tool/file names
VERB = r"(?:save|load|push|pull|tag)"
# and the keyring library's names for its backends ("SecretService Keyring")
ALLOWED = re.compile(rf"\({VERB}\)|podman (?:{VERB}, )*{VERB} y {VERB}|docker logout|auth\.json|config\.json"
                     r"|\([A-Za-z.]* ?Keyring\)")


def _tokens(text: str) -> list[str]:
    words = []
    for raw in re.split(r"[\s,;()«»“”\"'·…→]+", ALLOWED.sub(" ", text)):
        word = raw.strip("&!?¿¡.:").lower()
        if not word or re.search(r"[\d/.:@_\\]", raw) or "-" in word:
            continue
        words.append(word.replace("&", ""))
    return words


def _source_patterns() -> list[re.Pattern[str]]:
    """English sources (and their English plural forms) whose Spanish differs, as full-match patterns."""
    patterns = []
    root = ET.parse(ROOT / "resources" / "translations" / "estiba_es.ts").getroot()
    for msg in root.iter("message"):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
        if source in forms or not re.sub(r"\{[a-z_]*\}|%n", "", source).strip(" .:·"):
            continue
        variants = {source.replace("(s)", ""), source.replace("(s)", "s"), source} if "(s)" in source else {source}
        for variant in variants:
            plain = variant.replace("&", "")
            body = re.escape(plain)
            body = re.sub(r"\\\{[a-z_]*\\\}", ".+?", body).replace("%n", r"\d[\d,.]*")
            patterns.append(re.compile(body, re.S))
    return patterns


class Walker:
    def __init__(self) -> None:
        self.patterns = _source_patterns()
        self.checked = 0
        self.english: list[tuple[str, str]] = []
        self.seen: set[tuple[str, str]] = set()
        self.mnemonics: list[tuple[str, str]] = []

    def text(self, where: str, text: object) -> None:
        if not isinstance(text, str) or not text:
            return
        plain = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("&", "").strip()
        if not plain or (where, plain) in self.seen:
            return
        self.seen.add((where, plain))
        self.checked += 1
        for line in plain.splitlines():
            line = line.strip()
            if not line:
                continue
            if any(p.fullmatch(line) for p in self.patterns) or set(_tokens(line)) & ENGLISH_WORDS:
                self.english.append((where, line))

    def widget(self, top: QWidget, where: str) -> None:
        self.mnemonics += mnemonic_check.widget_problems(top, where)
        self.text(where + ":title", top.windowTitle())
        for w in [top, *top.findChildren(QWidget)]:
            if not w.isVisibleTo(top) and w is not top:
                continue
            name = f"{where}/{w.objectName() or type(w).__name__}"
            self.text(name + ":tooltip", w.toolTip())
            if isinstance(w, QLabel | QAbstractButton):
                self.text(name, w.text())
            elif isinstance(w, QLineEdit):
                self.text(name + ":placeholder", w.placeholderText())
            elif isinstance(w, QPlainTextEdit):
                self.text(name + ":placeholder", w.placeholderText())
                if w.objectName() == "transferDetails":
                    self.text(name, w.toPlainText())
            elif isinstance(w, QComboBox):
                for i in range(w.count()):
                    self.text(name + f":item{i}", w.itemText(i))
            elif isinstance(w, QTabWidget):
                for i in range(w.count()):
                    self.text(name + f":tab{i}", w.tabText(i))
            elif isinstance(w, QGroupBox):
                self.text(name, w.title())
            elif isinstance(w, QDockWidget):
                self.text(name, w.windowTitle())
            if isinstance(w, QTreeWidget):
                header = w.headerItem()
                for c in range(header.columnCount()):
                    self.text(name + ":header", header.text(c))
            if isinstance(w, QAbstractItemView) and w.model() is not None:
                self.model(w, name)

    def model(self, view: QAbstractItemView, name: str) -> None:
        model = view.model()
        for c in range(model.columnCount()):
            self.text(name + ":header", model.headerData(c, Qt.Orientation.Horizontal))
        data_views = {"layersTable", "historyTable", "platformsTable", "imageTable"}

        def rows(parent: QModelIndex, depth: int) -> None:
            for r in range(min(model.rowCount(parent), 50)):
                for c in range(model.columnCount(parent)):
                    index = model.index(r, c, parent)
                    # the image table and the layer tables hold data; their Created column is words
                    if view.objectName() not in data_views or c == 3 and view.objectName() == "imageTable":
                        self.text(name + ":cell", index.data())
                    if view.objectName() == "configTable" and c > 0:
                        continue
                    self.text(name + ":celltip", index.data(Qt.ItemDataRole.ToolTipRole)
                              if view.objectName() not in data_views else None)
                if depth < 1:
                    rows(model.index(r, 0, parent), depth + 1)

        rows(QModelIndex(), 0)

    def menu(self, menu: QMenu, where: str) -> None:
        self.mnemonics += mnemonic_check.menu_problems(menu, where)
        self.text(where + ":title", menu.title())
        for action in menu.actions():
            if action.isSeparator():
                continue
            self.text(f"{where}/{action.objectName()}", action.text())
            self.text(f"{where}/{action.objectName()}:tooltip", action.toolTip())
            self.text(f"{where}/{action.objectName()}:status", action.statusTip())
            if action.menu() is not None:
                self.menu(action.menu(), f"{where}/{action.objectName()}")


def settle(app: QApplication, until=None, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while True:
        for _ in range(20):
            app.processEvents()
        if until is None or until():
            return
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there")
        time.sleep(0.02)


def main() -> int:
    import tempfile

    from PySide6.QtCore import QSettings

    app = QApplication.instance() or QApplication(sys.argv)
    from engine import operations
    from engine.store import Store, default_root
    from gui.app import configure_application
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from tests.gui.helpers import small_image, write_dir, write_docker_archive

    tmp = Path(tempfile.mkdtemp(prefix="estiba-walk-"))
    settings = AppSettings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    configure_application(app, settings)
    walker = Walker()

    empty = MainWindow(str(tmp / "empty-store"), settings)
    empty.show()
    settle(app, lambda: empty.refresh_count >= 1)
    empty.dock.hide()
    empty.drop_overlay.show_for(2)
    walker.widget(empty, "emptyWindow")
    empty.shutdown()
    empty.close()

    archive = tmp / "alpine.tar"
    write_docker_archive(archive, [(small_image("alpine"), ["docker.io/library/alpine:latest"])])
    write_dir(tmp / "unnamed", small_image("unnamed"))
    store = Store(default_root())
    operations.load(store, str(archive))
    operations.load(store, str(tmp / "unnamed"))

    dialogs: list[tuple[str, QWidget]] = []

    def file_dialog(kind):
        def fake(parent, caption="", directory="", filter="", *args, **kwargs):  # noqa: A002 - Qt's name
            dialog = QFileDialog(parent, caption, directory, filter)
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
            if kind == "save":
                dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            if kind == "dir":
                dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.show()
            settle(app)
            walker.widget(dialog, f"fileDialog({caption})")
            dialog.close()
            return "" if kind == "dir" else ([], "") if kind == "open" else ("", "")
        return fake

    QFileDialog.getOpenFileNames = staticmethod(file_dialog("open"))
    QFileDialog.getSaveFileName = staticmethod(file_dialog("save"))
    QFileDialog.getExistingDirectory = staticmethod(file_dialog("dir"))

    def message_box_exec(box: QMessageBox) -> int:
        box.show()
        settle(app)
        walker.widget(box, "confirmDialog")
        box.close()
        return 0

    QMessageBox.exec = message_box_exec

    window = MainWindow(None, settings)
    window.resize(1180, 720)
    window.show()
    settle(app, lambda: window.refresh_count >= 1 and window.proxy.rowCount() == 2)
    window.table.select_view_rows([0])
    walker.mnemonics += mnemonic_check.menu_problems(window.menuBar(), "menuBar")
    for action in window.menuBar().actions():
        walker.menu(action.menu(), f"menuBar/{action.menu().objectName()}")
    rows = window.selected_rows()
    walker.menu(window.image_context_menu(rows), "contextMenu")
    window.table.select_view_rows([0, 1])
    walker.menu(window.image_context_menu(window.selected_rows()), "contextMenu(2)")
    window.table.select_view_rows([0])
    row = next(r for r in window.model.rows() if r.name)

    window.open_load()
    window.open_load_directory()
    window.commands.export(rows, "oci-archive")
    window.commands.export(rows, "oci-dir")
    window.commands.remove(rows)
    dialogs.append(("pullDialog", window.open_pull()))
    login = window.open_login("localhost:5000")
    settle(app, lambda: login.keyring_works is not None, 30)
    dialogs.append(("loginDialog", login))
    push = window.commands.push(row)
    settle(app, lambda: "<a " in push.login_label.text(), 30)  # the login state came back
    dialogs.append(("pushDialog", push))
    dialogs.append(("tagDialog", window.commands.tag(row)))
    inspect = window.commands.inspect(row)
    settle(app, lambda: inspect.data is not None)
    dialogs.append(("inspectDialog", inspect))
    settings_dialog = window.open_settings()
    dialogs.append(("settingsDialog", settings_dialog))
    dialogs.append(("aboutDialog", window.open_about()))
    settle(app)
    for name, dialog in dialogs:
        walker.widget(dialog, name)
        if isinstance(dialog, QDialog):
            if name == "inspectDialog":
                for i in range(dialog.tabs.count()):
                    dialog.tabs.setCurrentIndex(i)
                    settle(app)
                    walker.widget(dialog, f"{name}[tab {i}]")
            if name == "pullDialog":
                walker.menu(dialog.browse_menu, "pullDialog/browseMenu")
            dialog.close()

    jobs = window.load_paths([str(archive)])
    settle(app, lambda: all(not j.active for j in jobs), 60)
    window.dock.show()
    window.dock.view.expandAll()
    window.dock.select_job(jobs[0])
    window.dock.details_button.click()
    settle(app)
    walker.widget(window, "mainWindow")
    walker.text("statusBar", window.statusBar().currentMessage())
    window.shutdown()

    print(json.dumps({"checked": walker.checked, "english": walker.english, "mnemonics": walker.mnemonics},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
