"""Estiba's logins shared with podman, skopeo and Docker without a secret in any file.

`docker-credential-estiba` (cli/credential_helper.py) speaks the Docker credential-helper protocol
(docker/docker-credential-helpers, client/command.go): `get` reads a server URL on stdin and prints
{"ServerURL", "Username", "Secret"}; `store` reads that object; `erase` reads a URL; `list` prints
{url: username}. Its entries are Estiba's own: the user name in logins.json, the secret in the OS keyring.

The registration of the helper in podman's and Docker's files is engine/helper_registration.py.
"""

from __future__ import annotations

import json

from engine import authfile as auth_files
from engine import credentials
from engine.errors import InvalidInput
from engine.helper_registration import HELPER, register, unregister

NOT_FOUND = "credentials not found in native keychain"  # the helpers' own words, which clients look for


def _registry_of(url: str) -> str:
    text = url.strip()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    text = text.split("/", 1)[0] if "/v1" in text or "/v2" in text else text.rstrip("/")
    return auth_files.normalize_registry(text)


def get(url: str) -> dict | None:
    reg = _registry_of(url)
    creds = credentials.own_login(reg)
    if creds is None:
        return None
    return {"ServerURL": url.strip(), "Username": creds.username, "Secret": creds.secret}


def store(doc: dict) -> None:
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("ServerURL", "Username", "Secret")):
        raise InvalidInput("store reads {\"ServerURL\": ..., \"Username\": ..., \"Secret\": ...} on stdin")
    credentials.store_own(_registry_of(doc["ServerURL"]), doc["Username"], doc["Secret"])


def erase(url: str) -> bool:
    return credentials.forget_own(_registry_of(url))


def list_logins() -> dict[str, str]:
    return dict(credentials.own_logins())


def dumps(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


__all__ = ["HELPER", "NOT_FOUND", "dumps", "erase", "get", "list_logins", "register", "store", "unregister"]
