"""Tests for engine.formats.docker_archive: reading every docker-archive variant (spec/formats.md §1.1 reading
rules 1-7, §4), refusing hostile archives, writing containers/image's variant A, and skopeo/podman as oracles.
Everything goes through the real copy pipeline with in-memory counterparts (tests/engine/memory.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest

from engine import compression, media
from engine.contract import CompressionPolicy
from engine.copy import CopyOptions, copy
from engine.digest import Digest
from engine.errors import DigestMismatch, Hint, InvalidInput, NotFound, Unsupported
from engine.formats.docker_archive import (
    _go_compact,
    is_docker_archive,
    legacy_layers,
    open_destination,
    open_source,
)
from engine.manifest import parse
from engine.platform import Platform
from engine.tarindex import TarIndex
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import (
    build_image,
    compact,
    hex_of,
    make_layer_tar,
    sha256,
    tar_entries,
    write_docker_archive,
    write_oci_layout,
)

LAYER1 = make_layer_tar({"etc/hello": b"hello\n", "bin/tool": b"#!/bin/sh\necho tool\n"}, symlinks={"bin/link": "tool"})
LAYER2 = make_layer_tar({"etc/new": b"new\n"}, whiteouts=["etc/hello"])
LAYER3 = make_layer_tar({"opt/three": b"3\n"})
AMD64 = Platform("linux", "amd64")
FOO = "docker.io/library/foo:latest"
EMPTY_TAR_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"


@pytest.fixture
def img():
    """Docker-style config (Healthcheck, container_config, …) and a repeated layer (pitfall 10)."""
    return build_image([LAYER1, LAYER2, LAYER1], docker=True, cmd=["/bin/true"])


@pytest.fixture
def oci_img():
    return build_image([LAYER1, LAYER2], cmd=["/bin/oci"])


@pytest.fixture
def other():
    """Shares LAYER1 with the others; OCI-style config."""
    return build_image([LAYER1, LAYER3], cmd=["/bin/other"])


# -- helpers -------------------------------------------------------------------------------------------------


def read(source, **opts) -> tuple[list, MemoryDestination]:
    """Copy everything `source` offers into memory through the pipeline; closes the source."""
    dest = MemoryDestination(families=(media.DOCKER, media.OCI))
    with source:
        results = copy(source, dest, CopyOptions(platform=AMD64, **opts))
    assert dest.committed
    return results, dest


def write(dest, *images, names=None, src=None) -> list:
    source = src or MemorySource.from_built(list(images), names)
    return copy(source, dest, CopyOptions(platform=AMD64))


def assert_image(result, dest: MemoryDestination, image, names: list[str]) -> None:
    """The copied image has the source's config bytes (same ID), its diffIDs and uncompressed layers."""
    assert result.image_id == image.config_digest
    assert result.names == names
    assert dest.blobs[image.config_digest] == image.config
    manifest = parse(result.manifest)
    assert manifest.media_type == media.DOCKER_MANIFEST
    assert [layer.digest for layer in manifest.layers] == [layer.diff_id for layer in image.layers]
    for layer in image.layers:
        assert dest.blobs[layer.diff_id] == layer.tar


def one_line(info: pytest.ExceptionInfo) -> str:
    text = str(info.value)
    assert text and "\n" not in text
    return text


def expect_error(path, exc_type, *fragments: str, ref: str | None = None, tmpdir=None) -> str:
    """Opening and copying fails with one engine error line containing `fragments`; nothing is committed and
    no temp file is left behind."""
    dest = MemoryDestination()
    with pytest.raises(exc_type) as info, open_source(str(path), ref, tmpdir=str(tmpdir) if tmpdir else None) as src:
        copy(src, dest, CopyOptions(platform=AMD64))  # the error may come from opening or from the copy
    text = one_line(info)
    for fragment in fragments:
        assert fragment in text, text
    assert not dest.committed
    if tmpdir is not None:
        assert list(Path(tmpdir).iterdir()) == []
    return text


def podman_entries(items, *, layer_data=None) -> list[tuple]:
    """Members of a c/image-style archive (layers, configs, manifest.json last); `layer_data` overrides the
    stored bytes of a layer by diffID."""
    entries, seen, manifest = [], set(), []
    for image, tags in items:
        for layer in image.layers:
            if layer.diff_id not in seen:
                seen.add(layer.diff_id)
                data = (layer_data or {}).get(layer.diff_id, layer.tar)
                entries.append(("file", hex_of(layer.diff_id) + ".tar", data, 0o444))
        if image.id not in seen:
            seen.add(image.id)
            entries.append(("file", image.id + ".json", image.config, 0o444))
        manifest.append({"Config": image.id + ".json", "RepoTags": tags,
                         "Layers": [hex_of(x.diff_id) + ".tar" for x in image.layers]})
    return entries + [("file", "manifest.json", compact(manifest), 0o444)]


def write_tar(path: Path, entries: list[tuple], **opts) -> Path:
    path.write_bytes(tar_entries(entries, **opts))
    return path


