"""Mnemonics of one dialog (or menu): two widgets answering the same Alt+letter, or an "&" the user sees.

Used by tests/gui/spanish_walk.py on every dialog it opens, in the language of its process. Qt reads "&x" as a
mnemonic in a button's, group box's and tab's text, in a menu action's text, and in a label's text when the
label has a buddy; a label without a buddy, a window title, a combo item or a placeholder shows the "&"
itself. "&&" is a literal "&" everywhere, and rich text is left out (its "&" is an entity).
"""

from __future__ import annotations

import re

from PySide6.QtGui import Qt  # QtGui's Qt namespace holds mightBeRichText
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTabWidget,
    QWidget,
)

_MARK = re.compile(r"&(?!&)(.)")  # after removing "&&": the character a single "&" marks
_LITERAL = re.compile(r"&(?=\w)")  # an "&" in front of a letter, shown as it is


def mnemonic(text: str) -> str | None:
    """The lower-cased letter `text` marks with "&", or None."""
    found = _MARK.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _shown_literally(text: str) -> bool:
    return bool(text) and not Qt.mightBeRichText(text) and bool(_LITERAL.search(text.replace("&&", "")))


def widget_problems(top: QWidget, where: str) -> list[tuple[str, str]]:
    """[(where, problem)] for `top` and its children visible with it."""
    problems: list[tuple[str, str]] = []
    owners: dict[str, list[str]] = {}

    def claim(text: str, name: str) -> None:
        letter = mnemonic(text)
        if letter:
            owners.setdefault(letter, []).append(f"{name} {text!r}")

    if _shown_literally(top.windowTitle()):
        problems.append((where, f"the title shows an '&': {top.windowTitle()!r}"))
    for w in top.findChildren(QWidget):
        if not w.isVisibleTo(top):
            continue
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel):
            text = w.text()
            if Qt.mightBeRichText(text) or w.textFormat() == Qt.TextFormat.RichText:
                continue
            if w.buddy() is not None:
                claim(text, name)
            elif _shown_literally(text):
                problems.append((where, f"{name} shows an '&' (a label without a buddy): {text!r}"))
        elif isinstance(w, QAbstractButton):
            claim(w.text(), name)
        elif isinstance(w, QGroupBox):
            claim(w.title(), name)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                claim(w.tabText(i), f"{name}[tab {i}]")
        elif isinstance(w, QComboBox):
            shown = [w.itemText(i) for i in range(w.count())]
            problems += [(where, f"{name} shows an '&' in an item: {t!r}") for t in shown if _shown_literally(t)]
        elif isinstance(w, QLineEdit) and _shown_literally(w.placeholderText()):
            problems.append((where, f"{name} shows an '&' in its placeholder: {w.placeholderText()!r}"))
    return problems + _duplicates(owners, where)


def menu_problems(menu: QMenu | QMenuBar, where: str) -> list[tuple[str, str]]:
    owners: dict[str, list[str]] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        letter = mnemonic(action.text())
        if letter:
            owners.setdefault(letter, []).append(f"{action.objectName() or 'action'} {action.text()!r}")
    return _duplicates(owners, where)


def _duplicates(owners: dict[str, list[str]], where: str) -> list[tuple[str, str]]:
    return [(where, f"Alt+{letter.upper()} is taken by " + " and ".join(names))
            for letter, names in sorted(owners.items()) if len(names) > 1]
