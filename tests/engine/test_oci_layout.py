"""Tests for engine.formats.oci_layout: `oci:` layout directories and `oci-archive:` tars (docs/formats.md §1.2,
§1.5, §2.2, §2.5, §4), through the real copy pipeline with in-memory counterparts, and against skopeo, podman
and umoci as oracles."""

from __future__ import annotations

import gzip
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest

from engine import media
from engine.copy import CopyOptions, copy
from engine.errors import DigestMismatch, EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.oci_layout import (
    CONTAINERD_NAME,
    REF_NAME,
    is_oci_archive,
    is_oci_layout_dir,
    merge_index,
    names_of,
    open_archive_destination,
    open_archive_source,
    open_layout_destination,
    open_layout_source,
)
from engine.manifest import Descriptor
from engine.platform import Platform
from engine.tarindex import TarIndex
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import (
    OCI_LAYOUT,
    build_image,
    build_index,
    compact,
    hex_of,
    make_layer_tar,
    oci_layout_files,
    random_layer_tar,
    sha256,
    tar_entries,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)

LAYER1 = make_layer_tar({"etc/hello": b"hello\n", "bin/tool": b"#!/bin/sh\necho tool\n"}, symlinks={"bin/link": "tool"})
LAYER2 = make_layer_tar({"etc/new": b"new\n"}, whiteouts=["etc/hello"])
AMD64 = Platform("linux", "amd64")
ARM64 = Platform("linux", "arm64", "v8")
GZIP_MAGIC, ZSTD_MAGIC = b"\x1f\x8b\x08", b"\x28\xb5\x2f\xfd"
FOO = "docker.io/library/foo:latest"


@pytest.fixture
def img():
    return build_image([LAYER1, LAYER2])


@pytest.fixture
def raw_img():
    return build_image([LAYER1, LAYER2], compression="none", cmd=["/bin/raw"])


@pytest.fixture
def docker_img():
    return build_image([LAYER1, LAYER2], docker=True, cmd=["/bin/true"])


# -- helpers -------------------------------------------------------------------------------------------------


def read(source, **opts) -> tuple[list, MemoryDestination]:
    """Copy everything `source` offers into memory through the pipeline; closes the source."""
    dest = MemoryDestination()
    with source:
        results = copy(source, dest, CopyOptions(platform=opts.pop("platform", AMD64), **opts))
    assert dest.committed
    return results, dest


def write(dest, *images, names=None, src=None, **opts) -> list:
    source = src or MemorySource.from_built(list(images), names)
    return copy(source, dest, CopyOptions(platform=AMD64, **opts))


def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert text and "\n" not in text
    return text


def expect_error(open_source, exc_type, *fragments: str) -> str:
    """Opening and copying fails with one engine error line containing `fragments`; nothing is committed."""
    dest = MemoryDestination()
    with pytest.raises(exc_type) as info, open_source() as src:
        copy(src, dest, CopyOptions(platform=AMD64))
    text = one_line(info)
    for fragment in fragments:
        assert fragment in text
    assert not dest.committed
    return text


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def index_of(layout: Path) -> dict:
    return json.loads((layout / "index.json").read_bytes())


def tar_members(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path) as tf:
        return tf.getmembers()


def tar_file(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tf:
        return tf.extractfile(name).read()


def no_temp_left(*dirs: Path) -> None:
    for d in dirs:
        assert [p.name for p in d.iterdir() if p.name.startswith(".")] == []


def layout_manifest(layout: Path, entry: int = 0) -> dict:
    digest = index_of(layout)["manifests"][entry]["digest"]
    return json.loads((layout / "blobs" / "sha256" / hex_of(digest)).read_bytes())


# -- names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("annotations", "names"), [
    ({REF_NAME: "docker.io/library/foo:1"}, ["docker.io/library/foo:1"]),
    ({REF_NAME: "quay.io/a/b:v2"}, ["quay.io/a/b:v2"]),
    ({REF_NAME: "foo:1"}, ["docker.io/library/foo:1"]),
    ({REF_NAME: "localhost/x"}, ["localhost/x:latest"]),
    ({REF_NAME: "latest"}, []),  # a tag-only ref.name is a tag, not a name (docs/formats.md pitfall 3)
    ({REF_NAME: "v1.0"}, []),
    ({REF_NAME: "Upper:v1"}, []),  # legal OCI ref.name, not a legal image name (docs/formats.md pitfall 20)
    ({REF_NAME: "foo@sha256:" + "a" * 64}, []),  # digest refs are not names we keep (docs/formats.md pitfall 8)
    ({CONTAINERD_NAME: "foo", REF_NAME: "latest"}, [FOO]),  # Docker / containerd style
    ({CONTAINERD_NAME: "docker.io/library/foo:2", REF_NAME: "other/name:3"}, ["docker.io/library/foo:2"]),
    (None, []),
])
def test_names_of_descriptor(annotations, names):
    assert names_of(annotations)[0] == names


# -- reading a layout directory ---------------------------------------------------------------------------


def test_read_layout_with_full_ref_keeps_every_byte(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, "docker.io/library/foo:1", None)])
    [res], dest = read(open_layout_source(str(tmp_path / "lay")))
    assert res.names == ["docker.io/library/foo:1"]
    assert res.image_id == img.config_digest  # config digest preserved
    assert res.manifest == img.manifest and res.manifest_digest == img.manifest_digest
    assert dest.blobs[img.config_digest] == img.config
    assert {x.digest: x.blob for x in img.layers}.items() <= dest.blobs.items()


def test_read_layout_without_ref_is_unnamed(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    [res], dest = read(open_layout_source(str(tmp_path / "lay")))
    assert res.names == [] and res.image_id == img.config_digest
    assert dest.images[0][1] == []


def test_tag_only_ref_name_leaves_the_image_unnamed(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, "v1", None)])
    src = open_layout_source(str(tmp_path / "lay"))
    assert "only a tag" in src.images()[0].label
    [res], _ = read(src)
    assert res.names == []
    [res], _ = read(open_layout_source(str(tmp_path / "lay"), "v1"))  # still selectable by it
    assert res.image_id == img.config_digest and res.names == []