def replace_member(path: Path, name: str, data: bytes) -> None:
    """Rewrite a tar with one member's bytes replaced (everything else as it was)."""
    out = io.BytesIO()
    with tarfile.open(path) as src, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as dst:
        for info in src:
            payload = src.extractfile(info).read() if info.isreg() else None
            if info.name == name:
                payload, info.size = data, len(data)
            dst.addfile(info, io.BytesIO(payload) if payload is not None else None)
    path.write_bytes(out.getvalue())


def tar_members(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path) as tf:
        return tf.getmembers()


def tar_file(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tf:
        return tf.extractfile(name).read()


def go_map(doc: dict) -> bytes:
    """An independent rendering of Go's json.Marshal(map[string]any): keys sorted, nested order kept."""
    return ("{" + ",".join(f"{json.dumps(k)}:{json.dumps(doc[k], separators=(',', ':'))}" for k in sorted(doc))
            + "}").encode()


# -- reading: every variant -----------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [None, "gzip", "xz", "zstd", "bzip2"])
@pytest.mark.parametrize("style", ["podman", "docker24", "docker25"])
def test_reads_every_writer_variant_and_outer_compression(tmp_path, img, style, compress):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest", "quay.io/a/b:v2"])], style=style, compress=compress)
    spool = tmp_path / "spool"
    spool.mkdir()
    src = open_source(str(path), tmpdir=str(spool))
    assert (list(spool.iterdir()) != []) == (compress is not None)  # compressed: decompressed to a temp file
    [res], dest = read(src)
    assert_image(res, dest, img, [FOO, "quay.io/a/b:v2"])
    assert list(spool.iterdir()) == []  # close() removed the temp file


def test_uncompressed_archive_is_read_in_place(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], style="docker24")
    with open_source(str(path)) as src:
        [image] = src.images()
        assert image.digest is None  # synthesised manifest
        manifest = parse(image.manifest)
        assert manifest.config.media_type == media.DOCKER_CONFIG
        assert manifest.config.digest == img.config_digest and manifest.config.size == len(img.config)
        assert [x.media_type for x in manifest.layers] == [media.DOCKER_LAYER] * 3
        assert [x.size for x in manifest.layers] == [len(x.tar) for x in img.layers]
        data = path.read_bytes()
        for layer in manifest.layers:
            where, offset, size = src.blob_file(layer)
            assert where == str(path)  # the archive itself: no copy
            assert sha256(data[offset:offset + size]) == layer.digest
            with src.open_blob(layer) as f:
                assert sha256(f.read()) == layer.digest
        with src.open_blob(manifest.config) as f:
            assert f.read() == img.config
        with pytest.raises(NotFound):
            src.get_manifest(manifest.config.digest, 1)


def test_docker24_symlinked_duplicate_layer(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], style="docker24")
    links = [m for m in tar_members(path) if m.issym()]
    assert len(links) == 1 and links[0].name.endswith("/layer.tar")  # the repeated LAYER1
    [res], dest = read(open_source(str(path)))
    assert_image(res, dest, img, [FOO])
    assert [x.digest for x in parse(res.manifest).layers].count(img.layers[0].diff_id) == 2


def test_docker25_names_come_from_index_json_too(tmp_path, img, other):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:1", "foo:2"]), (other, ["quay.io/o/x:3"])], style="docker25")
    manifest = json.loads(tar_file(path, "manifest.json"))
    for item in manifest:
        item["RepoTags"] = None  # only index.json's io.containerd.image.name can name them now
    replace_member(path, "manifest.json", compact(manifest))
    results, _ = read(open_source(str(path)))
    assert {r.image_id: r.names for r in results} == {
        img.config_digest: ["docker.io/library/foo:1", "docker.io/library/foo:2"],
        other.config_digest: ["quay.io/o/x:3"],
    }
    with open_source(str(path), "quay.io/o/x:3") as src:  # selecting by an index.json name
        [image] = src.images()
        assert parse(image.manifest).config.digest == other.config_digest


def test_docker25_broken_index_json_only_loses_names(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:1"])], style="docker25")
    replace_member(path, "index.json", b"{not json")
    [res], dest = read(open_source(str(path)))
    assert_image(res, dest, img, ["docker.io/library/foo:1"])  # RepoTags still name it


@pytest.mark.parametrize("opts", [{"dot_slash": True}, {"strip_eof": True}, {"dot_slash": True, "strip_eof": True}])
def test_dot_slash_names_and_missing_eof_blocks(tmp_path, img, opts):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], style="docker24", **opts)
    [res], dest = read(open_source(str(path)))
    assert_image(res, dest, img, [FOO])


def test_untagged_null_repotags_and_null_layers(tmp_path):
    empty = build_image([], docker=True)
    path = write_tar(tmp_path / "in.tar", [
        ("file", empty.id + ".json", empty.config, 0o644),
        ("file", "manifest.json", compact([{"Config": empty.id + ".json", "RepoTags": None, "Layers": None}]), 0o644),
    ])
    [res], dest = read(open_source(str(path)))
    assert res.names == [] and res.image_id == empty.config_digest and parse(res.manifest).layers == []


