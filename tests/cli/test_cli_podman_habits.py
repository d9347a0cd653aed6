"""The course's commands and podman's habits, side by side with real podman 4.3 where it can be compared."""

from __future__ import annotations

import json
import os
import pty
import stat
import subprocess
import sys
import threading

import pytest

from tests.cli.cli_helpers import ROOT, assert_one_line_error, estiba
from tests.fixtures.images import build_image, make_layer_tar, random_layer_tar, write_docker_archive


@pytest.fixture
def archive(tmp_path):
    img = build_image([make_layer_tar({"bin/hello": b"hi\n" * 50}), random_layer_tar(3, 50_000)], docker=True)
    path = tmp_path / "in.tar"
    write_docker_archive(path, [(img, ["docker.io/library/alpine:latest"])])
    return img, path


def loaded(tmp_path, archive):
    store = tmp_path / "s"
    estiba(store, "load", "-i", archive[1])
    return store


def run(store, *args, env=None, stderr_fd=None, **kw) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("ESTIBA_STORE", "COLUMNS")}
    full["PYTHONPATH"] = str(ROOT)
    full.update(env or {})
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "cli", "--store", str(store), *map(str, args)], env=full, cwd=ROOT,
                          stderr=stderr_fd if stderr_fd is not None else subprocess.PIPE, timeout=300, **kw)


# -- 1. the course, verbatim --------------------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_save_without_o_writes_stdout_that_podman_loads(tmp_path, archive, podman, fmt):
    store = loaded(tmp_path, archive)
    out = tmp_path / "alpine.tar"
    with open(out, "wb") as f:  # `estiba save docker.io/alpine:latest > alpine.tar`
        proc = run(store, "save", "--format", fmt, "docker.io/alpine:latest", stdout=f)
    assert proc.returncode == 0, proc.stderr
    assert b"Copying" not in out.read_bytes()[:512]  # progress went to stderr, never into the archive
    loaded_ = podman("load", "-i", out).stdout
    assert "alpine" in loaded_ or archive[0].id[:12] in loaded_
    estiba(tmp_path / "s2", "load", "-i", out)  # the course's next line


