"""Refresh and check the translations: the one command after changing a GUI string.

    .venv/bin/python -m gui.i18n_tools            # update every .ts from the sources, then compile the .qm files
    .venv/bin/python -m gui.i18n_tools check      # list strings missing from a .ts or unfinished; exit 1 if any

`update` runs pyside6-lupdate (shipped in the PySide6-Essentials wheel, next to the PySide6 package) over
every .py file under gui/, keeps the translations already made (a changed English text comes back
unfinished, the old one kept as "vanished" for reference), writes estiba_en.ts with only the English
plural forms ("%n image(s)" -> "1 image" / "2 images", filled in here), and compiles every .ts with
pyside6-lrelease. Translate the unfinished entries of estiba_es.ts (Qt Linguist: pyside6-linguist, or
any editor), then run `update` again. Locations are not written, so unrelated edits do not touch the .ts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("es",)  # estiba_<code>.ts files translated by people; English is the source


def qt_tool(name: str) -> str:
    """lupdate / lrelease from the PySide6 wheel (PySide6/<name>), else a pyside6-<name> on PATH."""
    import PySide6

    bundled = Path(PySide6.__file__).resolve().parent / name
    if bundled.is_file():
        return str(bundled)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install the project's dependencies (PySide6-Essentials)")
    return found


def source_files(root: Path = SOURCES) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def lupdate(ts: Path, *, plural_only: bool = False, sources: list[str] | None = None) -> None:
    args = [qt_tool("lupdate"), *(sources or source_files()), "-ts", str(ts), "-locations", "none", "-silent"]
    if plural_only:
        args.insert(-1, "-pluralonly")
    subprocess.run(args, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([qt_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


@dataclass(frozen=True)
class Problem:
    context: str
    source: str
    why: str

    def __str__(self) -> str:
        return f"{self.context}: {self.source!r}: {self.why}"


def _fields(text: str) -> set[str]:
    """{name} placeholders and %n, which a translation must keep."""
    import re

    found = set(re.findall(r"\{[a-z_]*\}", text))
    if "%n" in text:
        found.add("%n")
    return found


def problems(ts: Path) -> list[Problem]:
    """Every current message of `ts` that is unfinished, empty, or drops a placeholder of its source."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for msg in context.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            kind = tr.get("type") if tr is not None else "missing"
            if kind in ("vanished", "obsolete"):
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")] if msg.get("numerus") == "yes" else \
                [tr.text or ""] if tr is not None else []
            if kind in ("unfinished", "missing") or not forms or not all(f.strip() for f in forms):
                out.append(Problem(name, source, "not translated"))
                continue
            for form in forms:
                if _fields(source) - {"%n"} - _fields(form):
                    out.append(Problem(name, source, f"translation {form!r} drops a placeholder"))
                    break
    return out


def unreadable_calls(files: list[str] | None = None) -> list[Problem]:
    """translate() calls lupdate cannot read: a count argument (lupdate drops the text, or loses its plural
    forms) or a context that is not a string literal. Plurals go through self.tr(text, "", n)."""
    import ast

    out = []
    for name in files or source_files():
        tree = ast.parse(Path(name).read_text(encoding="utf-8"), name)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called != "translate" or len(node.args) < 2:
                continue
            shown = Path(name).resolve()
            where = f"{shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown}:{node.lineno}"
            if len(node.args) > 3 or node.keywords:
                out.append(Problem(where, ast.unparse(node.args[1]), "translate() with a count or keywords: lupdate "
                                                                     "cannot read it; use self.tr(text, '', n)"))
            elif not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:1]):
                out.append(Problem(where, ast.unparse(node.args[1]), "translate() context is not a string literal"))
    return out


def untitled_transports() -> list[Problem]:
    """Transports whose title (shown in the Pull dialog) gui/names.py does not mark for translation."""
    from engine import transports
    from gui.names import TRANSPORT_TITLES

    return [Problem("Transports", t.title, "add it to gui/names.py TRANSPORT_TITLES")
            for t in transports.TRANSPORTS if t.title not in TRANSPORT_TITLES]


def check(languages: tuple[str, ...] = LANGUAGES) -> list[Problem]:
    """lupdate the sources into a copy of each .ts and report what is missing or unfinished there."""
    found: list[Problem] = unreadable_calls() + untitled_transports()
    with tempfile.TemporaryDirectory(prefix="estiba-ts-") as tmp:
        for code in languages:
            copy = Path(tmp) / f"estiba_{code}.ts"
            original = TRANSLATIONS / f"estiba_{code}.ts"
            if original.exists():
                shutil.copyfile(original, copy)
            lupdate(copy)
            found += problems(copy)
    return found


def fill_english_plurals(ts: Path) -> None:
    """English plural forms from the source convention: "%n image(s)" -> "%n image", "%n images"."""
    tree = ET.parse(ts)
    for msg in tree.getroot().iter("message"):
        if msg.get("numerus") != "yes":
            continue
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        for child in list(tr):
            tr.remove(child)
        tr.text = None
        tr.attrib.pop("type", None)
        for text in (source.replace("(s)", ""), source.replace("(s)", "s")):
            ET.SubElement(tr, "numerusform").text = text
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def update() -> None:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    english = TRANSLATIONS / "estiba_en.ts"
    english.unlink(missing_ok=True)
    lupdate(english, plural_only=True)
    fill_english_plurals(english)
    for code in ("en", *LANGUAGES):
        ts = TRANSLATIONS / f"estiba_{code}.ts"
        if code != "en":
            lupdate(ts)
        lrelease(ts, ts.with_suffix(".qm"))
    for extra in sorted(TRANSLATIONS.glob("qtbase_extra_*.ts")):  # hand-written: Qt's texts, no lupdate
        lrelease(extra, extra.with_suffix(".qm"))
    left = check()
    for problem in left:
        print(f"to translate: {problem}")
    print(f"translations updated in {TRANSLATIONS.relative_to(ROOT)}; {len(left)} string(s) still to translate")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["check"]:
        left = check()
        for problem in left:
            print(problem)
        return 1 if left else 0
    if args and args != ["update"]:
        print(__doc__)
        return 2
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
