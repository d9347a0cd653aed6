"""podman on overlay storage, the driver most users' podman has (tests/engines/conftest.py's service is vfs):
its answers come in several HTTP chunks (an inspection in two: it once ended at the first and was "not
JSON"), and its images are read from `overlay/<id>/diff` (engine/engines/podman_storage.py) byte for byte as
its export API sends them."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import operations
from engine.engines import export_source, podman_storage
from engine.store import Store
from engine.transports import Location, Opening, open_source
from tests.engines.test_engine_exports import _image
from tests.fixtures.images import write_docker_archive

pytestmark = pytest.mark.timeout(300)


def _first_layer_diff(cli, seed: int) -> Path:
    for diff in (cli.root / "overlay").glob("*/diff"):
        if (diff / "data" / f"seed{seed}" / "file1.bin").is_file():
            return diff
    raise AssertionError("the image's first layer was not found in podman's overlay storage")


def test_overlay_storage_read_gives_the_export_s_archive(podman_overlay_service, tmp_path, monkeypatch):
    cli = podman_overlay_service.cli
    monkeypatch.setenv("CONTAINER_HOST", podman_overlay_service.host)
    name, seed = "docker.io/library/overlay-read:1", 700
    image = _image(seed, 2 << 20, 3)
    write_docker_archive(tmp_path / "in.tar", [(image, [name])])
    cli("load", "-i", tmp_path / "in.tar")
    store = Store(str(tmp_path / "store"))
    with open_source(Location("containers-storage", name), Opening(tmpdir=store.tmp_dir)) as source:
        assert isinstance(source, podman_storage.StorageSource)
    direct, exported = tmp_path / "direct.tar", tmp_path / "exported.tar"
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{direct}")
    # one file of the first layer made a symlink to a copy of itself: podman exports the same bytes, Estiba
    # cannot read the layer its way and uses the export API
    target = _first_layer_diff(cli, seed) / "data" / f"seed{seed}" / "file1.bin"
    target.rename(target.with_name("file1.copy"))
    target.symlink_to("file1.copy")
    with open_source(Location("containers-storage", name), Opening(tmpdir=store.tmp_dir)) as source:
        assert isinstance(source, export_source.ExportedSource)
    operations.copy_between(store, f"containers-storage:{name}", f"oci-archive:{exported}")
    assert direct.read_bytes() == exported.read_bytes()
    cli("rmi", name)
    cli("pull", f"oci-archive:{direct}")
    assert cli("image", "inspect", "--format", "{{.Id}}", name).stdout.strip() == image.id
