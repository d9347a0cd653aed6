"""Issue 10 items 13, 17, 18, 19: a hand-damaged store (image list, blobs changed behind its back, sha512 layouts)
is refused or repaired cleanly, never exported as if it were sound, never losing a referenced blob."""

from __future__ import annotations

import json
import os

import pytest

from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import build_image, make_layer_tar, write_oci_archive


def loaded_store(tmp_path, seed: int = 1):
    store = tmp_path / "store"
    img = build_image([make_layer_tar({f"etc/s{seed}": b"x" * 5000}), make_layer_tar({"b": b"y" * 3000})],
                      compression="gzip")
    archive = tmp_path / f"in{seed}.tar"
    write_oci_archive(archive, [(img, "foo:latest", None)])  # layers are stored as they are
    estiba(store, "load", "-i", archive)
    return store, img


# -- item 18: a damaged images.json ---------------------------------------------------------------------------

DAMAGE = {
    "a number": lambda rec: 42,
    "an unknown field": lambda rec: {**rec, "colour": "blue"},
    "no fields": lambda rec: {},
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_image_list_is_named_by_every_verb_and_repaired_by_check(tmp_path, damage):
    store, img = loaded_store(tmp_path)
    doc = json.loads((store / "images.json").read_text())
    good = doc["images"][0]
    doc["images"] = [good, DAMAGE[damage](good)]
    (store / "images.json").write_text(json.dumps(doc))
    damaged = (store / "images.json").read_bytes()
    for verb in (["images"], ["inspect", "foo"], ["save", "-o", tmp_path / "o.tar", "foo"], ["tag", "foo", "bar"]):
        proc = estiba(store, *verb, check=False)
        line = assert_one_line_error(proc, "record 2", "estiba check")
        assert "TypeError" not in line and "internal error" not in line
        assert (store / "images.json").read_bytes() == damaged, verb
    assert not (tmp_path / "o.tar").exists()
    proc = estiba(store, "check", check=False)
    out = proc.stdout.decode()
    assert "internal error" not in proc.stderr.decode()
    assert "record 2" in out and ("removed it" in out or "dropped them" in out), out
    assert (store / "images.json.damaged").read_bytes() == damaged
    # repaired: every verb works again, the good image is still there, a second check is clean
    listed = estiba(store, "images").stdout.decode()
    assert "foo" in listed
    assert estiba(store, "check").returncode == 0


def test_an_image_list_that_is_not_json_is_repaired_by_check(tmp_path):
    store, _ = loaded_store(tmp_path)
    (store / "images.json").write_bytes(b"{not json")
    assert_one_line_error(estiba(store, "images", check=False), "damaged", "estiba check")
    out = estiba(store, "check", check=False).stdout.decode()
    assert "not JSON" in out
    assert estiba(store, "images").returncode == 0


# -- item 19: sha512 digests ----------------------------------------------------------------------------------


def sha512_layout(path, layer_tar: bytes) -> None:
    """An OCI layout whose layer and config are addressed by sha512 (the image-spec allows it)."""
    import gzip
    import hashlib

    def put(data: bytes, alg: str = "sha512") -> str:
        hexd = hashlib.new(alg, data).hexdigest()
        (path / "blobs" / alg).mkdir(parents=True, exist_ok=True)
        (path / "blobs" / alg / hexd).write_bytes(data)
        return f"{alg}:{hexd}"

    blob = gzip.compress(layer_tar, mtime=0)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer_tar).hexdigest()]},
                         }).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(blob),
                    "size": len(blob)}]}).encode()
    mdigest = put(manifest, "sha256")
    (path / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (path / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": len(manifest),
         "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}))


def test_a_sha512_layout_is_refused_by_load_with_the_store_unchanged(tmp_path):
    from tests.cli.cli_helpers import snapshot

    store, _ = loaded_store(tmp_path)
    layout = tmp_path / "layout512"
    sha512_layout(layout, make_layer_tar({"etc/x": b"sha512 layer"}))
    before = snapshot(store)
    proc = estiba(store, "load", "-i", layout, check=False)
    line = assert_one_line_error(proc, "sha512", "only sha256")
    assert "corrupt" not in line and "tampered" not in line
    assert snapshot(store) == before
    assert estiba(store, "check").returncode == 0


def test_prune_keeps_and_check_verifies_a_sha512_blob_an_image_references(tmp_path):
    """A store written by an older Estiba that took sha512 blobs (as blobs/sha256/<128 hex>): check verifies
    them and prune never deletes one an image still references."""
    import hashlib

    from engine.store import Store

    store_dir, _ = loaded_store(tmp_path)
    store = Store(str(store_dir))
    rec = store.images()[0]
    manifest = json.loads(store.read_blob(rec.digest))
    old_layer = manifest["layers"][0]["digest"]
    data = store.read_blob(old_layer)
    hexd = hashlib.sha512(data).hexdigest()
    os.chmod(store.blobs_dir, 0o755)
    (store_dir / "blobs" / "sha256" / hexd).write_bytes(data)
    manifest["layers"][0]["digest"] = "sha512:" + hexd
    raw = json.dumps(manifest).encode()
    mhex = hashlib.sha256(raw).hexdigest()
    (store_dir / "blobs" / "sha256" / mhex).write_bytes(raw)
    doc = json.loads((store_dir / "images.json").read_text())
    doc["images"][0]["digest"] = "sha256:" + mhex
    (store_dir / "images.json").write_text(json.dumps(doc))
    estiba(store_dir, "prune")
    assert (store_dir / "blobs" / "sha256" / hexd).read_bytes() == data
    assert estiba(store_dir, "check").returncode == 0
    estiba(store_dir, "save", "--format", "oci-archive", "-o", tmp_path / "out.tar", "foo")


# -- items 13 and 17: store blobs changed behind the store's back ---------------------------------------------


def store_layer(store, img, i: int = 0):
    return store / "blobs" / "sha256" / img.layers[i].digest.split(":", 1)[1]


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_a_layer_changed_through_a_hard_linked_export_is_verified_again_before_save(tmp_path, fmt):
    store, img = loaded_store(tmp_path)
    estiba(store, "save", "--format", "oci-dir", "-o", tmp_path / "exported", "foo")
    hexd = img.layers[0].digest.split(":", 1)[1]
    exported = tmp_path / "exported" / "blobs" / "sha256" / hexd
    assert os.stat(exported).st_ino == os.stat(store_layer(store, img)).st_ino, "the export is not a hard link"
    os.chmod(exported, 0o644)
    data = bytearray(exported.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size: only the bytes changed
    exported.write_bytes(bytes(data))
    out = tmp_path / "out" / "image.tar"
    out.parent.mkdir()
    proc = estiba(store, "save", "--format", fmt, "-o", out, "foo", check=False)
    line = assert_one_line_error(proc, "foo", "changed since it was verified", "estiba check")
    assert "internal error" not in line
    assert list(out.parent.iterdir()) == []  # no output, no temporary beside it
    assert "is corrupt" in estiba(store, "check", check=False).stdout.decode()


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_a_truncated_store_layer_fails_save_cleanly_with_no_output(tmp_path, fmt):
    store, img = loaded_store(tmp_path)
    layer = store_layer(store, img, 1)
    os.chmod(layer, 0o644)
    os.truncate(layer, img.layers[1].size // 2)
    out = tmp_path / "out" / "image.tar"
    out.parent.mkdir()
    proc = estiba(store, "save", "--format", fmt, "-o", out, "foo", check=False)
    assert_one_line_error(proc, "foo", f"{img.layers[1].size // 2} bytes", str(img.layers[1].size))
    assert list(out.parent.iterdir()) == []
    assert list((store / "tmp").iterdir()) == []


def test_an_unchanged_verified_blob_is_not_hashed_again(tmp_path, monkeypatch):
    """The stamp spares a second hashing: saving a loaded image reads each layer once (to write it), no more."""
    from engine import store_verify
    from engine.store import Store

    store_dir, img = loaded_store(tmp_path)
    store = Store(str(store_dir))
    hashed = []
    real = store_verify.hash_file
    monkeypatch.setattr(store_verify, "hash_file", lambda path, digest, cancel=None: hashed.append(digest) or
                        real(path, digest, cancel))
    rec = store.lookup("foo")
    source = store.source(rec)
    from engine.manifest import parse

    manifest = parse(store.read_blob(rec.digest))
    for layer in manifest.layers:
        source.open_blob(layer).close()
    assert hashed == []
    os.utime(store_layer(store_dir, img))  # touched: verified again, once
    source = store.source(rec)
    for layer in manifest.layers:
        source.open_blob(layer).close()
    assert hashed == [img.layers[0].digest]


def test_a_directory_export_and_its_removal_do_not_make_blobs_suspect_but_a_chmod_does(tmp_path, monkeypatch):
    """`save --format oci-dir` hard-links the store's blobs and removing the export unlinks them: both move the
    blobs' ctime (and link count). That alone must not cost hashing the whole image again at every later save
    (it did: the benchmark's directory exports read every layer); a ctime change with the link count unchanged
    (a chmod, an mtime put back by hand) still does."""
    import shutil

    from engine import operations, store_verify
    from engine.manifest import parse
    from engine.store import Store

    store_dir, img = loaded_store(tmp_path)
    store = Store(str(store_dir))
    hashed = []
    real = store_verify.hash_file
    monkeypatch.setattr(store_verify, "hash_file", lambda path, digest, cancel=None: hashed.append(digest) or
                        real(path, digest, cancel))
    layer = store_layer(store_dir, img)
    for _ in range(2):
        out = tmp_path / "exported"
        operations.save(store, ["foo"], str(out), "oci-dir")
        hexd = img.layers[0].digest.split(":", 1)[1]
        assert os.stat(out / "blobs" / "sha256" / hexd).st_ino == os.stat(layer).st_ino, "not a hard link"
        shutil.rmtree(out)
    rec = store.lookup("foo")
    manifest = parse(store.read_blob(rec.digest))

    def use_every_layer() -> None:
        with store.source(rec) as source:
            for desc in manifest.layers:
                source.open_blob(desc).close()

    use_every_layer()
    assert hashed == []
    os.chmod(layer, os.stat(layer).st_mode)  # same mode, but the ctime moves with the link count unchanged
    use_every_layer()
    assert hashed == [img.layers[0].digest]


def test_a_layer_whose_unpacking_was_verified_once_is_not_hashed_again_and_saves_the_same_bytes(tmp_path,
                                                                                                  monkeypatch):
    """The first docker-archive save unpacks each gzip layer and checks its diffID; a later save of the same
    trusted store blobs unpacks them again without a second sha256 over the unpacked bytes (engine/copy.py
    `_unpacks_to_known`), and writes the same archive. A blob changed since (item 13) is still caught: see
    test_a_layer_changed_through_a_hard_linked_export_is_verified_again_before_save."""
    from engine import copy as copy_module
    from engine import operations
    from engine.store import Store

    store_dir, img = loaded_store(tmp_path)
    store = Store(str(store_dir))
    unpacked_hashing: list[bool] = []
    decompressors: list[object] = []
    real_reader, real_decompressor = copy_module.HashingReader, copy_module.compression.decompressor

    def spying_decompressor(*args, **kwargs):
        decompressors.append(dec := real_decompressor(*args, **kwargs))
        return dec

    def spying_reader(raw, on_bytes=None, algorithm="sha256"):
        reader = real_reader(raw, on_bytes, algorithm)
        if any(raw is dec for dec in decompressors):  # the unpacked bytes, not the store's file
            unpacked_hashing.append(reader.hashing)
        return reader

    monkeypatch.setattr(copy_module.compression, "decompressor", spying_decompressor)
    monkeypatch.setattr(copy_module, "HashingReader", spying_reader)
    outputs = []
    for n in range(2):
        out = tmp_path / f"save{n}.tar"
        operations.save(store, ["foo"], str(out), "docker-archive")
        outputs.append(out.read_bytes())
    assert unpacked_hashing == [True, True, False, False]  # two layers, two saves
    assert outputs[0] == outputs[1]
