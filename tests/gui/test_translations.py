"""The translations: every GUI string is in the Spanish .ts and translated, the .qm files are compiled from
the .ts as committed, the language follows the environment, and Spanish reaches formats, Qt's own buttons and
engine errors. The check runs the real pyside6-lupdate from the PySide6 wheel into a temporary copy."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
import xml.etree.ElementTree as ET
from glob import glob
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from engine.errors import EstibaError, Hint, InvalidInput, NotFound
from engine.registry.errors import Unauthorized
from gui import error_text, humanize, i18n, i18n_tools
from gui.jobs.errors import describe

ROOT = Path(__file__).resolve().parents[2]
SPANISH = ROOT / "resources" / "translations" / "estiba_es.ts"


def test_every_gui_string_is_in_the_spanish_translation_and_finished():
    problems = i18n_tools.check()
    assert not problems, "run `python -m gui.i18n_tools` and translate:\n" + "\n".join(map(str, problems))
    messages = list(ET.parse(SPANISH).getroot().iter("message"))
    assert len(messages) > 300  # the check looked at the real sources, not an empty list


def test_the_check_finds_a_new_string_and_a_plural_lupdate_cannot_read(tmp_path):
    new = tmp_path / "new_widget.py"
    new.write_text("from PySide6.QtCore import QObject, QCoreApplication\n"
                   "class NewWidget(QObject):\n"
                   "    def text(self, n):\n"
                   "        return self.tr('A string nobody translated yet')\n"
                   "def count(n):\n"
                   "    return QCoreApplication.translate('X', '%n thing(s)', '', n)\n")
    copy = tmp_path / "estiba_es.ts"
    shutil.copyfile(SPANISH, copy)
    i18n_tools.lupdate(copy, sources=[*i18n_tools.source_files(), str(new)])
    found = i18n_tools.problems(copy)
    assert [p.source for p in found] == ["A string nobody translated yet", "%n thing(s)"]
    unreadable = i18n_tools.unreadable_calls([str(new)])
    assert len(unreadable) == 1 and "count" in unreadable[0].why


def test_a_translation_that_drops_a_placeholder_is_reported(tmp_path):
    ts = tmp_path / "estiba_es.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="es_ES"><context><name>C</name>'
                  '<message><source>Loaded {what}</source><translation>Cargado</translation></message>'
                  '</context></TS>', encoding="utf-8")
    assert [p.why for p in i18n_tools.problems(ts)] == ["translation 'Cargado' drops a placeholder"]


@pytest.mark.parametrize("code", ["es", "en"])
def test_the_committed_qm_files_are_compiled_from_the_committed_ts(tmp_path, code):
    ts = ROOT / "resources" / "translations" / f"estiba_{code}.ts"
    out = tmp_path / f"estiba_{code}.qm"
    i18n_tools.lrelease(ts, out)
    assert out.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run `python -m gui.i18n_tools`"


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_ES.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:es:en"}, "es"),
    ({"LANG": "C", "LANGUAGE": "es"}, "en"),  # gettext ignores LANGUAGE in the C locale
])
def test_the_language_follows_language_lc_all_lc_messages_lang(env, expected):
    assert i18n.system_language(env, ["en", "es"]) == expected


def test_the_settings_choice_wins_over_the_environment():
    assert i18n.chosen_language("en", {"LANG": "es_ES.UTF-8"}) == "en"
    assert i18n.chosen_language("es", {"LANG": "C"}) == "es"
    assert i18n.chosen_language("system", {"LANG": "es_ES.UTF-8"}) == "es"
    assert i18n.chosen_language("xx", {"LANG": "es_ES.UTF-8"}) == "en"  # no such translation


@pytest.fixture
def spanish(qapp):
    assert i18n.install(qapp, "es") == "es"
    yield
    i18n.install(qapp, "en")  # back to the tests' English (conftest)


def test_sizes_dates_relative_times_and_qt_buttons_are_spanish(spanish):
    assert humanize.size(5_600_000) == "5,6 MB"
    assert humanize.number(1_234_567) == "1.234.567"
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    assert humanize.relative_time(now - dt.timedelta(hours=2), now) == "hace 2 horas"
    assert humanize.relative_time(now - dt.timedelta(days=1), now) == "hace 1 día"
    assert humanize.relative_time(now - dt.timedelta(days=800), now) == "hace 2 años"
    assert "de enero de 2024" in humanize.full_date(dt.datetime(2024, 1, 2, 12, tzinfo=dt.UTC))
    assert humanize.speed(2_500_000) == "2,5 MB/s"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Cancelar", "Guardar"]


def test_english_plurals_and_formats_without_a_language(qapp):
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    assert humanize.relative_time(now - dt.timedelta(hours=1), now) == "1 hour ago"
    assert humanize.relative_time(now - dt.timedelta(hours=5), now) == "5 hours ago"
    assert humanize.size(5_600_000) == "5.6 MB"


def test_engine_errors_are_worded_in_spanish_with_their_hint(spanish):
    missing = describe(NotFound("localhost/nothing:latest: no such image"))
    assert error_text.message(missing) == "localhost/nothing:latest: esa imagen no está en el almacén local"
    odd = describe(InvalidInput("layer 3 of the archive is truncated"))
    assert error_text.message(odd) == "Entrada no válida: layer 3 of the archive is truncated"
    login = describe(Unauthorized("quay.io: authentication required", Hint.LOGIN_NEEDED, registry="quay.io"))
    assert error_text.message(login) == ("Sin autorización: quay.io: authentication required. Inicia sesión antes "
                                         "en quay.io (Iniciar sesión… en la barra de herramientas).")
    for hint in Hint:  # every hint has Spanish words for the window, none names a command-line flag
        worded = error_text.message(describe(EstibaError("x", hint, registry="r", host="h", path="p", tool="podman")))
        assert worded != "Error: x" and " --" not in worded, hint
    bug = describe(KeyError("x"))
    assert error_text.message(bug).startswith("Estiba ha tenido un error interno")
    gone = describe(FileNotFoundError(2, "No such file or directory", "/tmp/x.tar"))
    assert error_text.message(gone) == "/tmp/x.tar: no existe el archivo o directorio"


def test_english_errors_keep_the_engines_words(qapp):
    failure = describe(Unauthorized("unauthorized: wrong user name or password for localhost:5000"))
    assert error_text.message(failure) == failure.message == \
        "unauthorized: wrong user name or password for localhost:5000"


def test_an_installed_package_carries_the_translations_icons_and_desktop_files():
    """pyproject's data-files put every .qm, the PNG and SVG icons, the desktop entry and the MIME package under
    <prefix>/share/estiba, where gui/resources.py looks when there is no checkout."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    shipped = {Path(f).resolve() for patterns in data.values() for p in patterns for f in glob(str(ROOT / p))}
    wanted = [*glob(str(ROOT / "resources/translations/*.qm")), str(ROOT / "resources/estiba.desktop"),
              str(ROOT / "resources/estiba-mime.xml"), *glob(str(ROOT / "resources/icons/hicolor/*/apps/*.png"))]
    assert len(wanted) >= 12
    assert {Path(w).resolve() for w in wanted} <= shipped
    for dest, patterns in data.items():
        if any("hicolor" in p for p in patterns):
            assert dest.startswith("share/estiba/icons/hicolor/")


def test_settings_offers_system_english_and_spanish_and_the_choice_applies_at_the_next_start(qtbot, window,
                                                                                             gui_settings, qapp):
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    combo = dialog.language_combo
    assert [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == [
        ("Follow the system", "system"), ("English", "en"), ("Español", "es")]
    combo.setCurrentIndex(combo.findData("es"))
    dialog.save()
    assert gui_settings.language == "es"
    assert "next" in " ".join(window.message_bar.messages()) or "again" in " ".join(window.message_bar.messages())
    assert window.actions.load.text() == "&Load…"  # this window keeps its language
    try:
        assert i18n.install(qapp, gui_settings.language) == "es"  # what configure_application does at start
        from gui.actions import WindowActions

        assert WindowActions(window).load.text() == "&Cargar…"
    finally:
        i18n.install(qapp, "en")
