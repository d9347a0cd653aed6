"""Exports from the real engines (tests/engines/conftest.py): a docker-archive from podman or Docker is written
once, straight into the output's temporary file (no whole-image spool anywhere); a multi-image save from an
engine keeps every image and name (`podman load` / `docker load` + `image inspect` as oracles); a cancel
mid-export and an export whose bytes do not match the image's diffIDs leave no output and no temporary file."""

from __future__ import annotations

import json
import os
import tarfile

import pytest

from engine import operations
from engine.errors import Cancelled
from engine.progress import Progress
from engine.store import Store
from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

pytestmark = pytest.mark.timeout(300)

PLACES = {"podman": "containers-storage", "docker": "docker-daemon"}


def _image(seed: int, size: int = 300_000, layers: int = 2):
    return build_image([random_layer_tar(seed + i, size, files=3) for i in range(layers)], docker=True,
                       compression="none")


def _into_engine(engine: str, svc, dockerd, tmp_path, items) -> None:
    path = tmp_path / f"in-{len(os.listdir(tmp_path))}.tar"
    write_docker_archive(path, items)
    if engine == "podman":
        svc.cli("load", "-i", path)
    else:
        dockerd("load", "-i", str(path))


def _remove(engine: str, svc, dockerd, *names: str) -> None:
    for name in names:
        if engine == "podman":
            svc.cli("rmi", "-f", name, check=False)
        else:
            dockerd("rmi", "-f", name, check=False)


def _inspect(engine: str, svc, dockerd, ref: str) -> dict:
    out = svc.cli("image", "inspect", ref).stdout if engine == "podman" else dockerd("image", "inspect", ref).stdout
    return json.loads(out)[0]


def _allocated(*dirs) -> int:
    total = 0
    for top in dirs:
        for dirpath, _, files in os.walk(top):
            for f in files:
                try:
                    total += os.lstat(os.path.join(dirpath, f)).st_blocks * 512
                except FileNotFoundError:
                    pass
    return total


@pytest.mark.parametrize("engine", ["docker", "podman"])
def test_docker_archive_export_writes_every_byte_once(engine, tmp_path, engines_env):
    """While the export runs, the disk holds at most one copy of the image (the output being written): no spool
    of the image's size in the store's tmp dir beside it. Before, the export was spooled whole, then copied."""
    svc, dockerd = engines_env
    name = f"docker.io/library/once-{engine}:1"
    img = _image(100, 8 << 20, 3)
    _into_engine(engine, svc, dockerd, tmp_path, [(img, [name])])
    size = sum(len(layer.tar) for layer in img.layers)
    store = Store(str(tmp_path / "store"))
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "image.tar"
    peak = [0]

    def listener(event) -> None:
        peak[0] = max(peak[0], _allocated(store.tmp_dir, outdir))

    operations.copy_between(store, f"{PLACES[engine]}:{name}", f"docker-archive:{out}",
                            progress=Progress(listener, interval=0))
    assert peak[0] > size * 0.9, (peak[0], size)  # the growing output was seen
    assert peak[0] < size * 1.25, f"{peak[0]} bytes on disk at once for a {size}-byte image"
    assert os.listdir(outdir) == ["image.tar"] and _allocated(store.tmp_dir) == 0

    with tarfile.open(out) as tf:
        doc = json.load(tf.extractfile("manifest.json"))
    assert [e["RepoTags"] for e in doc] == [[name]]
    # the oracles: each engine loads it back with the same image ID and name
    for oracle in ("podman", "docker"):
        _remove(oracle, svc, dockerd, name)
        if oracle == "podman":
            svc.cli("load", "-i", out)
        else:
            dockerd("load", "-i", str(out))
        got = _inspect(oracle, svc, dockerd, name)
        assert got["Id"].removeprefix("sha256:") == img.config_digest.removeprefix("sha256:")
        assert name.removeprefix("docker.io/library/") in " ".join(got["RepoTags"])
        _remove(oracle, svc, dockerd, name)


