"""load / save / pull / push / copy through the real `estiba` command, with skopeo and podman as oracles."""

from __future__ import annotations

import json
import os

import pytest

from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import (
    build_image,
    make_layer_tar,
    random_layer_tar,
    write_dir,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)


@pytest.fixture
def img():
    return build_image([make_layer_tar({"bin/hello": b"#!/bin/sh\necho hi\n" * 50}),
                        make_layer_tar({"etc/motd": b"welcome" * 100}, whiteouts=["tmp/x"]),
                        random_layer_tar(7, 300_000)], docker=True)


def images_json(store) -> list[dict]:
    return json.loads(estiba(store, "images", "--format", "json").stdout)


def ids_and_names(store) -> dict[str, list[str]]:
    return {d["Id"]: d.get("Names", []) for d in images_json(store)}  # podman omits an empty Names


# -- load: every format the peers write ---------------------------------------------------------------------


@pytest.mark.parametrize("style", ["podman", "docker24", "docker25"])
@pytest.mark.parametrize("compress", [None, "gzip", "xz", "zstd", "bzip2"])
def test_load_docker_archive_every_style_and_outer_compression(tmp_path, img, style, compress):
    write_docker_archive(tmp_path / "in.tar", [(img, ["foo:latest"])], style=style, compress=compress)
    out = estiba(tmp_path / "s", "load", "-i", tmp_path / "in.tar").stdout.decode()
    assert out.splitlines() == ["Loaded image: docker.io/library/foo:latest"]
    assert ids_and_names(tmp_path / "s") == {img.id: ["docker.io/library/foo:latest"]}
    assert "consistent" in estiba(tmp_path / "s", "check").stdout.decode()


def test_load_oci_archive_layout_and_dir(tmp_path, img):
    oci_img = build_image([make_layer_tar({"a": b"1" * 1000})])
    write_oci_archive(tmp_path / "named.tar", [(oci_img, "quay.io/a/b:v2", None)])
    write_oci_archive(tmp_path / "tagonly.tar", [(img, "v1", None)])
    write_oci_layout(tmp_path / "layout", [(oci_img, None, {"io.containerd.image.name": "docker.io/library/x:1"})])
    write_dir(tmp_path / "dirimg", img)
    store = tmp_path / "s"
    assert estiba(store, "load", "-i", tmp_path / "named.tar").stdout.decode() == "Loaded image: quay.io/a/b:v2\n"
    # a tag-only ref.name is a tag, not a name: the image is unnamed (podman would invent localhost/v1)
    assert estiba(store, "load", "-i", tmp_path / "tagonly.tar").stdout.decode() == f"Loaded image: sha256:{img.id}\n"
    assert "docker.io/library/x:1" in estiba(store, "load", "-i", tmp_path / "layout").stdout.decode()
    assert estiba(store, "load", "-i", tmp_path / "dirimg").stdout.decode() == f"Loaded image: sha256:{img.id}\n"
    assert ids_and_names(store) == {oci_img.id: ["quay.io/a/b:v2", "docker.io/library/x:1"], img.id: []}


def test_load_takes_every_image_of_a_multi_image_oci_archive_and_docker_archive(tmp_path, img):
    other = build_image([make_layer_tar({"o": b"other"})])
    write_oci_archive(tmp_path / "two.tar", [(img, "docker.io/library/one:1", None),
                                             (other, "docker.io/library/two:2", None)])
    write_docker_archive(tmp_path / "two-d.tar", [(img, ["a:1", "a:2"]), (other, ["b:1"])])
    out = estiba(tmp_path / "s1", "load", "-i", tmp_path / "two.tar").stdout.decode().splitlines()
    assert sorted(out) == ["Loaded image: docker.io/library/one:1", "Loaded image: docker.io/library/two:2"]
    out = estiba(tmp_path / "s2", "load", "-i", tmp_path / "two-d.tar").stdout.decode().splitlines()
    assert len(out) == 3
    assert ids_and_names(tmp_path / "s2") == {img.id: ["docker.io/library/a:1", "docker.io/library/a:2"],
                                              other.id: ["docker.io/library/b:1"]}


def test_load_from_stdin(tmp_path, img):
    write_docker_archive(tmp_path / "in.tar", [(img, ["foo:1"])], compress="gzip")
    proc = estiba(tmp_path / "s", "load", input_bytes=(tmp_path / "in.tar").read_bytes())
    assert proc.stdout.decode() == "Loaded image: docker.io/library/foo:1\n"