def test_multi_image_archive_all_by_index_and_by_name(tmp_path, img, other, oci_img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["a:1", "a:2"]), (other, ["quay.io/b/c:1"]), (oci_img, [])])
    results, dest = read(open_source(str(path)))
    assert [(r.image_id, r.names) for r in results] == [
        (img.config_digest, ["docker.io/library/a:1", "docker.io/library/a:2"]),
        (other.config_digest, ["quay.io/b/c:1"]),
        (oci_img.config_digest, []),
    ]
    for res, image in zip(results, (img, other, oci_img), strict=True):
        assert_image(res, dest, image, res.names)
    [res], _ = read(open_source(str(path), "@1"))
    assert res.image_id == other.config_digest
    for ref in ("a:2", "docker.io/library/a:2", "index.docker.io/library/a:2"):
        [res], _ = read(open_source(str(path), ref))
        assert res.image_id == img.config_digest
    [res], _ = read(open_source(str(path), "quay.io/b/c:1"))
    assert res.image_id == other.config_digest


def test_multi_image_into_a_single_image_destination_is_refused(tmp_path, img, other):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["a:1"]), (other, ["b:1"])])
    dest = MemoryDestination(multi_image=False)
    with pytest.raises(Unsupported) as info, open_source(str(path)) as src:
        copy(src, dest)
    assert info.value.hint is Hint.NAME_THE_IMAGE and "holds 2 images" in one_line(info) and not dest.committed


def test_items_with_the_same_config_are_one_image(tmp_path, img):
    entries = podman_entries([(img, ["a:1"])])
    manifest = json.loads(entries[-1][2])
    manifest.append({**manifest[0], "RepoTags": ["b:2"]})
    path = write_tar(tmp_path / "in.tar", entries[:-1] + [("file", "manifest.json", compact(manifest), 0o444)])
    [res], _ = read(open_source(str(path)))
    assert res.names == ["docker.io/library/a:1", "docker.io/library/b:2"]


@pytest.mark.parametrize(("ref", "exc", "fragment"), [
    ("nope:1", NotFound, "docker.io/library/nope:1"),
    ("@3", NotFound, "@3"),
    ("@x", InvalidInput, "@0"),
    ("a@sha256:" + "a" * 64, InvalidInput, "digest references"),
    ("UPPER", InvalidInput, "lowercase"),
])
def test_bad_selection(tmp_path, img, other, ref, exc, fragment):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["a:1"]), (other, ["b:1"])])
    expect_error(path, exc, fragment, ref=ref)


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_compressed_layer_members_are_served_decompressed(tmp_path, kind):
    """containerd / nix exports: manifest.json points at compressed blobs (§1.1 reading rule 6)."""
    image = build_image([LAYER1, LAYER2], compression=kind)
    entries = [("file", f"blobs/sha256/{hex_of(x.digest)}", x.blob, 0o444) for x in image.layers]
    entries.append(("file", f"blobs/sha256/{image.id}", image.config, 0o444))
    manifest = [{"Config": f"blobs/sha256/{image.id}", "RepoTags": ["foo:1"],
                 "Layers": [f"blobs/sha256/{hex_of(x.digest)}" for x in image.layers]}]
    path = write_tar(tmp_path / "in.tar", entries + [("file", "manifest.json", compact(manifest), 0o644)])
    spool = tmp_path / "spool"
    spool.mkdir()
    src = open_source(str(path), tmpdir=str(spool))
    layers = parse(src.images()[0].manifest).layers
    assert [(x.digest, x.size, x.media_type) for x in layers] == [
        (x.diff_id, len(x.tar), media.DOCKER_LAYER) for x in image.layers]
    [res], dest = read(src)
    assert_image(res, dest, image, ["docker.io/library/foo:1"])
    assert list(spool.iterdir()) == []


def test_non_seekable_input_is_spooled(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], compress="gzip")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    feeder = threading.Thread(target=lambda: fifo.write_bytes(path.read_bytes()))
    feeder.start()
    try:
        [res], dest = read(open_source(str(fifo), tmpdir=str(tmp_path)))
    finally:
        feeder.join()
    assert_image(res, dest, img, [FOO])


def test_detection(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], style="docker25")
    with TarIndex(str(path)) as index:
        assert is_docker_archive(index)
    other = write_tar(tmp_path / "x.tar", [("file", "index.json", b"{}", 0o644)])
    with TarIndex(str(other)) as index:
        assert not is_docker_archive(index)


