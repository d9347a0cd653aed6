"""Which language the window speaks, and installing Qt's translators for it.

The language is the Settings choice ("en", "es", ...) or, with "system", the first language of
LANGUAGE / LC_ALL / LC_MESSAGES / LANG that Estiba has a translation for, in gettext's order. It is read
once at start-up (a change in Settings applies at the next start). Two translators are installed:
Estiba's own (resources/translations/estiba_<lang>.qm; estiba_en.qm only holds English plural forms)
and Qt's (qtbase_<lang>.qm from the PySide6 wheel, for the buttons of standard dialogs and the file
dialog). QLocale's default follows the language, so sizes, numbers and dates are written its way.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from gui.resources import translations_dir

SOURCE_LANGUAGE = "en"


def available() -> list[str]:
    """Language codes with an Estiba translation (always English, the source)."""
    codes = {SOURCE_LANGUAGE}
    folder = translations_dir()
    if folder.is_dir():
        codes.update(qm.stem.removeprefix("estiba_") for qm in folder.glob("estiba_*.qm"))
    return sorted(codes)


def _candidates(value: str) -> list[str]:
    """"es_ES.UTF-8@euro" -> ["es_ES", "es"]; "C" and "POSIX" name no language."""
    tag = value.split(".", 1)[0].split("@", 1)[0].strip()
    if not tag or tag in ("C", "POSIX"):
        return []
    return [tag, tag.split("_", 1)[0]] if "_" in tag else [tag]


def system_language(environ: dict[str, str] | None = None, known: list[str] | None = None) -> str:
    """The first language of the environment Estiba speaks, as gettext picks messages; else English.

    LANGUAGE is a colon-separated priority list and counts only when the locale is not C (as in gettext);
    then LC_ALL, LC_MESSAGES and LANG, the first one set wins."""
    env = os.environ if environ is None else environ
    known = available() if known is None else known
    locale_value = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    wanted: list[str] = []
    if env.get("LANGUAGE") and _candidates(locale_value or "C") != []:
        for part in env["LANGUAGE"].split(":"):
            wanted += _candidates(part)
    wanted += _candidates(locale_value)
    for code in wanted:
        if code in known:
            return code
        base = code.split("_", 1)[0]
        if base in known:
            return base
    return SOURCE_LANGUAGE


def chosen_language(setting: str, environ: dict[str, str] | None = None) -> str:
    """The language to use for a Settings value: "system" (or empty) follows the environment."""
    if setting in ("", "system"):
        return system_language(environ)
    return setting if setting in available() else SOURCE_LANGUAGE


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install(app: QApplication, setting: str) -> str:
    """Install the translators for the chosen language and make it QLocale's default; the language code."""
    for old in app.findChildren(QTranslator, "estibaTranslator"):
        app.removeTranslator(old)
        old.deleteLater()
    language = chosen_language(setting)
    system = QLocale.system()
    same = system.language() == QLocale(language).language()
    if same or (language == SOURCE_LANGUAGE and system.language() == QLocale.Language.C):
        QLocale.setDefault(system)  # keep the territory's formats (es_MX vs es_ES), or C's plain ones
    else:
        QLocale.setDefault(QLocale(language))
    ours = QTranslator(app)
    ours.setObjectName("estibaTranslator")
    if ours.load(f"estiba_{language}", str(translations_dir())):
        app.installTranslator(ours)
    if language != SOURCE_LANGUAGE:
        # Qt's own texts, then what the wheel's catalogue lacks (searched first: installed last)
        for name, folder in ((f"qtbase_{language}", qt_translations_dir()),
                             (f"qtbase_extra_{language}", translations_dir())):
            qt = QTranslator(app)
            qt.setObjectName("estibaTranslator")
            if qt.load(name, str(folder)):
                app.installTranslator(qt)
    return language
