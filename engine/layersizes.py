"""How many bytes each layer of an image unpacks to, before any layer is copied.

A destination that lays layers out at offsets (a docker-archive: engine/formats/docker_archive/placement.py)
needs these sizes up front. They come from the source when it knows them (a docker-archive holds its layers
unpacked), else from what the pipeline learnt when it last unpacked or checked the blob (the store's blob-info
file, engine/blobinfo.py). A size still unknown is measured here, by unpacking the blob without writing anything,
when its bytes are local (the store, an archive or a layout; not a registry, where it would mean downloading it
twice): unpacking costs CPU, which is cheaper on this kind of machine than writing every byte twice through the
page cache (stage, then copy). The store's blobs were verified on the way in, so what one unpacks to is recorded
at once; any other source's measure only lays the archive out, and a layer that then unpacks to another size is
refused (the pipeline records the size once it has verified the layer).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from engine import compression
from engine.blobinfo import BlobInfoCache
from engine.contract import Source
from engine.errors import EstibaError, InvalidInput
from engine.malloc import release_free_memory
from engine.manifest import Descriptor
from engine.progress import CancelToken

CHUNK = 1 << 20


def known_sizes(source: Source, layers: list[Descriptor], cache: BlobInfoCache | None) -> list[int | None]:
    out: list[int | None] = []
    for desc in layers:
        size = source.layer_size(desc)
        if size is None and cache is not None:
            size = cache.uncompressed_size(desc.digest)
        out.append(size)
    return out


def planned_sizes(source: Source, layers: list[Descriptor], cache: BlobInfoCache | None, cancel: CancelToken,
                  parallel: int) -> list[int | None]:
    """The unpacked size of every layer (None where it cannot be told without copying it)."""
    sizes = known_sizes(source, layers, cache)
    missing = {d.digest: d for d, s in zip(layers, sizes, strict=True)
               if s is None and (source.trusted or source.blob_file(d) is not None)}
    if not missing:
        return sizes
    with ThreadPoolExecutor(max(1, min(parallel, len(missing))), thread_name_prefix="estiba-measure") as pool:
        measured = dict(zip(missing, pool.map(lambda d: _measure(source, d, cancel), missing.values()),
                            strict=True))
    if source.trusted and cache is not None:
        for digest, size in measured.items():
            cache.record_size(digest, size)
    return [s if s is not None else measured.get(d.digest) for d, s in zip(layers, sizes, strict=True)]


def _measure(source: Source, desc: Descriptor, cancel: CancelToken) -> int:
    """Unpack the blob and count its bytes; a cancel lands within a chunk."""
    cancel.check()
    raw = source.open_blob(desc)
    try:
        kind, stream = compression.sniffing(raw)
        if kind == compression.NONE:
            return desc.size
        dec = compression.decompressor(stream, kind)
        count = 0
        view = memoryview(bytearray(CHUNK))
        try:
            while n := dec.readinto(view):
                count += n
                cancel.check()
        except compression.decompress_errors() as exc:
            if isinstance(exc, EstibaError):
                raise
            raise InvalidInput(f"layer {desc.digest[:19]}… is corrupt: cannot decompress it ({exc})") from None
        finally:
            dec.close()
        return count
    finally:
        raw.close()
        release_free_memory()