def test_pull_unnamed_oci_archive_then_tag_by_id(tmp_path):
    """The course's case: `podman pull oci-archive:alpine3.tar` prints only an ID; `tag ID name` names it."""
    oci_img = build_image([make_layer_tar({"a": b"x"})])
    write_oci_archive(tmp_path / "alpine3.tar", [(oci_img, None, None)])
    store = tmp_path / "s"
    assert estiba(store, "pull", f"oci-archive:{tmp_path}/alpine3.tar").stdout.decode() == oci_img.id + "\n"
    estiba(store, "tag", oci_img.id[:12], "docker.io/alpine:latest")
    assert ids_and_names(store) == {oci_img.id: ["docker.io/library/alpine:latest"]}


def test_pull_platform_selection_and_all_platforms(tmp_path):
    amd = build_image([make_layer_tar({"a": b"amd"})], arch="amd64")
    arm = build_image([make_layer_tar({"a": b"arm"})], arch="arm64", variant="v8")
    write_oci_layout(tmp_path / "multi", [], index_of=[amd, arm], index_ref="docker.io/library/multi:1")
    estiba(tmp_path / "s1", "pull", f"oci:{tmp_path}/multi", "--platform", "linux/arm64/v8")
    assert ids_and_names(tmp_path / "s1") == {arm.id: ["docker.io/library/multi:1"]}
    estiba(tmp_path / "s2", "pull", f"oci:{tmp_path}/multi", "--all-platforms")
    [rec] = images_json(tmp_path / "s2")
    assert rec["Platforms"] == ["linux/amd64", "linux/arm64/v8"]
    # an index cannot go into a docker-archive
    proc = estiba(tmp_path / "s2", "save", "--all-platforms", "-o", tmp_path / "x.tar", "multi:1", check=False)
    assert_one_line_error(proc, "multi-platform")
    assert not (tmp_path / "x.tar").exists()
    # without --all-platforms one platform (linux/amd64 = the host here, or --platform) is exported
    estiba(tmp_path / "s2", "save", "--platform", "linux/arm64/v8", "-o", tmp_path / "arm.tar", "multi:1")
    estiba(tmp_path / "s3", "load", "-i", tmp_path / "arm.tar")
    assert set(ids_and_names(tmp_path / "s3")) == {arm.id}


# -- save: every format, read by the peers -------------------------------------------------------------------


def loaded_store(tmp_path, img, name="foo:latest"):
    write_docker_archive(tmp_path / "in.tar", [(img, [name])])
    store = tmp_path / "s"
    estiba(store, "load", "-i", tmp_path / "in.tar")
    return store


@pytest.mark.interop
@pytest.mark.parametrize("fmt, transport", [("docker-archive", "docker-archive"), ("oci-archive", "oci-archive"),
                                            ("docker-dir", "dir"), ("oci-dir", "oci")])
def test_save_each_format_is_read_by_skopeo_and_podman(tmp_path, img, skopeo, podman, fmt, transport):
    store = loaded_store(tmp_path, img)
    out = tmp_path / f"out-{fmt}"
    estiba(store, "save", "--format", fmt, "-o", out, "foo")
    config = skopeo("inspect", "--config", "--raw", f"{transport}:{out}").stdout
    import hashlib

    assert hashlib.sha256(config.encode()).hexdigest() == img.id  # same config bytes: same image ID
    skopeo("copy", f"{transport}:{out}", f"oci:{tmp_path}/copied:x")
    if fmt in ("docker-archive", "oci-archive"):
        podman("load", "-i", out)
        [entry] = json.loads(podman("images", "--all", "--format", "json").stdout)
        assert entry["Id"] == img.id
        assert entry["Names"] == ["docker.io/library/foo:latest"]
    else:
        podman("pull", f"{transport}:{out}")
        assert json.loads(podman("images", "--all", "--format", "json").stdout)[0]["Id"] == img.id


@pytest.mark.interop
def test_multi_image_docker_archive_loads_in_podman(tmp_path, img, podman):
    other = build_image([make_layer_tar({"o": b"other"})])
    write_docker_archive(tmp_path / "in.tar", [(img, ["a:1"]), (other, ["b:1"])])
    store = tmp_path / "s"
    estiba(store, "load", "-i", tmp_path / "in.tar")
    estiba(store, "save", "-m", "-o", tmp_path / "both.tar", "a:1", "b:1")
    podman("load", "-i", tmp_path / "both.tar")
    got = {e["Id"]: e["Names"] for e in json.loads(podman("images", "--all", "--format", "json").stdout)}
    assert got == {img.id: ["docker.io/library/a:1"], other.id: ["docker.io/library/b:1"]}


