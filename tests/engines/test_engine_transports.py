"""containers-storage: and docker-daemon: against the real engines (tests/engines/conftest.py): the image ID
(config digest) and the names survive store -> engine -> store, file -> engine -> file and
podman -> Docker -> podman, with `podman image inspect` and `docker image inspect` as oracles."""

from __future__ import annotations

import json
import tarfile

import pytest

from tests.cli.cli_helpers import estiba
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

pytestmark = pytest.mark.timeout(300)


def _image(seed: int):
    return build_image([random_layer_tar(seed, 300_000), random_layer_tar(seed + 1, 200_000)], docker=True,
                       compression="none")


def _archive(tmp_path, seed: int, name: str):
    img = _image(seed)
    path = tmp_path / f"in-{seed}.tar"
    write_docker_archive(path, [(img, [name])])
    return img, path


def _podman_inspect(svc, ref: str) -> dict:
    return json.loads(svc.cli("image", "inspect", ref).stdout)[0]


def _docker_inspect(dockerd, ref: str) -> dict:
    return json.loads(dockerd("image", "inspect", ref).stdout)[0]


STORE_JSON_KEYS = {"Id", "Names", "RepoTags", "Digest", "Size", "Created", "CreatedAt", "Platforms", "MediaType"}


def _store_ids(store) -> dict[str, list[str]]:
    out = json.loads(estiba(store, "images", "--format", "json").stdout)
    return {"sha256:" + r["Id"]: r["Names"] for r in out}


def test_store_to_podman_and_back(tmp_path, tmp_store, engines_env):
    svc, _ = engines_env
    img, path = _archive(tmp_path, 1, "docker.io/library/roundtrip:1")
    estiba(tmp_store, "load", "-i", path)
    estiba(tmp_store, "push", "docker.io/library/roundtrip:1", "containers-storage:")
    got = _podman_inspect(svc, "docker.io/library/roundtrip:1")
    assert "sha256:" + got["Id"] == img.config_digest
    assert "docker.io/library/roundtrip:1" in got["RepoTags"]

    estiba(tmp_store, "rmi", "docker.io/library/roundtrip:1")
    assert img.config_digest not in _store_ids(tmp_store)
    estiba(tmp_store, "pull", "containers-storage:roundtrip:1")
    assert _store_ids(tmp_store)[img.config_digest] == ["docker.io/library/roundtrip:1"]
    # by ID prefix: the same image, with its name
    estiba(tmp_store, "rmi", "docker.io/library/roundtrip:1")
    estiba(tmp_store, "pull", "containers-storage:" + img.config_digest.split(":")[1][:12])
    assert _store_ids(tmp_store)[img.config_digest] == ["docker.io/library/roundtrip:1"]
    svc.cli("rmi", img.config_digest.split(":")[1])