def test_unparseable_ref_name_is_unnamed_with_a_note(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, "Upper:v1", None)])
    src = open_layout_source(str(tmp_path / "lay"), "Upper:v1")
    [image] = src.images()
    assert image.names == [] and "Upper:v1" in image.label and "not a valid image name" in image.label
    [res], _ = read(src)
    assert res.image_id == img.config_digest


def test_containerd_name_wins_and_is_selectable_normalised(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, "latest", {CONTAINERD_NAME: "docker.io/library/foo:latest"})])
    for ref in (None, "latest", "foo", "foo:latest", FOO):
        [res], _ = read(open_layout_source(str(tmp_path / "lay"), ref))
        assert res.names == [FOO] and res.image_id == img.config_digest


def test_several_entries_all_by_ref_and_by_index(tmp_path, img, raw_img):
    other = build_image([LAYER1], cmd=["/bin/other"])
    write_oci_layout(tmp_path / "lay", [(img, "docker.io/library/a:1", None), (other, "b:2", None),
                                        (img, "quay.io/x/a:3", None), (raw_img, None, None)])
    lay = str(tmp_path / "lay")
    results, dest = read(open_layout_source(lay))
    # same manifest digest = one image with its names merged; order of first appearance
    assert [(r.image_id, r.names) for r in results] == [
        (img.config_digest, ["docker.io/library/a:1", "quay.io/x/a:3"]),
        (other.config_digest, ["docker.io/library/b:2"]),
        (raw_img.config_digest, []),
    ]
    assert len(dest.images) == 3
    [res], _ = read(open_layout_source(lay, "b:2"))
    assert res.image_id == other.config_digest
    [res], _ = read(open_layout_source(lay, "quay.io/x/a:3"))
    assert res.image_id == img.config_digest and res.names == ["quay.io/x/a:3"]
    for n, expected in ((0, img), (1, other), (2, img), (3, raw_img)):
        [res], _ = read(open_layout_source(lay, f"@{n}"))
        assert res.image_id == expected.config_digest
    with pytest.raises(NotFound) as info:
        open_layout_source(lay, "@4")
    assert "@4" in one_line(info)
    with pytest.raises(NotFound) as info:
        open_layout_source(lay, "nope:1")
    assert "b:2" in one_line(info)  # lists what there is
    for bad in ("@x", "@-1", "@\u00b2"):
        with pytest.raises(InvalidInput):
            open_layout_source(lay, bad)


def test_ambiguous_ref_is_refused(tmp_path, img):
    other = build_image([LAYER1], cmd=["/bin/other"])
    write_oci_layout(tmp_path / "lay", [(img, "latest", {CONTAINERD_NAME: "a"}),
                                        (other, "latest", {CONTAINERD_NAME: "b"})])
    with pytest.raises(InvalidInput) as info:
        open_layout_source(str(tmp_path / "lay"), "latest")
    assert "@N" in one_line(info)
    [res], _ = read(open_layout_source(str(tmp_path / "lay"), "b"))
    assert res.image_id == other.config_digest and res.names == ["docker.io/library/b:latest"]


def test_multi_arch_index_selects_a_platform_or_keeps_all(tmp_path):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8")
    idx = build_index([amd, arm])
    write_oci_layout(tmp_path / "lay", [], index_of=[amd, arm], index_ref="docker.io/library/multi:1")
    lay = str(tmp_path / "lay")
    for want, expected in ((AMD64, amd), (ARM64, arm)):
        [res], dest = read(open_layout_source(lay), platform=want)
        assert res.image_id == expected.config_digest and res.manifest == expected.manifest
        assert res.names == ["docker.io/library/multi:1"]
        assert expected.layers[0].digest in dest.blobs
    [res], dest = read(open_layout_source(lay), all_platforms=True)
    assert res.manifest == idx.index and dest.images[0][0] == idx.index  # index kept byte for byte
    assert {amd.manifest_digest, arm.manifest_digest, idx.digest} <= set(dest.manifests)
    assert {amd.config_digest, arm.config_digest, amd.layers[0].digest, arm.layers[0].digest} <= set(dest.blobs)


