"""What a sync copies where, with skopeo sync's meanings (containers/skopeo cmd/skopeo/sync.go and
docs/skopeo-sync.1.md):

- source `docker`: HOST/REPO (every tag) or HOST/REPO:TAG; `dir`: a directory tree of `dir:` images;
  `yaml`: a file mapping registry -> {images: {repo: [tags]}, images-by-tag-regex: {repo: regex},
  images-by-semver: {repo: constraint} (engine/semver.py), tls-verify, credentials: {username, password},
  cert-dir: a folder of that registry's TLS files (*.crt CAs, *.cert/*.key client pairs) used instead of
  certs.d}.
- the destination name is SOURCE's last path component with its tag (`repo:tag`), or with `scoped` the
  whole source name (`host/path/repo:tag`), under DESTINATION (a registry prefix or a directory).
"""

from __future__ import annotations

import os
import posixpath
import re

from engine.errors import InvalidInput, NotFound
from engine.reference import parse_reference
from engine.sync import Access, SyncItem

SOURCE_KINDS = ("docker", "dir", "yaml")
DEST_KINDS = ("docker", "dir")
MAX_YAML_BYTES = 4 << 20


def _dest_text(dest_kind: str, destination: str, suffix: str) -> str:
    if dest_kind == "dir":
        return "dir:" + os.path.join(destination, suffix)
    return "docker://" + destination.removeprefix("docker://").rstrip("/") + "/" + suffix


def _suffix(full_name: str, scoped: bool) -> str:
    return full_name if scoped else posixpath.basename(full_name)


def _check_kinds(src_kind: str, dest_kind: str) -> None:
    if src_kind not in SOURCE_KINDS:
        raise InvalidInput(f"a sync source of kind {src_kind!r}: use docker, dir or yaml")
    if dest_kind not in DEST_KINDS:
        raise InvalidInput(f"a sync destination of kind {dest_kind!r}: use docker or dir")
    if src_kind == "dir" and dest_kind == "dir":
        raise InvalidInput("a sync from dir to dir is not supported (as with skopeo): copy the directory")


def repo_tags(registry: str, repo: str, access: Access, cancel=None, pool=None) -> list[str]:
    """`pool`: the sync's ClientPool (engine/sync_clients.py), so that the run reuses this client (its ping,
    connection and token) instead of reaching the registry again."""
    from engine import remote
    from engine.options import TransferOptions
    from engine.registry import browse

    options = TransferOptions(tls_verify=access.tls_verify, retry_times=access.retry_times,
                              credentials=access.credentials, authfile=access.authfile, cert_dir=access.cert_dir)
    client = pool.client(registry, repo, options) if pool is not None else \
        remote.open_client(registry, repo, options, cancel=cancel)
    try:
        listing = browse.list_tags(client, repo)
    finally:
        client.close()
    if not listing.complete:
        raise InvalidInput(f"{listing.problem}; not syncing an incomplete list of tags")
    return listing.names


def from_docker(source: str, dest_kind: str, destination: str, *, access: Access | None = None,
                scoped: bool = False, cancel=None, pool=None) -> list[SyncItem]:
    access = access or Access()
    ref = parse_reference(source.removeprefix("docker://"), default_tag=None)
    if ref.digest:
        raise InvalidInput(f"{source}: sync takes a repository or a tag, not a digest")
    tags = [ref.tag] if ref.tag else repo_tags(ref.domain, ref.path, access, cancel, pool)
    return [SyncItem(f"docker://{ref.name}:{tag}",
                     _dest_text(dest_kind, destination, _suffix(f"{ref.name}:{tag}", scoped)), access)
            for tag in tags]


def _is_dir_image(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "manifest.json")) and os.path.isfile(os.path.join(path, "version"))


