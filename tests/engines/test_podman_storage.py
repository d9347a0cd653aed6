"""podman's images read straight from its storage (engine/engines/podman_storage.py), against the real podman
service of tests/engines/conftest.py and its vfs storage: the archive is byte for byte the one written from
podman's export API; a storage Estiba cannot read its way falls back to that API; an image podman removes
while Estiba reads it ends the copy with one line and no output."""

from __future__ import annotations

import os

import pytest

from engine import operations
from engine.copy import CopyOptions, copy
from engine.engines import export_source, podman_storage
from engine.errors import EstibaError
from engine.store import Store
from engine.transports import Location, Opening, open_destination, open_source
from tests.cli.cli_helpers import estiba
from tests.engines.test_engine_exports import _image, _inspect, _into_engine, _remove, hide_layer_from_estiba

pytestmark = pytest.mark.timeout(300)


def test_storage_read_gives_the_archive_the_export_gives(tmp_path, engines_env):
    svc, dockerd = engines_env
    name, seed = "docker.io/library/from-storage:1", 600
    image = _image(seed, 2 << 20, 3)
    _into_engine("podman", svc, dockerd, tmp_path, [(image, [name])])
    store = Store(str(tmp_path / "store"))
    with open_source(Location("containers-storage", name), Opening(tmpdir=store.tmp_dir)) as source:
        assert isinstance(source, podman_storage.StorageSource)
    direct, exported = tmp_path / "direct.tar", tmp_path / "exported.tar"
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{direct}")
    hide_layer_from_estiba(svc, seed)  # same bytes for podman, unreadable for Estiba: the export API is used
    with open_source(Location("containers-storage", name), Opening(tmpdir=store.tmp_dir)) as source:
        assert isinstance(source, export_source.ExportedSource)
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{exported}")
    assert direct.read_bytes() == exported.read_bytes()
    _remove("podman", svc, dockerd, name)
    svc.cli("pull", f"oci-archive:{direct}")
    assert _inspect("podman", svc, dockerd, name)["Id"] == image.id
    _remove("podman", svc, dockerd, name)


def test_docker_archive_saved_from_storage_loads_back(tmp_path, tmp_store, engines_env):
    svc, dockerd = engines_env
    names = ["docker.io/library/storage-save-a:1", "docker.io/library/storage-save-b:2"]
    a, b = _image(610, 1 << 20, 2), _image(620, 1 << 20, 3)
    _into_engine("podman", svc, dockerd, tmp_path, [(a, names[:1]), (b, names[1:])])
    out = tmp_path / "both.tar"
    estiba(tmp_store, "save", "-o", out, *(f"containers-storage:{n}" for n in names))
    _remove("podman", svc, dockerd, *names)
    svc.cli("load", "-i", out)
    for image, n in ((a, names[0]), (b, names[1])):
        assert _inspect("podman", svc, dockerd, n)["Id"] == image.id
        dockerd("load", "-i", str(out))
        assert _inspect("docker", svc, dockerd, n)["Id"] == image.config_digest
    _remove("podman", svc, dockerd, *names)
    _remove("docker", svc, dockerd, *names)


def test_an_image_removed_while_it_is_read_is_one_line_and_no_output(tmp_path, tmp_store, engines_env):
    """The copy holds no lock on podman's storage (a long one would stop podman's writing commands): podman
    removes the image in the middle, and the copy ends with one line, nothing written."""
    svc, dockerd = engines_env
    name = "docker.io/library/storage-removed:1"
    _into_engine("podman", svc, dockerd, tmp_path, [(_image(630, 1 << 20, 2), [name])])
    store = Store(str(tmp_path / "store"))
    outdir = tmp_path / "out"
    outdir.mkdir()
    source = open_source(Location("containers-storage", name), Opening(tmpdir=store.tmp_dir))
    assert isinstance(source, podman_storage.StorageSource)
    svc.cli("rmi", name)  # done at once: nothing waits for Estiba
    with source, pytest.raises(EstibaError) as caught:
        copy(source, open_destination(Location("oci-archive", str(outdir / "image.tar")), Opening()),
             CopyOptions())
    message = str(caught.value)
    assert "Podman's storage changed" in message and "\n" not in message
    assert os.listdir(outdir) == []
