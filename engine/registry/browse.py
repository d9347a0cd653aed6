"""Looking into a registry without pulling: tag lists and the catalog (Link pagination followed verbatim),
digests of tags, and deletion by digest (docs/registry-protocol.md §1.7, §1.8, §2.4).

A registry may lie: a `Link` that points back at a page already read, or a list of many megabytes. Both
end the listing early with what was read so far, marked incomplete (Listing.complete is False and
Listing.problem says why); nothing here loops or grows without bound.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from engine import jsondoc, media
from engine.digest import Digest
from engine.errors import InvalidInput, NotFound, Unsupported
from engine.options import TransferOptions
from engine.reference import Reference
from engine.registry import wire
from engine.registry.auth import repo_scope
from engine.registry.client import RegistryClient, TransportError, exception_reason
from engine.registry.errors import Denied, RegistryError, Unauthorized, describe, error_codes, read_error_body

MAX_LIST_BYTES = 10 << 20  # all pages of one listing together
MAX_PAGES = 100_000
CATALOG_SCOPE = "registry:catalog:*"
DEFAULTS = TransferOptions()


@dataclass
class Listing:
    """Names a registry listed. complete is False when the listing stopped early; problem says why."""

    names: list[str]
    complete: bool = True
    problem: str = ""
    pages: int = 0


@dataclass(frozen=True)
class ManifestHead:
    digest: Digest
    media_type: str
    size: int


class CatalogUnavailable(Unsupported):
    """The registry offers no catalog, or does not let this user read it."""


class DeletionDisabled(Unsupported):
    """The registry does not allow deleting manifests (distribution: storage.delete.enabled is false)."""


class TagMoved(InvalidInput):
    """The tag points at another manifest than the one the user saw: nothing was deleted."""


def open_client(registry: str, options: TransferOptions = DEFAULTS, *,
                credentials: tuple[str, str] | None = None, cancel=None) -> RegistryClient:
    """A pinged client for `registry` with exactly these credentials (None: anonymous). Stored logins are
    looked up by the caller (engine/remote.py), as for pulls."""
    client = RegistryClient(registry, tls_verify=options.tls_verify, retry_times=options.retry_times,
                            cert_dir=options.cert_dir, credentials=credentials, cancel=cancel)
    try:
        client.ping()
    except BaseException:
        client.close()
        raise
    return client


# -- listings --------------------------------------------------------------------------------------------


def _salvage(body: bytes, key: str) -> list[str]:
    """The complete string items of `key`'s array in a JSON body cut short (a list over the size limit)."""
    text = body.decode("utf-8", "replace")
    at = text.find(f'"{key}"')
    start = text.find("[", at) if at >= 0 else -1
    if start < 0:
        return []
    decoder = json.JSONDecoder()
    out: list[str] = []
    pos = start + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return out
        if not isinstance(item, str):
            return out
        out.append(item)


def _next_link(header: str | None, base: str) -> str | None:
    """The rel="next" target of a Link header, resolved against the URL that answered."""
    if not header:
        return None
    for part in header.split(","):
        target, _, params = part.partition(";")
        target = target.strip()
        rels = params.replace(" ", "").lower()
        if target.startswith("<") and target.endswith(">") and ('rel="next"' in rels or "rel=next" in rels):
            return urljoin(base, target[1:-1])
    return None


