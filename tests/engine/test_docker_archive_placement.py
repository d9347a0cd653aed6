"""A docker-archive export writes every layer once, straight to its offset in the archive (issue 15), and a
cancel during one stops it at once and leaves nothing (issue 10 item 2). The bytes are those of the staged
writer (itself byte-identical to skopeo and podman: tests/engine/test_docker_archive.py)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from engine import operations
from engine.copy import CopyOptions, copy
from engine.errors import Cancelled, Hint, InvalidInput
from engine.formats import staging
from engine.formats.docker_archive import open_destination
from engine.formats.oci_layout import open_archive_source
from engine.manifest import Descriptor
from engine.platform import Platform
from engine.progress import DONE, READ, CancelToken, Progress
from engine.store import Store
from tests.engine.memory import MemorySource
from tests.fixtures.images import build_image, make_layer_tar, random_layer_tar, write_oci_archive

AMD64 = Platform("linux", "amd64")
LAYER1 = make_layer_tar({"etc/hello": b"hello\n", "bin/tool": b"#!/bin/sh\necho tool\n"}, symlinks={"bin/link": "tool"})
LAYER2 = make_layer_tar({"etc/new": b"new\n"}, whiteouts=["etc/hello"])
LAYER3 = make_layer_tar({"opt/three": b"3\n" * 3000})


class SizedSource(MemorySource):
    """A source that knows what its layers unpack to (as a docker-archive or the store does)."""

    def __init__(self, images, names=None) -> None:
        built = MemorySource.from_built(images, names)
        super().__init__(built.blobs, built.tops)
        self.sizes = {layer.digest: len(layer.tar) for img in images for layer in img.layers}

    def layer_size(self, desc: Descriptor) -> int | None:
        return self.sizes.get(desc.digest)


@pytest.fixture
def staged(monkeypatch):
    """What went through the destination's staging directory: (kind, bytes)."""
    seen: list[tuple[str, int]] = []
    real_init, real_put = staging.StagedWriter.__init__, staging.Staging.put_file

    def init(self, st):
        real_init(self, st)
        real_write = self.write

        def write(data):
            seen.append(("write", len(data)))
            return real_write(data)

        self.write = write

    def put_file(self, path, offset, size, digest):
        seen.append(("put_file", size))
        return real_put(self, path, offset, size, digest)

    monkeypatch.setattr(staging.StagedWriter, "__init__", init)
    monkeypatch.setattr(staging.Staging, "put_file", put_file)
    return seen


def images_case(case: str):
    img = build_image([LAYER1, LAYER2, LAYER1], docker=True, cmd=["/bin/true"])  # a repeated layer
    other = build_image([LAYER1, LAYER3], cmd=["/bin/other"], compression="none")  # shares LAYER1
    return {"one": ([img], ["foo"]), "two": ([img, other], None)}[case]


@pytest.mark.parametrize("case", ["one", "two"])
def test_placed_layers_give_the_staged_writers_bytes_and_nothing_is_staged_but_configs(tmp_path, case, staged):
    images, names = images_case(case)
    copy(MemorySource.from_built(images, names), open_destination(str(tmp_path / "staged.tar")),
         CopyOptions(platform=AMD64))
    staged.clear()
    copy(SizedSource(images, names), open_destination(str(tmp_path / "placed.tar")), CopyOptions(platform=AMD64))
    assert (tmp_path / "placed.tar").read_bytes() == (tmp_path / "staged.tar").read_bytes()
    configs = sorted(len(img.config) for img in images)
    assert sorted(n for kind, n in staged) == configs  # every layer byte went straight into the archive
    assert sorted(p.name for p in tmp_path.iterdir()) == ["placed.tar", "staged.tar"]


def test_an_oci_archive_with_gzip_layers_is_measured_and_converted_in_place(tmp_path, staged):
    img = build_image([LAYER1, LAYER3, LAYER2])
    copy(MemorySource.from_built(img, ["foo:1"]), open_destination(str(tmp_path / "staged.tar")),
         CopyOptions(platform=AMD64))
    write_oci_archive(tmp_path / "in.tar", [(img, "docker.io/library/foo:1", None)])
    staged.clear()
    with open_archive_source(str(tmp_path / "in.tar")) as src:
        copy(src, open_destination(str(tmp_path / "placed.tar")), CopyOptions(platform=AMD64))
    assert (tmp_path / "placed.tar").read_bytes() == (tmp_path / "staged.tar").read_bytes()
    assert [n for _, n in staged] == [len(img.config)]


def store_with(tmp_path, img, names=("foo:1",)) -> Store:
    store = Store(str(tmp_path / "store"))
    copy(MemorySource.from_built(img, list(names)), store.destination(), CopyOptions(platform=AMD64))
    return store


