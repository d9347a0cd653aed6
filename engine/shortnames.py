"""Names as podman reads them (containers/common libimage, containers/image pkg/shortnames):

- A name given to `tag` without a registry is `localhost/NAME` (Docker would make it docker.io/library/NAME).
- A short name given to find a local image (`inspect josedom24/webserver:v1`) matches, in order: its
  alias (engine/shortname_aliases.py, registries.conf), `localhost/NAME`, NAME under each
  unqualified-search registry, then any image whose repository ends with `/NAME` and has that tag.
- Names read from archives keep Docker's meaning (engine/reference.py): that is where they come from.
"""

from __future__ import annotations

from engine.errors import InvalidInput
from engine.reference import is_image_id_prefix, parse_reference


def has_registry(text: str) -> bool:
    """True when the first path component names a registry (a '.', a ':' or `localhost`), as Docker decides."""
    first, sep, _ = text.partition("/")
    return bool(sep) and ("." in first or ":" in first or first == "localhost")


def local_name(text: str) -> str:
    """The full name `tag` gives: `myimage:v1` -> `localhost/myimage:v1`; a registry, if named, is kept."""
    ref = parse_reference(text if has_registry(text) else "localhost/" + text)
    if ref.digest:
        raise InvalidInput(f"{text!r}: a name to tag with cannot contain a digest")
    return ref.tagged


def _split(name: str) -> tuple[str, str]:
    repo, _, tag = name.rpartition(":")
    return (repo, tag) if "/" not in tag else (name, "latest")


def resolve_local(store, text: str, image: bool = True) -> str:
    """The store name `text` means, or `text` itself when it is an ID, a full name, or matches nothing (the
    store's lookup then says it is not known). `image=False` resolves a name only (no ID)."""
    records = store.images()
    bare = text.removeprefix("sha256:")
    if image and is_image_id_prefix(bare) and any(r.hex.startswith(bare) for r in records):
        return text
    if has_registry(text) or "@" in text:
        return text
    try:
        ref = parse_reference("localhost/" + text)
    except InvalidInput:
        return text
    names = [n for r in records for n in r.names]
    from engine import registries_conf

    conf = registries_conf.load()
    candidates = [ref.tagged]
    alias = conf.alias(ref.path)  # first, as c/image's ResolveLocally: a recorded or configured alias
    if alias is not None:
        try:
            candidates.insert(0, parse_reference(alias + text[len(ref.path):]).tagged)
        except InvalidInput:
            pass
    for registry in conf.unqualified_search:
        try:
            candidates.append(parse_reference(f"{registry}/{text}").tagged)
        except InvalidInput:
            continue
    for cand in candidates:
        if cand in names:
            return cand
    for name in names:
        repo, tag = _split(name)
        if tag == (ref.tag or "latest") and repo.endswith("/" + ref.path):
            return name
    return text