def test_file_to_podman_to_file(tmp_path, tmp_store, engines_env):
    svc, _ = engines_env
    img, path = _archive(tmp_path, 10, "docker.io/library/filetrip:2")
    estiba(tmp_store, "copy", f"docker-archive:{path}", "containers-storage:localhost/filetrip:renamed")
    got = _podman_inspect(svc, "localhost/filetrip:renamed")
    assert "sha256:" + got["Id"] == img.config_digest
    assert got["RepoTags"] == ["localhost/filetrip:renamed"]

    out = tmp_path / "out.tar"
    estiba(tmp_store, "copy", "containers-storage:localhost/filetrip:renamed", f"oci-archive:{out}")
    with tarfile.open(out) as tf:
        index = json.load(tf.extractfile("index.json"))
        manifest = json.load(tf.extractfile("blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
    assert manifest["config"]["digest"] == img.config_digest
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "localhost/filetrip:renamed"
    # save, as podman users spell it
    saved = tmp_path / "saved.tar"
    estiba(tmp_store, "save", "-o", saved, "containers-storage:localhost/filetrip:renamed")
    with tarfile.open(saved) as tf:
        doc = json.load(tf.extractfile("manifest.json"))
    assert doc[0]["Config"] == img.config_digest.split(":")[1] + ".json"
    assert doc[0]["RepoTags"] == ["localhost/filetrip:renamed"]
    assert _store_ids(tmp_store) == {}  # nothing went through the store
    svc.cli("rmi", "localhost/filetrip:renamed")


def test_podman_to_docker_to_podman(tmp_path, tmp_store, engines_env):
    svc, dockerd = engines_env
    img, path = _archive(tmp_path, 20, "docker.io/library/hop:3")
    svc.cli("load", "-i", path)
    estiba(tmp_store, "copy", "containers-storage:docker.io/library/hop:3", "docker-daemon:")
    got = _docker_inspect(dockerd, "hop:3")
    assert got["Id"] == img.config_digest
    assert got["RepoTags"] == ["hop:3"]

    svc.cli("rmi", "docker.io/library/hop:3")
    estiba(tmp_store, "copy", "docker-daemon:hop:3", "containers-storage:")
    back = _podman_inspect(svc, "docker.io/library/hop:3")
    assert "sha256:" + back["Id"] == img.config_digest
    assert back["RepoTags"] == ["docker.io/library/hop:3"]
    # and into the store from Docker by ID prefix
    estiba(tmp_store, "pull", "docker-daemon:" + img.config_digest.split(":")[1][:12])
    assert _store_ids(tmp_store)[img.config_digest] == ["docker.io/library/hop:3"]
    svc.cli("rmi", "docker.io/library/hop:3")
    dockerd("rmi", "hop:3")


def test_images_engine_lists_in_the_store_format(tmp_path, tmp_store, engines_env):
    svc, dockerd = engines_env
    img, path = _archive(tmp_path, 30, "docker.io/library/listed:4")
    svc.cli("load", "-i", path)
    dockerd("load", "-i", str(path))
    for engine in ("podman", "docker"):
        rows = json.loads(estiba(tmp_store, "images", "--engine", engine, "--format", "json").stdout)
        mine = [r for r in rows if "sha256:" + r["Id"] == img.config_digest]
        assert len(mine) == 1, (engine, rows)
        assert mine[0]["Names"] == ["docker.io/library/listed:4"]
        assert set(mine[0]) == STORE_JSON_KEYS
        assert mine[0]["Created"] > 0 and mine[0]["Size"] > 0
        table = estiba(tmp_store, "images", "--engine", engine).stdout.decode().splitlines()
        assert table[0].split() == ["REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"]
        assert any(line.split()[:3] == ["docker.io/library/listed", "4", img.config_digest[7:19]]
                   for line in table[1:]), table
    svc.cli("rmi", "docker.io/library/listed:4")
    dockerd("rmi", "listed:4")


def test_multi_platform_image_goes_as_the_host_platform_and_says_so(tmp_path, tmp_store, engines_env):
    from engine.platform import host
    from tests.fixtures.images import write_oci_archive

    svc, _ = engines_env
    want = host()
    other = "arm64" if want.architecture != "arm64" else "amd64"
    mine = build_image([random_layer_tar(40, 50_000)], arch=want.architecture, variant=want.variant)
    theirs = build_image([random_layer_tar(41, 50_000)], arch=other)
    path = tmp_path / "multi.tar"
    write_oci_archive(path, [], index_of=[theirs, mine], index_ref="docker.io/library/multi:5")
    proc = estiba(tmp_store, "copy", f"oci-archive:{path}", "containers-storage:docker.io/library/multi:5")
    note = proc.stderr.decode()
    assert "multi-platform" in note and str(want) in note, note
    got = _podman_inspect(svc, "docker.io/library/multi:5")
    assert "sha256:" + got["Id"] == mine.config_digest
    assert got["Architecture"] == want.architecture
    svc.cli("rmi", "docker.io/library/multi:5")