# -- reading: hostile and broken archives ---------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "fragment"), [
    (("file", "../x", b"evil", 0o644), "outside the archive"),
    (("file", "a/../../x", b"evil", 0o644), "outside the archive"),
    (("file", "/etc/x", b"evil", 0o644), "absolute"),
    (("symlink", "a/layer.tar", "../../etc/passwd", 0o777), "outside the archive"),
    (("symlink", "a/layer.tar", "/etc/passwd", 0o777), "absolute"),
])
def test_hostile_members_refuse_the_archive(tmp_path, img, extra, fragment):
    path = write_tar(tmp_path / "in.tar", [extra] + podman_entries([(img, ["foo:latest"])]))
    expect_error(path, InvalidInput, fragment)


def test_a_layer_symlink_leading_to_a_missing_member(tmp_path, img):
    entries = podman_entries([(img, ["foo:latest"])])
    manifest = json.loads(entries[-1][2])
    manifest[0]["Layers"][0] = "v1/layer.tar"
    entries = entries[:-1] + [("symlink", "v1/layer.tar", "../nothing.tar", 0o777),
                              ("file", "manifest.json", compact(manifest), 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "does not lead to a file")


def test_missing_layer_file(tmp_path, img):
    entries = [e for e in podman_entries([(img, ["foo:latest"])]) if e[1] != hex_of(img.layers[1].diff_id) + ".tar"]
    expect_error(write_tar(tmp_path / "in.tar", entries), NotFound, "missing", hex_of(img.layers[1].diff_id))


def test_missing_config_file(tmp_path, img):
    entries = [e for e in podman_entries([(img, ["foo:latest"])])
               if not e[1].endswith(".json") or e[1] == "manifest.json"]
    expect_error(write_tar(tmp_path / "in.tar", entries), NotFound, "config")


def test_truncated_archive(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    expect_error(path, InvalidInput, "truncated")


def test_truncated_compressed_archive(tmp_path, img):
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["foo:latest"])], compress="gzip")
    path.write_bytes(path.read_bytes()[:-200])
    spool = tmp_path / "spool"
    spool.mkdir()
    expect_error(path, InvalidInput, "gzip", tmpdir=spool)


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "empty"),
    (bytes(range(256)) * 40, "not a tar"),
])
def test_not_an_archive(tmp_path, data, fragment):
    path = tmp_path / "in.tar"
    path.write_bytes(data)
    expect_error(path, InvalidInput, fragment)


def test_random_bytes(tmp_path):
    path = tmp_path / "in.tar"
    path.write_bytes(hashlib.sha512(b"seed").digest() * 200)
    expect_error(path, InvalidInput, str(path))


def test_missing_path_and_directory(tmp_path):
    expect_error(tmp_path / "nope.tar", NotFound, "does not exist")
    expect_error(tmp_path, InvalidInput, "directory")


def test_no_manifest_json(tmp_path, img):
    oci = write_tar(tmp_path / "o.tar", [("file", "index.json", b"{}", 0o644), ("file", "oci-layout", b"{}", 0o644)])
    expect_error(oci, InvalidInput, "no manifest.json", "oci-archive:")
    legacy = write_tar(tmp_path / "l.tar", [("file", "abc/json", b"{}", 0o644),
                                            ("file", "abc/layer.tar", LAYER1, 0o644),
                                            ("file", "repositories", b"{}", 0o644)])
    expect_error(legacy, Unsupported, "pre-1.10")


@pytest.mark.parametrize(("manifest", "exc", "fragment"), [
    (b"[{", InvalidInput, "not valid JSON"),
    (b"null", InvalidInput, "not a JSON array"),
    (b"{}", InvalidInput, "not a JSON array"),
    (b"[]", InvalidInput, "lists no image"),
    (b"[1]", InvalidInput, "not a JSON object"),
    (b'[{"RepoTags":[],"Layers":[]}]', InvalidInput, "no Config"),
    (b'[{"Config":"x.json","Layers":[""]}]', InvalidInput, "Layers"),
    (b'[{"Config":"x.json","Layers":{}}]', InvalidInput, "Layers"),
    (b'[{"Config":"x.json","Layers":[],"RepoTags":[1]}]', InvalidInput, "RepoTags"),
    (b'[{"Config":"/etc/passwd","Layers":[]}]', InvalidInput, "absolute"),
    (b'[{"Config":"../x.json","Layers":[]}]', InvalidInput, "outside"),
])
def test_broken_manifest_json(tmp_path, img, manifest, exc, fragment):
    entries = podman_entries([(img, ["foo:latest"])])[:-1] + [("file", "manifest.json", manifest, 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), exc, fragment)


def test_huge_manifest_json_is_capped(tmp_path, img):
    huge = b"[" + b" " * (20 << 20) + b"]"
    entries = podman_entries([(img, ["foo:latest"])])[:-1] + [("file", "manifest.json", huge, 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "limit")


@pytest.mark.parametrize(("config", "fragment"), [
    (b"not json", "not valid JSON"),
    (b"[]", "not a JSON object"),
    (b'{"rootfs":"x"}', "diff_ids"),
    (b'{"rootfs":{"diff_ids":["sha256:bad"]}}', "invalid digest"),
])
def test_broken_config(tmp_path, img, config, fragment):
    entries = [("file", e[1], config, 0o444) if e[1] == img.id + ".json" else e for e in podman_entries([(img, [])])]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, fragment)


