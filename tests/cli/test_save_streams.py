"""`estiba save` into a pipe, a FIFO, `-o /dev/stdout` and `> file` streams the archive as it goes: the same
bytes as a save to a regular file, no temporary of the image's size anywhere (the store's tmp/, the temporary
directory, the output's directory) and memory that does not grow with the image. Real `estiba` processes, a
real `cat` at the other end of the pipe."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.cli.cli_helpers import ROOT, assert_one_line_error, estiba
from tests.fixtures.images import (
    build_image,
    make_layer_tar,
    random_layer_tar,
    write_docker_archive,
    write_oci_archive,
)

BIG = 24 << 20


def _store_with(tmp_path: Path, name: str, layer_bytes: int, plain: bool = False) -> Path:
    """A store holding one image: gzip layers (a docker-archive save unpacks them on the way), or, `plain`,
    uncompressed ones read from a docker-archive (a save copies their file ranges)."""
    layers = [make_layer_tar({"etc/hello": b"hello\n" * 100}), random_layer_tar(7, layer_bytes // 2),
              random_layer_tar(8, layer_bytes // 2)]
    archive = tmp_path / f"{name}-in.tar"
    if plain:
        img = build_image(layers, docker=True, compression="none")
        write_docker_archive(archive, [(img, ["docker.io/library/streamed:1"])])
    else:
        img = build_image(layers)
        write_oci_archive(archive, [(img, "docker.io/library/streamed:1", None)])
    store = tmp_path / name
    estiba(store, "load", "-i", archive)
    archive.unlink()
    return store


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("streams")
    return {kind: _store_with(folder, kind, BIG, plain=kind == "plain") for kind in ("gzip", "plain")}


# An oci-archive keeps gzip layers as stored; the plain store's layers are compressed anew for it, and such a
# layer's digest (its name, hence its place in the sorted tar) is known only once compressed: it is staged
# (docs/podman.md). A docker-archive takes both as they are.
CASES = [("gzip", "docker-archive"), ("gzip", "oci-archive"), ("plain", "docker-archive")]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env.update(PYTHONPATH=str(ROOT), TMPDIR=str(tmp))
    return env


def _save_argv(store: Path, fmt: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--store", str(store), "save", "--format", fmt, "-q", *extra,
            "docker.io/library/streamed:1"]


def _regular(tmp_path: Path, store: Path, fmt: str) -> bytes:
    out = tmp_path / f"regular-{fmt}.tar"
    estiba(store, "save", "--format", fmt, "-o", out, "docker.io/library/streamed:1")
    return out.read_bytes()


def _files_bytes(*folders: Path, skip: Path | None = None) -> int:
    total = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path != skip:
                total += path.stat().st_size
    return total


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_a_pipe_gets_the_bytes_of_a_regular_save_with_no_temporary_of_the_image(tmp_path, stores, kind, fmt):
    big_store = stores[kind]
    expected = _regular(tmp_path, big_store, fmt)
    tmp, out_dir = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    out_dir.mkdir()
    target = out_dir / "piped.tar"
    with open(target, "wb") as sink:
        cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=sink)
        save = subprocess.Popen(_save_argv(big_store, fmt), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=_env(tmp), cwd=out_dir)
        assert save.stdout is not None and cat.stdin is not None
        first = save.stdout.read(1 << 20)  # the archive is under way, and the saver now waits on the pipe...
        staged = _files_bytes(tmp, big_store / "tmp", out_dir, skip=target)  # ...with nothing of its size staged
        cat.stdin.write(first)
        while chunk := save.stdout.read(1 << 20):
            cat.stdin.write(chunk)
        cat.stdin.close()
        assert save.wait(120) == 0, save.stderr.read().decode() if save.stderr else ""
        assert cat.wait(60) == 0
    assert len(first) == 1 << 20
    assert staged < BIG // 8, f"{staged} bytes staged while streaming a {BIG}-byte image"
    assert target.read_bytes() == expected


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_dev_stdout_a_fifo_and_a_redirected_file_get_the_same_bytes(tmp_path, stores, kind, fmt):
    big_store = stores[kind]
    expected = _regular(tmp_path, big_store, fmt)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # -o /dev/stdout into a pipe
    dev = subprocess.run(_save_argv(big_store, fmt, "-o", "/dev/stdout"), capture_output=True, env=_env(tmp),
                         timeout=300)
    assert dev.returncode == 0, dev.stderr.decode()
    assert dev.stdout == expected
    # a FIFO, read by a thread
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = subprocess.run(_save_argv(big_store, fmt, "-o", str(fifo)), capture_output=True, env=_env(tmp),
                          timeout=300)
    reader.join(60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert got == [expected] and fifo.exists() and not fifo.is_file()  # still a FIFO, never renamed over
    # `save IMAGE > file`: standard output is a regular file opened by the shell
    redirected = tmp_path / "redirected.tar"
    with open(redirected, "wb") as f:
        proc = subprocess.run(_save_argv(big_store, fmt), stdout=f, stderr=subprocess.PIPE, env=_env(tmp),
                              timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert redirected.read_bytes() == expected
    assert _files_bytes(tmp) < BIG // 8


def _peak_rss_kib(store: Path, fmt: str, tmp: Path) -> int:
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(_save_argv(store, fmt, "-o", "/dev/stdout"), stdout=subprocess.PIPE,
                                stderr=devnull, env=_env(tmp))
        assert proc.stdout is not None
        while proc.stdout.read(1 << 20):
            pass
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0
    return usage.ru_maxrss


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_streaming_memory_does_not_grow_with_the_image(tmp_path, stores, kind, fmt):
    big_store = stores[kind]
    small = _store_with(tmp_path, "small", 1 << 20, plain=kind == "plain")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    grown = _peak_rss_kib(big_store, fmt, tmp) - _peak_rss_kib(small, fmt, tmp)
    assert grown < (BIG >> 10) // 3, f"peak memory grew by {grown} KiB for {BIG >> 20} MiB more image"


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_a_device_that_refuses_the_bytes_is_one_line_naming_it(tmp_path, stores, fmt):
    """/dev/full answers every write with ENOSPC: a real device fault, mid-stream."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run(_save_argv(stores["gzip"], fmt, "-o", "/dev/full"), capture_output=True, env=_env(tmp),
                          timeout=300)
    assert_one_line_error(proc, "cannot write /dev/full (No space left on device)", "incomplete archive")
    assert _files_bytes(tmp, stores["gzip"] / "tmp") == 0  # nothing left behind
