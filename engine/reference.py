"""Docker image references: parse, normalise and print them (docs/formats.md §3), plus image-ID helpers (§5).

`parse_reference` follows Docker's normalisation (c/image `docker/reference`, distribution/reference):
`alpine` -> `docker.io/library/alpine:latest`. Transport prefixes such as `docker://` are stripped by
the transports, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from engine.errors import InvalidInput

NAME_TOTAL_LENGTH_MAX = 255
DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"

_PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN_LABEL = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_RE = re.compile(rf"(?:{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?", re.ASCII)
_TAG_RE = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_KNOWN_DIGEST_RE = {"sha256": re.compile(r"[a-f0-9]{64}"), "sha512": re.compile(r"[a-f0-9]{128}")}
_HEX64_RE = re.compile(r"[a-f0-9]{64}")
_ID_PREFIX_RE = re.compile(r"[a-f0-9]{1,64}|sha256:[a-f0-9]{64}")
_OCI_REF_NAME_RE = re.compile(
    r"[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*"
)


class InvalidReference(InvalidInput, ValueError):
    """A string is not a valid image reference; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Reference:
    """A normalised Docker reference: `domain/path[:tag][@digest]`."""

    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        return self.name + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")

    @property
    def familiar_name(self) -> str:
        """The name as Docker shows it: no `docker.io/`, and no `library/` for one-component paths."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        rest = self.path
        if rest.startswith(OFFICIAL_REPO_PREFIX) and "/" not in rest[len(OFFICIAL_REPO_PREFIX) :]:
            rest = rest[len(OFFICIAL_REPO_PREFIX) :]
        return rest

    @property
    def familiar(self) -> str:
        """Docker's familiar form of the whole reference (what it writes in RepoTags)."""
        return (
            self.familiar_name
            + (f":{self.tag}" if self.tag else "")
            + (f"@{self.digest}" if self.digest else "")
        )

    def with_tag(self, tag: str) -> Reference:
        """The same name with `tag` (validated); any digest is dropped, as the result names a tag."""
        _check_tag(tag, f"{self.name}:{tag}")
        return replace(self, tag=tag, digest=None)

    @property
    def tagged(self) -> str:
        """`domain/path:tag`, with `latest` when there is no tag."""
        return f"{self.name}:{self.tag or 'latest'}"


def _fail(text: str, why: str) -> InvalidReference:
    shown = text if len(text) <= 300 else text[:300] + "…"
    return InvalidReference(f"invalid image name {shown!r}: {why}")


def _check_tag(tag: str, text: str) -> None:
    if not _TAG_RE.fullmatch(tag):
        raise _fail(
            text,
            f"tag {tag[:140]!r} is not valid; a tag is 1-128 letters, digits, '_', '.' or '-' "
            "and must not start with '.' or '-'",
        )


def _check_digest(digest: str, text: str) -> None:
    algorithm = digest.partition(":")[0]
    known = _KNOWN_DIGEST_RE.get(algorithm)
    hex_part = digest.partition(":")[2]
    if not _DIGEST_RE.fullmatch(digest) or (known is not None and not known.fullmatch(hex_part)):
        raise _fail(text, "digest must look like sha256: followed by 64 lowercase hex digits")


def parse_reference(text: str, *, default_tag: str | None = "latest") -> Reference:
    """Parse and normalise `[domain/]path[:tag][@digest]`; raise InvalidReference if it is not one.

    With neither tag nor digest the tag is `default_tag` (None keeps it None). A tag and a digest
    together are both kept; callers decide which to honour.
    """
    if not isinstance(text, str) or not text:
        raise InvalidReference("invalid image name '': the name is empty; give a name such as alpine:latest")
    if any(c.isspace() for c in text):
        raise _fail(text, "it contains whitespace; remove the spaces")
    if "://" in text:
        raise _fail(text, "a transport prefix such as docker:// is not part of an image name; remove it")
    rest, at, digest = text.partition("@")
    if at:
        _check_digest(digest, text)
    name, tag = rest, None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        name, tag = rest[:colon], rest[colon + 1 :]
        _check_tag(tag, text)
    if not name:
        raise _fail(text, "the repository name is missing; give a name such as alpine:latest")
    if _HEX64_RE.fullmatch(name) or (name == "sha256" and tag is not None and _HEX64_RE.fullmatch(tag)):
        raise _fail(
            text, "it looks like an image ID, not a name; use the ID to select an image, or give a name"
        )

    first, sep, remainder = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        domain, path = first, remainder
        if not _DOMAIN_RE.fullmatch(domain):
            raise _fail(text, f"registry {domain[:140]!r} is not a valid host name or host:port")
    else:
        domain, path = DEFAULT_DOMAIN, name
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if path.lower() != path:
        raise _fail(text, "repository name must be lowercase")
    for component in path.split("/"):
        if not component:
            raise _fail(text, "the name has an empty path component (a leading, trailing or doubled '/')")
        if not _PATH_COMPONENT_RE.fullmatch(component):
            raise _fail(
                text,
                f"path component {component[:140]!r} is not valid; use lowercase letters and digits, "
                "separated by '.', '_', '__' or '-'",
            )
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_REPO_PREFIX + path
    if len(domain) + 1 + len(path) > NAME_TOTAL_LENGTH_MAX:
        raise _fail(text, f"the name is longer than {NAME_TOTAL_LENGTH_MAX} characters; use a shorter one")
    if tag is None and not at:
        tag = default_tag
    return Reference(domain, path, tag, digest if at else None)


def is_image_id_prefix(text: str) -> bool:
    """1-64 lowercase hex digits, or `sha256:` plus all 64 (podman rejects `sha256:<short>`)."""
    return bool(_ID_PREFIX_RE.fullmatch(text))


def short_id(image_id: str) -> str:
    """The 12-character display form of an image ID, without any `sha256:` prefix."""
    return image_id.rpartition(":")[2][:12]


def is_tag_only(text: str) -> bool:
    """True for an OCI `ref.name` that is just a tag (`latest`, `v1.0`): no '/', ':' or '@'."""
    return bool(text) and not any(c in text for c in "/:@")


def valid_oci_ref_name(text: str) -> bool:
    """True if `text` matches the OCI `org.opencontainers.image.ref.name` grammar (docs/formats.md §1.2)."""
    return bool(_OCI_REF_NAME_RE.fullmatch(text))