def test_huge_config_is_capped(tmp_path, img):
    entries = [("file", e[1], b" " * (9 << 20), 0o444) if e[1] == img.id + ".json" else e
               for e in podman_entries([(img, [])])]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "limit")


def test_layer_count_mismatch(tmp_path, img):
    entries = podman_entries([(img, ["foo:latest"])])
    manifest = json.loads(entries[-1][2])
    manifest[0]["Layers"].pop()
    entries = entries[:-1] + [("file", "manifest.json", compact(manifest), 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "inconsistent layer count")


def test_one_file_for_two_diff_ids(tmp_path, oci_img):
    entries = podman_entries([(oci_img, ["foo:latest"])])
    manifest = json.loads(entries[-1][2])
    manifest[0]["Layers"][1] = "./" + manifest[0]["Layers"][0]  # same file after path cleaning
    entries = entries[:-1] + [("file", "manifest.json", compact(manifest), 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "two different diffIDs")


def test_one_file_for_two_diff_ids_through_a_symlink(tmp_path, oci_img):
    entries = podman_entries([(oci_img, ["foo:latest"])])
    manifest = json.loads(entries[-1][2])
    manifest[0]["Layers"][1] = "v1/layer.tar"
    entries = entries[:-1] + [("symlink", "v1/layer.tar", "../" + manifest[0]["Layers"][0], 0o777),
                              ("file", "manifest.json", compact(manifest), 0o444)]
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "two different diffIDs")


def test_corrupted_layer_byte_is_caught_and_nothing_is_written(tmp_path, img):
    tar = bytearray(LAYER2)
    tar[600] ^= 0xFF  # inside the first file's data
    entries = podman_entries([(img, ["foo:latest"])], layer_data={img.layers[1].diff_id: bytes(tar)})
    path = write_tar(tmp_path / "in.tar", entries)
    expect_error(path, DigestMismatch, img.layers[1].diff_id[:19])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(DigestMismatch), open_source(str(path)) as src:
        copy(src, open_destination(str(out_dir / "o.tar")))
    assert list(out_dir.iterdir()) == []


def test_corrupt_compressed_layer_member(tmp_path):
    image = build_image([LAYER1], compression="gzip")
    blob = image.layers[0].blob[:-30]
    entries = [("file", "l.tar.gz", blob, 0o444), ("file", "c.json", image.config, 0o444),
               ("file", "manifest.json", compact([{"Config": "c.json", "RepoTags": [], "Layers": ["l.tar.gz"]}]),
                0o444)]
    spool = tmp_path / "spool"
    spool.mkdir()
    expect_error(write_tar(tmp_path / "in.tar", entries), InvalidInput, "l.tar.gz", "gzip", tmpdir=spool)


@pytest.mark.parametrize("tag", ["UPPER:1", "foo:bad tag", "foo:-x", "a" * 64, "foo@sha256:" + "a" * 64, "", "foo",
                                 "quay.io/a/b"])
def test_invalid_repo_tag(tmp_path, img, tag):
    path = write_tar(tmp_path / "in.tar", podman_entries([(img, ["ok:1", tag])]))
    text = expect_error(path, InvalidInput, "RepoTag")
    assert repr(tag[:40])[:-1] in text


# -- legacy v1 ids -------------------------------------------------------------------------------------------


def test_legacy_v1_ids_follow_containers_image():
    diff_ids = [sha256(LAYER1), sha256(LAYER2)]
    config = compact({"os": "linux", "architecture": "amd64",
                      "config": {"Env": ["A=<b>&"], "Cmd": ["/x"]}, "rootfs": {"diff_ids": diff_ids}})
    (id0, json0), (id1, json1) = legacy_layers(config, diff_ids)
    assert id0 == hashlib.sha256(go_map({"layer_id": diff_ids[0]})).hexdigest()
    assert json0 == go_map({"id": id0})
    chain1 = sha256(f"{diff_ids[0]} {diff_ids[1]}".encode())
    top = {"architecture": "amd64", "config": {"Env": ["A=<b>&"], "Cmd": ["/x"]}, "container": None,
           "container_config": None, "created": None, "docker_version": None, "os": "linux", "parent": id0}

    def escaped(data: bytes) -> bytes:  # Go's HTML escaping
        return data.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")

    assert id1 == hashlib.sha256(escaped(go_map({**top, "layer_id": chain1}))).hexdigest()
    assert json1 == escaped(go_map({**top, "id": id1}))
    assert b'"config":{"Env":["A=\\u003cb\\u003e\\u0026"],"Cmd":["/x"]}' in json1  # nested order kept
    assert legacy_layers(b"{}", []) == []


def test_go_compact():
    assert _go_compact(b' { "a" : [1, 2],\n"b": "x <y> & \\" z",\t"c":"\xe2\x80\xa8"} ') == \
        b'{"a":[1,2],"b":"x \\u003cy\\u003e \\u0026 \\" z","c":"\\u2028"}'


# -- writing ----------------------------------------------------------------------------------------------------


def test_round_trip_keeps_config_bytes_and_diff_ids(tmp_path, img):
    out = tmp_path / "o.tar"
    [written] = write(open_destination(str(out)), img, names=["foo"])
    assert written.image_id == img.config_digest
    [res], dest = read(open_source(str(out)))
    assert_image(res, dest, img, [FOO])


@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_layers_are_written_uncompressed(tmp_path, kind):
    image = build_image([LAYER1, LAYER2], compression=kind)
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), image, names=["foo"])
    for layer in image.layers:
        assert tar_file(out, hex_of(layer.diff_id) + ".tar") == layer.tar
    [res], dest = read(open_source(str(out)))
    assert_image(res, dest, image, [FOO])