def test_store_export_measures_sizes_once_records_them_and_writes_in_place(tmp_path, staged, monkeypatch):
    img = build_image([LAYER1, LAYER3, LAYER2])  # gzip layers: the store does not know what they unpack to
    copy(MemorySource.from_built(img, ["foo:1"]), open_destination(str(tmp_path / "staged.tar")),
         CopyOptions(platform=AMD64))
    store = store_with(tmp_path, img)
    assert all(store.blob_info().uncompressed_size(layer.digest) is None for layer in img.layers)
    staged.clear()
    operations.save(store, ["foo:1"], str(tmp_path / "first.tar"))
    assert [store.blob_info().uncompressed_size(layer.digest) for layer in img.layers] == \
        [len(layer.tar) for layer in img.layers]
    from engine import layersizes

    monkeypatch.setattr(layersizes, "_measure", lambda *a: pytest.fail("sizes were recorded: no second measure"))
    operations.save(store, ["foo:1"], str(tmp_path / "second.tar"))
    staged_bytes = (tmp_path / "staged.tar").read_bytes()
    assert (tmp_path / "first.tar").read_bytes() == staged_bytes
    assert (tmp_path / "second.tar").read_bytes() == staged_bytes
    assert sorted(n for _, n in staged) == [len(img.config)] * 2  # the configs only, once per save


@pytest.mark.parametrize("delta", [-1, 1])
def test_a_wrong_recorded_size_is_a_clean_error_and_leaves_nothing(tmp_path, delta):
    img = build_image([LAYER1, LAYER3])
    store = store_with(tmp_path, img)
    cache = store.blob_info()
    for layer in img.layers:
        cache.record_size(layer.digest, len(layer.tar) + (delta if layer is img.layers[1] else 0))
    cache.save()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InvalidInput) as info:
        operations.save(store, ["foo:1"], str(out / "o.tar"))
    text = str(info.value)
    assert "recorded" in text and "\n" not in text
    assert info.value.hint is Hint.CHECK_STORE  # each front end words it (the CLI: run `estiba check`)
    assert list(out.iterdir()) == []
    assert os.listdir(store.tmp_dir) == []


MID_LAYER = 1 << 20  # bytes into a layer: well past the few bytes read to sniff its compression


@pytest.fixture(scope="module")
def big_images():
    tars = [random_layer_tar(seed, 24 << 20) for seed in (1, 2, 3)]
    return {"none": build_image(tars, compression="none"), "gzip": build_image(tars, gzip_level=1)}


@pytest.mark.parametrize("kind", ["none", "gzip"])
def test_cancel_during_a_docker_archive_export_stops_at_once_and_leaves_nothing(tmp_path, big_images, kind):
    """The bar moves for every layer while it is written (a trusted store layer copied by the kernel too), and
    a cancel heard mid-layer ends the export within a second with nothing beside the output."""
    img = big_images[kind]
    store = store_with(tmp_path, img)
    operations.save(store, ["foo:1"], str(tmp_path / "warm.tar"))  # sizes known: the layers are placed
    os.unlink(tmp_path / "warm.tar")
    events: list = []
    token = CancelToken()
    cancelled_at: list[float] = []

    def listener(event) -> None:
        events.append(event)
        if event.kind == READ and event.offset >= MID_LAYER and not cancelled_at:
            cancelled_at.append(time.monotonic())
            # The user presses Cancel on another thread; joining it makes sure the press lands while this
            # phase still runs (without the join a fast machine or a slow scheduler could finish first).
            presser = threading.Thread(target=token.cancel)
            presser.start()
            presser.join()

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        operations.save(store, ["foo:1"], str(out / "o.tar"), progress=Progress(listener, token, interval=0))
    assert cancelled_at, "no progress was reported while the layers were written"
    assert time.monotonic() - cancelled_at[0] < 1.0
    assert list(out.iterdir()) == []
    assert os.listdir(store.tmp_dir) == []


def test_progress_counts_every_layer_as_it_is_written(tmp_path, big_images):
    img = big_images["none"]
    store = store_with(tmp_path, img)
    events: list = []
    operations.save(store, ["foo:1"], str(tmp_path / "o.tar"), progress=Progress(events.append, interval=0))
    for layer in img.layers:
        mine = [e for e in events if e.blob == layer.digest]
        moving = [e.offset for e in mine if e.kind == READ and MID_LAYER <= e.offset < layer.size]
        assert moving, f"no progress while layer {layer.digest[:19]} was written"
        assert mine[-1].kind == DONE and mine[-1].offset == layer.size
