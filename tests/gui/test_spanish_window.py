"""Starting Estiba with LANG=es_ES.UTF-8 shows the whole window in Spanish: the main window, every menu, the
context menu, the load, export, push, pull, login, tag, inspect, settings, remove and About dialogs, Qt's
file dialog and the Transfers panel after a real load. tests/gui/spanish_walk.py opens them in a process of
its own and lists every visible text that is still English."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.gui.desktop_helpers import ROOT, isolated_env


def walk(tmp_path, lang: str) -> dict:
    env = isolated_env(tmp_path, LANG=lang)
    run = subprocess.run([sys.executable, "-m", "tests.gui.spanish_walk"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def walks(tmp_path_factory):
    """walks(lang): the walk in that language, run once for this module's tests (a walk takes a while)."""
    done: dict[str, dict] = {}

    def get(lang: str) -> dict:
        if lang not in done:
            done[lang] = walk(tmp_path_factory.mktemp("walk"), lang)
        return done[lang]

    return get


def test_the_window_in_spanish_shows_no_english(walks):
    result = walks("es_ES.UTF-8")
    assert result["checked"] > 400  # it really looked at the window, its menus and dialogs
    assert result["english"] == [], "\n".join(f"{where}: {text}" for where, text in result["english"])


def test_the_same_walk_in_english_finds_english(walks):
    """The walk can fail: with LANG=C.UTF-8 it reports the English texts (menus, dialogs, Qt's buttons)."""
    result = walks("C.UTF-8")
    found = {text for _where, text in result["english"]}
    assert {"No images yet", "Pull an image", "Transfers", "Cancel"} <= found


@pytest.mark.parametrize("lang", ["C.UTF-8", "es_ES.UTF-8"], ids=["english", "spanish"])
def test_no_dialog_or_menu_has_two_alt_letters_alike_or_shows_an_ampersand(walks, lang):
    """Issue 10 item 11: Settings had "&Layers in parallel:" and "&Language:" on Alt+L (in Spanish "Registros
    &inseguros:" and "&Idioma:" on Alt+I). The walk checks every dialog it opens (Pull, Push, Login, Tag,
    Settings, Inspect and its tabs, About, the export, load and remove questions, Qt's file dialogs), the menus
    and the window: no two widgets of one dialog share a mnemonic, and no "&" is shown as text."""
    result = walks(lang)
    assert result["mnemonics"] == [], "\n".join(f"{where}: {problem}" for where, problem in result["mnemonics"])


def test_the_mnemonic_check_finds_a_duplicate_and_a_literal_ampersand(qapp):
    """The check itself can fail: two labels on Alt+L, a label without a buddy showing "&"."""
    from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit

    from tests.gui.mnemonic_check import widget_problems

    dialog = QDialog()
    form = QFormLayout(dialog)
    form.addRow("&Layers:", QLineEdit(dialog))
    form.addRow("&Language:", QLineEdit(dialog))
    form.addRow(QLabel("&Image:", dialog))
    form.addRow(QLabel("Tom && Jerry, R & D", dialog))
    dialog.show()
    problems = [problem for _where, problem in widget_problems(dialog, "d")]
    dialog.close()
    assert len(problems) == 2, problems
    assert any("Alt+L" in p and "&Layers:" in p and "&Language:" in p for p in problems), problems
    assert any("'&Image:'" in p and "without a buddy" in p for p in problems), problems


def _walker():
    """spanish_walk's Walker, which also reads list views (the browser's repositories): their models'
    columnCount() wants a parent index."""
    from PySide6.QtCore import QAbstractListModel, Qt

    from tests.gui.spanish_walk import Walker

    class ListWalker(Walker):
        def model(self, view, name: str) -> None:
            model = view.model()
            if not isinstance(model, QAbstractListModel):
                super().model(view, name)
                return
            for r in range(min(model.rowCount(), 50)):
                self.text(name + ":cell", model.index(r, 0).data())
                self.text(name + ":celltip", model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole))

    return ListWalker()