def test_get_manifest_returns_any_blob_by_digest(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    with open_layout_source(str(tmp_path / "lay")) as src:
        assert src.get_manifest(img.config_digest, len(img.config)) == img.config


def test_layout_blob_file_points_into_the_layout(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    layer = img.layers[1]
    with open_layout_source(str(tmp_path / "lay")) as src:
        path, offset, size = src.blob_file(Descriptor(layer.media_type, layer.digest, layer.size))
    assert (path, offset, size) == (str((tmp_path / "lay" / "blobs" / "sha256" / hex_of(layer.digest)).resolve()),
                                    0, layer.size)


def test_symlink_inside_the_layout_is_followed(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    blob = tmp_path / "lay" / "blobs" / "sha256" / hex_of(img.layers[0].digest)
    (tmp_path / "lay" / "store").mkdir()
    blob.rename(tmp_path / "lay" / "store" / "l0")
    blob.symlink_to("../../store/l0")
    [res], _ = read(open_layout_source(str(tmp_path / "lay")))
    assert res.image_id == img.config_digest


# -- reading an oci-archive ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [
    {}, {"compress": "gzip"}, {"compress": "zstd"}, {"compress": "xz"}, {"compress": "bzip2"},
    {"dot_slash": True}, {"strip_eof": True}, {"compress": "gzip", "dot_slash": True},
], ids=["plain", "gzip", "zstd", "xz", "bzip2", "dot-slash", "no-eof", "gzip-dot-slash"])
def test_read_archive(tmp_path, img, kw):
    write_oci_archive(tmp_path / "a.tar", [(img, "foo:1", None)], **kw)
    spool = tmp_path / "spool"
    spool.mkdir()
    src = open_archive_source(str(tmp_path / "a.tar"), tmpdir=str(spool))
    assert len(list(spool.iterdir())) == (1 if kw.get("compress") else 0)  # decompressed once, not extracted
    [res], dest = read(src)
    assert res.names == ["docker.io/library/foo:1"] and res.image_id == img.config_digest
    assert res.manifest == img.manifest and dest.blobs[img.config_digest] == img.config
    assert list(spool.iterdir()) == []  # the temp copy goes away on close


@pytest.mark.parametrize("compress", [None, "gzip"])
def test_read_archive_from_a_pipe(tmp_path, img, compress):
    """/dev/stdin-like input cannot be read in place: it is spooled to tmpdir (and removed on close)."""
    write_oci_archive(tmp_path / "a.tar", [(img, "foo:1", None)], compress=compress)
    fifo, spool = tmp_path / "fifo", tmp_path / "spool"
    os.mkfifo(fifo)
    spool.mkdir()
    feeder = threading.Thread(target=lambda: fifo.write_bytes((tmp_path / "a.tar").read_bytes()))
    feeder.start()
    try:
        src = open_archive_source(str(fifo), tmpdir=str(spool))
    finally:
        feeder.join()
    [res], _ = read(src)
    assert res.image_id == img.config_digest and res.names == ["docker.io/library/foo:1"]
    assert list(spool.iterdir()) == []

def test_archive_blob_file_offsets(tmp_path, img):
    write_oci_archive(tmp_path / "a.tar", [(img, None, None)], compress="gzip")
    with open_archive_source(str(tmp_path / "a.tar"), tmpdir=str(tmp_path)) as src:
        for layer in img.layers:
            path, offset, size = src.blob_file(Descriptor(layer.media_type, layer.digest, layer.size))
            with open(path, "rb") as f:
                f.seek(offset)
                assert size == layer.size and f.read(size) == layer.blob


def test_archive_ignores_other_members_and_reads_docker25_hybrid(tmp_path, img):
    write_docker_archive(tmp_path / "d.tar", [(img, ["foo:1", "bar:2"])], style="docker25")
    with TarIndex(str(tmp_path / "d.tar")) as index:
        assert is_oci_archive(index)
    results, _ = read(open_archive_source(str(tmp_path / "d.tar")))
    assert [(r.image_id, r.names) for r in results] == [
        (img.config_digest, ["docker.io/library/foo:1", "docker.io/library/bar:2"])]
    [res], _ = read(open_archive_source(str(tmp_path / "d.tar"), "bar:2"))
    assert res.names == ["docker.io/library/bar:2"]


def test_archive_several_entries(tmp_path, img):
    other = build_image([LAYER2], cmd=["/bin/other"])
    write_oci_archive(tmp_path / "a.tar", [(img, "a:1", None), (other, "b:1", None)])
    results, _ = read(open_archive_source(str(tmp_path / "a.tar")))
    assert [r.image_id for r in results] == [img.config_digest, other.config_digest]
    [res], _ = read(open_archive_source(str(tmp_path / "a.tar"), "@1"))
    assert res.image_id == other.config_digest


def test_detection(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    assert is_oci_layout_dir(str(tmp_path / "lay"))
    assert not is_oci_layout_dir(str(tmp_path))
    write_docker_archive(tmp_path / "p.tar", [(img, ["foo:1"])])
    with TarIndex(str(tmp_path / "p.tar")) as index:
        assert not is_oci_archive(index)


# -- hostile and broken input -----------------------------------------------------------------------------


def _archive_with(tmp_path, extra: list[tuple], img) -> Path:
    files = oci_layout_files([(img, None, None)])
    entries = [("file", n, d, 0o644) for n, d in files.items()] + extra
    (tmp_path / "h.tar").write_bytes(tar_entries(entries))
    return tmp_path / "h.tar"


@pytest.mark.parametrize(("member", "fragment"), [("../../x", "outside the archive"),
                                                  ("/etc/x", "absolute path"),
                                                  ("blobs/../../x", "outside the archive")])
def test_archive_member_escaping_is_refused_outright(tmp_path, img, member, fragment):
    path = _archive_with(tmp_path, [("file", member, b"evil", 0o644)], img)
    expect_error(lambda: open_archive_source(str(path)), InvalidInput, fragment)


def test_archive_symlink_leaving_is_refused(tmp_path, img):
    path = _archive_with(tmp_path, [("symlink", "blobs/sha256/link", "../../../etc/passwd", 0o777)], img)
    expect_error(lambda: open_archive_source(str(path)), InvalidInput, "outside the archive")


def test_layout_blob_symlink_leaving_is_refused(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    layer = img.layers[1]
    outside = tmp_path / "outside"
    outside.write_bytes(layer.blob)  # even with the right bytes
    blob = tmp_path / "lay" / "blobs" / "sha256" / hex_of(layer.digest)
    blob.unlink()
    blob.symlink_to(outside)
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "outside the layout",
                 layer.digest)


def test_layout_blobs_dir_symlink_leaving_is_refused(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    blobs = tmp_path / "lay" / "blobs"
    blobs.rename(tmp_path / "elsewhere")
    blobs.symlink_to(tmp_path / "elsewhere")
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "outside the layout")


def test_layout_index_json_symlink_leaving_is_refused(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    index = tmp_path / "lay" / "index.json"
    index.rename(tmp_path / "index.json")
    index.symlink_to(tmp_path / "index.json")
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "outside the layout")


def test_fifo_blob_is_refused_without_hanging(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    blob = tmp_path / "lay" / "blobs" / "sha256" / hex_of(img.layers[0].digest)
    blob.unlink()
    os.mkfifo(blob)
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "not a regular file")


def _edit_index(layout: Path, edit) -> None:
    doc = index_of(layout)
    edit(doc)
    (layout / "index.json").write_bytes(compact(doc))


@pytest.mark.parametrize("digest", ["sha256:../../etc/passwd", "sha256:" + "A" * 64, "md5:abc", "../x", 7])
def test_hostile_digest_in_index_json(tmp_path, img, digest):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    _edit_index(tmp_path / "lay", lambda d: d["manifests"][0].update(digest=digest))
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "invalid digest")


def test_hostile_digest_in_manifest(tmp_path, img):
    bad = img.manifest.replace(img.layers[0].digest.encode(), b"sha256:../../../../etc/passwd")
    layout = tmp_path / "lay"
    write_oci_layout(layout, [(img, None, None)])
    (layout / "blobs" / "sha256" / hex_of(sha256(bad))).write_bytes(bad)
    _edit_index(layout, lambda d: d["manifests"][0].update(digest=sha256(bad), size=len(bad)))
    expect_error(lambda: open_layout_source(str(layout)), InvalidInput, "invalid digest")


@pytest.mark.parametrize("kind", ["layout", "archive"])
def test_missing_blob_names_the_digest(tmp_path, img, kind):
    files = oci_layout_files([(img, None, None)])
    del files["blobs/sha256/" + hex_of(img.layers[1].digest)]
    if kind == "layout":
        for rel, data in files.items():
            (tmp_path / "lay" / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "lay" / rel).write_bytes(data)
        opener = lambda: open_layout_source(str(tmp_path / "lay"))  # noqa: E731
    else:
        (tmp_path / "a.tar").write_bytes(tar_entries([("file", n, d, 0o644) for n, d in files.items()]))
        opener = lambda: open_archive_source(str(tmp_path / "a.tar"))  # noqa: E731
    expect_error(opener, NotFound, img.layers[1].digest)


def test_missing_manifest_blob(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    (tmp_path / "lay" / "blobs" / "sha256" / hex_of(img.manifest_digest)).unlink()
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), NotFound, img.manifest_digest)


