"""Tests for engine.formats.directory: the containers/image `dir:` transport (docs/formats.md §1.3, §1.4,
§2.1, §2.5, Appendix A), through the real copy pipeline with in-memory counterparts, and against skopeo
and podman as oracles."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest

from engine import media
from engine.copy import CopyOptions, copy
from engine.digest import Digest
from engine.errors import DigestMismatch, InvalidInput, NotFound, Unsupported
from engine.formats.directory import is_dir_transport, open_destination, open_source
from engine.manifest import Descriptor
from engine.platform import Platform
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import (
    DIR_VERSION,
    build_image,
    build_index,
    compact,
    hex_of,
    make_layer_tar,
    sha256,
    write_dir,
    write_docker_archive,
    write_oci_layout,
)

LAYER1 = make_layer_tar({"etc/hello": b"hello\n", "bin/tool": b"#!/bin/sh\necho tool\n"}, symlinks={"bin/link": "tool"})
LAYER2 = make_layer_tar({"etc/new": b"new\n"}, whiteouts=["etc/hello"])
VERSION_1_0 = b"Directory Transport Version: 1.0\n"
AMD64 = Platform("linux", "amd64")


@pytest.fixture
def oci_img():
    return build_image([LAYER1, LAYER2])


@pytest.fixture
def docker_img():
    return build_image([LAYER1, LAYER2], docker=True, cmd=["/bin/true"])


def read_dir(path, **opts) -> MemoryDestination:
    """Copy dir:path into memory through the pipeline."""
    dest = MemoryDestination()
    copy(open_source(str(path)), dest, CopyOptions(platform=AMD64, **opts))
    assert dest.committed
    return dest


def write_out(path, image_or_source, **kw) -> None:
    src = image_or_source if isinstance(image_or_source, MemorySource) else MemorySource.from_built(image_or_source)
    copy(src, open_destination(str(path), **kw), CopyOptions(platform=AMD64))


def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert text and "\n" not in text
    return text


def listing(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def write_index_dir(path: Path, images, *, version: bytes = DIR_VERSION) -> bytes:
    """What `skopeo copy --all` writes: the index as manifest.json, children as <hex>.manifest.json."""
    idx = build_index(images)
    path.mkdir()
    (path / "version").write_bytes(version)
    (path / "manifest.json").write_bytes(idx.index)
    for img in images:
        (path / f"{hex_of(img.manifest_digest)}.manifest.json").write_bytes(img.manifest)
        for digest, data in img.blobs().items():
            if digest != img.manifest_digest:
                (path / hex_of(digest)).write_bytes(data)
    return idx.index


# --- reading -------------------------------------------------------------------------------------


def test_reads_version_1_1(tmp_path, docker_img):
    write_dir(tmp_path / "d", docker_img)
    assert is_dir_transport(str(tmp_path / "d"))
    src = open_source(str(tmp_path / "d"))
    [image] = src.images()
    assert image.manifest == docker_img.manifest and image.digest is None and image.names == []
    layer = docker_img.layers[0]
    path, offset, size = src.blob_file(Descriptor(layer.media_type, Digest(layer.digest), layer.size))
    assert (path, offset, size) == (str((tmp_path / "d" / hex_of(layer.digest)).resolve()), 0, layer.size)
    dest = read_dir(tmp_path / "d")
    [(top, names, config)] = dest.images
    assert top == docker_img.manifest  # unchanged: kept byte for byte
    assert names == [] and config.digest == docker_img.config_digest
    assert dest.blobs[docker_img.config_digest] == docker_img.config
    assert all(dest.blobs[x.digest] == x.blob for x in docker_img.layers)


def test_reads_version_1_0_tar_names(tmp_path, oci_img):
    d = tmp_path / "d"
    d.mkdir()
    (d / "version").write_bytes(VERSION_1_0)
    (d / "manifest.json").write_bytes(oci_img.manifest)
    for digest, data in oci_img.blobs().items():
        if digest != oci_img.manifest_digest:
            (d / (hex_of(digest) + ".tar")).write_bytes(data)  # the config too, in 1.0
    dest = read_dir(d)
    assert dest.images[0][0] == oci_img.manifest
    assert dest.images[0][2].digest == oci_img.config_digest


def test_reads_index_with_children(tmp_path):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8")
    index = write_index_dir(tmp_path / "d", [amd, arm])
    dest = read_dir(tmp_path / "d", all_platforms=True)
    [(top, _, _)] = dest.images
    assert top == index  # the same index: children unchanged
    assert dest.manifests[amd.manifest_digest] == amd.manifest
    assert dest.manifests[arm.manifest_digest] == arm.manifest
    assert {amd.config_digest, arm.config_digest} <= set(dest.blobs)
    # One platform: the child is read from <hex>.manifest.json
    one = MemoryDestination()
    copy(open_source(str(tmp_path / "d")), one, CopyOptions(platform=Platform("linux", "arm64", "v8")))
    assert one.images[0][0] == arm.manifest and one.images[0][2].digest == arm.config_digest


def test_missing_child_manifest(tmp_path):
    amd = build_image([LAYER1])
    write_index_dir(tmp_path / "d", [amd])
    (tmp_path / "d" / (hex_of(amd.manifest_digest) + ".manifest.json")).unlink()
    with pytest.raises(NotFound) as exc:
        read_dir(tmp_path / "d")
    assert amd.manifest_digest in one_line(exc)


def test_wrong_blob_content_is_digest_mismatch(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    layer = oci_img.layers[1]
    blob = bytearray(layer.blob)
    blob[len(blob) // 2] ^= 0xFF
    (tmp_path / "d" / hex_of(layer.digest)).write_bytes(bytes(blob))
    dest = MemoryDestination()
    with pytest.raises(DigestMismatch) as exc:
        copy(open_source(str(tmp_path / "d")), dest, CopyOptions(platform=AMD64))
    assert layer.digest[:19] in one_line(exc)
    assert dest.aborted and not dest.committed


def test_wrong_config_content_is_digest_mismatch(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    (tmp_path / "d" / oci_img.id).write_bytes(oci_img.config.replace(b"amd64", b"arm64"))
    with pytest.raises(DigestMismatch) as exc:
        read_dir(tmp_path / "d")
    one_line(exc)


def test_missing_blob_names_digest(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    layer = oci_img.layers[0]
    (tmp_path / "d" / hex_of(layer.digest)).unlink()
    with pytest.raises(NotFound) as exc:
        read_dir(tmp_path / "d")
    assert layer.digest in one_line(exc)


@pytest.mark.parametrize("content", [b"Directory Transport Version: 1.2\n", b"Directory Transport Version: 1.1",
                                     b"", b"\xff" * 1000])
def test_wrong_version_string(tmp_path, oci_img, content):
    write_dir(tmp_path / "d", oci_img)
    (tmp_path / "d" / "version").write_bytes(content)
    with pytest.raises(InvalidInput) as exc:
        open_source(str(tmp_path / "d"))
    assert "version" in one_line(exc)


def test_missing_version_and_manifest(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    (tmp_path / "d" / "version").unlink()
    assert not is_dir_transport(str(tmp_path / "d"))
    with pytest.raises(InvalidInput) as exc:
        open_source(str(tmp_path / "d"))
    one_line(exc)
    write_dir(tmp_path / "e", oci_img)
    (tmp_path / "e" / "manifest.json").unlink()
    assert not is_dir_transport(str(tmp_path / "e"))
    with pytest.raises(NotFound):
        open_source(str(tmp_path / "e"))
    with pytest.raises(NotFound):
        open_source(str(tmp_path / "nothing"))


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"schemaVersion":2,"mediaType":"'
                                     + media.OCI_MANIFEST.encode() + b'"}', b" " * (5 << 20)])
def test_broken_manifest_json(tmp_path, oci_img, content):
    write_dir(tmp_path / "d", oci_img)
    (tmp_path / "d" / "manifest.json").write_bytes(content)
    with pytest.raises(InvalidInput) as exc:
        open_source(str(tmp_path / "d"))
    assert "manifest.json" in one_line(exc)


def test_symlinked_blob_outside_is_refused(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    layer = oci_img.layers[0]
    outside = tmp_path / "outside"
    outside.write_bytes(layer.blob)  # the right bytes, but out of the directory
    blob = tmp_path / "d" / hex_of(layer.digest)
    blob.unlink()
    blob.symlink_to(outside)
    with pytest.raises(InvalidInput) as exc:
        read_dir(tmp_path / "d")
    assert "symlink" in one_line(exc)
    blob.unlink()
    blob.symlink_to("../outside")  # relative, same result
    with pytest.raises(InvalidInput):
        read_dir(tmp_path / "d")


def test_symlinked_blob_inside_is_followed(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    layer = oci_img.layers[0]
    blob = tmp_path / "d" / hex_of(layer.digest)
    blob.rename(tmp_path / "d" / "stash")
    blob.symlink_to("stash")
    assert read_dir(tmp_path / "d").blobs[layer.digest] == layer.blob


def test_fifo_blob_is_refused(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    blob = tmp_path / "d" / hex_of(oci_img.layers[0].digest)
    blob.unlink()
    os.mkfifo(blob)
    with pytest.raises(InvalidInput) as exc:
        read_dir(tmp_path / "d")
    assert "regular file" in one_line(exc)


def test_path_traversal_digest_in_manifest(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    (tmp_path / "secret").write_bytes(b"secret")
    doc = json.loads(oci_img.manifest)
    doc["layers"][0]["digest"] = "sha256:../../secret"
    (tmp_path / "d" / "manifest.json").write_bytes(compact(doc))
    with pytest.raises(InvalidInput) as exc:
        open_source(str(tmp_path / "d"))
    assert "invalid digest" in one_line(exc)
    # And directly, should a descriptor reach the source unvalidated:
    write_dir(tmp_path / "e", oci_img)
    src = open_source(str(tmp_path / "e"))
    for bad in ("sha256:../../secret", "../secret", "sha256:" + "A" * 64):
        with pytest.raises(InvalidInput):
            src.open_blob(Descriptor(media.OCI_LAYER, bad, 6))  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            src.get_manifest(bad, 6)  # type: ignore[arg-type]


# --- writing -------------------------------------------------------------------------------------


def test_write_oci_as_docker(tmp_path, oci_img):
    out = tmp_path / "out"
    write_out(out, oci_img, docker=True)
    assert (out / "version").read_bytes() == DIR_VERSION
    doc = json.loads((out / "manifest.json").read_bytes())
    assert doc["mediaType"] == media.DOCKER_MANIFEST
    assert list(doc["config"]) == ["mediaType", "size", "digest"]
    assert doc["config"]["mediaType"] == media.DOCKER_CONFIG
    assert doc["config"]["digest"] == oci_img.config_digest  # config bytes kept (§2.1)
    assert [list(x) for x in doc["layers"]] == [["mediaType", "size", "digest"]] * 2
    assert [x["mediaType"] for x in doc["layers"]] == [media.DOCKER_LAYER_GZIP] * 2
    assert [x["digest"] for x in doc["layers"]] == [x.digest for x in oci_img.layers]  # compression kept
    assert "annotations" not in doc
    expected = {"version", "manifest.json", oci_img.id, *(hex_of(x.digest) for x in oci_img.layers)}
    assert {p.name for p in out.iterdir()} == expected
    assert (out / oci_img.id).read_bytes() == oci_img.config
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p.name
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temp dirs left
    # And it reads back as the same image.
    back = read_dir(out)
    assert back.images[0][0] == (out / "manifest.json").read_bytes()
    assert back.images[0][2].digest == oci_img.config_digest


def test_write_modes_ignore_umask(tmp_path, oci_img):
    old = os.umask(0o077)
    try:
        write_out(tmp_path / "out", oci_img, docker=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()} == {0o644}


def test_write_through_symlinked_target(tmp_path, oci_img, docker_img):
    write_dir(tmp_path / "real", oci_img)
    (tmp_path / "link").symlink_to("real")
    write_out(tmp_path / "link", docker_img)
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "manifest.json").read_bytes() == docker_img.manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_write_keeps_oci(tmp_path, oci_img):
    write_out(tmp_path / "out", oci_img)
    assert (tmp_path / "out" / "manifest.json").read_bytes() == oci_img.manifest  # exact bytes, same digest


def test_write_keeps_docker_without_docker_flag(tmp_path, docker_img):
    write_out(tmp_path / "out", docker_img)
    assert (tmp_path / "out" / "manifest.json").read_bytes() == docker_img.manifest


def test_write_links_blob_files(tmp_path, oci_img):
    write_dir(tmp_path / "src", oci_img)
    copy(open_source(str(tmp_path / "src")), open_destination(str(tmp_path / "out")), CopyOptions(platform=AMD64))
    layer_hex = hex_of(oci_img.layers[0].digest)
    assert (tmp_path / "out" / layer_hex).stat().st_ino == (tmp_path / "src" / layer_hex).stat().st_ino
    assert listing(tmp_path / "out") == listing(tmp_path / "src")


def test_write_gzip_compresses_uncompressed_layers(tmp_path):
    img = build_image([LAYER1, LAYER2], compression="none")
    out = tmp_path / "out"
    write_out(out, img, compress="gzip")
    doc = json.loads((out / "manifest.json").read_bytes())
    assert [x["mediaType"] for x in doc["layers"]] == [media.OCI_LAYER_GZIP] * 2
    assert doc["config"]["digest"] == img.config_digest
    for desc, tar in zip(doc["layers"], (LAYER1, LAYER2), strict=True):
        blob = (out / hex_of(desc["digest"])).read_bytes()
        assert blob[:3] == b"\x1f\x8b\x08" and gzip.decompress(blob) == tar
        assert sha256(blob) == desc["digest"] and len(blob) == desc["size"]


def test_write_none_decompresses(tmp_path, oci_img):
    out = tmp_path / "out"
    write_out(out, oci_img, compress="none", docker=True)
    doc = json.loads((out / "manifest.json").read_bytes())
    assert [x["mediaType"] for x in doc["layers"]] == [media.DOCKER_LAYER] * 2
    assert [x["digest"] for x in doc["layers"]] == [x.diff_id for x in oci_img.layers]
    assert (out / hex_of(oci_img.layers[0].diff_id)).read_bytes() == LAYER1


def test_write_zstd_layers_as_docker_become_gzip(tmp_path):
    img = build_image([LAYER1, LAYER2], compression="zstd")
    out = tmp_path / "out"
    write_out(out, img, docker=True)
    doc = json.loads((out / "manifest.json").read_bytes())
    assert doc["mediaType"] == media.DOCKER_MANIFEST
    assert [x["mediaType"] for x in doc["layers"]] == [media.DOCKER_LAYER_GZIP] * 2
    for desc, tar in zip(doc["layers"], (LAYER1, LAYER2), strict=True):
        assert gzip.decompress((out / hex_of(desc["digest"])).read_bytes()) == tar
    # zstd kept as it is for OCI
    write_out(tmp_path / "oci", img)
    assert (tmp_path / "oci" / "manifest.json").read_bytes() == img.manifest


def test_write_index_with_children(tmp_path):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8")
    idx = build_index([amd, arm])
    out = tmp_path / "out"
    copy(MemorySource.from_built([amd, arm], index=idx.index), open_destination(str(out)),
         CopyOptions(all_platforms=True))
    assert (out / "manifest.json").read_bytes() == idx.index
    for img in (amd, arm):
        assert (out / (hex_of(img.manifest_digest) + ".manifest.json")).read_bytes() == img.manifest
        assert (out / img.id).read_bytes() == img.config
    assert read_dir(out, all_platforms=True).images[0][0] == idx.index
    # docker=True: a Docker list whose children are converted, new digests (§2.5)
    dout = tmp_path / "dout"
    copy(MemorySource.from_built([amd, arm], index=idx.index), open_destination(str(dout), docker=True),
         CopyOptions(all_platforms=True))
    top = json.loads((dout / "manifest.json").read_bytes())
    assert top["mediaType"] == media.DOCKER_LIST
    for entry in top["manifests"]:
        child = json.loads((dout / (hex_of(entry["digest"]) + ".manifest.json")).read_bytes())
        assert child["mediaType"] == media.DOCKER_MANIFEST
    assert {p.name for p in dout.iterdir() if p.name.endswith(".manifest.json")} == {
        hex_of(e["digest"]) + ".manifest.json" for e in top["manifests"]}


def test_overwrite_guard_refuses_foreign_dir(tmp_path, oci_img):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_bytes(b"years of work")
    before = listing(out)
    with pytest.raises(InvalidInput) as exc:
        open_destination(str(out))
    assert "refusing to overwrite" in one_line(exc)
    (out / "version").write_bytes(VERSION_1_0)  # only the exact 1.1 string allows it (as c/image)
    with pytest.raises(InvalidInput):
        open_destination(str(out))
    (out / "version").unlink()
    assert listing(out) == before
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(InvalidInput) as exc:
        open_destination(str(tmp_path / "file"))
    one_line(exc)


def test_overwrite_guard_at_commit(tmp_path, oci_img):
    out = tmp_path / "out"
    dest = open_destination(str(out))
    out.mkdir()
    (out / "notes").write_bytes(b"appeared meanwhile")
    with pytest.raises(InvalidInput):
        copy(MemorySource.from_built(oci_img), dest, CopyOptions(platform=AMD64))
    assert listing(out) == {"notes": b"appeared meanwhile"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_empty_existing_dir_is_used(tmp_path, oci_img):
    (tmp_path / "out").mkdir()
    write_out(tmp_path / "out", oci_img)
    assert (tmp_path / "out" / "manifest.json").read_bytes() == oci_img.manifest


def test_existing_dir_target_is_replaced(tmp_path, oci_img, docker_img):
    other = build_image([LAYER2], cmd=["/bin/other"])
    out = tmp_path / "out"
    write_dir(out, other)
    (out / "signature-1").write_bytes(b"stale")
    write_out(out, docker_img)
    expected = {"version", "manifest.json", docker_img.id, *(hex_of(x.digest) for x in docker_img.layers)}
    assert {p.name for p in out.iterdir()} == expected  # nothing of the old image is left
    assert (out / "manifest.json").read_bytes() == docker_img.manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_copy_onto_itself(tmp_path, oci_img):
    write_dir(tmp_path / "d", oci_img)
    before = listing(tmp_path / "d")
    copy(open_source(str(tmp_path / "d")), open_destination(str(tmp_path / "d")), CopyOptions(platform=AMD64))
    assert listing(tmp_path / "d") == before


def test_abort_leaves_existing_target_untouched(tmp_path, oci_img, docker_img):
    out = tmp_path / "out"
    write_dir(out, oci_img)
    before = listing(out)
    broken = MemorySource.from_built(docker_img)
    broken.blobs[docker_img.layers[1].digest] = b"corrupt"
    with pytest.raises(DigestMismatch):
        copy(broken, open_destination(str(out)), CopyOptions(platform=AMD64))
    assert listing(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp dirs


def test_abort_creates_nothing(tmp_path, docker_img):
    broken = MemorySource.from_built(docker_img)
    broken.blobs[docker_img.config_digest] = b"{}"
    with pytest.raises(DigestMismatch):
        copy(broken, open_destination(str(tmp_path / "a" / "b" / "out")), CopyOptions(platform=AMD64))
    assert list(tmp_path.iterdir()) == []  # not even the parents it created


def test_explicit_abort_and_bad_compress(tmp_path, oci_img):
    dest = open_destination(str(tmp_path / "out"))
    dest.blob_writer().abort()
    dest.abort()
    dest.abort()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(Unsupported) as exc:
        open_destination(str(tmp_path / "x"), compress="lz4")
    one_line(exc)


# --- interop -------------------------------------------------------------------------------------


@pytest.mark.interop
def test_skopeo_reads_what_we_write(tmp_path, skopeo, oci_img):
    out = tmp_path / "out"
    write_out(out, oci_img, docker=True)
    raw_config = skopeo("inspect", "--config", "--raw", f"dir:{out}").stdout.encode()
    assert sha256(raw_config) == oci_img.config_digest
    inspected = json.loads(skopeo("inspect", f"dir:{out}").stdout)
    assert inspected["Digest"] == sha256((out / "manifest.json").read_bytes())
    assert inspected["Layers"] == [x.digest for x in oci_img.layers]
    skopeo("copy", f"dir:{out}", f"oci:{tmp_path}/lay:x")  # verifies every digest
    assert (tmp_path / "lay" / "index.json").exists()
    assert skopeo("inspect", f"oci:{tmp_path}/lay:x").returncode == 0


@pytest.mark.interop
def test_skopeo_reads_our_index(tmp_path, skopeo):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8")
    idx = build_index([amd, arm])
    out = tmp_path / "out"
    copy(MemorySource.from_built([amd, arm], index=idx.index), open_destination(str(out), docker=True),
         CopyOptions(all_platforms=True))
    skopeo("copy", "--all", f"dir:{out}", f"dir:{tmp_path}/again")
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()
    assert (tmp_path / "again" / arm.id).read_bytes() == arm.config


@pytest.mark.interop
def test_podman_save_docker_dir_read_by_us(tmp_path, podman, docker_img):
    write_docker_archive(tmp_path / "a.tar", [(docker_img, ["localhost/fx:1"])], style="podman")
    podman("load", "-i", tmp_path / "a.tar")
    podman_id = podman("inspect", "--format", "{{.Id}}", "localhost/fx:1").stdout.strip()
    assert podman_id == docker_img.id
    for extra in ([], ["--compress"]):
        out = tmp_path / ("saved" + "".join(extra))
        podman("save", "--format", "docker-dir", *extra, "-o", out, "localhost/fx:1")
        assert (out / "version").read_bytes() == DIR_VERSION
        dest = read_dir(out)
        assert dest.images[0][2].digest == "sha256:" + podman_id
        assert json.loads(dest.images[0][0])["mediaType"] == media.DOCKER_MANIFEST
    # ...and what we write, podman loads with the same ID (unnamed: dir: has no names)
    ours = tmp_path / "ours"
    copy(open_source(str(tmp_path / "saved")), open_destination(str(ours), docker=True), CopyOptions())
    podman("rmi", "-a")
    podman("pull", f"dir:{ours}")
    assert podman("images", "-q", "--no-trunc").stdout.split() == ["sha256:" + podman_id]


@pytest.mark.interop
def test_skopeo_v2s2_dir_read_by_us(tmp_path, skopeo, oci_img):
    write_oci_layout(tmp_path / "lay", [(oci_img, "latest", None)])
    skopeo("copy", "--format", "v2s2", f"oci:{tmp_path}/lay:latest", f"dir:{tmp_path}/d")
    dest = read_dir(tmp_path / "d")
    [(top, _, config)] = dest.images
    assert json.loads(top)["mediaType"] == media.DOCKER_MANIFEST
    assert config.digest == oci_img.config_digest  # §2.1: config bytes unchanged


@pytest.mark.interop
def test_skopeo_copy_all_dir_read_by_us(tmp_path, skopeo):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8")
    idx = build_index([amd, arm])
    write_oci_layout(tmp_path / "lay", [], index_of=[amd, arm], index_ref="multi")
    skopeo("copy", "--all", f"oci:{tmp_path}/lay:multi", f"dir:{tmp_path}/d")
    dest = read_dir(tmp_path / "d", all_platforms=True)
    assert dest.images[0][0] == idx.index
    assert {amd.config_digest, arm.config_digest} <= set(dest.blobs)
