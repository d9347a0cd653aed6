"""Hostile and unusual archives (issue 10, items 14, 16, 23), rebuilt here and run through the real
`estiba load` in a subprocess: what podman and skopeo take loads; the rest is one line `Error: ...`, exit 125,
store and input unchanged, and the process stays under 150 MB of peak RSS."""

from __future__ import annotations

import gzip
import io
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import zlib

import pytest
import zstandard

from tests.engine.test_hostile_documents import (
    ROOT_HELPERS,
    assert_clean_refusal,
    load_refused,
    with_config,
    write_layout_dir,
)
from tests.fixtures.images import (
    build_image,
    compact,
    make_layer_tar,
    sha256,
    write_docker_archive,
    write_oci_archive,
)

ROOT, estiba = ROOT_HELPERS

RSS_LIMIT_MB = 150
IMG = build_image([make_layer_tar({"a": b"alpha" * 200}), make_layer_tar({"b": b"beta" * 200})])
OTHER = build_image([make_layer_tar({"o": b"other" * 300})])


def peak_rss_mb(store, *args) -> tuple[subprocess.CompletedProcess, float]:
    """Run `estiba` under GNU time: (the process, its peak RSS in MB). A child forked from pytest would
    inherit pytest's high-water mark, so the measurement comes from /usr/bin/time."""
    time_bin = shutil.which("time", path="/usr/bin") or "/usr/bin/time"
    out = os.path.join(str(store) + ".rss")
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([time_bin, "-f", "%M", "-o", out, sys.executable, "-m", "cli", "--store", str(store),
                           *map(str, args)], capture_output=True, env=env, cwd=ROOT, timeout=300)
    with open(out) as f:
        kb = int(f.read().split()[-1])
    return proc, kb / 1024


def docker_members(img, tags, *, config_name=None):
    """(name, bytes) members of a podman-style docker-archive of one image."""
    cfg = config_name or f"{img.config_digest[7:]}.json"
    files = [(f"{layer.diff_id[7:]}.tar", layer.tar) for layer in img.layers]
    files.append((cfg, img.config))
    manifest = [{"Config": cfg, "RepoTags": list(tags), "Layers": [f"{layer.diff_id[7:]}.tar" for layer in img.layers]}]
    return files, json.dumps(manifest).encode()


def write_tar(path, members: list[tuple[str, bytes]]) -> None:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


# -- item 14: two manifest.json members -------------------------------------------------------------------


def test_first_of_two_manifest_json_members_is_taken(tmp_path):
    files_a, manifest_a = docker_members(IMG, ["first:1"])
    files_b, manifest_b = docker_members(OTHER, ["second:1"])
    archive = tmp_path / "two.tar"
    write_tar(archive, files_a + files_b + [("manifest.json", manifest_a), ("./manifest.json", manifest_b)])
    store = tmp_path / "store"
    out = estiba(store, "load", "-i", archive).stdout.decode()
    assert "first:1" in out and "second" not in out
    listed = json.loads(estiba(store, "images", "--format", "json").stdout)
    assert [img["Id"] for img in listed] == [IMG.id]
    if shutil.which("skopeo"):  # skopeo reads the same member (containers/image findTarComponent)
        raw = subprocess.run(["skopeo", "inspect", "--config", f"docker-archive:{archive}"], capture_output=True,
                             check=True).stdout
        assert json.loads(raw)["rootfs"]["diff_ids"] == [layer.diff_id for layer in IMG.layers]


# -- item 14: names read from an archive never become paths ------------------------------------------------


@pytest.mark.parametrize("tag", ["../../escape:1", "a/../../b:1", "/abs/x:1", "x/..:1"])
def test_repo_tag_with_dot_dot_is_refused_and_writes_nothing(tmp_path, tag):
    files, manifest = docker_members(IMG, [tag])
    line = load_refused(tmp_path, lambda p: write_tar(p, files + [("manifest.json", manifest)]), "RepoTag")
    assert not (tmp_path / "escape:1").exists() and not list(tmp_path.glob("**/escape*"))
    assert "Traceback" not in line


