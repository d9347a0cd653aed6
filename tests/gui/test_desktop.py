"""Desktop integration with the real freedesktop tools: `estiba install-desktop` writes an entry that
desktop-file-validate accepts and that xdg-mime and gio pick for image archives; `estiba FILE...` loads files
as a drop would; a second `estiba` hands its files to the running window; a stale socket does not block."""

from __future__ import annotations

import configparser
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cli import desktop
from tests.gui.desktop_helpers import (
    Xvfb,
    estiba_command,
    isolated_env,
    processes_with,
    stop,
    store_images,
    wait_until,
)
from tests.gui.helpers import small_image, write_docker_archive

TOOLS = ("desktop-file-validate", "xdg-mime", "xdg-open", "gio", "update-mime-database", "update-desktop-database")


@pytest.fixture(autouse=True)
def _tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    assert not missing, f"tests/run.sh installs these: {missing}"


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def run_estiba(args: list[str], env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*estiba_command(), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_install_desktop_writes_a_valid_entry_and_uninstall_removes_exactly_that(tmp_path):
    env = isolated_env(tmp_path)
    data = Path(env["XDG_DATA_HOME"])
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text("[Desktop Entry]\nType=Application\nName=Other\n"
                                                         "Exec=true\n")
    (data / "applications" / "mimeapps.list").write_text("[Default Applications]\ntext/plain=other.desktop;\n")
    before = files_under(data)
    before_text = (data / "applications" / "mimeapps.list").read_text()

    done = run_estiba(["install-desktop"], env)
    assert done.returncode == 0, done.stderr
    entry = data / "applications" / "estiba.desktop"
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
    parsed = configparser.RawConfigParser()
    parsed.optionxform = str
    parsed.read(entry)
    group = parsed["Desktop Entry"]
    assert group["Exec"] == "estiba %F"
    assert set(group["MimeType"].strip(";").split(";")) == set(desktop.MIME_TYPES)
    assert group["Name[es]"] and group["Comment[es]"].startswith("Carga") and "imagen" in group["Keywords[es]"]
    for size in (16, 32, 48, 256):
        assert (data / f"icons/hicolor/{size}x{size}/apps/estiba.png").stat().st_size > 100
    assert (data / "icons/hicolor/scalable/apps/estiba.svg").is_file()
    assert (data / "mime/packages/estiba.xml").is_file() and (data / "mime/mime.cache").is_file()

    query = subprocess.run(["xdg-mime", "query", "default", "application/x-tar"], env=env, capture_output=True,
                           text=True)
    assert query.stdout.strip() == "estiba.desktop", query.stdout + query.stderr
    for mime in desktop.MIME_TYPES:
        q = subprocess.run(["xdg-mime", "query", "default", mime], env=env, capture_output=True, text=True)
        assert q.stdout.strip() == "estiba.desktop", mime
    archive = tmp_path / "alpine.tar.zst"
    archive.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(64))
    info = subprocess.run(["gio", "info", "-a", "standard::content-type", str(archive)], env=env,
                          capture_output=True, text=True)
    assert "application/x-zstd-compressed-tar" in info.stdout, info.stdout + info.stderr

    again = run_estiba(["install-desktop"], env)  # installing twice is harmless; one uninstall still cleans up
    assert again.returncode == 0, again.stderr
    gone = run_estiba(["uninstall-desktop"], env)
    assert gone.returncode == 0, gone.stderr
    assert files_under(data) == before
    assert (data / "applications" / "mimeapps.list").read_text() == before_text
    assert "Nothing to remove" in run_estiba(["uninstall-desktop"], env).stdout


def _archive(tmp_path: Path, label: str) -> Path:
    path = tmp_path / f"{label}.tar"
    write_docker_archive(path, [(small_image(label), [f"localhost/{label}:latest"])])
    return path


def _wait_for_images(store: Path, names: list[str], timeout: float = 90) -> None:
    wait_until(lambda: set(names) <= set(store_images(store)), timeout, f"{names} in the store")


@pytest.mark.parametrize("opener", [["gio", "open"], ["xdg-open"]], ids=["gio-open", "xdg-open"])
def test_opening_an_archive_from_the_desktop_starts_estiba_and_loads_it(tmp_path, opener):
    env = isolated_env(tmp_path)
    assert run_estiba(["install-desktop"], env).returncode == 0
    archive = _archive(tmp_path, "opened")
    env["XDG_DATA_DIRS"] = f"{env['XDG_DATA_HOME']}:/usr/share"
    opener_proc = None
    display = Xvfb()
    env["DISPLAY"] = display.__enter__()  # xdg-open looks at desktop entries only with a display
    try:
        log = tmp_path / "opener.log"
        with open(log, "wb") as err:  # not a pipe: the started window inherits it and would hold it open
            # gio returns once the window is started; xdg-open (no desktop environment here) waits for it
            opener_proc = subprocess.Popen([*opener, str(archive)], env=env, stdout=subprocess.DEVNULL, stderr=err)
        _wait_for_images(Path(env["ESTIBA_STORE"]), ["localhost/opened:latest"])
        assert opener_proc.poll() in (None, 0), log.read_text()
        assert processes_with(str(tmp_path / "store")), "no estiba window is running"
    finally:
        stop(processes_with(str(tmp_path / "store")))
        if opener_proc is not None:
            opener_proc.wait(30)  # xdg-open ends with the window it started
        display.__exit__()


def test_a_second_estiba_hands_its_files_to_the_first_and_a_stale_socket_does_not_block(tmp_path):
    env = isolated_env(tmp_path)
    store = Path(env["ESTIBA_STORE"])
    first_file, second_file, third_file = (_archive(tmp_path, n) for n in ("first", "second", "third"))
    first = subprocess.Popen([*estiba_command(), str(first_file)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        _wait_for_images(store, ["localhost/first:latest"])
        started = time.monotonic()
        second = run_estiba([str(second_file)], env, timeout=30)
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 15  # it handed over and left; it did not open a window of its own
        _wait_for_images(store, ["localhost/second:latest"])
        assert first.poll() is None  # the first window is still the one running

        other_store = dict(env, ESTIBA_STORE=str(tmp_path / "other-store"))
        other = subprocess.Popen([*estiba_command(), str(third_file)], env=other_store)  # another store: its own window
        try:
            _wait_for_images(tmp_path / "other-store", ["localhost/third:latest"])
            assert other.poll() is None
        finally:
            other.terminate()
            other.wait(30)

        first.send_signal(signal.SIGKILL)  # a crash: the socket file stays behind
        first.wait(30)
        assert any(p.name.startswith("estiba-") for p in tmp_path.iterdir()), "no socket file was left to test"
        third = subprocess.Popen([*estiba_command(), str(third_file)], env=env)
        try:
            _wait_for_images(store, ["localhost/third:latest"])
            assert third.poll() is None  # it did not hand over to the dead window: it is the window now
        finally:
            third.terminate()
            third.wait(30)
    finally:
        if first.poll() is None:
            first.terminate()
            first.wait(30)


def test_estiba_with_a_file_that_does_not_exist_says_so_in_one_line(tmp_path):
    env = isolated_env(tmp_path)
    done = run_estiba([str(tmp_path / "nope.tar")], env)
    assert done.returncode == 125
    assert done.stderr.strip().count("\n") == 0 and "no such file" in done.stderr
    assert not os.path.exists(env["ESTIBA_STORE"])
