"""The local store: records, names, lookups, atomic commits, check and prune."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.copy import copy
from engine.errors import Hint, InvalidInput, NotFound
from engine.store import Store
from tests.engine.memory import MemorySource
from tests.fixtures.images import build_image, build_index, make_layer_tar


def image(label: str, arch: str = "amd64", variant: str | None = None):
    return build_image([make_layer_tar({"f": label.encode() * 50})], labels={"l": label}, arch=arch, variant=variant)


def put(store: Store, img, names=()):
    return copy(MemorySource.from_built(img, list(names)), store.destination())[0]


def snapshot(root) -> dict:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if f != "lock":
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, root)] = fh.read()
    return out


def test_load_records_image_with_id_names_and_blobs(tmp_path):
    store = Store(str(tmp_path))
    img = image("a")
    res = put(store, img, ["alpine"])
    [rec] = store.images()
    assert rec.id == img.config_digest == res.image_id
    assert rec.names == ["docker.io/library/alpine:latest"]
    assert rec.digest == img.manifest_digest
    assert rec.platforms == ["linux/amd64"]
    assert rec.size == sum(layer.size for layer in img.layers) + len(img.config)
    for digest in [img.config_digest, img.manifest_digest, *(layer.digest for layer in img.layers)]:
        assert store.has_blob(digest)
    assert store.check() == []
    assert not os.listdir(store.tmp_dir)  # staging cleaned


def test_lookup_by_name_and_id_prefix(tmp_path):
    store = Store(str(tmp_path))
    img = image("a")
    put(store, img, ["quay.io/x/y:v1"])
    assert store.lookup("quay.io/x/y:v1").id == img.config_digest
    assert store.lookup(img.id[:12]).id == img.config_digest
    assert store.lookup(img.id[:3]).id == img.config_digest
    assert store.lookup("sha256:" + img.id).id == img.config_digest
    with pytest.raises(InvalidInput, match="64 hex"):
        store.lookup("sha256:" + img.id[:12])
    with pytest.raises(NotFound):
        store.lookup("quay.io/x/y:v2")
    with pytest.raises(InvalidInput, match="lowercase"):
        store.lookup("Not/Valid")


def test_a_name_moves_to_the_image_that_takes_it(tmp_path):
    store = Store(str(tmp_path))
    a, b = image("a"), image("b")
    put(store, a, ["docker.io/library/dup:1", "keep:1"])
    put(store, b, ["dup:1"])
    recs = {r.id: r for r in store.images()}
    assert recs[a.config_digest].names == ["docker.io/library/keep:1"]
    assert recs[b.config_digest].names == ["docker.io/library/dup:1"]


def test_loading_the_same_image_twice_merges_names(tmp_path):
    store = Store(str(tmp_path))
    a = image("a")
    put(store, a, ["one"])
    put(store, a, ["two"])
    [rec] = store.images()
    assert rec.names == ["docker.io/library/one:latest", "docker.io/library/two:latest"]


def test_tag_untag_and_unnamed_images(tmp_path):
    store = Store(str(tmp_path))
    a = image("a")
    put(store, a)
    assert store.images()[0].names == []
    store.tag(a.id[:12], ["docker.io/alpine:latest", "localhost/x:1"])
    assert store.images()[0].names == ["docker.io/library/alpine:latest", "localhost/x:1"]
    store.untag(a.id[:12], ["localhost/x:1"])
    assert store.images()[0].names == ["docker.io/library/alpine:latest"]
    with pytest.raises(NotFound):
        store.untag(a.id[:12], ["localhost/x:1"])
    with pytest.raises(InvalidInput, match="digest"):
        store.tag(a.id[:12], ["x@sha256:" + "a" * 64])
    store.untag(a.id[:12])
    assert store.images()[0].names == []


def test_rmi_like_podman(tmp_path):
    store = Store(str(tmp_path))
    a = image("a")
    put(store, a, ["x:1", "x:2"])
    with pytest.raises(InvalidInput, match="2 names") as err:
        store.remove([a.id[:12]])
    assert err.value.hint is Hint.FORCE_REMOVE
    [(rec, names)] = store.remove(["x:1"])
    assert names == ["docker.io/library/x:1"] and store.images()[0].names == ["docker.io/library/x:2"]
    store.remove(["x:2"])
    assert store.images() == []
    put(store, a, ["x:1", "x:2"])
    store.remove([a.id[:12]], force=True)
    assert store.images() == []


def test_prune_removes_only_unreferenced_blobs(tmp_path):
    store = Store(str(tmp_path))
    a, b = image("a"), image("b")
    put(store, a, ["a"])
    put(store, b, ["b"])
    # a's record goes without its blobs (an interrupted operation, an older Estiba): prune finds them.
    store._write_records([r for r in store.images() if r.id != a.config_digest])
    count, freed = store.prune()
    assert count == 3 and freed > 0  # a's manifest, config, layer
    assert not store.has_blob(a.config_digest)
    assert store.has_blob(b.config_digest)
    assert store.check() == []


def shared_pair():
    """Two images with a layer in common, and one of their own each."""
    common = make_layer_tar({"base": b"shared base layer\n" * 100})
    a = build_image([common, make_layer_tar({"a": b"only a" * 50})], labels={"l": "a"})
    b = build_image([common, make_layer_tar({"b": b"only b" * 50})], labels={"l": "b"})
    return a, b


def test_rmi_frees_the_blobs_no_other_image_uses(tmp_path):
    store = Store(str(tmp_path))
    a, b = shared_pair()
    put(store, a, ["a:1"])
    put(store, b, ["b:1"])
    own = [a.manifest_digest, a.config_digest, a.layers[1].digest]
    expected = sum(os.path.getsize(store.blob_path(d)) for d in own)
    removed, count, freed = store.remove_and_free(["a:1"])
    assert [rec.id for rec, _ in removed] == [a.config_digest]
    assert (count, freed) == (3, expected)
    assert not any(store.has_blob(d) for d in own)
    assert store.has_blob(a.layers[0].digest)  # b still uses the common layer
    assert store.check() == [] and store.prune() == (0, 0)
    store.remove(["b:1"])  # the plain rmi frees too: the store is empty again
    assert os.listdir(store.blobs_dir) == [] and store.images() == []


def test_rmi_of_one_name_of_several_frees_nothing(tmp_path):
    store = Store(str(tmp_path))
    a = image("a")
    put(store, a, ["x:1", "x:2"])
    before = sorted(os.listdir(store.blobs_dir))
    _, count, freed = store.remove_and_free(["x:1"])
    assert (count, freed) == (0, 0) and sorted(os.listdir(store.blobs_dir)) == before
    assert store.check() == []


def test_rmi_keeps_the_blobs_of_an_index_that_shares_them(tmp_path):
    store = Store(str(tmp_path))
    from engine.copy import CopyOptions

    amd, arm = image("m", "amd64"), image("m", "arm64", "v8")
    idx = build_index([amd, arm])
    copy(MemorySource.from_built([amd, arm], ["multi:1"], index=idx.index), store.destination(),
         CopyOptions(all_platforms=True))
    put(store, amd, ["single:1"])
    store.remove(["single:1"])
    assert store.check() == []  # every blob of the index is still there
    assert store.has_blob(amd.config_digest) and store.has_blob(amd.layers[0].digest)


def test_check_reports_a_corrupt_and_a_missing_blob(tmp_path):
    store = Store(str(tmp_path))
    a = image("a")
    put(store, a, ["a"])
    path = store.blob_path(a.layers[0].digest)
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.write(b"X")
    os.unlink(store.blob_path(a.config_digest))
    problems = store.check()
    assert any("corrupt" in p for p in problems)
    assert any("missing" in p for p in problems)


def test_multi_platform_index_is_stored_as_such(tmp_path):
    store = Store(str(tmp_path))
    amd, arm = image("x", "amd64"), image("x", "arm64", "v8")
    idx = build_index([amd, arm])
    from engine.copy import CopyOptions

    copy(MemorySource.from_built([amd, arm], ["multi:1"], index=idx.index), store.destination(),
         CopyOptions(all_platforms=True))
    [rec] = store.images()
    assert rec.is_index and rec.digest == idx.digest and rec.id == idx.digest
    assert rec.platforms == ["linux/amd64", "linux/arm64/v8"]
    assert store.check() == []


def test_failed_load_leaves_store_byte_identical(tmp_path):
    store = Store(str(tmp_path))
    put(store, image("a"), ["a"])
    before = snapshot(tmp_path)
    bad = image("b")
    src = MemorySource.from_built(bad, ["b"])
    src.blobs[bad.layers[0].digest] = b"corrupt"
    with pytest.raises(InvalidInput):
        copy(src, store.destination())
    assert snapshot(tmp_path) == before


def test_concurrent_processes_do_not_lose_records(tmp_path):
    """Two processes loading different images at once: both records survive (the lock works)."""
    script = f"""
import sys
sys.path.insert(0, {os.getcwd()!r})
from engine.copy import copy
from engine.store import Store
from tests.engine.memory import MemorySource
from tests.fixtures.images import build_image, make_layer_tar
store = Store({str(tmp_path)!r})
n = int(sys.argv[1])
for i in range(15):
    img = build_image([make_layer_tar({{"f": f"{{n}}-{{i}}".encode()}})])
    copy(MemorySource.from_built(img, [f"p{{n}}/img:{{i}}"]), store.destination())
"""
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in (1, 2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store(str(tmp_path))
    assert len(store.images()) == 30
    assert store.check() == []
    with open(store.records_path) as f:
        assert len(json.load(f)["images"]) == 30