def test_listing_is_variant_a(tmp_path, img):
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), img, names=["foo", "quay.io/a/b:2"])
    members = tar_members(out)
    legacy = legacy_layers(img.config, [x.diff_id for x in img.layers])
    layer_files = [hex_of(img.layers[0].diff_id) + ".tar", hex_of(img.layers[1].diff_id) + ".tar"]
    expected = [*layer_files, img.id + ".json"]
    for v1id, _ in legacy:
        expected += [f"{v1id}/layer.tar", f"{v1id}/VERSION", f"{v1id}/json"]
    assert [m.name for m in members] == [*expected, "manifest.json", "repositories"]
    for m in members:
        assert (m.uid, m.gid, m.uname, m.gname, m.mtime) == (0, 0, "", "", 0)
        assert m.issym() or m.isreg()
        assert m.mode == (0 if m.issym() else 0o444)
    links = {m.name: m.linkname for m in members if m.issym()}
    for (v1id, v1json), layer in zip(legacy, img.layers, strict=True):
        assert links[f"{v1id}/layer.tar"] == "../" + hex_of(layer.diff_id) + ".tar"
        assert tar_file(out, f"{v1id}/VERSION") == b"1.0"
        assert tar_file(out, f"{v1id}/json") == v1json
    assert len({v1id for v1id, _ in legacy}) == 3  # the repeated layer has its own chain entry
    assert json.loads(tar_file(out, legacy[1][0] + "/json")) == {"id": legacy[1][0], "parent": legacy[0][0]}
    assert tar_file(out, img.id + ".json") == img.config
    assert tar_file(out, "manifest.json") == compact([{
        "Config": img.id + ".json", "RepoTags": [FOO, "quay.io/a/b:2"],
        "Layers": [hex_of(x.diff_id) + ".tar" for x in img.layers]}])
    assert tar_file(out, "repositories") == compact({"docker.io/library/foo": {"latest": legacy[-1][0]},
                                                     "quay.io/a/b": {"2": legacy[-1][0]}})
    data = out.read_bytes()
    assert len(data) % 512 == 0 and data[-1024:] == b"\0" * 1024
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)


def test_multi_image_archive(tmp_path, img, other):
    out = tmp_path / "o.tar"
    src = MemorySource({**img.blobs(), **other.blobs()},
                       [(img.manifest, ["a:1"]), (other.manifest, ["b:1"]), (img.manifest, ["a:2", "a:1"])])
    write(open_destination(str(out)), src=src)
    manifest = json.loads(tar_file(out, "manifest.json"))
    assert [(m["Config"], m["RepoTags"]) for m in manifest] == [
        (img.id + ".json", ["docker.io/library/a:1", "docker.io/library/a:2"]),
        (other.id + ".json", ["docker.io/library/b:1"])]
    names = [m.name for m in tar_members(out)]
    assert names.count(hex_of(img.layers[0].diff_id) + ".tar") == 1  # shared layer written once
    assert len([n for n in names if n.endswith(".tar") and "/" not in n]) == 3
    top_a = legacy_layers(img.config, [x.diff_id for x in img.layers])[-1][0]
    top_b = legacy_layers(other.config, [x.diff_id for x in other.layers])[-1][0]
    assert json.loads(tar_file(out, "repositories")) == {"docker.io/library/a": {"1": top_a, "2": top_a},
                                                          "docker.io/library/b": {"1": top_b}}
    results, dest = read(open_source(str(out)))
    assert [r.image_id for r in results] == [img.config_digest, other.config_digest]
    assert_image(results[1], dest, other, ["docker.io/library/b:1"])


def test_a_name_moves_to_the_last_image_given_it(tmp_path, img, other):
    out = tmp_path / "o.tar"
    src = MemorySource({**img.blobs(), **other.blobs()}, [(img.manifest, ["a:1", "x:1"]), (other.manifest, ["x:1"])])
    write(open_destination(str(out)), src=src)
    assert [m["RepoTags"] for m in json.loads(tar_file(out, "manifest.json"))] == [
        ["docker.io/library/a:1"], ["docker.io/library/x:1"]]