def test_save_refuses_a_terminal_as_podman_does(tmp_path, archive):
    store = loaded(tmp_path, archive)
    master, slave = pty.openpty()
    try:
        proc = run(store, "save", "alpine", stdout=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert_one_line_error(proc, "refusing to save to terminal")


def test_image_group_tag_by_id_and_ls(tmp_path, archive):
    store = loaded(tmp_path, archive)
    img = archive[0]
    estiba(store, "image", "tag", img.id[:12], "docker.io/alpine:v2")
    out = estiba(store, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}").stdout.decode().split()
    assert sorted(out) == ["docker.io/library/alpine:latest", "docker.io/library/alpine:v2"]
    estiba(store, "image", "untag", "alpine", "alpine:v2")
    estiba(store, "image", "rm", "alpine")
    assert estiba(store, "image", "list", "-q").stdout == b""


@pytest.mark.interop
def test_rmi_exit_codes_match_podman(tmp_path, archive, podman):
    store = loaded(tmp_path, archive)
    podman("load", "-i", archive[1])
    empty = run(tmp_path / "empty", "rmi", "docker.io/alpine")  # the issue's `internal error: StopIteration`
    ref = subprocess.run(podman.argv("rmi", "docker.io/busybox"), env=podman.env, capture_output=True, text=True)
    assert (empty.returncode, ref.returncode) == (1, 1)
    assert_one_line_error_code(empty, 1, "image not known")
    for tool in (lambda *a: run(store, *a), lambda *a: subprocess.run(podman.argv(*a), env=podman.env,
                                                                       capture_output=True)):
        assert tool("tag", "alpine", "a1", "a2").returncode == 0
        proc = tool("rmi", "a1", "nothere", "a2")
        assert proc.returncode == 1 and b"nothere: image not known" in proc.stderr
        assert b"Untagged: localhost/a1:latest" in proc.stdout and b"Untagged: localhost/a2:latest" in proc.stdout
        assert tool("rmi", "-f", "nothere").returncode == 0
    names = json.loads(estiba(store, "images", "--format", "json").stdout)[0]["Names"]
    assert names == ["docker.io/library/alpine:latest"]


def assert_one_line_error_code(proc, code, fragment):
    err = proc.stderr.decode()
    assert proc.returncode == code and err.count("\n") == 1 and err.startswith("Error: ") and fragment in err, err


def test_closed_pipe_exits_141(tmp_path, archive):
    store = loaded(tmp_path, archive)
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--store", str(store), "save", "-q", "alpine"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.read(10)
    proc.stdout.close()  # `estiba save alpine | head -c 10`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err


# -- 2. outputs never clobber -------------------------------------------------------------------------------


def test_save_follows_a_symlink_and_keeps_it(tmp_path, archive):
    store = loaded(tmp_path, archive)
    target = tmp_path / "real.tar"
    target.write_bytes(b"old")
    link = tmp_path / "link.tar"
    link.symlink_to(target)
    estiba(store, "save", "-o", link, "alpine")
    assert link.is_symlink() and os.readlink(link) == str(target)
    estiba(tmp_path / "s2", "load", "-i", target)
    assert set(os.listdir(tmp_path)) == {"in.tar", "s", "s2", "real.tar", "link.tar"}  # no temporary left


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_save_streams_into_a_fifo(tmp_path, archive, fmt):
    store = loaded(tmp_path, archive)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = bytearray()
    reader = threading.Thread(target=lambda: got.extend(open(fifo, "rb").read()))  # noqa: SIM115
    reader.start()
    estiba(store, "save", "--format", fmt, "-o", fifo, "alpine")
    reader.join(60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO, never renamed over
    (tmp_path / "copy.tar").write_bytes(bytes(got))
    estiba(tmp_path / "s2", "load", "-i", tmp_path / "copy.tar")
    assert sorted(os.listdir(tmp_path)) == ["copy.tar", "fifo", "in.tar", "s", "s2"]


def test_save_to_dev_stdout_streams_into_the_pipe(tmp_path, archive):
    store = loaded(tmp_path, archive)
    proc = run(store, "save", "-o", "/dev/stdout", "alpine")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 50_000
    (tmp_path / "p.tar").write_bytes(proc.stdout)
    estiba(tmp_path / "s2", "load", "-i", tmp_path / "p.tar")


# -- 3. podman's names ----------------------------------------------------------------------------------------


@pytest.mark.interop
def test_short_names_as_podman(tmp_path, archive, podman):
    store = loaded(tmp_path, archive)
    podman("load", "-i", archive[1])
    for args in (("tag", "alpine", "short1"), ("tag", "alpine", "josedom24/webserver:v1")):
        estiba(store, *args)
        podman(*args)
    fmt = "{{range .RepoTags}}{{.}} {{end}}"
    mine = estiba(store, "inspect", "--format", fmt, "josedom24/webserver:v1").stdout.decode().split()
    theirs = podman("inspect", "--format", fmt, "josedom24/webserver:v1").stdout.split()
    assert sorted(mine) == sorted(theirs)
    assert "localhost/short1:latest" in mine and "localhost/josedom24/webserver:v1" in mine


@pytest.mark.interop
def test_images_table_and_templates_match_podman(tmp_path, archive, podman):
    store = loaded(tmp_path, archive)
    podman("load", "-i", archive[1])
    for fmt in ("{{.Repository}}:{{.Tag}}", "{{.ID}}\\t{{.Tag}}", 'table {{.Repository}} {{.Tag}}',
                '{{printf "%-30s|" .Repository}}{{.Digest | len}}'):
        mine = estiba(store, "images", "--format", fmt).stdout.decode()
        theirs = podman("images", "--format", fmt).stdout
        if "Digest" in fmt:
            mine, theirs = mine.split("|")[0], theirs.split("|")[0]
        assert mine == theirs, fmt
    mine = estiba(store, "images").stdout.decode().splitlines()
    theirs = podman("images").stdout.splitlines()
    assert mine[0] == theirs[0]
    assert mine[1].split()[:5] == theirs[1].split()[:5]  # name, tag, ID, created ("N years ago")
    q = estiba(store, "images", "-q", "--noheading").stdout
    assert q.decode() == podman("images", "-q").stdout
    assert estiba(store, "images", "--noheading").stdout.decode().count("\n") == 1


def test_history_matches_podmans_columns(tmp_path, archive):
    store = loaded(tmp_path, archive)
    lines = estiba(store, "history", "alpine").stdout.decode().splitlines()
    assert lines[0].startswith("ID            CREATED")
    assert estiba(store, "history", "-q", "alpine").stdout.decode().split()[0] == archive[0].id[:12]
    by = estiba(store, "history", "--format", "{{.CreatedBy}}|{{.Size}}", "alpine").stdout.decode()
    assert "|" in by and by.endswith("\n")


def test_images_filters_and_sort(tmp_path, archive):
    store = loaded(tmp_path, archive)
    estiba(store, "tag", "alpine", "quay.io/x/web:v1")
    out = estiba(store, "images", "--filter", "reference=web", "--format", "{{.Repository}}").stdout.decode()
    assert out == "quay.io/x/web\n"
    assert estiba(store, "images", "--filter", "dangling=true", "-q").stdout == b""
    assert estiba(store, "images", "--sort", "repository", "--format", "{{.Repository}}").stdout.decode() == \
        "docker.io/library/alpine\nquay.io/x/web\n"
    proc = estiba(store, "images", "--filter", "bogus=1", check=False)
    assert_one_line_error(proc, "bogus")


# -- 5. flags -----------------------------------------------------------------------------------------------


def test_flags_bare_false_no_abbreviation_and_store_after_the_verb(tmp_path, archive):
    store = loaded(tmp_path, archive)
    ids = estiba(tmp_path / "elsewhere", "images", "--quiet=false", "--store", store, "--no-trunc=true").stdout
    assert b"sha256:" + archive[0].id.encode() in ids and b"REPOSITORY" in ids
    assert_one_line_error(estiba(store, "images", "--no-tru", check=False), "--no-tru")
    assert_one_line_error(estiba(store, "images", "--quiet=maybe", check=False), "maybe")
    proc = estiba(store, "imagse", check=False)
    assert "images?" in assert_one_line_error(proc, "unrecognized command", "did you mean")
    assert estiba(store, "--version").stdout.decode().startswith("estiba version ")
    assert b"Version:" in estiba(store, "version").stdout
    for shell in ("bash", "zsh", "fish"):
        script = estiba(store, "completion", shell).stdout.decode()
        assert "images" in script and "no-trunc" in script
    bash = subprocess.run(["bash", "-n"], input=estiba(store, "completion", "bash").stdout, capture_output=True)
    assert bash.returncode == 0, bash.stderr
    helptext = estiba(store, "save", "--help").stdout.decode()
    assert "Examples:" in helptext and "-q, --quiet" in helptext


# -- 8. no display --------------------------------------------------------------------------------------------


def test_no_display_is_one_line_not_an_abort(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "cli"], env=env, cwd=ROOT, capture_output=True, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 125 and err.count("\n") == 1, (proc.returncode, err)
    assert "no display" in err and "commands work without a display" in err


@pytest.mark.interop
def test_one_image_keeps_every_manifest_and_a_stable_size(tmp_path, archive, podman):
    from tests.fixtures.images import write_oci_archive

    img, docker_tar = archive
    oci_tar = tmp_path / "in-oci.tar"
    write_oci_archive(oci_tar, [(img, "docker.io/library/alpine:latest", None)])
    store = tmp_path / "s"
    sizes = []
    for path in (docker_tar, oci_tar, docker_tar):
        estiba(store, "load", "-i", path)
        podman("load", "-i", path)
        sizes.append(estiba(store, "images", "--format", "{{.Size}} {{.VirtualSize}}").stdout)
    assert len(set(sizes)) == 1  # the same image shows the same size whatever it was loaded from last
    [doc] = json.loads(estiba(store, "inspect", "alpine").stdout)
    [theirs] = json.loads(podman("inspect", "alpine").stdout)
    assert len(doc["RepoDigests"]) == 2 and len(theirs["RepoDigests"]) >= 2
    # the manifest read from the oci-archive is the same bytes for both; for a docker-archive each tool makes its
    # own manifest (containers/image's bytes differ from ours), so that digest differs
    assert set(doc["RepoDigests"]) & set(theirs["RepoDigests"])
    assert doc["RootFS"]["Layers"] == theirs["RootFS"]["Layers"] and doc["Id"] == theirs["Id"]


# -- 6. progress --------------------------------------------------------------------------------------------


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


@pytest.mark.parametrize("columns", [24, 100])
def test_terminal_progress_is_one_line_per_blob_that_stays_and_fits(tmp_path, archive, columns):
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    try:
        proc = run(tmp_path / "s", "load", "-i", archive[1], stderr_fd=slave)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.returncode == 0
    screen = _strip_ansi(b"".join(chunks).decode()).replace("\r\n", "\n")
    lines = [line.split("\r")[-1] for line in screen.split("\n") if line.strip()]
    assert lines and all(len(line) < columns for line in lines), lines
    blobs = [layer.diff_id.removeprefix("sha256:")[:12] for layer in archive[0].layers]  # a docker-archive holds tars
    last = {b: [line for line in lines if b[: max(1, columns - 22)] in line][-1:] for b in blobs}
    if columns >= 60:  # wide enough to read: every blob's final line says done, and stays on screen
        assert all(v and "done" in v[0] for v in last.values()), lines


def test_quiet_silences_progress_and_logs_are_podman_lines(tmp_path, archive):
    quiet = run(tmp_path / "q", "load", "-q", "-i", archive[1])
    assert quiet.returncode == 0 and quiet.stderr == b""
    logged = run(tmp_path / "l", "load", "-i", archive[1]).stderr.decode().splitlines()
    assert all(line.startswith(("Copying blob sha256:", "Copying config", "Writing manifest")) for line in logged)
    assert sum(line.endswith(" done") for line in logged) >= len(archive[0].layers)


def test_ctrl_c_exits_1_and_changes_nothing(tmp_path, archive):
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--store", str(tmp_path / "s"), "load"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdin.write(archive[1].read_bytes()[:20000])  # half an archive, and the rest never comes
    proc.stdin.flush()
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert b"Traceback" not in err and b"interrupted" in err
    assert not (tmp_path / "s" / "images.json").exists()


def test_image_prune_removes_dangling_images_only_unless_all(tmp_path, archive):
    store = loaded(tmp_path, archive)
    other = build_image([make_layer_tar({"x": b"dangling"})], docker=True)
    write_docker_archive(tmp_path / "d.tar", [(other, [])])
    estiba(store, "load", "-i", tmp_path / "d.tar")
    # podman asks on stdout and reads stdin: end of input is an error, "n" keeps everything, "y" prunes
    assert_one_line_error(estiba(store, "image", "prune", input_bytes=b"", check=False), "-f")
    assert b"[y/N]" in estiba(store, "image", "prune", input_bytes=b"n\n").stdout
    assert len(estiba(store, "images", "-q").stdout.split()) == 2
    out = estiba(store, "image", "prune", input_bytes=b"y\n").stdout.decode().splitlines()
    assert out[-1].endswith(other.id)  # after the prompt, as podman prints it (the answer is not echoed)
    assert estiba(store, "images", "-q", "--no-trunc").stdout.decode().split() == ["sha256:" + archive[0].id]
    estiba(store, "image", "prune", "-a", "-f")
    assert estiba(store, "images", "-q").stdout == b""


def test_a_display_nobody_serves_is_one_line_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(PYTHONPATH=str(ROOT), DISPLAY=":97")  # no X server has that number here
    assert not os.path.exists("/tmp/.X11-unix/X97")
    proc = subprocess.run([sys.executable, "-m", "cli"], env=env, cwd=ROOT, capture_output=True, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 125 and err.count("\n") == 1 and "DISPLAY=:97" in err, (proc.returncode, err)
