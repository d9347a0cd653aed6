"""OCI image layout (docs/formats.md §1.2): what reading and writing share: the layout's file names, blob paths,
detection, and how index.json annotations become image names and back. Reading is reader.py; writing a
directory writer.py, an archive archive_writer.py."""

from __future__ import annotations

import os

from engine.digest import Digest
from engine.reference import InvalidReference, is_tag_only, parse_reference
from engine.tarindex import TarIndex

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
LAYOUT_FILE = "oci-layout"
INDEX_FILE = "index.json"
LAYOUT_BYTES = b'{"imageLayoutVersion": "1.0.0"}'  # c/image's exact bytes (with the space) [obs]
MAX_LAYOUT_BYTES = 64 << 10
_NAME_KEYS = (REF_NAME, CONTAINERD_NAME)


def limit_text(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def blob_rel(digest: str) -> str:
    """`blobs/<alg>/<hex>`; safe because Digest validates (again, whatever type the caller passed)."""
    d = Digest(digest)
    return f"blobs/{d.algorithm}/{d.hex}"


# -- detection ----------------------------------------------------------------------------------------------


def is_oci_layout_dir(path: str) -> bool:
    return os.path.isdir(path) and all(os.path.isfile(os.path.join(path, n)) for n in (LAYOUT_FILE, INDEX_FILE))


def is_oci_archive(index: TarIndex) -> bool:
    return index.has(LAYOUT_FILE) and index.has(INDEX_FILE)


# -- names ----------------------------------------------------------------------------------------------------


def full_name(text: str) -> str | None:
    """Docker-normalised `domain/path:tag`, or None when `text` is not a name with a tag (digest-only refs
    are not names we keep: docs/formats.md pitfall 8)."""
    try:
        ref = parse_reference(text)
    except InvalidReference:
        return None
    return ref.tagged if ref.tag else None


def names_of(annotations: dict | None) -> tuple[list[str], str]:
    """(fully qualified names, a note for messages) of one index.json descriptor (docs/formats.md §1.5, pitfall 3):
    `io.containerd.image.name` first; else ref.name when it is a full name. A tag-only ref.name
    (`latest`, `v1`) is a tag, so the image is unnamed (podman would make it `localhost/v1:latest`)."""
    ann = annotations or {}
    containerd, ref_name = ann.get(CONTAINERD_NAME), ann.get(REF_NAME)
    if containerd:
        name = full_name(containerd)
        if name:
            return [name], ""
        return [], f"{CONTAINERD_NAME} {containerd[:100]!r} is not a valid image name: left unnamed"
    if not ref_name:
        return [], ""
    if is_tag_only(ref_name):
        return [], f"ref.name {ref_name[:100]!r} is only a tag: left unnamed"
    name = full_name(ref_name)
    if name:
        return [name], ""
    return [], f"ref.name {ref_name[:100]!r} is not a valid image name: left unnamed"


def _identities(annotations) -> set[str]:
    """What a descriptor names, for "a new name moves from the older descriptor" (c/image addManifest).
    A tag-only ref.name beside a containerd name (Docker style) is not an identity: many images share `latest`."""
    if not isinstance(annotations, dict):
        return set()
    out: set[str] = set()
    containerd, ref_name = annotations.get(CONTAINERD_NAME), annotations.get(REF_NAME)
    if isinstance(containerd, str) and containerd:
        out.add("name:" + (full_name(containerd) or containerd))
    if isinstance(ref_name, str) and ref_name and not (is_tag_only(ref_name) and containerd):
        out.add("ref:" + ref_name)
        full = None if is_tag_only(ref_name) else full_name(ref_name)
        if full:
            out.add("name:" + full)
    return out


def _has_name(desc: dict) -> bool:
    ann = desc.get("annotations")
    return isinstance(ann, dict) and any(ann.get(k) for k in _NAME_KEYS)


def merge_index(manifests: list[dict], new: list[dict]) -> list[dict]:
    """containers/image `oci:` append semantics (docs/formats.md §1.2): a new descriptor's names are removed from
    older descriptors (which stay); a new descriptor replaces an unnamed one with the same digest in place.
    An unnamed descriptor whose digest is already listed is not added twice."""
    out = [dict(m) for m in manifests]
    for desc in new:
        ids = _identities(desc.get("annotations"))
        if ids:
            for m in out:
                if _identities(m.get("annotations")) & ids:
                    ann = {k: v for k, v in m["annotations"].items() if k not in _NAME_KEYS}
                    if ann:
                        m["annotations"] = ann
                    else:
                        del m["annotations"]
        same = [i for i, m in enumerate(out) if m.get("digest") == desc["digest"]]
        unnamed = [i for i in same if not _has_name(out[i])]
        if unnamed:
            out[unnamed[0]] = desc
        elif not (same and not ids):
            out.append(desc)
    return out