def test_ref_replaces_names_and_is_normalised(tmp_path, img):
    out = tmp_path / "o.tar"
    write(open_destination(str(out), "localhost:5000/x/y"), img, names=["foo:1"])
    assert json.loads(tar_file(out, "manifest.json"))[0]["RepoTags"] == ["localhost:5000/x/y:latest"]


def test_ref_with_several_images_is_refused(tmp_path, img, other):
    out = tmp_path / "o.tar"
    with pytest.raises(Unsupported) as info:
        write(open_destination(str(out), "foo"), img, other)
    one_line(info)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("ref", "fragment"), [("foo@sha256:" + "a" * 64, "digest references"),
                                               ("@0", "@N"), ("Foo", "lowercase")])
def test_bad_destination_refs(tmp_path, ref, fragment):
    with pytest.raises(InvalidInput) as info:
        open_destination(str(tmp_path / "o.tar"), ref)
    assert fragment in one_line(info)
    assert list(tmp_path.iterdir()) == []


def test_bad_destination_paths(tmp_path):
    with pytest.raises(InvalidInput):
        open_destination(str(tmp_path))
    with pytest.raises(NotFound):
        open_destination(str(tmp_path / "no" / "o.tar"))


def test_digest_only_names_are_not_written(tmp_path, img):
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), img, names=["foo@sha256:" + "a" * 64, "bar"])
    assert json.loads(tar_file(out, "manifest.json"))[0]["RepoTags"] == ["docker.io/library/bar:latest"]


def test_zero_layer_and_untagged_images(tmp_path):
    empty = build_image([], docker=True)
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), empty, names=["foo"])
    assert [m.name for m in tar_members(out)] == [empty.id + ".json", "manifest.json", "repositories"]
    assert json.loads(tar_file(out, "manifest.json")) == [{"Config": empty.id + ".json", "RepoTags": [FOO],
                                                          "Layers": []}]
    assert tar_file(out, "repositories") == b"{}"
    [res], _ = read(open_source(str(out)))
    assert res.image_id == empty.config_digest and res.names == [FOO]
    image = build_image([LAYER1])
    write(open_destination(str(out)), image)
    assert json.loads(tar_file(out, "manifest.json"))[0]["RepoTags"] == []
    assert tar_file(out, "repositories") == b"{}"


def test_empty_layer_tar(tmp_path):
    empty_tar = b"\0" * 1024
    image = build_image([empty_tar, LAYER1], compression="none")
    assert image.layers[0].diff_id == EMPTY_TAR_DIFF_ID
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), image, names=["foo"])
    [res], dest = read(open_source(str(out)))
    assert_image(res, dest, image, [FOO])


def test_archive_to_archive_copies_in_place(tmp_path, img, other):
    src_path = tmp_path / "in.tar"
    write_docker_archive(src_path, [(img, ["a:1"]), (other, ["b:1"])], style="docker24", compress="zstd")
    out = tmp_path / "out.tar"
    with open_source(str(src_path), tmpdir=str(tmp_path)) as src:
        copy(src, open_destination(str(out)))
    results, dest = read(open_source(str(out)))
    assert [(r.image_id, r.names) for r in results] == [(img.config_digest, ["docker.io/library/a:1"]),
                                                         (other.config_digest, ["docker.io/library/b:1"])]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.tar", "out.tar"]


@pytest.mark.parametrize(("layer", "error"), [
    (0, (InvalidInput, DigestMismatch)),  # the first layer, streamed straight into the new archive file
    (1, InvalidInput),  # a staged layer: the gzip stream no longer decompresses
])
def test_existing_output_survives_a_failed_write_and_nothing_is_left(tmp_path, img, layer, error):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "o.tar"
    out.write_bytes(b"precious")
    blobs = img.blobs()
    blobs[img.layers[layer].digest] = blobs[img.layers[layer].digest][:-1] + b"x"
    src = MemorySource(blobs, [(img.manifest, ["foo"])])
    with pytest.raises(error):
        write(open_destination(str(out)), src=src)
    assert out.read_bytes() == b"precious"
    assert [p.name for p in out_dir.iterdir()] == ["o.tar"]


def test_streamed_first_layer_and_the_staged_fallback_write_the_same_bytes(tmp_path, img, monkeypatch):
    """A layer too big for a plain tar header (over 8 GiB: simulated by lowering the limit) is moved back to
    staging and written like the others; the archive is the same either way."""
    from engine.formats import docker_archive

    write(open_destination(str(tmp_path / "direct.tar")), img, names=["foo"])
    monkeypatch.setattr(docker_archive, "USTAR_MAX_SIZE", 0)
    write(open_destination(str(tmp_path / "staged.tar")), img, names=["foo"])
    assert (tmp_path / "direct.tar").read_bytes() == (tmp_path / "staged.tar").read_bytes()
    [res], dest = read(open_source(str(tmp_path / "direct.tar")))
    assert_image(res, dest, img, [FOO])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["direct.tar", "staged.tar"]


