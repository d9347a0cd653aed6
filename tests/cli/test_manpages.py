"""The man pages installed with the package (resources/man/, pyproject's data-files) are the parser's:
regenerate them with `python -m cli.manpages resources/man` when a flag changes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli.manpages import pages

ROOT = Path(__file__).resolve().parents[2]


def test_committed_man_pages_are_current():
    folder = ROOT / "resources" / "man"
    fresh = pages()
    assert sorted(p.name for p in folder.glob("*.1")) == sorted(fresh)
    stale = [name for name, text in fresh.items() if (folder / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m cli.manpages resources/man`: {stale}"
    assert "estiba-image-ls.1" in fresh and "--no-trunc" in fresh["estiba-images.1"].replace("\\-", "-")
    assert ".SH EXAMPLES" in fresh["estiba-save.1"]


def test_man_renders_them_without_warnings(tmp_path):
    groff = shutil.which("groff")
    if groff is None:
        pytest.skip("groff is not installed")  # rendering is only a check of the roff; the content is tested above
    proc = subprocess.run([groff, "-man", "-Tutf8", "-ww", str(ROOT / "resources/man/estiba-save.1")],
                          capture_output=True)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    text = re.sub(rb".\x08", b"", proc.stdout).decode()  # drop the overstrike of bold and underline
    assert "OPTIONS" in text and "EXAMPLES" in text and "--output" in text


def test_an_option_is_not_taken_for_the_output_folder(tmp_path, monkeypatch, capsys):
    from cli.manpages import main

    monkeypatch.chdir(tmp_path)
    assert main(["--help"]) == 0
    assert main(["--bogus"]) == 2
    assert list(tmp_path.iterdir()) == []  # it once wrote the pages into a folder named "--help"
    assert "usage" in capsys.readouterr().err
