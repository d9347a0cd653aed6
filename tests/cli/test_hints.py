"""The CLI words every engine hint with its own flags and verbs (cli/hints.py)."""

from __future__ import annotations

import pytest

from cli.hints import worded
from engine.errors import EstibaError, Hint, NotFound

PARAMS = {"host": "reg.example:5000", "registry": "reg.example:5000", "tool": "podman", "path": "/run/auth.json"}


@pytest.mark.parametrize("hint", list(Hint))
def test_every_hint_has_cli_words(hint):
    text = worded(EstibaError("something is wrong", hint, **PARAMS))
    assert text.startswith("something is wrong") and len(text) > len("something is wrong") + 5
    assert "{" not in text and "\n" not in text


@pytest.mark.parametrize(("hint", "words"), [
    (Hint.CHOOSE_PLATFORM, "; choose one with --platform"),
    (Hint.TLS_TRUST_CA, "certs.d/reg.example:5000/ca.crt, or use --tls-verify=false"),
    (Hint.LOGIN_NEEDED, "; log in to reg.example:5000 first"),
    (Hint.NEED_AUTHFILE, "or pass --authfile PATH to store the login in podman's auth.json (in plain base64)"),
    (Hint.CHECK_STORE, "; run `estiba check`"),
    (Hint.LOGOUT_ELSEWHERE, ": use `estiba logout --authfile /run/auth.json reg.example:5000`"),
])
def test_hints_name_the_flags(hint, words):
    assert worded(EstibaError("x", hint, **PARAMS)).endswith(words)


def test_an_error_without_a_hint_is_its_message():
    assert worded(NotFound("image not known: foo")) == "image not known: foo"


@pytest.mark.parametrize(("engine", "hint", "words"), [
    ("Docker", Hint.ENGINE_PERMISSION, "add yourself to the docker group"),
    ("Docker", Hint.ENGINE_START, "`sudo systemctl start docker` or set DOCKER_HOST"),
    ("Podman", Hint.ENGINE_START, "`systemctl --user start podman.socket` or set CONTAINER_HOST"),
    ("Podman", Hint.ENGINE_LIST, "(see `estiba images --engine podman`)"),
    ("Docker", Hint.ENGINE_RETRY, "check that Docker still runs (`docker info`) and run the command again"),
])
def test_engine_hints_name_what_to_do_for_that_engine(engine, hint, words):
    assert words in worded(EstibaError("x", hint, engine=engine, socket="/s"))
