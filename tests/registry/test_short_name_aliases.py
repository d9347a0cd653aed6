"""The short-name alias chosen at the terminal prompt is recorded as podman records it and used by the next
resolution, Estiba's and podman's: a REAL pseudo-terminal drives the prompt, a REAL docker-registry stands in
for quay.io (tests/registry/test_registries_conf.py), podman 4.3 reads the file Estiba wrote.

Run as root, the file is /var/cache/containers/short-name-aliases.conf (containers/image's path for root): each
command runs in a private mount namespace with a temporary directory bound over /var/cache, so the machine's
own cache is never touched. As another user it is $XDG_CACHE_HOME/containers/short-name-aliases.conf."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.registry.test_registries_conf import NAME, ROOT, names, served  # noqa: F401 - a fixture

pytestmark = pytest.mark.skipif(os.geteuid() == 0 and shutil.which("unshare") is None,
                                reason="as root the alias file is under /var/cache: util-linux's unshare keeps "
                                       "the test's one private")


def _env(conf: Path, home: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE" and not k.startswith("REGISTRY_")}
    env.update(PYTHONPATH=str(ROOT), CONTAINERS_REGISTRIES_CONF=str(conf), HOME=str(home),
               XDG_CACHE_HOME=str(cache))
    return env


def _wrapped(argv: list[str], cache: Path) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /var/cache && exec "$@"',
            str(cache), *argv]


def _alias_file(cache: Path) -> Path:
    return cache / "containers" / "short-name-aliases.conf"


def _estiba(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--store", str(store), *map(str, args)]


def _pull_at_a_terminal(argv: list[str], env: dict[str, str], answer: bytes) -> tuple[int, str]:
    """Run `argv` on a new pseudo-terminal (stdin, stdout, stderr), answer its prompt, return (exit, screen)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    screen = b""
    answered = False
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            assert ready, f"no output for 120 s; so far: {screen!r}"
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal's other end is gone
                break
            if not data:
                break
            screen += data
            if not answered and b"Number (1-2): " in screen:
                os.write(master, answer)
                answered = True
    finally:
        os.close(master)
        code = proc.wait(120)
    assert answered, screen
    return code, screen.decode(errors="replace")


@pytest.fixture
def setup(tmp_path, served):  # noqa: F811 - the fixture imported above
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = ["127.0.0.1:9", "quay.io"]\nshort-name-mode = "enforcing"\n'
                    f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n')
    cache = tmp_path / "cache"
    cache.mkdir()
    return img, home, conf, cache, _env(conf, home, cache)


def test_the_choice_at_the_prompt_is_recorded_and_used_next_time(tmp_path, setup):
    img, home, conf, cache, env = setup
    code, screen = _pull_at_a_terminal(_wrapped(_estiba(tmp_path / "s", "pull", "josedom24/webserver:v1"), cache),
                                       env, b"2\n")
    assert code == 0, screen
    assert "1. 127.0.0.1:9/josedom24/webserver:v1" in screen and "2. quay.io/josedom24/webserver:v1" in screen
    assert names(tmp_path / "s", conf, home) == {img.id: [NAME]}
    recorded = _alias_file(cache)
    assert recorded.read_text() == '[aliases]\n  "josedom24/webserver" = "quay.io/josedom24/webserver"\n'
    assert recorded.stat().st_mode & 0o777 == 0o600
    # no terminal now, and "enforcing" would refuse to guess: the recorded alias resolves the name
    again = subprocess.run(_wrapped(_estiba(tmp_path / "s2", "pull", "josedom24/webserver:v1"), cache), env=env,
                           cwd=ROOT, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert names(tmp_path / "s2", conf, home) == {img.id: [NAME]}
    # the local lookup reads it too: `inspect josedom24/webserver:v1` is the quay.io image
    found = subprocess.run(_wrapped(_estiba(tmp_path / "s2", "inspect", "--format", "{{.Id}}",
                                            "josedom24/webserver:v1"), cache),
                           env=env, cwd=ROOT, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert found.stdout.decode().split() == [img.id], found.stderr.decode()


def test_a_failed_pull_records_nothing(tmp_path, setup):
    img, home, conf, cache, env = setup
    code, screen = _pull_at_a_terminal(_wrapped(_estiba(tmp_path / "s", "pull", "josedom24/webserver:v1"), cache),
                                       env, b"1\n")  # 127.0.0.1:9: nothing listens there
    assert code == 125, screen
    assert not _alias_file(cache).exists()


@pytest.mark.interop
def test_podman_reads_the_alias_estiba_recorded(tmp_path, setup, podman):
    img, home, conf, cache, env = setup
    code, screen = _pull_at_a_terminal(_wrapped(_estiba(tmp_path / "s", "pull", "josedom24/webserver:v1"), cache),
                                       env, b"2\n")
    assert code == 0, screen
    theirs_env = {**podman.env, "CONTAINERS_REGISTRIES_CONF": str(conf), "XDG_CACHE_HOME": str(cache)}
    theirs = subprocess.run(_wrapped(podman.argv("pull", "josedom24/webserver:v1"), cache), env=theirs_env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert theirs.returncode == 0, theirs.stderr  # without the alias: "cannot prompt without a TTY"
    assert "Resolved \"josedom24/webserver\" as an alias" in theirs.stderr, theirs.stderr