def _paginate(client: RegistryClient, first: str, key: str, *, what: str, scopes: tuple[str, ...],
              on_status: Callable[[object], None], on_page: Callable[[list[str]], None] | None,
              limit: int) -> Listing:
    """GET `first` and every page its Link headers lead to, collecting body[key]. on_status raises for a
    first response that is not 200 (the caller words it)."""
    names: list[str] = []
    seen_urls: set[str] = set()
    seen_names: set[str] = set()
    budget = limit
    url: str | None = first
    pages = 0
    while url is not None:
        if client.cancel is not None:
            client.cancel.check()
        if url in seen_urls or pages >= MAX_PAGES:
            return Listing(names, False, f"{what}: the registry's pagination loops back to a page already read; "
                                         f"stopped after {len(names)} entries", pages)
        if not client.same_origin(url):
            return Listing(names, False, f"{what}: the next page is on another host ({url[:80]}); "
                                         "stopped there", pages)
        seen_urls.add(url)
        resp = client.request("GET", url, what=what, scopes=scopes, headers={"Accept": "application/json"},
                              stream=True)
        with resp:
            if resp.status_code != 200:
                if pages == 0:
                    on_status(resp)
                return Listing(names, False, f"{what}: page {pages + 1} failed: {describe(resp)}", pages)
            try:
                body = resp.read(budget + 1)
            except wire.BodyFailure as exc:
                if pages == 0:
                    raise TransportError(f"{what}: {exception_reason(exc)}") from None
                return Listing(names, False, f"{what}: page {pages + 1} broke off: {exception_reason(exc)}", pages)
            link = resp.headers.get("Link")
        pages += 1
        over = len(body) > budget
        if over:
            page = _salvage(body[:budget], key)
        else:
            jsondoc.check_shape(body, what, max_values=len(body) + 1)  # depth capped before json parses it
            try:
                doc = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise InvalidInput(f"{what}: the registry answered something that is not JSON") from None
            page = doc.get(key) if isinstance(doc, dict) else None
            if page is None:
                page = []
            if not isinstance(page, list) or not all(isinstance(n, str) for n in page):
                raise InvalidInput(f"{what}: the registry's answer has no list of names under {key!r}")
        fresh = [n for n in page if n not in seen_names]
        seen_names.update(fresh)
        names += fresh
        if on_page is not None and fresh:
            on_page(fresh)
        if over:
            return Listing(names, False, f"{what}: the list is over {limit >> 20} MiB; showing the first "
                                         f"{len(names)} entries", pages)
        budget -= len(body)
        if page and not fresh:
            return Listing(names, False, f"{what}: the registry sent the same page again; stopped after "
                                         f"{len(names)} entries", pages)
        url = _next_link(link, resp.url or url)
    return Listing(names, True, "", pages)


def list_tags(client: RegistryClient, repo: str, *, page_size: int | None = None,
              on_page: Callable[[list[str]], None] | None = None, limit: int = MAX_LIST_BYTES) -> Listing:
    """Every tag of `repo`, in the registry's order (distribution 2.8 does not sort; callers may)."""
    where = f"{client.registry}/{repo}"
    query = f"?n={page_size}" if page_size else ""

    def refuse(resp) -> None:
        body = read_error_body(resp)
        codes = {c for c, _ in error_codes(body)}
        if resp.status_code == 404 or "NAME_UNKNOWN" in codes:
            raise NotFound(f"{where}: no such repository")
        raise RegistryError(f"listing the tags of {where}: {describe(resp, body)}")

    return _paginate(client, client.url(f"/v2/{repo}/tags/list{query}"), "tags",
                     what=f"listing the tags of {where}", scopes=(repo_scope(repo, "pull"),), on_status=refuse,
                     on_page=on_page, limit=limit)


def catalog(client: RegistryClient, *, page_size: int | None = None,
            on_page: Callable[[list[str]], None] | None = None, limit: int = MAX_LIST_BYTES) -> Listing:
    """The repositories the registry lists (GET /v2/_catalog, token scope registry:catalog:*)."""
    query = f"?n={page_size}" if page_size else ""

    def refuse(resp) -> None:
        body = read_error_body(resp)
        if resp.status_code in (404, 405) or resp.status_code == 400:
            raise CatalogUnavailable(f"{client.registry} offers no catalog of its repositories "
                                     f"({describe(resp, body)}); name the repository instead")
        raise RegistryError(f"reading the catalog of {client.registry}: {describe(resp, body)}")

    try:
        return _paginate(client, client.url(f"/v2/_catalog{query}"), "repositories",
                         what=f"reading the catalog of {client.registry}", scopes=(CATALOG_SCOPE,),
                         on_status=refuse, on_page=on_page, limit=limit)
    except (Unauthorized, Denied) as exc:
        raise CatalogUnavailable(f"{client.registry} does not let "
                                 f"{'this user' if client.auth.credentials else 'anonymous users'} read its "
                                 f"catalog ({exc}); name the repository instead", exc.hint, **exc.params) from None


