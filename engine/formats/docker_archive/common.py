"""docker-archive: the `docker save` / `podman save` tar (docs/formats.md §1.1, §2.7, §4): what reading and writing
share, the member names and how image names are normalised. Reading is reader.py, writing writer.py."""

from __future__ import annotations

from engine.errors import InvalidInput
from engine.reference import InvalidReference, Reference, parse_reference
from engine.tarindex import TarIndex

MANIFEST_FILE = "manifest.json"
REPOSITORIES_FILE = "repositories"
CONTAINERD_NAME = "io.containerd.image.name"
CHUNK = 1 << 20
DIGEST_REFS = "docker-archive doesn't support digest references; give NAME:TAG"


# -- detection ----------------------------------------------------------------------------------------------


def is_docker_archive(index: TarIndex) -> bool:
    return index.has(MANIFEST_FILE)


# -- names ----------------------------------------------------------------------------------------------------


def tagged(text: str, what: str, default_tag: str | None = "latest") -> Reference:
    """A RepoTag (or a ref given by the user) as a Docker-normalised reference with a tag."""
    try:
        ref = parse_reference(text, default_tag=default_tag)
    except InvalidReference as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    if ref.digest is not None:
        raise InvalidInput(f"{what}: {text[:200]!r} has a digest; {DIGEST_REFS}")
    if ref.tag is None:
        raise InvalidInput(f"{what}: {text[:200]!r} has no tag (Docker and podman refuse such RepoTags)")
    return ref


def normalise_name(text: str, what: str) -> str:
    """`foo` -> `docker.io/library/foo:latest`, Docker's reading (not podman's `localhost/`): docs/DESIGN.md "Names"."""
    return tagged(text, what).tagged


def normalise_repo_tag(text: str, what: str) -> str:
    """A RepoTags entry: like normalise_name, but the tag is required, as Docker and c/image require it."""
    return tagged(text, what, None).tagged