def from_dir(source: str, dest_kind: str, destination: str, *, scoped: bool = False) -> list[SyncItem]:
    """Every `dir:` image under `source` (the tree a sync to dir wrote); its path below `source` is its name."""
    base = os.path.abspath(source.removeprefix("dir:"))
    if not os.path.isdir(base):
        raise NotFound(f"{source}: no such directory")
    found: list[str] = []
    if _is_dir_image(base):
        found.append(base)
    else:
        for root, dirs, _files in os.walk(base, followlinks=False):
            dirs.sort()
            for d in list(dirs):
                path = os.path.join(root, d)
                if _is_dir_image(path):
                    found.append(path)
                    dirs.remove(d)  # an image's own directory holds no further images
    if not found:
        raise NotFound(f"{source}: no dir: images in it (directories with manifest.json and version)")
    items = []
    for path in found:
        rel = os.path.relpath(path, base) if path != base else os.path.basename(base)
        suffix = _suffix(rel.replace(os.sep, "/"), scoped)
        if ":" not in posixpath.basename(suffix):
            suffix += ":latest"
        items.append(SyncItem("dir:" + path, _dest_text(dest_kind, destination, suffix)))
    return items


def _yaml_doc(path: str) -> dict:
    try:
        import yaml
    except ImportError:
        raise InvalidInput("reading a sync YAML file needs PyYAML (pip install pyyaml)") from None
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    if len(raw) > MAX_YAML_BYTES:
        raise InvalidInput(f"{path} is over {MAX_YAML_BYTES >> 20} MiB; not a sync file")
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise InvalidInput(f"{path} is not valid YAML{at}") from None
    if not isinstance(doc, dict):
        raise InvalidInput(f"{path}: expected a mapping of registry names to their images")
    return doc


_YAML_KEYS = {"images", "images-by-tag-regex", "images-by-semver", "tls-verify", "credentials", "cert-dir"}


def _yaml_access(path: str, registry: str, spec: dict, base: Access) -> Access:
    """The registry's access as skopeo builds it (containers/skopeo cmd/skopeo/sync.go): tls-verify and
    credentials from the file where it gives them, else the command line's (--src-tls-verify, --src-creds);
    cert-dir from the file only (the file's registry entry always sets it, empty meaning certs.d)."""
    unknown = set(spec) - _YAML_KEYS
    if unknown:
        raise InvalidInput(f"{path}: {registry}: unknown key {sorted(unknown)[0]!r}")
    creds = spec.get("credentials")
    pair = None
    if creds is not None:
        if not isinstance(creds, dict) or not isinstance(creds.get("username"), str):
            raise InvalidInput(f"{path}: {registry}: credentials need username and password")
        pair = (creds["username"], str(creds.get("password") or ""))
    tls = spec.get("tls-verify")
    if tls is not None and not isinstance(tls, bool):
        raise InvalidInput(f"{path}: {registry}: tls-verify must be true or false")
    cert_dir = spec.get("cert-dir")
    if cert_dir is not None:
        if not isinstance(cert_dir, str) or not cert_dir:
            raise InvalidInput(f"{path}: {registry}: cert-dir must be a folder's path")
        cert_dir = os.path.abspath(os.path.expanduser(cert_dir))
        if not os.path.isdir(cert_dir):
            raise NotFound(f"{path}: {registry}: cert-dir {cert_dir}: no such folder (it holds the registry's "
                           "ca.crt, and client.cert/client.key where it asks for them)")
    return Access(tls_verify=base.tls_verify if tls is None else tls, credentials=pair or base.credentials,
                  authfile=base.authfile, retry_times=base.retry_times, cert_dir=cert_dir)


def _mapping(path: str, registry: str, spec: dict, key: str) -> dict:
    value = spec.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: {registry}: {key} maps repositories to "
                           + ("tags" if key == "images" else "a regular expression" if "regex" in key
                              else "a version constraint"))
    return value


def _filters(path: str, registry: str, spec: dict) -> list[tuple[str, object]]:
    """(repository, filter of a tag list) for images-by-tag-regex and images-by-semver, checked up front."""
    from engine.semver import Constraint

    out: list[tuple[str, object]] = []
    for repo, pattern in _mapping(path, registry, spec, "images-by-tag-regex").items():
        try:
            rx = re.compile(str(pattern))
        except re.error as exc:
            raise InvalidInput(f"{path}: {registry}/{repo}: bad regular expression: {exc}") from None
        out.append((str(repo), lambda tags, rx=rx: [t for t in tags if rx.search(t)]))  # Go's MatchString
    for repo, text in _mapping(path, registry, spec, "images-by-semver").items():
        if not isinstance(text, str | int | float):
            raise InvalidInput(f"{path}: {registry}/{repo}: images-by-semver takes a constraint such as \">= 1.2\"")
        try:
            constraint = Constraint(str(text))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}: {registry}/{repo}: {exc}") from None
        out.append((str(repo), constraint.matching))
    return out