@pytest.mark.parametrize("kind", ["layout", "archive"])
def test_blob_with_wrong_content(tmp_path, img, kind):
    layer = img.layers[0]
    files = oci_layout_files([(img, None, None)])
    rel = "blobs/sha256/" + hex_of(layer.digest)
    files[rel] = bytes([files[rel][0] ^ 1]) + files[rel][1:]  # same size, other bytes
    if kind == "layout":
        write_oci_layout(tmp_path / "lay", [(img, None, None)])
        (tmp_path / "lay" / rel).write_bytes(files[rel])
        opener = lambda: open_layout_source(str(tmp_path / "lay"))  # noqa: E731
    else:
        (tmp_path / "a.tar").write_bytes(tar_entries([("file", n, d, 0o644) for n, d in files.items()]))
        opener = lambda: open_archive_source(str(tmp_path / "a.tar"))  # noqa: E731
    expect_error(opener, DigestMismatch, layer.digest[:19])


def test_blob_with_wrong_size(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    with open(tmp_path / "lay" / "blobs" / "sha256" / hex_of(img.config_digest), "ab") as f:
        f.write(b" ")
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), DigestMismatch, "bytes")


def test_manifest_size_in_index_json_is_checked(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    _edit_index(tmp_path / "lay", lambda d: d["manifests"][0].update(size=len(img.manifest) - 1))
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), DigestMismatch, "index.json says")


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"manifests": 5}', b'{"manifests": [1]}'])
def test_broken_index_json(tmp_path, img, content):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    (tmp_path / "lay" / "index.json").write_bytes(content)
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "index.json")


def test_huge_index_json_is_refused(tmp_path, img):
    files = oci_layout_files([(img, None, None)])
    files["index.json"] = files["index.json"][:-1] + b"," + b'"pad":"' + b"x" * (20 << 20) + b'"}'
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    (tmp_path / "lay" / "index.json").write_bytes(files["index.json"])
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), InvalidInput, "limit")
    (tmp_path / "a.tar").write_bytes(tar_entries([("file", n, d, 0o644) for n, d in files.items()]))
    expect_error(lambda: open_archive_source(str(tmp_path / "a.tar")), InvalidInput, "limit")


def test_bad_layout_version_and_missing_files(tmp_path, img):
    write_oci_layout(tmp_path / "lay", [(img, None, None)])
    (tmp_path / "lay" / "oci-layout").write_bytes(b'{"imageLayoutVersion": "2.0.0"}')
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), Unsupported, "2.0.0")
    (tmp_path / "lay" / "oci-layout").unlink()
    expect_error(lambda: open_layout_source(str(tmp_path / "lay")), NotFound, "oci-layout")
    expect_error(lambda: open_layout_source(str(tmp_path / "nothing")), NotFound, "does not exist")
    (tmp_path / "file").write_bytes(b"x")
    expect_error(lambda: open_layout_source(str(tmp_path / "file")), InvalidInput, "not a directory")
    expect_error(lambda: open_layout_source(str(tmp_path)), InvalidInput, "no index.json")


def test_archive_without_index_json(tmp_path, img):
    write_docker_archive(tmp_path / "p.tar", [(img, ["foo:1"])])
    expect_error(lambda: open_archive_source(str(tmp_path / "p.tar")), InvalidInput, "no index.json")


@pytest.mark.parametrize(("content", "exc", "fragment"), [
    (b"", InvalidInput, "empty"),
    (os.urandom(5000), InvalidInput, "tar"),
    (b"\x1f\x8b\x08" + os.urandom(3000), InvalidInput, "decompress"),
    (b"\x28\xb5\x2f\xfd" + os.urandom(100), InvalidInput, "decompress"),
])
def test_garbage_archives(tmp_path, content, exc, fragment):
    (tmp_path / "g.tar").write_bytes(content)
    spool = tmp_path / "spool"
    spool.mkdir()
    expect_error(lambda: open_archive_source(str(tmp_path / "g.tar"), tmpdir=str(spool)), exc, fragment)
    assert list(spool.iterdir()) == []


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_truncated_archive(tmp_path, img, cut):
    big = build_image([random_layer_tar(1, 200_000)], compression="none")
    write_oci_archive(tmp_path / "a.tar", [(big, None, None)])
    data = (tmp_path / "a.tar").read_bytes()
    (tmp_path / "t.tar").write_bytes(data[: int(len(data) * cut)])
    expect_error(lambda: open_archive_source(str(tmp_path / "t.tar")), InvalidInput, "truncated")


