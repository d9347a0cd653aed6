"""The registry calls of the registry browser, each run on a worker thread (gui/registry_browser.py): catalog,
tags, a tag's summary and inspection, and delete (engine/registry/browse.py, engine/inspect_remote.py)."""

from __future__ import annotations

SESSION_CACHE: dict[tuple[str, str, str], object] = {}  # (registry, repo, tag) -> TagSummary, for the session


def _options(tls_verify: bool | None):
    from engine.options import TransferOptions

    return TransferOptions(tls_verify=tls_verify)


def _client(registry: str, tls_verify: bool | None, repo: str = ""):
    from engine import remote

    return remote.open_client(registry, repo, _options(tls_verify))


def fetch_catalog(registry: str, tls_verify: bool | None):
    from engine.registry import browse

    client = _client(registry, tls_verify)
    try:
        return browse.catalog(client)
    finally:
        client.close()


def fetch_tags(registry: str, repo: str, tls_verify: bool | None):
    from engine.registry import browse

    client = _client(registry, tls_verify, repo)
    try:
        return browse.list_tags(client, repo)
    finally:
        client.close()


def fetch_summary(registry: str, repo: str, tag: str, tls_verify: bool | None):
    from engine.inspect_remote import summarize

    return summarize(f"docker://{registry}/{repo}:{tag}", _options(tls_verify))


def fetch_inspection(registry: str, repo: str, tag: str, tls_verify: bool | None) -> dict:
    from engine.inspect_remote import inspect_location

    result = inspect_location(f"docker://{registry}/{repo}:{tag}", _options(tls_verify), repo_tags=False)
    return {"overview": result.as_skopeo_json(), "manifest": result.top.decode("utf-8", "replace"),
            "config": result.config.doc, "history": result.config.doc.get("history") or []}


def fetch_delete_plan(registry: str, repo: str, tag: str, tls_verify: bool | None) -> tuple[str, list[str]]:
    """The digest the tag points at now and every tag that a delete of it takes along."""
    from engine.registry import browse

    client = _client(registry, tls_verify)
    try:
        digest = browse.head_manifest(client, repo, tag).digest
        return str(digest), browse.tags_on(client, repo, digest)
    finally:
        client.close()


def do_delete(registry: str, repo: str, tag: str, expected: str, tls_verify: bool | None) -> str:
    from engine.reference import parse_reference
    from engine.registry import browse

    client = _client(registry, tls_verify)
    try:
        return str(browse.delete(client, parse_reference(f"{registry}/{repo}:{tag}"), expected=expected))
    finally:
        client.close()
