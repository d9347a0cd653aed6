"""The copy pipeline, one side at a time, with in-memory sources and destinations."""

from __future__ import annotations

import gzip
import io
import json
import threading

import pytest

from engine import compression, media
from engine.contract import CompressionPolicy
from engine.copy import CopyOptions, copy
from engine.errors import Cancelled, DigestMismatch, InvalidInput, Unsupported
from engine.manifest import parse
from engine.platform import Platform
from engine.progress import DONE, READ, CancelToken, Progress
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import build_image, build_index, make_layer_tar, random_layer_tar


def small_image(**kw):
    return build_image([make_layer_tar({"etc/a": b"alpha" * 100}), make_layer_tar({"etc/b": b"beta" * 300})], **kw)


def only_image(dest: MemoryDestination):
    assert dest.committed and not dest.aborted
    assert len(dest.images) == 1
    top, names, config = dest.images[0]
    return parse(top), names, config


def test_same_family_keeps_manifest_bytes_and_blobs():
    img = small_image()
    dest = MemoryDestination()
    [res] = copy(MemorySource.from_built(img, ["docker.io/library/foo:latest"]), dest)
    manifest, names, config = only_image(dest)
    assert manifest.raw == img.manifest  # untouched: the manifest digest survives
    assert res.image_id == img.config_digest
    assert names == ["docker.io/library/foo:latest"]
    assert dest.blobs[img.config_digest] == img.config
    for layer in img.layers:
        assert dest.blobs[layer.digest] == layer.blob


def test_oci_to_docker_keeps_config_bytes_and_decompresses_for_docker_archive_policy():
    img = small_image()
    dest = MemoryDestination(families=(media.DOCKER,), compression=CompressionPolicy(compression.NONE, True))
    copy(MemorySource.from_built(img), dest)
    manifest, _, config = only_image(dest)
    assert manifest.media_type == media.DOCKER_MANIFEST
    assert manifest.config.media_type == media.DOCKER_CONFIG
    assert manifest.config.digest == img.config_digest  # image ID kept
    assert config.raw == img.config
    for out, layer in zip(manifest.layers, img.layers, strict=True):
        assert out.media_type == media.DOCKER_LAYER
        assert out.digest == layer.diff_id and dest.blobs[out.digest] == layer.tar
    # Docker descriptor key order: mediaType, size, digest (what containers/image writes)
    doc = json.loads(manifest.raw)
    assert list(doc["layers"][0]) == ["mediaType", "size", "digest"]


def test_docker_to_oci_keeps_the_docker_config_and_image_id():
    img = small_image(docker=True)
    dest = MemoryDestination(families=(media.OCI,), compression=CompressionPolicy(compression.GZIP, False))
    copy(MemorySource.from_built(img), dest)
    manifest, _, config = only_image(dest)
    assert manifest.media_type == media.OCI_MANIFEST
    assert manifest.config.media_type == media.OCI_CONFIG
    assert config.raw == img.config  # Healthcheck, container_config ... all kept
    assert b"Healthcheck" in config.raw
    # already-gzip layers are kept byte for byte, relabelled
    assert [d.digest for d in manifest.layers] == [layer.digest for layer in img.layers]
    assert {d.media_type for d in manifest.layers} == {media.OCI_LAYER_GZIP}


def test_uncompressed_layers_are_gzipped_when_the_destination_wants_gzip():
    img = small_image(compression="none")
    dest = MemoryDestination(families=(media.OCI,), compression=CompressionPolicy(compression.GZIP, False))
    copy(MemorySource.from_built(img), dest)
    manifest, _, _ = only_image(dest)
    for out, layer in zip(manifest.layers, img.layers, strict=True):
        assert out.media_type == media.OCI_LAYER_GZIP
        assert gzip.decompress(dest.blobs[out.digest]) == layer.tar
        assert out.size == len(dest.blobs[out.digest])


def test_zstd_layers_become_gzip_for_docker_schema2():
    img = small_image(compression="zstd")
    dest = MemoryDestination(families=(media.DOCKER,))
    copy(MemorySource.from_built(img), dest)
    manifest, _, _ = only_image(dest)
    for out, layer in zip(manifest.layers, img.layers, strict=True):
        assert out.media_type == media.DOCKER_LAYER_GZIP
        assert gzip.decompress(dest.blobs[out.digest]) == layer.tar


