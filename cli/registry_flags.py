"""Flags and values the registry verbs share (cli/registry_verbs.py, cli/sync_verb.py)."""

from __future__ import annotations

import argparse


def parse_bool(text: str) -> bool:
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def access_flags(s: argparse.ArgumentParser, *, existing: set[str] | None = None) -> None:
    existing = existing or set()
    for flag, kwargs in (
        ("--tls-verify", {"type": parse_bool, "metavar": "BOOL", "default": None,
                          "help": "verify registry TLS (default true; loopback registries use plain HTTP)"}),
        ("--creds", {"metavar": "USER:PASS", "help": "registry credentials (else the keyring, auth.json ...)"}),
        ("--authfile", {"metavar": "PATH", "help": "podman auth.json to read credentials from"}),
        ("--retry-times", {"type": int, "default": 3, "metavar": "N", "help": "retries of a failed request"}),
    ):
        if flag not in existing:
            s.add_argument(flag, **kwargs)


def credentials(text: str | None, flag: str = "--creds") -> tuple[str, str] | None:
    from engine.errors import EstibaError

    if not text:
        return None
    user, sep, secret = text.partition(":")
    if not sep or not user:
        raise EstibaError(f"{flag} takes USER:PASSWORD")
    return user, secret
