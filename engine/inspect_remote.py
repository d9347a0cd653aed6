"""Inspecting an image where it lies (a registry, an archive, a layout) without copying it anywhere: the
manifest (byte-exact), the config and, for an index, the platforms it offers. Every byte is checked against
its digest before it is used. Key names of `as_skopeo_json` follow skopeo's `inspect` output
(containers/skopeo cmd/skopeo/inspect/output.go), so scripts that read skopeo's JSON read ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import platform as platforms
from engine.contract import Source
from engine.copy import read_verified
from engine.digest import Digest, check, sha256_digest
from engine.errors import Hint, InvalidInput, Unsupported
from engine.manifest import MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, ImageConfig, ImageManifest, Index, parse
from engine.options import TransferOptions
from engine.platform import Platform

DEFAULTS = TransferOptions()


@dataclass
class PlatformEntry:
    platform: str
    digest: str
    size: int
    media_type: str


@dataclass
class Inspection:
    """What one image is, read from its source. For an index, `manifest` and `config` are the platform's
    chosen as a pull would choose it; `top` is the index."""

    name: str  # host/repo for registries, "" elsewhere (as skopeo)
    top: bytes  # the raw manifest or index the reference names
    top_digest: Digest
    manifest: ImageManifest
    config: ImageConfig
    repo_tags: list[str] = field(default_factory=list)
    platforms: list[PlatformEntry] = field(default_factory=list)  # empty unless the top is an index

    @property
    def is_index(self) -> bool:
        return bool(self.platforms)

    def layers_size(self) -> int:
        return sum(layer.size for layer in self.manifest.layers)

    def as_skopeo_json(self) -> dict:
        doc = self.config.doc
        cfg = doc.get("config") if isinstance(doc.get("config"), dict) else {}
        out: dict = {}
        if self.name:
            out["Name"] = self.name
        out["Digest"] = str(self.top_digest)
        out["RepoTags"] = list(self.repo_tags)
        out["Created"] = doc.get("created")
        out["DockerVersion"] = doc.get("docker_version") or ""
        out["Labels"] = cfg.get("Labels") or None
        out["Architecture"] = doc.get("architecture") or ""
        if doc.get("variant"):
            out["Variant"] = doc["variant"]
        out["Os"] = doc.get("os") or ""
        out["Layers"] = [str(layer.digest) for layer in self.manifest.layers]
        out["LayersData"] = [{"MIMEType": layer.media_type, "Digest": str(layer.digest), "Size": layer.size,
                              "Annotations": layer.annotations} for layer in self.manifest.layers]
        out["Env"] = cfg.get("Env") or None
        if self.platforms:  # not in skopeo: what an index offers
            out["Platforms"] = [{"Platform": p.platform, "Digest": p.digest, "Size": p.size,
                                 "MIMEType": p.media_type} for p in self.platforms]
        return out


def top_manifest(source: Source) -> tuple[bytes, Digest]:
    """The raw manifest or index the source names, checked against the digest the source claims."""
    images = source.images()
    if not images:
        raise InvalidInput(f"{source.description} holds no image")
    if len(images) > 1:
        raise Unsupported(f"{source.description} holds {len(images)} images; name one (PATH:NAME or PATH:@N)")
    img = images[0]
    if len(img.manifest) > MAX_MANIFEST_BYTES:
        raise InvalidInput(f"the manifest of {source.description} is over the size limit")
    digest = sha256_digest(img.manifest)
    if img.digest is not None:
        check(f"manifest of {img.label or source.description}", img.digest, None, digest, len(img.manifest))
    return img.manifest, digest


def platforms_of(index: Index) -> list[PlatformEntry]:
    return [PlatformEntry(str(d.platform) if d.platform else "unknown", str(d.digest), d.size, d.media_type)
            for d in index.manifests]


def inspect_source(source: Source, *, name: str = "", repo_tags: list[str] | None = None,
                   platform: Platform | None = None) -> Inspection:
    """Read the manifest and config of the image `source` names; an index is resolved to `platform` (the
    host's by default), and its platforms are listed."""
    raw, top_digest = top_manifest(source)
    top = parse(raw, f"manifest of {source.description}")
    offered: list[PlatformEntry] = []
    if isinstance(top, Index):
        offered = platforms_of(top)
        want = platform or platforms.host()
        children = [d for d in top.manifests if d.size <= MAX_MANIFEST_BYTES]
        chosen = platforms.choose([d.platform for d in children], want)
        if chosen is None:
            raise Unsupported(f"{source.description} has no image for platform {want} (it has: "
                              f"{', '.join(p.platform for p in offered) or 'none'})", Hint.CHOOSE_PLATFORM)
        desc = children[chosen]
        child_raw = source.get_manifest(desc.digest, desc.size)
        check("manifest", desc.digest, desc.size, sha256_digest(child_raw), len(child_raw))
        child = parse(child_raw, f"manifest {desc.digest[:19]}…")
        if not isinstance(child, ImageManifest):
            raise Unsupported("nested indexes are not supported")
        manifest = child
    else:
        manifest = top
    config = ImageConfig.parse(read_verified(source, manifest.config, "image config", MAX_CONFIG_BYTES))
    return Inspection(name, raw, top_digest, manifest, config, list(repo_tags or []), offered)


def _open(text: str, options: TransferOptions, tmpdir: str | None, cancel):
    from engine import transports

    loc = transports.parse_location(text)
    if loc is None:
        raise InvalidInput(f"{text!r} names no transport; write docker://HOST/REPO:TAG, oci-archive:PATH, ...")
    if loc.transport == transports.DOCKER and options.credentials is None:
        from dataclasses import replace

        from engine import remote
        from engine.registry import parse_registry_reference

        ref = parse_registry_reference(loc.path)
        options = replace(options, credentials=remote.credentials_for(ref.domain, ref.path, options))
    return loc, transports.open_source(loc, transports.Opening(options, tmpdir, cancel))


def inspect_location(text: str, options: TransferOptions = DEFAULTS, *, repo_tags: bool = True,
                     tmpdir: str | None = None, cancel=None) -> Inspection:
    """Inspect `transport:...` text (an index: options.platform, else the host's). For docker:// the name is
    host/repo and RepoTags lists the repository's tags (one more request per page, as skopeo does;
    repo_tags=False skips it)."""
    from engine import transports

    loc, source = _open(text, options, tmpdir, cancel)
    with source:
        name, tags = "", []
        client = getattr(source, "client", None)
        if loc.transport == transports.DOCKER and client is not None:
            from engine.registry import browse

            name = f"{client.registry}/{source.repo}"
            if repo_tags:
                tags = browse.list_tags(client, source.repo).names
        return inspect_source(source, name=name, repo_tags=tags, platform=options.platform)


def raw_manifest(text: str, options: TransferOptions = DEFAULTS, *, tmpdir: str | None = None,
                 cancel=None) -> bytes:
    """The manifest or index `text` names, byte-exact (skopeo inspect --raw)."""
    _loc, source = _open(text, options, tmpdir, cancel)
    with source:
        return top_manifest(source)[0]


@dataclass
class TagSummary:
    """One row of a registry browser: what a tag points at, read without pulling."""

    digest: str
    platforms: list[str]
    size: int  # compressed layers of the platform shown (the host's, else the first)
    created: str | None
    labels: dict


def summarize(text: str, options: TransferOptions = DEFAULTS, *, cancel=None) -> TagSummary:
    """The summary of `docker://HOST/REPO:TAG` (or any transport). An index without the host's platform is
    summarized by its first platform instead of failing."""
    _loc, source = _open(text, options, None, cancel)
    with source:
        raw, _digest = top_manifest(source)
        platform = None
        top = parse(raw, f"manifest of {source.description}")
        if isinstance(top, Index):
            offered = [d.platform for d in top.manifests if d.platform is not None and d.platform.os != "unknown"]
            if offered and platforms.choose(offered, platforms.host()) is None:
                platform = offered[0]
        result = inspect_source(source, platform=platform)
    cfg = result.config.doc.get("config") if isinstance(result.config.doc.get("config"), dict) else {}
    shown = [p.platform for p in result.platforms if p.platform != "unknown/unknown"] or \
        [str(result.config.platform)]
    return TagSummary(str(result.top_digest), shown, result.layers_size(), result.config.created,
                      dict(cfg.get("Labels") or {}))