@pytest.mark.parametrize("engine", ["podman", "docker"])
def test_multi_image_save_from_an_engine_keeps_every_image(engine, tmp_path, tmp_store, engines_env):
    svc, dockerd = engines_env
    a, b = _image(200 + (engine == "docker")), _image(210 + (engine == "docker"))
    names = [f"docker.io/library/multi-{engine}-a:1", f"docker.io/library/multi-{engine}-b:2",
             f"docker.io/library/multi-{engine}-b:also"]
    _into_engine(engine, svc, dockerd, tmp_path, [(a, names[:1]), (b, names[1:])])
    place = PLACES[engine]
    out = tmp_path / "multi.tar"
    # b by two of its names: one image in the archive with both names (as `podman save -m` writes it)
    estiba(tmp_store, "save", "-o", out, f"{place}:{names[0]}", f"{place}:{names[1]}", f"{place}:{names[2]}")
    with tarfile.open(out) as tf:
        doc = json.load(tf.extractfile("manifest.json"))
    assert sorted(tuple(e["RepoTags"]) for e in doc) == [tuple(names[:1]), tuple(names[1:])]
    _remove(engine, svc, dockerd, *names)
    for oracle in ("podman", "docker"):
        if oracle == "podman":
            svc.cli("load", "-i", out)
        else:
            dockerd("load", "-i", str(out))
        for image, image_names in ((a, names[:1]), (b, names[1:])):
            for n in image_names:
                got = _inspect(oracle, svc, dockerd, n)
                assert got["Id"].removeprefix("sha256:") == image.config_digest.removeprefix("sha256:"), (oracle, n)
        _remove(oracle, svc, dockerd, *names)
    assert json.loads(estiba(tmp_store, "images", "--format", "json").stdout) == []  # nothing in the store


def test_multi_image_save_from_podman_to_oci_archive(tmp_path, tmp_store, engines_env):
    """Not a docker-archive: the export is spooled once and written by the OCI writer, every image kept."""
    svc, dockerd = engines_env
    a, b = _image(300), _image(310)
    names = ["docker.io/library/oci-multi-a:1", "docker.io/library/oci-multi-b:1"]
    _into_engine("podman", svc, dockerd, tmp_path, [(a, names[:1]), (b, names[1:])])
    out = tmp_path / "multi-oci.tar"
    estiba(tmp_store, "save", "--format", "oci-archive", "-o", out, *(f"containers-storage:{n}" for n in names))
    _remove("podman", svc, dockerd, *names)
    # podman loads one image of an oci-archive at a time: each, chosen by its name, is the right image
    for image, n in ((a, names[0]), (b, names[1])):
        svc.cli("pull", f"oci-archive:{out}:{n}")
        assert _inspect("podman", svc, dockerd, n)["Id"] == image.config_digest.removeprefix("sha256:")
    _remove("podman", svc, dockerd, *names)


def test_multi_image_save_mixing_places_is_one_line(tmp_path, tmp_store, engines_env):
    out = tmp_path / "mixed.tar"
    proc = estiba(tmp_store, "save", "-o", out, "containers-storage:a", "docker-daemon:b", check=False)
    assert_one_line_error(proc, "one place")
    assert not out.exists()


def test_cancel_mid_export_into_a_docker_archive_leaves_nothing(tmp_path, engines_env):
    svc, dockerd = engines_env
    name = "docker.io/library/cancel-export:1"
    _into_engine("docker", svc, dockerd, tmp_path, [(_image(400, 12 << 20, 3), [name])])
    store = Store(str(tmp_path / "store"))
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "image.tar"
    token = Progress().cancel
    seen = [0]

    def listener(event) -> None:
        seen[0] = max(seen[0], event.offset)
        if event.offset > 8 << 20:
            token.cancel()

    with pytest.raises(Cancelled):
        operations.copy_between(store, f"docker-daemon:{name}", f"docker-archive:{out}",
                                progress=Progress(listener, token, interval=0))
    assert seen[0] > 8 << 20  # cancelled mid-stream
    assert os.listdir(outdir) == []  # no output, no temporary beside it
    assert _allocated(store.tmp_dir) == 0
    assert _inspect("docker", svc, dockerd, name)["RepoTags"] == ["cancel-export:1"]  # the engine's image is intact
    _remove("docker", svc, dockerd, name)


