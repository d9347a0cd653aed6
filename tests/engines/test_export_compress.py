"""An export from podman to an OCI destination compresses its layers while the export still streams in
(engine/engines/export_compress.py), against the real podman service of tests/engines/conftest.py. Each image
here is made unreadable the way Estiba reads podman's storage (hide_layer_from_estiba), so that the export
API is used. The archive
is byte for byte the one written when the pipeline compresses the layers itself; a cancel leaves no temporary;
a compression that fails falls back to the pipeline's."""

from __future__ import annotations

import errno
import os

import pytest

from engine import operations
from engine.copy import CopyOptions, copy
from engine.engines import export_compress
from engine.errors import Cancelled
from engine.options import DEFAULT_PARALLEL
from engine.progress import Progress
from engine.store import Store
from engine.transports import Location, Opening, open_destination, open_source
from tests.engines.test_engine_exports import _image, _inspect, _into_engine, _remove, hide_layer_from_estiba

pytestmark = pytest.mark.timeout(300)


def _counting_compressed(monkeypatch) -> list[str]:
    """The diffIDs the pipeline took already compressed (a spy: the real method still answers)."""
    taken: list[str] = []
    real = export_compress.LayerCompressor.compressed

    def spy(self, diff_id, kind):
        found = real(self, diff_id, kind)
        if found is not None:
            taken.append(diff_id)
        return found

    monkeypatch.setattr(export_compress.LayerCompressor, "compressed", spy)
    return taken


def _plain_copy(store: Store, name: str, out) -> None:
    """The same export with the pipeline compressing every layer (the source told nothing)."""
    opening = Opening(tmpdir=store.tmp_dir)
    with open_source(Location("containers-storage", name), opening) as source:
        copy(source, open_destination(Location("oci-archive", str(out)), opening), CopyOptions())


def test_layers_compressed_on_the_way_give_the_same_archive(tmp_path, engines_env, monkeypatch):
    svc, dockerd = engines_env
    name = "docker.io/library/precompress:1"
    image, seed = _image(500, 3 << 20, 3), 500
    # the pipeline takes the compressed files where it would compress each layer on one thread (2 cores, 3 layers)
    one_thread = (os.cpu_count() or 1) // min(DEFAULT_PARALLEL, 3) <= 1
    _into_engine("podman", svc, dockerd, tmp_path, [(image, [name])])
    hide_layer_from_estiba(svc, seed)
    store = Store(str(tmp_path / "store"))
    taken = _counting_compressed(monkeypatch)
    fast, plain = tmp_path / "fast.tar", tmp_path / "plain.tar"
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{fast}")
    # every layer came compressed from the reading of the export
    assert sorted(taken) == (sorted(layer.diff_id for layer in image.layers) if one_thread else [])
    taken.clear()
    _plain_copy(store, name, plain)
    assert taken == []
    assert fast.read_bytes() == plain.read_bytes()
    assert os.listdir(store.tmp_dir) == []  # no compressed temporary left
    _remove("podman", svc, dockerd, name)
    svc.cli("pull", f"oci-archive:{fast}")
    assert _inspect("podman", svc, dockerd, name)["Id"] == image.config_digest.removeprefix("sha256:")
    _remove("podman", svc, dockerd, name)


def test_a_failed_compression_falls_back_to_the_pipeline(tmp_path, engines_env, monkeypatch):
    svc, dockerd = engines_env
    name = "docker.io/library/precompress-fails:1"
    image, seed = _image(510, 2 << 20, 2), 510
    _into_engine("podman", svc, dockerd, tmp_path, [(image, [name])])
    hide_layer_from_estiba(svc, seed)
    store = Store(str(tmp_path / "store"))

    def full(self):  # a fault we cannot produce on the real disk without filling it: no space left
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_compress.LayerCompressor, "_create", full)
    taken = _counting_compressed(monkeypatch)
    out = tmp_path / "out.tar"
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{out}")
    assert taken == []
    assert os.listdir(store.tmp_dir) == []
    _remove("podman", svc, dockerd, name)
    svc.cli("pull", f"oci-archive:{out}")
    assert _inspect("podman", svc, dockerd, name)["Id"] == image.config_digest.removeprefix("sha256:")
    _remove("podman", svc, dockerd, name)


def test_cancel_while_layers_compress_leaves_nothing(tmp_path, engines_env):
    svc, dockerd = engines_env
    name = "docker.io/library/precompress-cancel:1"
    _into_engine("podman", svc, dockerd, tmp_path, [(_image(520, 12 << 20, 3), [name])])
    hide_layer_from_estiba(svc, 520)
    store = Store(str(tmp_path / "store"))
    outdir = tmp_path / "out"
    outdir.mkdir()
    token = Progress().cancel

    def listener(event) -> None:
        if event.offset > 8 << 20:
            token.cancel()

    with pytest.raises(Cancelled):
        operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{outdir / 'image.tar'}",
                                progress=Progress(listener, token, interval=0))
    assert os.listdir(outdir) == []
    assert os.listdir(store.tmp_dir) == []
    assert _inspect("podman", svc, dockerd, name)["RepoTags"] == [name]
    _remove("podman", svc, dockerd, name)