def test_oci_ref_name_with_dot_dot_never_becomes_a_path(tmp_path):
    """An OCI ref.name may be any string; saving the loaded image by ID to a directory must not create
    anything named after it outside the output."""
    archive = tmp_path / "in" / "ref.tar"
    archive.parent.mkdir()
    write_oci_archive(archive, [(IMG, "../../../../escape", None)])
    store = tmp_path / "store"
    proc = estiba(store, "load", "-i", archive, check=False)
    if proc.returncode == 0:
        estiba(store, "save", "--format", "oci-dir", "-o", tmp_path / "out", IMG.id)
        estiba(store, "save", "--format", "oci-archive", "-o", tmp_path / "out.tar", IMG.id)
    else:
        assert_clean_refusal(proc)
    assert sorted(os.listdir(tmp_path)) in (["in", "store"], ["in", "out", "out.tar", "store"])
    assert not list(tmp_path.parent.glob("escape*")) and not (tmp_path / "escape").exists()


# -- item 23: sparse members ------------------------------------------------------------------------------


def write_sparse_file(path, data: bytes) -> None:
    """`data` with every all-zero 4 KiB block left as a hole."""
    with open(path, "wb") as f:
        for at in range(0, len(data), 4096):
            block = data[at:at + 4096]
            if block.strip(b"\0"):
                f.seek(at)
                f.write(block)
        f.truncate(len(data))


@pytest.mark.parametrize("fmt", ["gnu", "0.0", "0.1", "1.0"])
def test_sparse_layer_members_are_read(tmp_path, fmt):
    """GNU tar --sparse writes holes as a sparse map (old GNU header or PAX 0.0/0.1/1.0); Go's archive/tar
    (skopeo, podman) reads all of them, so we must too. Before: "truncated"."""
    layer_tar = make_layer_tar({"zeros": bytes(256 << 10), "tail": b"end" * 10})
    img = build_image([layer_tar], compression="none")
    src = tmp_path / "src"
    src.mkdir()
    files, manifest = docker_members(img, ["sparse:1"])
    for name, data in files:
        write_sparse_file(src / name, data)
    (src / "manifest.json").write_bytes(manifest)
    archive = tmp_path / "sparse.tar"
    flags = ["--format=gnu"] if fmt == "gnu" else ["--format=posix", f"--sparse-version={fmt}"]
    subprocess.run(["tar", *flags, "--sparse", "-C", str(src), "-cf", str(archive), "manifest.json",
                    *(n for n, _ in files)], check=True)
    with tarfile.open(archive) as tf:
        assert any(m.issparse() for m in tf.getmembers()), "GNU tar wrote no sparse member"
    store = tmp_path / "store"
    estiba(store, "load", "-i", archive)
    estiba(store, "save", "-o", tmp_path / "back.tar", "sparse:1")
    with tarfile.open(tmp_path / "back.tar") as tf:
        layer = tf.extractfile(f"{img.layers[0].diff_id[7:]}.tar").read()
    assert layer == layer_tar


# -- item 23: errors name the user's file, not the spool copy ----------------------------------------------


@pytest.mark.parametrize("compress", ["gzip", "zstd"])
def test_errors_about_a_compressed_archive_name_the_users_path(tmp_path, compress):
    files, manifest = docker_members(IMG, ["c:1"])
    files = files[1:]  # a layer is missing
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files + [("manifest.json", manifest)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    packed = gzip.compress(buf.getvalue()) if compress == "gzip" else zstandard.ZstdCompressor().compress(
        buf.getvalue())

    def write(path):
        path.write_bytes(packed)

    line = load_refused(tmp_path, write, "missing")
    assert str(tmp_path / "in" / "bad") in line and "spool" not in line and "estiba-" not in line
    proc = estiba(tmp_path / "store", "pull", f"docker-archive:{tmp_path / 'in' / 'bad'}", check=False)
    line = assert_clean_refusal(proc, "missing")
    assert str(tmp_path / "in" / "bad") in line and "spool" not in line and "estiba-" not in line


# -- item 16: memory and time ------------------------------------------------------------------------------


def many_members_tar(path, count: int) -> None:
    """`count` empty members, headers written by hand (tarfile would take a minute)."""
    with open(path, "wb") as f:
        for i in range(count):
            header = tarfile.TarInfo(f"m/{i:07d}").tobuf(tarfile.USTAR_FORMAT)
            f.write(header)
        f.write(bytes(1024))


def test_half_a_million_members_refused_quickly_and_small(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    many_members_tar(inputs / "many.tar", 500_000)
    store = tmp_path / "store"
    proc, rss = peak_rss_mb(store, "load", "-i", inputs / "many.tar")
    assert_clean_refusal(proc, "more than 100000 members")
    assert rss < RSS_LIMIT_MB, rss


def xz_with_dictionary(data: bytes, dict_byte: int) -> bytes:
    """An xz stream whose block header declares a huge LZMA2 dictionary (byte 36: 1 GiB); CRC fixed."""
    raw = lzma.compress(data, format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 20}])
    size = (raw[12] + 1) * 4
    header = bytearray(raw[12:12 + size])
    at = header.index(b"\x21\x01", 2)
    header[at + 2] = dict_byte
    header[-4:] = struct.pack("<I", zlib.crc32(bytes(header[:-4])))
    return raw[:12] + bytes(header) + raw[12 + size:]