def test_truncated_gzip_archive(tmp_path, img):
    write_oci_archive(tmp_path / "a.tar", [(img, None, None)], compress="gzip")
    data = (tmp_path / "a.tar").read_bytes()
    (tmp_path / "t.tar.gz").write_bytes(data[: len(data) // 2])
    expect_error(lambda: open_archive_source(str(tmp_path / "t.tar.gz"), tmpdir=str(tmp_path)), InvalidInput,
                 "truncated")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tar", "t.tar.gz"]


def test_archive_path_errors(tmp_path):
    expect_error(lambda: open_archive_source(str(tmp_path / "missing.tar")), NotFound, "does not exist")
    expect_error(lambda: open_archive_source(str(tmp_path)), InvalidInput, "directory")


# -- writing ---------------------------------------------------------------------------------------------------


def _layers_of(layout: Path, entry: int = 0) -> list[tuple[dict, bytes]]:
    m = layout_manifest(layout, entry)
    return [(d, (layout / "blobs" / "sha256" / hex_of(d["digest"])).read_bytes()) for d in m["layers"]]


def test_write_layout_gzips_uncompressed_layers(tmp_path, raw_img):
    [res] = write(open_layout_destination(str(tmp_path / "out")), raw_img, names=["foo"])
    out = tmp_path / "out"
    assert (out / "oci-layout").read_bytes() == OCI_LAYOUT
    doc = index_of(out)
    assert doc == {"schemaVersion": 2, "manifests": [{
        "mediaType": media.OCI_MANIFEST, "digest": res.manifest_digest, "size": len(res.manifest),
        "annotations": {REF_NAME: FOO, CONTAINERD_NAME: FOO}}]}
    assert (out / "index.json").read_bytes() == compact(doc)  # c/image's byte form
    layers = _layers_of(out)
    for (desc, blob), src in zip(layers, raw_img.layers, strict=True):
        assert desc["mediaType"] == media.OCI_LAYER_GZIP and blob.startswith(GZIP_MAGIC)
        assert gzip.decompress(blob) == src.tar and desc["digest"] == sha256(blob) != src.digest
    assert (out / "blobs" / "sha256" / raw_img.id).read_bytes() == raw_img.config
    assert res.image_id == raw_img.config_digest
    assert oct(os.stat(out / "blobs" / "sha256" / raw_img.id).st_mode & 0o777) == "0o644"
    no_temp_left(tmp_path, out)


def test_write_layout_keeps_compressed_layers(tmp_path, img):
    [res] = write(open_layout_destination(str(tmp_path / "out")), img)
    assert res.manifest == img.manifest  # nothing changed: manifest digest survives
    assert index_of(tmp_path / "out")["manifests"] == [
        {"mediaType": media.OCI_MANIFEST, "digest": img.manifest_digest, "size": len(img.manifest)}]  # unnamed
    assert [b for _, b in _layers_of(tmp_path / "out")] == [x.blob for x in img.layers]


@pytest.mark.parametrize(("compress", "magic", "media_type"), [
    ("zstd", ZSTD_MAGIC, media.OCI_LAYER_ZSTD), ("none", b"", media.OCI_LAYER), ("gzip", GZIP_MAGIC,
                                                                                 media.OCI_LAYER_GZIP)])
def test_write_layout_forced_compression(tmp_path, img, raw_img, compress, magic, media_type):
    write(open_layout_destination(str(tmp_path / "out"), compress=compress), img, raw_img)
    for entry, src in ((0, img), (1, raw_img)):
        for (desc, blob), layer in zip(_layers_of(tmp_path / "out", entry), src.layers, strict=True):
            assert desc["mediaType"] == media_type and blob.startswith(magic)
            if compress == "none":
                assert blob == layer.tar and desc["digest"] == layer.diff_id
    with pytest.raises(InvalidInput):
        open_layout_destination(str(tmp_path / "x"), compress="lz4")


def test_docker_schema2_becomes_oci_with_the_same_config(tmp_path, docker_img):
    [res] = write(open_layout_destination(str(tmp_path / "out")), docker_img, names=["foo:1"])
    m = layout_manifest(tmp_path / "out")
    assert m["mediaType"] == media.OCI_MANIFEST and m["config"]["mediaType"] == media.OCI_CONFIG
    assert m["config"]["digest"] == docker_img.config_digest == res.image_id  # same image ID (invariant 3)
    assert (tmp_path / "out" / "blobs" / "sha256" / docker_img.id).read_bytes() == docker_img.config
    assert [d["mediaType"] for d, _ in _layers_of(tmp_path / "out")] == [media.OCI_LAYER_GZIP] * 2
    [back], _ = read(open_layout_source(str(tmp_path / "out"), "foo:1"))
    assert back.image_id == docker_img.config_digest and back.names == ["docker.io/library/foo:1"]


def test_write_multi_arch_index(tmp_path):
    amd = build_image([LAYER1], arch="amd64")
    arm = build_image([LAYER2], arch="arm64", variant="v8", compression="none")
    idx = build_index([amd, arm])
    src = MemorySource.from_built([amd, arm], ["multi:1"], index=idx.index)
    [res] = write(open_layout_destination(str(tmp_path / "out")), src=src, all_platforms=True)
    [entry] = index_of(tmp_path / "out")["manifests"]
    assert entry["mediaType"] == media.OCI_INDEX and entry["digest"] == res.manifest_digest != idx.digest
    [back], dest = read(open_layout_source(str(tmp_path / "out")), all_platforms=True)
    assert back.manifest_digest == res.manifest_digest and back.names == ["docker.io/library/multi:1"]
    assert {amd.config_digest, arm.config_digest} <= set(dest.blobs)


def test_names_ref_and_tag_only(tmp_path, img):
    write(open_layout_destination(str(tmp_path / "a"), tag_only_ref=True), img, names=["foo:1", "quay.io/x/y:2"])
    assert [m["annotations"] for m in index_of(tmp_path / "a")["manifests"]] == [
        {REF_NAME: "1", CONTAINERD_NAME: "docker.io/library/foo:1"},
        {REF_NAME: "2", CONTAINERD_NAME: "quay.io/x/y:2"}]
    write(open_layout_destination(str(tmp_path / "b"), "myimg:1.0"), img, names=["ignored:1"])
    assert [m["annotations"] for m in index_of(tmp_path / "b")["manifests"]] == [
        {REF_NAME: "myimg:1.0", CONTAINERD_NAME: "docker.io/library/myimg:1.0"}]
    write(open_layout_destination(str(tmp_path / "c"), "v1"), img, names=["ignored:1"])
    assert [m["annotations"] for m in index_of(tmp_path / "c")["manifests"]] == [{REF_NAME: "v1"}]
    write(open_layout_destination(str(tmp_path / "d"), "Upper:V1"), img)  # legal ref.name, not an image name
    assert [m["annotations"] for m in index_of(tmp_path / "d")["manifests"]] == [{REF_NAME: "Upper:V1"}]
    for bad in ("@0", "a b", "-x", "x/"):
        with pytest.raises(InvalidInput) as info:
            open_layout_destination(str(tmp_path / "e"), bad)
        assert "OCI reference" in one_line(info)
    assert not (tmp_path / "e").exists()
    with pytest.raises(InvalidInput):  # a bad name from the source
        write(open_layout_destination(str(tmp_path / "f")), img, names=["foo/Bar:1"])
    assert not (tmp_path / "f").exists()
    no_temp_left(tmp_path)


def test_ref_names_only_one_image(tmp_path, img, raw_img):
    with pytest.raises(Unsupported):
        write(open_layout_destination(str(tmp_path / "out"), "one"), img, raw_img)
    assert not (tmp_path / "out").exists()
    no_temp_left(tmp_path)


def test_append_moves_the_name_and_keeps_the_old_image(tmp_path, img, raw_img):
    out = str(tmp_path / "out")
    write(open_layout_destination(out), img, names=["foo:1", "bar:1"])
    before = set((tmp_path / "out" / "blobs" / "sha256").iterdir())
    write(open_layout_destination(out), raw_img, names=["foo:1"])
    manifests = index_of(tmp_path / "out")["manifests"]
    assert [(m["digest"], (m.get("annotations") or {}).get(CONTAINERD_NAME)) for m in manifests] == [
        (img.manifest_digest, None),  # lost foo:1, stays as an unnamed entry
        (img.manifest_digest, "docker.io/library/bar:1"),
        (sha256(layout_manifest_bytes(tmp_path / "out", 2)), "docker.io/library/foo:1")]
    assert "annotations" not in manifests[0]
    assert before <= set((tmp_path / "out" / "blobs" / "sha256").iterdir())  # never garbage-collected
    results, _ = read(open_layout_source(out))
    assert [(r.image_id, r.names) for r in results] == [
        (img.config_digest, ["docker.io/library/bar:1"]), (raw_img.config_digest, ["docker.io/library/foo:1"])]
    # copying an image again is idempotent; an unnamed duplicate is replaced in place by a named one
    write(open_layout_destination(out), raw_img, names=["foo:1"])
    write(open_layout_destination(out), img, names=["baz:1"])
    manifests = index_of(tmp_path / "out")["manifests"]
    assert [(m.get("annotations") or {}).get(CONTAINERD_NAME) for m in manifests] == [
        "docker.io/library/baz:1", "docker.io/library/bar:1", "docker.io/library/foo:1"]
    write(open_layout_destination(out), img)
    assert len(index_of(tmp_path / "out")["manifests"]) == 3
    no_temp_left(tmp_path, tmp_path / "out")


def layout_manifest_bytes(layout: Path, entry: int) -> bytes:
    digest = index_of(layout)["manifests"][entry]["digest"]
    return (layout / "blobs" / "sha256" / hex_of(digest)).read_bytes()


def test_merge_index_rules():
    a, b = "sha256:" + "a" * 64, "sha256:" + "b" * 64

    def d(digest, ref=None, cd=None, **extra):
        ann = {k: v for k, v in ((REF_NAME, ref), (CONTAINERD_NAME, cd)) if v} | extra
        return {"mediaType": media.OCI_MANIFEST, "digest": digest, "size": 1} | ({"annotations": ann} if ann else {})

    # c/image: a ref moves; the old entry keeps its other annotations
    assert merge_index([d(a, "myref", note="x")], [d(b, "myref")]) == [
        {"mediaType": media.OCI_MANIFEST, "digest": a, "size": 1, "annotations": {"note": "x"}}, d(b, "myref")]
    # Docker style: many images share ref.name "latest"; the containerd name is the identity
    old = [d(a, "latest", "docker.io/library/x:latest")]
    assert merge_index(old, [d(b, "latest", "docker.io/library/y:latest")]) == old + [
        d(b, "latest", "docker.io/library/y:latest")]
    # our full-name entry replaces a podman-written short one for the same normalised name
    assert merge_index([d(a, "foo:1")], [d(b, FOO.replace("latest", "1"), FOO.replace("latest", "1"))])[0] == d(a)
    # an untagged duplicate is replaced in place; an unnamed re-add of a listed digest is not duplicated
    assert merge_index([d(a), d(b, "x")], [d(a, "y")]) == [d(a, "y"), d(b, "x")]
    assert merge_index([d(a, "y")], [d(a)]) == [d(a, "y")]


def test_write_refuses_non_layout_directory(tmp_path, img):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_bytes(b"precious")
    with pytest.raises(InvalidInput) as info:
        open_layout_destination(str(tmp_path / "docs"))
    assert "exists and is not an OCI layout; refusing to overwrite it" in one_line(info)
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(InvalidInput):
        open_layout_destination(str(tmp_path / "file"))
    (tmp_path / "empty").mkdir()
    write(open_layout_destination(str(tmp_path / "empty")), img)
    assert is_oci_layout_dir(str(tmp_path / "empty"))
    write_oci_layout(tmp_path / "broken", [(img, None, None)])
    (tmp_path / "broken" / "index.json").write_bytes(b"{")
    with pytest.raises(InvalidInput):
        open_layout_destination(str(tmp_path / "broken"))
    assert snapshot(tmp_path / "docs") == {"thesis.txt": b"precious"}


def _corrupt_source(img, raw_img) -> MemorySource:
    src = MemorySource.from_built([img, raw_img], ["foo:2"])
    bad = raw_img.layers[1].digest
    src.blobs[bad] = src.blobs[bad][:-1] + b"!"
    return src


def test_abort_leaves_existing_layout_byte_identical(tmp_path, img, raw_img):
    out = tmp_path / "out"
    write(open_layout_destination(str(out)), img, names=["foo:1"])
    before = snapshot(out)
    with pytest.raises(DigestMismatch):
        write(open_layout_destination(str(out)), src=_corrupt_source(build_image([LAYER2]), raw_img))
    assert snapshot(out) == before
    no_temp_left(tmp_path, out)


def test_abort_of_new_layout_leaves_nothing(tmp_path, img, raw_img):
    with pytest.raises(DigestMismatch):
        write(open_layout_destination(str(tmp_path / "new" / "deeper" / "out")), src=_corrupt_source(img, raw_img))
    assert list(tmp_path.iterdir()) == []


def test_commit_failure_rolls_back(tmp_path, img, raw_img, monkeypatch):
    out = tmp_path / "out"
    write(open_layout_destination(str(out)), img, names=["foo:1"])
    before = snapshot(out)
    import engine.formats.oci_layout.writer as mod

    real = mod._write_file

    def failing(path, data):
        if path.endswith("index.json"):
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(mod, "_write_file", failing)
    with pytest.raises(EstibaError) as info:
        write(open_layout_destination(str(out)), raw_img, names=["bar:1"])
    assert "No space left" in one_line(info)
    assert snapshot(out) == before  # the new blobs that were moved in are gone again
    no_temp_left(tmp_path, out)


def test_layout_to_layout_hard_links_blobs(tmp_path, img):
    write_oci_layout(tmp_path / "a", [(img, "foo:1", None)])
    results, _ = [copy(open_layout_source(str(tmp_path / "a")), open_layout_destination(str(tmp_path / "b")))], None
    assert results[0][0].image_id == img.config_digest
    for layer in img.layers:
        rel = Path("blobs/sha256") / hex_of(layer.digest)
        assert os.stat(tmp_path / "a" / rel).st_ino == os.stat(tmp_path / "b" / rel).st_ino


def test_copy_within_one_layout_adds_a_name_only(tmp_path, img):
    lay = str(tmp_path / "lay")
    write(open_layout_destination(lay), img, names=["foo:1"])
    blobs = snapshot(tmp_path / "lay" / "blobs")
    copy(open_layout_source(lay, "foo:1"), open_layout_destination(lay), CopyOptions(names=["bar:2"]))
    assert snapshot(tmp_path / "lay" / "blobs") == blobs
    results, _ = read(open_layout_source(lay))
    assert [(r.image_id, r.names) for r in results] == [
        (img.config_digest, ["docker.io/library/foo:1", "docker.io/library/bar:2"])]

# -- writing archives --------------------------------------------------------------------------------------


def test_write_archive_shape(tmp_path, raw_img):
    [res] = write(open_archive_destination(str(tmp_path / "o.tar")), raw_img, names=["foo"])
    members = tar_members(tmp_path / "o.tar")
    names = [m.name for m in members]
    blobs = sorted(n for n in names if n.startswith("blobs/sha256/"))
    assert names == ["blobs", "blobs/sha256", *blobs, "index.json", "oci-layout"]  # c/image order, no ./
    assert all(m.uid == 0 and m.gid == 0 for m in members)
    assert [oct(m.mode) for m in members if m.isdir()] == ["0o755", "0o755"]
    assert {oct(m.mode) for m in members if m.isfile()} == {"0o644"}
    raw = (tmp_path / "o.tar").read_bytes()
    assert raw[:6] == b"blobs/" and raw.endswith(b"\0" * 1024) and len(raw) % 512 == 0
    assert tar_file(tmp_path / "o.tar", "oci-layout") == OCI_LAYOUT
    index = json.loads(tar_file(tmp_path / "o.tar", "index.json"))
    assert index["manifests"][0]["annotations"] == {REF_NAME: FOO, CONTAINERD_NAME: FOO}
    manifest = json.loads(tar_file(tmp_path / "o.tar", "blobs/sha256/" + hex_of(res.manifest_digest)))
    for desc in manifest["layers"]:
        assert desc["mediaType"] == media.OCI_LAYER_GZIP
        assert tar_file(tmp_path / "o.tar", "blobs/sha256/" + hex_of(desc["digest"])).startswith(GZIP_MAGIC)
    assert tar_file(tmp_path / "o.tar", "blobs/sha256/" + raw_img.id) == raw_img.config
    assert oct(os.stat(tmp_path / "o.tar").st_mode & 0o777) == "0o644"
    no_temp_left(tmp_path)
    [back], _ = read(open_archive_source(str(tmp_path / "o.tar")))
    assert back.image_id == raw_img.config_digest and back.names == [FOO]


def test_write_archive_round_trips_big_layers_and_several_images(tmp_path, img):
    big = build_image([random_layer_tar(3, 3_000_000), LAYER1], compression="none")
    write(open_archive_destination(str(tmp_path / "o.tar"), compress="zstd"), img, big, names=["a:1"])
    results, dest = read(open_archive_source(str(tmp_path / "o.tar")))
    assert [r.image_id for r in results] == [img.config_digest, big.config_digest]
    assert results[0].names == [] and results[1].names == ["docker.io/library/a:1"]  # the name moved to the last
    assert len(json.loads(tar_file(tmp_path / "o.tar", "index.json"))["manifests"]) == 2


def test_write_archive_overwrites_only_at_commit(tmp_path, img, raw_img):
    target = tmp_path / "o.tar"
    target.write_bytes(b"old contents")
    with pytest.raises(DigestMismatch):
        write(open_archive_destination(str(target)), src=_corrupt_source(img, raw_img))
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.tar"]
    write(open_archive_destination(str(target), "v1"), img)
    assert json.loads(tar_file(target, "index.json"))["manifests"][0]["annotations"] == {REF_NAME: "v1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.tar"]
    with pytest.raises(InvalidInput):
        open_archive_destination(str(tmp_path))


def test_write_archive_from_archive_uses_file_ranges(tmp_path, img):
    write_oci_archive(tmp_path / "in.tar", [(img, "foo:1", None)])
    copy(open_archive_source(str(tmp_path / "in.tar")), open_archive_destination(str(tmp_path / "out.tar")))
    for layer in img.layers:
        assert tar_file(tmp_path / "out.tar", "blobs/sha256/" + hex_of(layer.digest)) == layer.blob


# -- interop (real skopeo, podman, umoci) ------------------------------------------------------------------


def _skopeo_config_digest(skopeo, ref: str) -> str:
    return sha256(skopeo("inspect", "--config", "--raw", ref).stdout.encode())


@pytest.mark.interop
def test_skopeo_reads_what_we_write(tmp_path, skopeo, raw_img, docker_img):
    write(open_layout_destination(str(tmp_path / "lay")), raw_img, names=["foo"])
    write(open_archive_destination(str(tmp_path / "o.tar")), docker_img, names=["foo"])
    assert _skopeo_config_digest(skopeo, f"oci:{tmp_path}/lay:{FOO}") == raw_img.config_digest
    assert _skopeo_config_digest(skopeo, f"oci-archive:{tmp_path}/o.tar") == docker_img.config_digest
    skopeo("copy", f"oci-archive:{tmp_path}/o.tar", f"dir:{tmp_path}/x")  # verifies every digest
    assert (tmp_path / "x" / docker_img.id).read_bytes() == docker_img.config
    skopeo("copy", f"oci:{tmp_path}/lay:{FOO}", f"dir:{tmp_path}/y")
    assert (tmp_path / "y" / raw_img.id).read_bytes() == raw_img.config


@pytest.mark.interop
def test_podman_loads_our_archive_with_id_and_name(tmp_path, podman, docker_img):
    write(open_archive_destination(str(tmp_path / "o.tar")), docker_img, names=["foo"])
    podman("load", "-i", tmp_path / "o.tar")
    [image] = json.loads(podman("images", "--format", "json").stdout)
    assert image["Id"] == docker_img.id and image["Names"] == [FOO]


@pytest.mark.interop
def test_umoci_lists_our_layout(tmp_path, umoci, img, raw_img):
    out = str(tmp_path / "lay")
    write(open_layout_destination(out, tag_only_ref=True), img, names=["foo:v1"])
    write(open_layout_destination(out, "v2"), raw_img)
    assert sorted(umoci("ls", "--layout", out).stdout.split()) == ["v1", "v2"]
    stat = json.loads(umoci("stat", "--json", "--image", f"{out}:v2").stdout)
    assert len(stat["history"]) == 2


@pytest.mark.interop
def test_we_read_what_skopeo_writes(tmp_path, skopeo, img, docker_img):
    write_docker_archive(tmp_path / "d.tar", [(docker_img, ["foo:1"])])
    skopeo("copy", f"docker-archive:{tmp_path}/d.tar", f"oci:{tmp_path}/lay:myref")
    expected = json.loads(skopeo("inspect", "--raw", f"oci:{tmp_path}/lay:myref").stdout)["config"]["digest"]
    assert expected != docker_img.config_digest  # c/image rewrites the config going schema2 -> OCI (§2.2)
    [res], _ = read(open_layout_source(str(tmp_path / "lay"), "myref"))
    assert res.image_id == expected and res.names == []  # "myref" is tag-only
    write_oci_layout(tmp_path / "src", [(img, None, None)])
    skopeo("copy", f"oci:{tmp_path}/src", f"oci-archive:{tmp_path}/o.tar:quay.io/a/b:v2")
    [res], _ = read(open_archive_source(str(tmp_path / "o.tar")))
    assert res.image_id == img.config_digest and res.names == ["quay.io/a/b:v2"]


@pytest.mark.interop
def test_we_read_what_podman_saves(tmp_path, podman, img):
    write_oci_archive(tmp_path / "in.tar", [(img, "fx:1", None)])
    podman("load", "-i", tmp_path / "in.tar")
    podman("save", "--format", "oci-archive", "-o", tmp_path / "o.tar", "localhost/fx:1")
    podman("save", "--format", "oci-dir", "-o", tmp_path / "odir", "localhost/fx:1")
    [res], _ = read(open_archive_source(str(tmp_path / "o.tar")))
    assert res.image_id == img.config_digest and res.names == ["localhost/fx:1"]
    [res], _ = read(open_layout_source(str(tmp_path / "odir")))
    assert res.image_id == img.config_digest and res.names == ["localhost/fx:1"]


@pytest.mark.interop
def test_podman_pulls_our_layout_by_ref(tmp_path, podman, img):
    write(open_layout_destination(str(tmp_path / "lay")), img, names=["foo:1", "bar:2"])
    podman("pull", f"oci:{tmp_path}/lay:docker.io/library/bar:2")
    [image] = json.loads(podman("images", "--format", "json").stdout)
    assert image["Id"] == img.id