def test_abort_removes_staged_blobs(tmp_path):
    dest = open_destination(str(tmp_path / "o.tar"))
    w = dest.blob_writer()
    w.write(LAYER1)
    digest = Digest(sha256(LAYER1))
    w.commit(digest, len(LAYER1))
    assert dest.has_blob(digest) and dest.blob_size(digest) == len(LAYER1)
    assert list(tmp_path.iterdir()) != []  # the staging dir sits next to the output
    dest.abort()
    dest.abort()
    assert list(tmp_path.iterdir()) == []


def test_destination_policy(tmp_path):
    dest = open_destination(str(tmp_path / "never-written.tar"))
    try:
        assert dest.families == (media.DOCKER,) and not dest.accepts_index and dest.multi_image
        assert dest.compression == CompressionPolicy(compression.NONE, force=True)
    finally:
        dest.abort()
    assert list(tmp_path.iterdir()) == []


# -- interop (skopeo, podman) ------------------------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.parametrize("docker", [True, False])
def test_byte_identical_to_skopeo(tmp_path, skopeo, docker):
    """Same image, same name: skopeo 1.9.3 writes exactly the bytes we write (variant A, v1 ids and all)."""
    image = build_image([LAYER1, LAYER2, LAYER1], docker=docker, labels={"x": "<a>&b"})
    write_docker_archive(tmp_path / "in.tar", [(image, ["bar:1"])], style="docker24")
    skopeo("copy", f"docker-archive:{tmp_path}/in.tar", f"docker-archive:{tmp_path}/sk.tar:foo:latest")
    write(open_destination(str(tmp_path / "ours.tar")), image, names=["foo"])
    assert (tmp_path / "ours.tar").read_bytes() == (tmp_path / "sk.tar").read_bytes()


@pytest.mark.interop
def test_skopeo_and_podman_read_what_we_write(tmp_path, skopeo, podman, img, other):
    out = tmp_path / "o.tar"
    write(open_destination(str(out)), img, names=["foo"])
    raw = skopeo("inspect", "--raw", "--config", f"docker-archive:{out}").stdout.encode()
    assert sha256(raw) == img.config_digest
    skopeo("copy", f"docker-archive:{out}", f"dir:{tmp_path}/d")  # verifies every digest
    podman("load", "-i", out)
    [image] = json.loads(podman("images", "--format", "json").stdout)
    assert image["Id"] == img.id and image["Names"] == [FOO]
    multi = tmp_path / "m.tar"
    src = MemorySource({**img.blobs(), **other.blobs()}, [(img.manifest, ["a:1"]), (other.manifest, ["quay.io/b:2"])])
    write(open_destination(str(multi)), src=src)
    podman("load", "-i", multi)
    loaded = {i["Id"]: sorted(i["Names"]) for i in json.loads(podman("images", "--format", "json").stdout)}
    assert loaded == {img.id: ["docker.io/library/a:1", FOO], other.id: ["quay.io/b:2"]}


@pytest.mark.interop
def test_we_read_what_podman_saves(tmp_path, podman, img, other):
    # fully qualified: podman would load a familiar `foo:latest` as localhost/foo:latest (§1.5)
    write_docker_archive(tmp_path / "in.tar", [(img, [FOO]), (other, ["quay.io/o/x:1"])], style="docker24")
    podman("load", "-i", tmp_path / "in.tar")
    podman("save", "-o", tmp_path / "one.tar", FOO)
    podman("save", "-m", "-o", tmp_path / "two.tar", FOO, "quay.io/o/x:1")
    [res], dest = read(open_source(str(tmp_path / "one.tar")))
    assert_image(res, dest, img, [FOO])
    results, dest = read(open_source(str(tmp_path / "two.tar")))
    assert [(r.image_id, r.names) for r in results] == [(img.config_digest, [FOO]),
                                                         (other.config_digest, ["quay.io/o/x:1"])]
    # podman save -m of those two is byte-identical to our multi-image writer
    src = MemorySource({**img.blobs(), **other.blobs()}, [(img.manifest, ["foo"]), (other.manifest, ["quay.io/o/x:1"])])
    write(open_destination(str(tmp_path / "ours.tar")), src=src)
    assert (tmp_path / "ours.tar").read_bytes() == (tmp_path / "two.tar").read_bytes()


@pytest.mark.interop
def test_we_read_what_skopeo_converts_from_oci(tmp_path, skopeo, oci_img):
    write_oci_layout(tmp_path / "lay", [(oci_img, "v1", None)])
    skopeo("copy", f"oci:{tmp_path}/lay:v1", f"docker-archive:{tmp_path}/x.tar:quay.io/a/b:v1")
    [res], dest = read(open_source(str(tmp_path / "x.tar")))
    assert_image(res, dest, oci_img, ["quay.io/a/b:v1"])  # OCI -> schema 2 keeps the config bytes
