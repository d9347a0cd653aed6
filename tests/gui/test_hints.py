"""The GUI words every engine hint with its own controls, never a command-line flag (gui/hints.py), and
tells failures apart by class (gui/jobs/errors.py)."""

from __future__ import annotations

import re

import pytest

from engine.errors import DigestMismatch, EstibaError, Hint, InvalidInput, NotFound
from gui.hints import hint_text, worded
from gui.jobs.errors import describe

PARAMS = {"host": "reg.example:5000", "registry": "reg.example:5000", "tool": "docker", "path": "/run/auth.json"}
FLAG = re.compile(r"(^|\s)--?[a-z]")


@pytest.mark.parametrize("hint", list(Hint))
def test_every_hint_has_gui_words_without_flags(qapp, hint):
    text = hint_text(EstibaError("x", hint, **PARAMS))
    assert text and "{" not in text and not FLAG.search(text), text


def test_the_gui_names_its_checkbox_where_the_cli_names_a_flag(qapp):
    exc = EstibaError("TLS connection to reg.example:5000 failed: the server does not speak TLS", Hint.TLS_VERIFY_OFF,
                      host="reg.example:5000")
    text = worded(exc)
    assert text.startswith("TLS connection to reg.example:5000 failed") and "--tls-verify" not in text
    assert "Verify the registry's TLS certificate" in text


def test_failures_keep_the_error_so_they_are_told_apart_by_class(qapp):
    failure = describe(DigestMismatch("layer is corrupt"))
    assert failure.is_a(InvalidInput) and not failure.is_a(NotFound)
    assert failure.message == "layer is corrupt"
    assert describe(OSError(2, "No such file or directory", "/x")).message == "/x: No such file or directory"