def zstd_with_window(data: bytes, window_log: int) -> bytes:
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log)
    out = io.BytesIO()
    with zstandard.ZstdCompressor(compression_params=params).stream_writer(out, closefd=False) as w:
        w.write(data)
    return out.getvalue()


def plain_archive() -> bytes:
    buf = io.BytesIO()
    files, manifest = docker_members(IMG, ["dec:1"])
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files + [("manifest.json", manifest)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue() + bytes(8 << 20)  # trailing zeros: the decoder gets to fill its window


@pytest.mark.parametrize("kind", ["xz", "zstd"])
def test_decoders_asking_for_huge_memory_are_refused(tmp_path, kind):
    data = plain_archive()
    packed = xz_with_dictionary(data, 36) if kind == "xz" else zstd_with_window(data, 27)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "big-window").write_bytes(packed)
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", inputs / "big-window")
    assert_clean_refusal(proc, "recompress", str(inputs / "big-window"))
    assert rss < RSS_LIMIT_MB, rss


@pytest.mark.parametrize("kind", ["xz", "zstd"])
def test_ordinary_xz_and_zstd_archives_still_load(tmp_path, kind):
    data = plain_archive()
    packed = lzma.compress(data, preset=9) if kind == "xz" else zstandard.ZstdCompressor(level=19).compress(data)
    (tmp_path / "ok").write_bytes(packed)
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", tmp_path / "ok")
    assert proc.returncode == 0, proc.stderr
    assert rss < RSS_LIMIT_MB, rss


def write_docker_archive_with(path, img, tags, extra: list[tuple[str, bytes]] = ()) -> None:
    files, manifest = docker_members(img, tags)
    write_tar(path, files + list(extra) + [("manifest.json", manifest)])


def test_three_images_with_four_megabyte_configs_stay_small(tmp_path):
    """Issue: three images with 8 MB configs in a 40 KB .tar.gz peaked at 627 MB. 8 MB is now over the
    4 MiB config cap (containers/image's); just under it, the load stays under 150 MB."""
    items = []
    for i in range(3):
        img = build_image([make_layer_tar({f"f{i}": b"x" * 100})])
        cfg = json.loads(img.config)
        cfg["config"]["Labels"] = {"pad": "y" * ((4 << 20) - len(img.config) - 200)}
        items.append((with_config(img, cfg), [f"big{i}:1"]))
    write_docker_archive(tmp_path / "configs.tar.gz", items, compress="gzip")
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", tmp_path / "configs.tar.gz")
    assert proc.returncode == 0, proc.stderr
    assert rss < RSS_LIMIT_MB, rss


def test_configs_of_many_small_values_are_refused_small(tmp_path):
    items = []
    for i in range(3):
        img = build_image([make_layer_tar({f"g{i}": b"x" * 100})])
        cfg = json.loads(img.config)
        cfg["config"]["Env"] = ["A=1"] * 240_000
        items.append((with_config(img, cfg), [f"env{i}:1"]))
    (tmp_path / "in").mkdir()
    write_docker_archive(tmp_path / "in" / "envs.tar.gz", items, compress="gzip")
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", tmp_path / "in" / "envs.tar.gz")
    assert_clean_refusal(proc, "JSON values", "image @0")
    assert rss < RSS_LIMIT_MB, rss