def registry_walk(host: str) -> int:
    """In a process of its own (LANG from the environment): Registry -> Browse Registry… on a REAL loopback
    docker-registry holding team/app:v1 (repositories, tags with details, the copy, mirror and delete
    questions, the inspection's tabs, a copy's transfer), then the pull dialog's missing-tag warning. Prints
    tests/gui/spanish_walk.py's JSON."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox, QTabWidget

    from gui import pull_completion, registry_browser, registry_jobs
    from gui.app import configure_application
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from tests.gui.spanish_walk import settle

    app = QApplication.instance() or QApplication(sys.argv)
    settings = AppSettings(QSettings(os.path.join(os.environ["HOME"], "walk.ini"), QSettings.Format.IniFormat))
    configure_application(app, settings)
    walker = _walker()
    window = MainWindow(None, settings)
    window.show()
    settle(app, lambda: window.refresh_count >= 1)

    answers = {"copy": f"{host}/team/copy:v1", "mirror": None}

    def ask_text(parent, title, label, default=""):
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(default)
        dialog.show()
        settle(app)
        kind = "copy" if default else "mirror"
        walker.widget(dialog, f"registryBrowser/{kind}Question")
        dialog.close()
        return answers[kind]

    def message_box_exec(box: QMessageBox) -> int:
        box.show()
        settle(app)
        walker.widget(box, "registryBrowser/deleteQuestion")
        box.close()  # Cancel: nothing is deleted
        return 0

    registry_jobs.ask_text = ask_text
    QMessageBox.exec = message_box_exec

    registry_menu = window.findChild(QMenu, "registryMenu")
    walker.menu(registry_menu, "menuBar/registryMenu")
    action = next(a for a in registry_menu.actions() if a.objectName() == "browseRegistryAction")
    action.trigger()
    settle(app, lambda: window.findChild(registry_browser.RegistryBrowser) is not None)
    browser = window.findChild(registry_browser.RegistryBrowser)
    walker.widget(browser, "registryBrowser(empty)")
    browser.open_registry()  # nothing typed yet: it says so
    walker.widget(browser, "registryBrowser(no registry)")
    browser.registry_combo.setEditText(host)
    browser.open_button.click()
    settle(app, lambda: browser.repo_list.count() > 0)
    walker.widget(browser, "registryBrowser(repositories)")
    browser.repo_list.setCurrentRow(next(i for i in range(browser.repo_list.count())
                                         if browser.repo_list.item(i).text() == "team/app"))
    settle(app, lambda: browser.model.rowCount() == 1 and browser.model.item(0, 3).text() != "")
    browser.tag_view.selectRow(0)
    settle(app)
    walker.widget(browser, "registryBrowser(tags)")
    browser.inspect_selected()
    settle(app, lambda: getattr(browser, "inspection", None) is not None)
    tabs = browser.inspection.findChild(QTabWidget)
    walker.widget(browser.inspection, "remoteInspectDialog")
    walker.text("remoteInspectDialog:tabs", ", ".join(tabs.tabText(i) for i in range(tabs.count())))
    browser.inspection.close()
    browser.delete_selected()
    settle(app, lambda: browser.status.text() != "")
    walker.widget(browser, "registryBrowser(after delete question)")
    browser.mirror_repository()
    browser.copy_selected()
    jobs = window.manager.jobs()
    settle(app, lambda: jobs and all(not j.active for j in jobs), 60)
    walker.widget(browser, "registryBrowser(after copy)")
    browser.close()
    window.dock.show()
    settle(app)
    walker.widget(window.dock, "transfersDock(copy)")

    pull_completion.LISTS.clear()
    dialog = window.open_pull()
    dialog.source_combo.setCurrentText(f"{host}/team/app")
    settle(app, lambda: dialog.completion.warning.isVisibleTo(dialog), 30)
    walker.widget(dialog, "pullDialog(missing tag)")
    dialog.close()
    window.shutdown()
    print(json.dumps({"checked": walker.checked, "english": walker.english, "jobs": len(jobs),
                      "states": [j.state for j in jobs]}, ensure_ascii=False))
    return 0


def registry_walk_in(tmp_path, reg_host: str, lang: str) -> dict:
    env = isolated_env(tmp_path, LANG=lang)
    code = "import sys; from tests.gui.test_spanish_window import registry_walk; sys.exit(registry_walk(sys.argv[1]))"
    run = subprocess.run([sys.executable, "-c", code, reg_host], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def seed_registry(reg, tmp_path) -> None:
    from engine.formats import oci_layout
    from tests.fixtures.images import write_oci_layout
    from tests.gui.helpers import small_image
    from tests.registry.conftest import push

    path = tmp_path / "seed"
    write_oci_layout(path, [(small_image("v1"), "x", None)])
    with oci_layout.open_layout_source(str(path), "x") as src:
        push(src, reg.ref("team/app:v1"))


def test_the_registry_browser_and_pull_completion_in_spanish_show_no_english(tmp_path, registry):
    reg = registry()
    seed_registry(reg, tmp_path)
    result = registry_walk_in(tmp_path, reg.host, "es_ES.UTF-8")
    assert result["jobs"] == 1 and result["states"] == ["done"], result  # the copy really ran
    assert result["checked"] > 40
    assert result["english"] == [], "\n".join(f"{where}: {text}" for where, text in result["english"])


def test_the_registry_walk_in_english_finds_english(tmp_path, registry):
    """The registry walk can fail: in English it reports the browser's, the questions' and the warning's texts."""
    reg = registry()
    seed_registry(reg, tmp_path)
    result = registry_walk_in(tmp_path, reg.host, "C.UTF-8")
    found = {text for _where, text in result["english"]}
    assert {"Browse a registry", "Mirror a repository", "Delete from the registry", "Nothing was deleted."} <= found
    assert any("team/app has no tag latest (it has: v1)" in text for text in found)  # the pull dialog's warning
    assert any(text.startswith("Copying ") for text in found)  # the copy's transfer, in the Transfers panel
    assert any(text.startswith("Every tag of team/app") for text in found)  # the mirror question
    assert "Manifest, Config, History" in " ".join(found)  # the inspection's tabs