def test_force_zstd_recompresses_gzip():
    import zstandard

    img = small_image()
    dest = MemoryDestination(families=(media.OCI,), compression=CompressionPolicy(compression.ZSTD, True))
    copy(MemorySource.from_built(img), dest)
    manifest, _, _ = only_image(dest)
    for out, layer in zip(manifest.layers, img.layers, strict=True):
        assert out.media_type == media.OCI_LAYER_ZSTD
        assert zstandard.ZstdDecompressor().stream_reader(io.BytesIO(dest.blobs[out.digest])).read() == layer.tar


def test_lying_media_type_is_sniffed():
    """A plain tar labelled gzip (c/image#1270, podman dir saves) is written with the honest label."""
    img = small_image(compression="none")
    lying = img.manifest.replace(b"vnd.oci.image.layer.v1.tar\"", b"vnd.oci.image.layer.v1.tar+gzip\"")
    assert lying != img.manifest
    src = MemorySource.from_built(img)
    src.tops = [(lying, [])]
    dest = MemoryDestination(families=(media.OCI,))
    copy(src, dest)
    manifest, _, _ = only_image(dest)
    assert {d.media_type for d in manifest.layers} == {media.OCI_LAYER}


def test_corrupt_layer_is_refused_and_destination_aborted():
    img = small_image()
    src = MemorySource.from_built(img)
    bad = bytearray(img.layers[1].blob)
    bad[len(bad) // 2] ^= 0xFF
    src.blobs[img.layers[1].digest] = bytes(bad)
    dest = MemoryDestination()
    with pytest.raises((DigestMismatch, InvalidInput)) as info:
        copy(src, dest)
    assert "\n" not in str(info.value)
    assert dest.aborted and not dest.committed


def test_truncated_blob_names_the_size():
    img = small_image(compression="none")
    src = MemorySource.from_built(img)
    src.blobs[img.layers[0].digest] = img.layers[0].blob[:-100]
    dest = MemoryDestination()
    with pytest.raises(DigestMismatch, match="bytes"):
        copy(src, dest)
    assert dest.aborted


def test_layer_diffid_not_matching_config_is_refused():
    img = small_image()
    # swap in a config whose diff_ids are wrong
    cfg = json.loads(img.config)
    cfg["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64
    bad_config = json.dumps(cfg, separators=(",", ":")).encode()
    manifest = json.loads(img.manifest)
    import hashlib

    manifest["config"]["digest"] = "sha256:" + hashlib.sha256(bad_config).hexdigest()
    manifest["config"]["size"] = len(bad_config)
    raw = json.dumps(manifest, separators=(",", ":")).encode()
    src = MemorySource.from_built(img)
    src.blobs[manifest["config"]["digest"]] = bad_config
    src.tops = [(raw, [])]
    # Stored uncompressed, the layer is decompressed on the way: what it unpacks to must match the config.
    dest = MemoryDestination(compression=CompressionPolicy(compression.NONE, force=True))
    with pytest.raises(DigestMismatch, match="diffID"):
        copy(src, dest)
    assert dest.aborted and not dest.committed


def test_config_that_is_not_json_is_refused():
    img = small_image()
    src = MemorySource.from_built(img)
    import hashlib

    junk = b"this is not json"
    manifest = json.loads(img.manifest)
    manifest["config"]["digest"] = "sha256:" + hashlib.sha256(junk).hexdigest()
    manifest["config"]["size"] = len(junk)
    src.blobs[manifest["config"]["digest"]] = junk
    src.tops = [(json.dumps(manifest).encode(), [])]
    with pytest.raises(InvalidInput, match="not valid JSON"):
        copy(src, MemoryDestination())


def test_layer_count_mismatch_is_refused():
    img = small_image()
    manifest = json.loads(img.manifest)
    manifest["layers"] = manifest["layers"][:1]
    src = MemorySource.from_built(img)
    src.tops = [(json.dumps(manifest).encode(), [])]
    with pytest.raises(InvalidInput, match="lists 2 layers but the manifest has 1"):
        copy(src, MemoryDestination())


def test_index_selects_platform_and_keeps_all_with_all_platforms():
    amd = small_image(arch="amd64")
    arm = small_image(arch="arm64", variant="v8", labels={"arch": "arm"})
    idx = build_index([amd, arm])
    src = MemorySource.from_built([amd, arm], ["docker.io/library/multi:1"], index=idx.index)
    dest = MemoryDestination()
    copy(src, dest, CopyOptions(platform=Platform("linux", "arm64", "v8")))
    manifest, names, config = only_image(dest)
    assert config.raw == arm.config and names == ["docker.io/library/multi:1"]

    dest = MemoryDestination()
    [res] = copy(src, dest, CopyOptions(all_platforms=True))
    top, _, _ = dest.images[0]
    assert top == idx.index  # nothing changed: index bytes kept
    assert res.platforms == ["linux/amd64", "linux/arm64/v8"]

    with pytest.raises(Unsupported, match="no image for platform linux/s390x"):
        copy(src, MemoryDestination(), CopyOptions(platform=Platform("linux", "s390x")))
    with pytest.raises(Unsupported, match="cannot hold a multi-platform image"):
        copy(src, MemoryDestination(accepts_index=False), CopyOptions(all_platforms=True))


def test_index_converted_to_docker_list_rewrites_children():
    amd = small_image(arch="amd64")
    arm = small_image(arch="arm64", variant="v8")
    idx = build_index([amd, arm])
    dest = MemoryDestination(families=(media.DOCKER,))
    copy(MemorySource.from_built([amd, arm], index=idx.index), dest, CopyOptions(all_platforms=True))
    top = parse(dest.images[0][0])
    assert top.media_type == media.DOCKER_LIST
    for child_desc in top.manifests:
        child = parse(dest.manifests[child_desc.digest])
        assert child.media_type == media.DOCKER_MANIFEST
        assert child_desc.platform is not None


def test_several_images_into_single_image_destination_asks_to_choose():
    a, b = small_image(), small_image(labels={"b": "1"})
    src = MemorySource.from_built([a, b])
    with pytest.raises(Unsupported, match="holds 2 images"):
        copy(src, MemoryDestination(multi_image=False))


def test_progress_events_are_throttled_and_complete():
    img = build_image([random_layer_tar(1, 6 << 20), random_layer_tar(2, 3 << 20)], compression="none")
    events = []
    lock = threading.Lock()

    def listener(ev):
        with lock:
            events.append(ev)

    copy(MemorySource.from_built(img), MemoryDestination(), CopyOptions(progress=Progress(listener)))
    done = {e.blob for e in events if e.kind == DONE}
    assert done == {layer.digest for layer in img.layers}
    reads = [e for e in events if e.kind == READ]
    assert len(reads) < 20  # throttled at the source, not one per chunk


def test_cancel_stops_the_copy_and_aborts():
    img = build_image([random_layer_tar(3, 8 << 20)], compression="none")
    token = CancelToken()

    def listener(ev):
        if ev.kind == READ or ev.kind == "new":
            token.cancel()

    dest = MemoryDestination()
    with pytest.raises(Cancelled):
        copy(MemorySource.from_built(img), dest, CopyOptions(progress=Progress(listener, token, interval=0)))
    assert dest.aborted and not dest.committed


def test_duplicate_layers_keep_their_positions():
    tar = make_layer_tar({"x": b"same"})
    img = build_image([tar, make_layer_tar({"y": b"other"}), tar])
    dest = MemoryDestination(families=(media.DOCKER,), compression=CompressionPolicy(compression.NONE, True))
    copy(MemorySource.from_built(img), dest)
    manifest, _, _ = only_image(dest)
    assert len(manifest.layers) == 3
    assert manifest.layers[0].digest == manifest.layers[2].digest


class _CountingSource(MemorySource):
    """Counts which blobs the pipeline opens (a registry GET, an archive read)."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.opened: list[str] = []

    def open_blob(self, desc):
        self.opened.append(desc.digest)
        return super().open_blob(desc)


def _counting(img) -> _CountingSource:
    src = MemorySource.from_built(img)
    return _CountingSource(src.blobs, src.tops)


def test_blobs_the_destination_has_are_not_even_opened():
    img = small_image()
    dest = MemoryDestination()
    copy(MemorySource.from_built(img), dest)
    again = _counting(img)
    copy(again, dest)
    assert [d for d in again.opened if d in {layer.digest for layer in img.layers}] == []


def test_blob_info_cache_skips_recompressing_a_layer_the_destination_has(tmp_path):
    from engine.blobinfo import BlobInfoCache

    img = small_image(compression="none")
    gz = CompressionPolicy(compression.GZIP, False)
    dest = MemoryDestination(families=(media.OCI,), compression=gz)
    cache_file = tmp_path / "blob-info.json"
    copy(MemorySource.from_built(img), dest, CopyOptions(blob_info=BlobInfoCache(str(cache_file))))
    first, _, _ = only_image(dest)
    assert cache_file.exists()
    # A new process (a fresh cache object reading the file): the gzip blobs made last time are found by
    # their diffIDs, so the uncompressed layers are neither read nor compressed again, and the manifest is
    # the same.
    dest.images.clear()
    again = _counting(img)
    copy(again, dest, CopyOptions(blob_info=BlobInfoCache(str(cache_file))))
    second, _, _ = only_image(dest)
    assert not {layer.digest for layer in img.layers} & set(again.opened)
    assert second.raw == first.raw
    # Without the cache every layer is read and compressed again.
    dest.images.clear()
    third = _counting(img)
    copy(third, dest)
    assert {layer.digest for layer in img.layers} <= set(third.opened)


def test_blob_info_cache_learns_nothing_from_a_layer_that_fails_its_diffid(tmp_path):
    import hashlib

    from engine.blobinfo import BlobInfoCache

    img = small_image()  # gzip layers
    cfg = json.loads(img.config)
    wrong = "sha256:" + "0" * 64
    cfg["rootfs"]["diff_ids"][0] = wrong
    bad_config = json.dumps(cfg, separators=(",", ":")).encode()
    manifest = json.loads(img.manifest)
    manifest["config"]["digest"] = "sha256:" + hashlib.sha256(bad_config).hexdigest()
    manifest["config"]["size"] = len(bad_config)
    src = MemorySource.from_built(img)
    src.blobs[manifest["config"]["digest"]] = bad_config
    src.tops = [(json.dumps(manifest, separators=(",", ":")).encode(), [])]
    cache = BlobInfoCache(str(tmp_path / "blob-info.json"))
    dest = MemoryDestination(families=(media.DOCKER,), compression=CompressionPolicy(compression.NONE, True))
    with pytest.raises(DigestMismatch):
        copy(src, dest, CopyOptions(parallel=1, blob_info=cache))
    cache.save()
    assert cache.compressed(wrong, compression.GZIP) is None
    assert not (tmp_path / "blob-info.json").exists()
    # The same image with its true config teaches the pairs.
    copy(MemorySource.from_built(img), MemoryDestination(families=(media.DOCKER,),
         compression=CompressionPolicy(compression.NONE, True)), CopyOptions(blob_info=cache))
    for layer in img.layers:
        assert cache.compressed(layer.diff_id, compression.GZIP) == (layer.digest, len(layer.blob))


def test_blob_info_cache_survives_a_damaged_file(tmp_path):
    from engine.blobinfo import BlobInfoCache

    path = tmp_path / "blob-info.json"
    path.write_text("{not json")
    cache = BlobInfoCache(str(path))
    diff = "sha256:" + "1" * 64
    assert cache.compressed(diff, "gzip") is None
    cache.record(diff, "gzip", "sha256:" + "2" * 64, 42)
    cache.save()
    assert BlobInfoCache(str(path)).compressed(diff, "gzip") == ("sha256:" + "2" * 64, 42)


def test_cancel_token_wakes_registered_work_once():
    token = CancelToken()
    woken: list[str] = []
    token.on_cancel(lambda: woken.append("a"))
    forget = token.on_cancel(lambda: woken.append("b"))
    token.on_cancel(lambda: 1 / 0)  # a failing callback does not stop the others
    token.on_cancel(lambda: woken.append("c"))
    forget()
    token.cancel()
    token.cancel()
    assert woken == ["a", "c"]
    token.on_cancel(lambda: woken.append("late"))  # already cancelled: at once
    assert woken == ["a", "c", "late"]