def first_layer_dir(svc, seed: int):
    """The image's first layer in podman's vfs storage (vfs gives each layer a full copy of the tree: the first
    layer's is the one without the second layer's files)."""
    for layer_dir in (svc.cli.root / "vfs" / "dir").iterdir():
        if (layer_dir / "data" / f"seed{seed}" / "file0.bin").is_file() and \
                not (layer_dir / "data" / f"seed{seed + 1}").exists():
            return layer_dir
    raise AssertionError("the image's first layer was not found in podman's storage")


def _damage_podman_layer(svc, seed: int) -> None:
    """Change one byte of the image's first layer behind podman's back: its files then do not hash to the
    config's diffID."""
    with open(first_layer_dir(svc, seed) / "data" / f"seed{seed}" / "file0.bin", "r+b") as fh:
        first = fh.read(1)
        fh.seek(0)
        fh.write(bytes([first[0] ^ 0xFF]))


def hide_layer_from_estiba(svc, seed: int) -> None:
    """Make the first layer unreadable the way Estiba reads podman's storage (engine/engines/podman_storage.py
    follows no symlink) while podman still exports it: one file becomes a symlink to a copy of itself. As root,
    file modes cannot stop Estiba; this is the same fallback a rootless storage with other users' files takes."""
    target = first_layer_dir(svc, seed) / "data" / f"seed{seed}" / "file1.bin"
    copy = target.with_name("file1.copy")
    os.rename(target, copy)
    os.symlink(copy.name, target)


@pytest.mark.parametrize("dest", ["docker-archive", "oci-archive"])
@pytest.mark.parametrize("reader", ["storage", "export"])
def test_damaged_podman_storage_is_a_one_line_error_and_no_output(reader, dest, tmp_path, tmp_store, engines_env):
    """Read from podman's storage, the layer's bytes are hashed as they are read: one line naming podman's
    storage and the layer. Through podman's export (a storage Estiba cannot read its way), podman checks its
    own files (tar-split's checksums) and refuses: its words, one line. Nothing written either way. Bytes that
    arrive whole but wrong are the stand-in engine's test below."""
    svc, dockerd = engines_env
    name = f"docker.io/library/damaged-{dest}-{reader}:1"
    seed = 500 + 10 * len(dest) + (5 if reader == "export" else 0)
    _into_engine("podman", svc, dockerd, tmp_path, [(_image(seed), [name])])
    _damage_podman_layer(svc, seed)
    if reader == "export":
        hide_layer_from_estiba(svc, seed)
    outdir = tmp_path / "out"
    outdir.mkdir()
    proc = estiba(tmp_store, "copy", f"containers-storage:{name}", f"{dest}:{outdir / 'image.tar'}", check=False)
    if reader == "export":
        assert_one_line_error(proc, "Podman", "data/seed")
    else:
        assert_one_line_error(proc, "Podman's storage", "damaged", "vfs/dir/")
    assert os.listdir(outdir) == []
    tmp = os.path.join(tmp_store, "tmp")
    assert not os.path.isdir(tmp) or _allocated(tmp) == 0  # no spool left
    _remove("podman", svc, dockerd, name)


class _StandInDocker:
    """A stand-in for Docker on a unix socket that answers the inspection of one image and exports it with one
    byte of a layer changed. Real engines check their own storage as they export (a mismatch there ends their
    stream), so bytes that arrive whole but wrong can only be produced this way."""

    def __init__(self, sock: str, image_id: str, archive: bytes) -> None:
        import socket
        import threading

        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(sock)
        self.server.listen(8)
        self.image_id, self.archive = image_id, archive
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        break
                    head += data
                if not head:
                    continue  # a probe
                path = head.split(b" ", 2)[1].decode()
                if path.endswith("/json"):
                    body = json.dumps({"Id": self.image_id, "RepoTags": ["standin:1"]}).encode()
                    kind = b"application/json"
                else:
                    body, kind = self.archive, b"application/x-tar"
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()