# -- digests and deletion --------------------------------------------------------------------------------


def head_manifest(client: RegistryClient, repo: str, target: str, *, scopes: tuple[str, ...] = ()) -> ManifestHead:
    """The digest, media type and size of a tag's (or digest's) manifest, without its body."""
    where = f"{client.registry}/{repo}"
    shown = f"{where}@{target}" if ":" in target else f"{where}:{target}"
    what = f"resolving {shown}"
    resp = client.request("HEAD", client.url(f"/v2/{repo}/manifests/{target}"), what=what,
                          scopes=scopes or (repo_scope(repo, "pull"),), headers={"Accept": ", ".join(media.ACCEPT)})
    with resp:
        if resp.status_code == 404:
            raise NotFound(f"{shown}: manifest unknown (no such image or tag)")
        if resp.status_code != 200:
            raise RegistryError(f"{what}: {describe(resp)}")
        digest = resp.headers.get("Docker-Content-Digest", "")
        media_type = resp.headers.get("Content-Type", "").split(";")[0].strip()
        size = int(resp.headers.get("Content-Length") or -1)
    if not digest.startswith("sha256:"):
        if ":" in target:
            digest = target  # a digest reference names itself
        else:
            raise RegistryError(f"{what}: the registry did not say the manifest's digest; cannot delete safely")
    return ManifestHead(Digest(digest), media_type, size)


def tags_on(client: RegistryClient, repo: str, digest: str, tags: list[str] | None = None) -> list[str]:
    """The tags of `repo` that point at `digest` (what a delete of that manifest takes with it)."""
    if tags is None:
        tags = list_tags(client, repo).names
    out = []
    for tag in tags:
        try:
            if head_manifest(client, repo, tag).digest == digest:
                out.append(tag)
        except NotFound:
            continue  # deleted meanwhile
    return sorted(out)


def delete(client: RegistryClient, ref: Reference, *, expected: str | None = None) -> Digest:
    """DELETE the manifest `ref` names (by tag: the tag's digest, looked up now). `expected`: the digest the
    user saw; if the tag points elsewhere now, nothing is deleted (TagMoved). Returns the deleted digest.
    Every tag on that manifest goes with it (distribution removes them all)."""
    repo = ref.path
    where = f"{client.registry}/{repo}"
    scopes = (repo_scope(repo, "pull", "delete"),)
    if ref.digest:
        digest = Digest(ref.digest)
        head_manifest(client, repo, digest, scopes=scopes)  # NotFound before DELETE says something vaguer
    else:
        digest = head_manifest(client, repo, ref.tag or "latest", scopes=scopes).digest
    if expected is not None and digest != expected:
        raise TagMoved(f"{where}:{ref.tag} now points at {digest[:19]}…, not at {expected[:19]}… as when it was "
                       "listed; nothing was deleted (list it again)")
    what = f"deleting {where}@{digest[:19]}…"
    try:
        resp = client.request("DELETE", client.url(f"/v2/{repo}/manifests/{digest}"), what=what, scopes=scopes)
    except Denied:
        raise Denied(f"denied: {what}: this user may not delete in {where}") from None
    with resp:
        body = read_error_body(resp) if resp.status_code >= 300 else b""
        codes = {c for c, _ in error_codes(body)}
        if resp.status_code in (200, 202, 204):
            return digest
        if resp.status_code == 405 or "UNSUPPORTED" in codes:
            raise DeletionDisabled(f"{client.registry} has deletion disabled; nothing was deleted "
                                   "(its operator can enable it: storage.delete.enabled in distribution)")
        if resp.status_code == 404:
            raise NotFound(f"{where}@{digest[:19]}…: manifest unknown (deleted already?)")
        raise RegistryError(f"{what}: {describe(resp, body)}")