def test_save_by_id_writes_no_name_like_podman(tmp_path, img):
    store = loaded_store(tmp_path, img)
    estiba(store, "save", "--format", "oci-archive", "-o", tmp_path / "byid.tar", img.id[:12])
    estiba(tmp_path / "s2", "load", "-i", tmp_path / "byid.tar")
    assert ids_and_names(tmp_path / "s2") == {img.id: []}


def test_save_compress_choices(tmp_path, img):
    store = loaded_store(tmp_path, img)
    for compress, media_suffix in (("zstd", "+zstd"), ("none", "tar"), ("gzip", "+gzip")):
        out = tmp_path / f"o-{compress}"
        estiba(store, "save", "--format", "oci-dir", "--compress", compress, "-o", out, "foo")
        index = json.loads((out / "index.json").read_bytes())
        manifest = json.loads((out / "blobs/sha256" / index["manifests"][0]["digest"][7:]).read_bytes())
        assert all(layer["mediaType"].endswith(media_suffix) for layer in manifest["layers"])
        estiba(tmp_path / f"s-{compress}", "load", "-i", out)
        assert set(ids_and_names(tmp_path / f"s-{compress}")) == {img.id}


def test_round_trip_through_every_format_keeps_the_image_id(tmp_path, img):
    """docker-archive -> oci-archive -> docker-dir -> oci-dir -> docker-archive, each step a fresh store."""
    write_docker_archive(tmp_path / "0.tar", [(img, ["docker.io/library/rt:1"])])
    steps = [("oci-archive", tmp_path / "1.tar"), ("docker-dir", tmp_path / "2"), ("oci-dir", tmp_path / "3"),
             ("docker-archive", tmp_path / "4.tar")]
    current = tmp_path / "0.tar"
    for i, (fmt, out) in enumerate(steps):
        store = tmp_path / f"store{i}"
        estiba(store, "load", "-i", current)
        [image_id] = ids_and_names(store)
        assert image_id == img.id, f"image ID changed when loading step {i}"
        name = "rt:1" if ids_and_names(store)[image_id] else image_id[:12]
        estiba(store, "save", "--format", fmt, "-o", out, name)
        current = out
    estiba(tmp_path / "final", "load", "-i", current)
    assert set(ids_and_names(tmp_path / "final")) == {img.id}


def test_copy_between_transports_without_the_store(tmp_path, img):
    write_docker_archive(tmp_path / "a.tar", [(img, ["foo:1"])])
    estiba(tmp_path / "s", "copy", f"docker-archive:{tmp_path}/a.tar", f"oci-archive:{tmp_path}/b.tar:foo:1")
    estiba(tmp_path / "s", "copy", f"oci-archive:{tmp_path}/b.tar", f"dir:{tmp_path}/c")
    estiba(tmp_path / "s", "copy", f"dir:{tmp_path}/c", f"oci:{tmp_path}/d:v1")
    estiba(tmp_path / "s", "copy", f"oci:{tmp_path}/d:v1", f"docker-archive:{tmp_path}/e.tar:bar:2")
    assert images_json(tmp_path / "s") == []  # the store was not involved
    estiba(tmp_path / "s", "load", "-i", tmp_path / "e.tar")
    assert ids_and_names(tmp_path / "s") == {img.id: ["docker.io/library/bar:2"]}
    # copy into the store under a name, and out of it
    estiba(tmp_path / "s", "copy", f"oci:{tmp_path}/d:v1", "quay.io/x/y:3")
    assert ids_and_names(tmp_path / "s")[img.id] == ["docker.io/library/bar:2", "quay.io/x/y:3"]


def test_push_to_file_transports(tmp_path, img):
    store = loaded_store(tmp_path, img)
    estiba(store, "push", "foo", f"oci-archive:{tmp_path}/p.tar")
    estiba(store, "push", "foo", f"oci:{tmp_path}/lay:mytag")
    estiba(store, "push", "foo", f"dir:{tmp_path}/d")
    estiba(tmp_path / "s2", "load", "-i", tmp_path / "p.tar")
    assert ids_and_names(tmp_path / "s2") == {img.id: ["docker.io/library/foo:latest"]}
    index = json.loads((tmp_path / "lay/index.json").read_bytes())
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "mytag"


def test_save_refuses_to_clobber_a_foreign_directory(tmp_path, img):
    store = loaded_store(tmp_path, img)
    foreign = tmp_path / "important"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("do not delete")
    proc = estiba(store, "save", "--format", "docker-dir", "-o", foreign, "foo", check=False)
    assert_one_line_error(proc, "refusing to overwrite")
    assert (foreign / "thesis.txt").read_text() == "do not delete"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no temp dirs left beside it