@pytest.mark.parametrize("dest", ["docker-archive", "oci-archive"])
def test_export_whose_bytes_do_not_match_is_refused(dest, tmp_path, tmp_store, monkeypatch):
    import tempfile

    img = _image(600)
    good = tmp_path / "good.tar"
    write_docker_archive(good, [(img, ["docker.io/library/standin:1"])], style="docker24")
    archive = bytearray(good.read_bytes())
    with tarfile.open(good) as tf:
        layer = next(m for m in tf.getmembers() if m.name.endswith("layer.tar") and m.size > 100_000)
    archive[layer.offset_data + 50_000] ^= 0xFF  # inside a file's bytes: the tar stays well formed
    sockdir = tempfile.mkdtemp(prefix="estiba-si-", dir="/tmp")
    sock = os.path.join(sockdir, "docker.sock")
    server = _StandInDocker(sock, img.config_digest, bytes(archive))
    try:
        monkeypatch.setenv("DOCKER_HOST", "unix://" + sock)
        outdir = tmp_path / "out"
        outdir.mkdir()
        proc = estiba(tmp_store, "copy", "docker-daemon:standin:1", f"{dest}:{outdir / 'image.tar'}", check=False)
    finally:
        server.close()
        import shutil

        shutil.rmtree(sockdir, ignore_errors=True)
    assert_one_line_error(proc, "diffID")
    assert os.listdir(outdir) == []
    tmp = os.path.join(tmp_store, "tmp")
    assert not os.path.isdir(tmp) or _allocated(tmp) == 0


def test_export_with_compressed_layer_members_still_saves(tmp_path, tmp_store, monkeypatch):
    """containerd's image store exports gzip'd layer members: they hash to no diffID, so the export is read by
    the docker-archive reader and written by the ordinary writer (the stand-in engine serves such an export)."""
    import gzip
    import io
    import shutil
    import tempfile

    img = _image(700)
    plain = tmp_path / "plain.tar"
    write_docker_archive(plain, [(img, ["docker.io/library/standin:1"])], style="docker24")
    buf = io.BytesIO()
    with tarfile.open(plain) as src, tarfile.open(fileobj=buf, mode="w") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if data is not None and m.name.endswith("layer.tar"):
                data = gzip.compress(data, mtime=0)
                m.size = len(data)
            dst.addfile(m, io.BytesIO(data) if data is not None else None)
    sockdir = tempfile.mkdtemp(prefix="estiba-si-", dir="/tmp")
    server = _StandInDocker(os.path.join(sockdir, "docker.sock"), img.config_digest, buf.getvalue())
    try:
        monkeypatch.setenv("DOCKER_HOST", "unix://" + os.path.join(sockdir, "docker.sock"))
        out = tmp_path / "out" / "image.tar"
        out.parent.mkdir()
        estiba(tmp_store, "copy", "docker-daemon:standin:1", f"docker-archive:{out}")
    finally:
        server.close()
        shutil.rmtree(sockdir, ignore_errors=True)
    assert os.listdir(out.parent) == ["image.tar"]
    with tarfile.open(out) as tf:
        doc = json.load(tf.extractfile("manifest.json"))
        layer = tf.extractfile(doc[0]["Layers"][0]).read()
    assert doc[0]["Config"] == img.config_digest.removeprefix("sha256:") + ".json"
    assert doc[0]["RepoTags"] == ["docker.io/library/standin:1"]
    assert layer == img.layers[0].tar  # uncompressed again, as a docker-archive holds it


def test_save_from_an_engine_to_standard_output(tmp_path, tmp_store, engines_env):
    """`estiba save containers-storage:NAME > file`: the output is a pipe, written from start to end."""
    svc, dockerd = engines_env
    img = _image(800)
    name = "docker.io/library/to-stdout:1"
    _into_engine("podman", svc, dockerd, tmp_path, [(img, [name])])
    proc = estiba(tmp_store, "save", f"containers-storage:{name}")
    path = tmp_path / "piped.tar"
    path.write_bytes(proc.stdout)
    with tarfile.open(path) as tf:
        doc = json.load(tf.extractfile("manifest.json"))
    assert doc[0]["RepoTags"] == [name]
    _remove("podman", svc, dockerd, name)
    svc.cli("load", "-i", path)
    assert _inspect("podman", svc, dockerd, name)["Id"] == img.config_digest.removeprefix("sha256:")
    _remove("podman", svc, dockerd, name)
