"""Registry errors. Every message is one line naming the registry, the repository and what failed."""

from __future__ import annotations

from engine import jsondoc
from engine.errors import EstibaError, InvalidInput

MAX_ERROR_BODY = 4096


class RegistryError(EstibaError):
    """A registry could not be reached, or answered with an error after every retry."""


class Unauthorized(RegistryError):
    """Credentials are missing or wrong (HTTP 401 / UNAUTHORIZED)."""


class Denied(RegistryError):
    """Logged in, but not allowed to do this (HTTP 403 / DENIED / insufficient_scope)."""


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def read_error_body(resp) -> bytes:
    """At most MAX_ERROR_BODY bytes of a (possibly streamed) error response; never the whole thing."""
    try:
        if resp.loaded:
            return resp.content[:MAX_ERROR_BODY]
        return resp.read(MAX_ERROR_BODY) or b""
    except Exception:  # noqa: BLE001 - a broken error body must not hide the error itself
        return b""


def _document(body: bytes) -> tuple[object, bool]:
    """(the parsed body or None, whether it was refused as JSON that cannot be read safely).

    The body comes from the registry, so it goes through the capped reader (engine/jsondoc.py): a body nested
    100,000 levels deep, holding too many values or cut short at MAX_ERROR_BODY is not an error document, and
    its bytes are not shown either (they say nothing a person can use)."""
    if body.lstrip()[:1] not in (b"{", b"["):
        return None, False
    try:
        return jsondoc.load(body, "the registry's error body", MAX_ERROR_BODY), False
    except InvalidInput:
        return None, True


def error_codes(body: bytes) -> list[tuple[str, str]]:
    """(code, message) pairs of a distribution-spec error body; empty when it is not one."""
    return _codes(_document(body)[0])


def _codes(doc: object) -> list[tuple[str, str]]:
    errors = doc.get("errors") if isinstance(doc, dict) else None
    if not isinstance(errors, list):
        return []
    out = []
    for err in errors:
        if isinstance(err, dict):
            out.append((str(err.get("code") or ""), str(err.get("message") or "")))
    return out


def describe(resp, body: bytes | None = None) -> str:
    """`404 Not Found (MANIFEST_UNKNOWN: manifest unknown)`; the 429 text carries Docker Hub's quota."""
    if body is None:
        body = read_error_body(resp)
    text = f"{resp.status_code} {resp.reason or ''}".strip()
    doc, refused = _document(body)
    codes = _codes(doc)
    if codes:
        detail = "; ".join(f"{code}: {msg}" if msg else code for code, msg in codes[:3])
    elif refused:
        detail = ""
    else:
        try:
            detail = body.decode("utf-8", "replace")
        except Exception:  # noqa: BLE001
            detail = ""
    detail = _one_line(detail)
    if detail:
        text += f" ({detail})"
    if resp.status_code == 429:
        remaining = resp.headers.get("ratelimit-remaining")
        text += f"; rate limited, ratelimit-remaining: {remaining}" if remaining else "; rate limited"
    return text