LISTINGS_AT_ONCE = 8  # repositories whose tags are listed at once (a YAML naming many repositories)


def list_all_tags(wanted: list[tuple[str, str, Access]], cancel=None, pool=None) -> list[list[str]]:
    """The tags of each (registry, repo, access), listed several at once (each listing is a round trip or
    more; one after the other they added up before the first image moved); results in `wanted`'s order, and
    the first failure in that order is raised."""
    if len(wanted) <= 1:
        return [repo_tags(r, repo, a, cancel, pool) for r, repo, a in wanted]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(LISTINGS_AT_ONCE, len(wanted)), thread_name_prefix="estiba-plan") as workers:
        futures = [workers.submit(repo_tags, r, repo, a, cancel, pool) for r, repo, a in wanted]
        return [f.result() for f in futures]


def from_yaml(path: str, dest_kind: str, destination: str, *, scoped: bool = False, cancel=None,
              access: Access | None = None, pool=None) -> list[SyncItem]:
    """Every entry is checked before any registry is asked; then the repositories whose tags are needed are
    listed at once (list_all_tags); the images keep the file's order."""
    base = access or Access()
    entries: list[tuple[str, str, Access, list[str] | None, object]] = []  # tags None: list them (then keep)
    for registry, spec in _yaml_doc(path).items():
        if not isinstance(registry, str) or not isinstance(spec, dict):
            raise InvalidInput(f"{path}: {registry!r} must map to images, images-by-tag-regex, tls-verify, ...")
        access = _yaml_access(path, registry, spec, base)
        images = _mapping(path, registry, spec, "images")
        filters = _filters(path, registry, spec)
        for repo, tags in images.items():
            name = f"{registry}/{repo}"
            if tags is None or tags == []:
                entries.append((registry, str(repo), access, None, None))
            elif isinstance(tags, list) and all(isinstance(t, str | int | float) for t in tags):
                for tag in (str(t) for t in tags):
                    sep = "@" if tag.startswith("sha256:") else ":"
                    parse_reference(f"{name}{sep}{tag}")  # a bad name or tag is reported before anything is copied
                entries.append((registry, str(repo), access, [str(t) for t in tags], None))
            else:
                raise InvalidInput(f"{path}: {name}: tags must be a list")
        for repo, keep in filters:
            entries.append((registry, repo, access, None, keep))
    listed = iter(list_all_tags([(r, repo, a) for r, repo, a, tags, _ in entries if tags is None], cancel, pool))
    items: list[SyncItem] = []
    for registry, repo, access, tags, keep in entries:
        name = f"{registry}/{repo}"
        if tags is None:
            found = next(listed)
            tags = keep(found) if keep is not None else found
        for tag in tags:
            ref = f"{name}{'@' if tag.startswith('sha256:') else ':'}{tag}"
            items.append(SyncItem(f"docker://{ref}", _dest_text(dest_kind, destination, _suffix(ref, scoped)), access))
    return items


def plan(src_kind: str, dest_kind: str, source: str, destination: str, *, access: Access | None = None,
         scoped: bool = False, cancel=None, pool=None) -> list[SyncItem]:
    """`pool`: the ClientPool the run will use (sync.run's `pool`), to reach each registry once."""
    _check_kinds(src_kind, dest_kind)
    access = access or Access()
    if dest_kind == "dir":
        destination = destination.removeprefix("dir:")
    if src_kind == "docker":
        return from_docker(source, dest_kind, destination, access=access, scoped=scoped, cancel=cancel, pool=pool)
    if src_kind == "dir":
        return from_dir(source, dest_kind, destination, scoped=scoped)
    return from_yaml(source, dest_kind, destination, scoped=scoped, cancel=cancel, access=access, pool=pool)
