"""Which form a layer takes at the destination, and whether the destination holds it already (HEAD before
GET: a layer found there is never read from the source). Used by the copy pipeline (engine/copy.py)."""

from __future__ import annotations

from engine import compression, media
from engine.blobinfo import BlobInfoCache
from engine.contract import Destination, Source
from engine.digest import Digest
from engine.errors import InvalidInput
from engine.manifest import Descriptor
from engine.progress import Progress


def target_kind(dest: Destination, src_kind: str, fam: str) -> str:
    """The compression a layer compressed as `src_kind` gets at `dest` in manifest family `fam`."""
    policy = dest.compression
    if policy.target is None:
        out = src_kind
    elif policy.force:
        out = policy.target
    else:
        out = policy.target if src_kind == compression.NONE else src_kind
    if fam == media.DOCKER and out == compression.ZSTD:
        out = compression.GZIP  # schema 2 has no zstd type
    return out


def already_there(dest: Destination, blob_info: BlobInfoCache | None, progress: Progress, desc: Descriptor,
                  diff_id: Digest, fam: str, src_kind: str, asked: set[Digest]) -> Descriptor | None:
    """The layer as the destination already holds it, or None. Candidates: the blob itself when it is kept as
    it is, the diffID when it is to be stored uncompressed, and the blob this layer was compressed to last time
    (the blob-info cache). `asked` holds the digests already asked about in this copy."""
    out_kind = target_kind(dest, src_kind, fam)
    candidates: list[tuple[Digest, int]] = []
    if out_kind == src_kind:
        candidates.append((desc.digest, desc.size))
    elif out_kind == compression.NONE:
        candidates.append((diff_id, -1))
    elif blob_info is not None:
        hit = blob_info.compressed(diff_id, out_kind)
        if hit is not None:
            candidates.append(hit)
    for digest, size in candidates:
        if digest in asked:
            continue
        asked.add(digest)
        if dest.has_blob(digest):
            progress.skipped(desc.digest, desc.size)
            return Descriptor(media.layer_type(fam, out_kind), digest, size if size >= 0 else _known_size(dest, digest))
    return None


def _known_size(dest: Destination, digest: Digest) -> int:
    size = dest.blob_size(digest)
    if size < 0:
        raise InvalidInput(f"cannot tell the size of blob {digest[:19]}…")
    return size


def place_compressed(source: Source, dest: Destination, blob_info: BlobInfoCache | None, progress: Progress,
                     desc: Descriptor, diff_id: Digest, fam: str, out_kind: str) -> Descriptor | None:
    """The uncompressed layer `desc` handed over as the source already compressed it to `out_kind`
    (Source.compressed_file), or None (not available, or the destination takes no files)."""
    found = source.compressed_file(desc, out_kind)
    if found is None:
        return None
    path, digest, size = found
    on_bytes = progress.counter(desc.digest, size, check_cancel=not dest.uploads)
    if not dest.put_blob_file(path, 0, size, digest, on_bytes=on_bytes):
        return None
    if blob_info is not None:  # the source hashed the layer to diff_id as the compressor read it
        blob_info.record(diff_id, out_kind, digest, size)
    progress.done(desc.digest, desc.size)
    return Descriptor(media.layer_type(fam, out_kind), digest, size)