@pytest.mark.parametrize("shape", ["strings", "objects"])
def test_eight_megabyte_manifest_json_and_index_json_stay_small(tmp_path, shape):
    """Issue: an 8 MB manifest.json plus an 8 MB index.json peaked at 383 MB."""
    img = build_image([make_layer_tar({"m": b"m"})])
    files, manifest = docker_members(img, ["m:1"])
    doc, index = json.loads(manifest), {"schemaVersion": 2, "manifests": []}
    if shape == "strings":
        doc[0]["Pad"], index["pad"] = "p" * ((8 << 20) - 1000), "q" * ((8 << 20) - 1000)
    else:
        doc[0]["Pad"], index["pad"] = [{}] * 2_000_000, [[]] * 2_000_000
    members = files + [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(index).encode()),
                       ("manifest.json", json.dumps(doc, separators=(",", ":")).encode())]
    write_tar(tmp_path / "big.tar", members)
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", tmp_path / "big.tar")
    if shape == "strings":
        assert proc.returncode == 0, proc.stderr
    else:
        assert_clean_refusal(proc, "manifest.json", "JSON values")
    assert rss < RSS_LIMIT_MB, rss


def test_seventy_thousand_repo_tags_load_in_seconds(tmp_path):
    """Issue: 70,000 RepoTags took 22.7 s (80 s here: name lists were compared as lists)."""
    img = build_image([make_layer_tar({"t": b"t"})])
    files, manifest = docker_members(img, [f"localhost/r{i}:t" for i in range(70_000)])
    write_tar(tmp_path / "tags.tar", files + [("manifest.json", manifest)])
    started = time.monotonic()
    proc, rss = peak_rss_mb(tmp_path / "store", "load", "-i", tmp_path / "tags.tar")
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 20, elapsed  # ~2.5 s alone on this machine; generous for 8 helpers sharing 2 cores
    assert rss < RSS_LIMIT_MB, rss
    listed = json.loads(estiba(tmp_path / "store", "images", "--format", "json").stdout)
    assert len(listed) == 1 and len(listed[0]["Names"]) == 70_000


def test_zstd_layer_with_a_huge_window_is_refused_small(tmp_path):
    """A layer (not the whole archive) in zstd frames declaring a 128 MiB window."""
    layer_tar = make_layer_tar({"zeros": bytes(16 << 20)})
    img = build_image([layer_tar], compression="zstd")
    blob = zstd_with_window(layer_tar, 27)
    manifest = json.loads(img.manifest)
    manifest["layers"][0].update(digest=sha256(blob), size=len(blob))
    raw = compact(manifest)
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', f"blobs/sha256/{img.config_digest[7:]}": img.config,
             f"blobs/sha256/{sha256(blob)[7:]}": blob, f"blobs/sha256/{sha256(raw)[7:]}": raw,
             "index.json": compact({"schemaVersion": 2, "manifests": [
                 {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha256(raw),
                  "size": len(raw)}]})}
    layout = tmp_path / "in"
    write_layout_dir(layout, files)
    store = tmp_path / "store"
    proc, rss = peak_rss_mb(store, "load", "-i", layout)  # kept compressed: nothing decodes it here
    assert rss < RSS_LIMIT_MB, rss
    if proc.returncode != 0:
        assert_clean_refusal(proc, "window")
        return
    out = tmp_path / "out.tar"  # a docker-archive holds uncompressed layers: the frames must be decoded
    proc, rss = peak_rss_mb(store, "save", "-o", out, img.id)
    assert_clean_refusal(proc, "window")
    assert rss < RSS_LIMIT_MB, rss
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["in", "store", "store.rss"]


def test_oci_archive_with_two_index_json_members_reads_the_last(tmp_path):
    """containers/image extracts an oci-archive before reading it, so of two same-named members the later one
    is what skopeo and podman see; a docker-archive is read in place and the first counts (test above)."""
    write_oci_archive(tmp_path / "a.tar", [(IMG, "first", None)])
    write_oci_archive(tmp_path / "b.tar", [(OTHER, "second", None)])
    members = []
    for name in ("a.tar", "b.tar"):
        with tarfile.open(tmp_path / name) as tf:
            members += [(m.name, tf.extractfile(m).read()) for m in tf if m.isfile()]
    write_tar(tmp_path / "two.tar", members)
    store = tmp_path / "store"
    estiba(store, "load", "-i", tmp_path / "two.tar")
    listed = json.loads(estiba(store, "images", "--format", "json").stdout)
    assert [i["Id"] for i in listed] == [OTHER.id]
    if shutil.which("skopeo"):
        raw = subprocess.run(["skopeo", "inspect", "--config", f"oci-archive:{tmp_path / 'two.tar'}"],
                             capture_output=True, check=True).stdout
        assert json.loads(raw)["rootfs"]["diff_ids"] == [layer.diff_id for layer in OTHER.layers]
