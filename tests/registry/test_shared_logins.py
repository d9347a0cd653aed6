"""Logins shared with podman and skopeo through docker-credential-estiba, with no secret in any file: REAL
docker-registry (htpasswd, no anonymous pulls), REAL `podman login --get-login` / `podman login` /
`skopeo inspect`, the REAL gnome-keyring of tests/run.sh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.registry.test_cli_registry import estiba, localhost, out, private_dirs
from tests.registry.test_credentials import (  # noqa: F401 - env and real_keyring are fixtures
    env,
    real_keyring,
)
from tests.registry.test_login import files_holding, keyring_secret, logged_out, secret_forms  # noqa: F401

BIN = Path(sys.executable).parent  # the venv's bin, where docker-credential-estiba is installed


def tool(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """podman / skopeo / the helper with the test's HOME, XDG dirs and REGISTRY_AUTH_FILE, the helper on PATH."""
    child = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_") or k == "REGISTRY_AUTH_FILE"}
    child["PATH"] = f"{BIN}{os.pathsep}{child.get('PATH', '')}"
    return subprocess.run(list(argv), env=child, capture_output=True, input=stdin, timeout=120)


@pytest.fixture
def served(registry, env, logged_out):  # noqa: F811
    reg = registry("htpasswd", anonymous_pull=False)
    host = localhost(reg)
    logged_out.append(host)
    return reg, host


def test_estiba_login_logs_podman_and_skopeo_in_without_a_secret_on_disk(tmp_path, env, served):  # noqa: F811
    reg, host = served
    user, password = reg.creds
    store = tmp_path / "store"
    env.docker_config.parent.mkdir()
    env.docker_config.write_text('{"auths": {}, "credsStore": ""}')  # Docker is installed: its file exists
    assert out(estiba(store, "login", "-u", user, "-p", password, host)) == "Login Succeeded!\n"
    assert json.loads(env.docker_config.read_text())["credHelpers"] == {host: "estiba"}
    got = tool("podman", "login", "--get-login", host)
    assert got.returncode == 0 and got.stdout.decode() == f"{user}\n", got.stderr
    doc = json.loads(env.registry_auth_file.read_text())  # the file podman reads: only the helper's name
    assert doc["credHelpers"] == {host: "estiba"} and not doc.get("auths")
    assert files_holding(private_dirs(env, store), secret_forms(user, password)) == []
    # skopeo reaches a registry that refuses anonymous callers, with no --creds: through the helper
    estiba(store, "load", "-i", _archive(tmp_path))
    estiba(store, "push", "--tls-verify=false", "alpine", f"{host}/shared/alpine:1")
    seen = tool("skopeo", "inspect", "--tls-verify=false", f"docker://{host}/shared/alpine:1")
    assert seen.returncode == 0, seen.stderr.decode()
    listed = json.loads(tool(str(BIN / "docker-credential-estiba"), "list").stdout)
    assert listed[host] == user
    # logging in again reuses the stored login, as podman does
    again = estiba(store, "login", host)
    assert "Existing credentials are valid" in out(again)
    # logout: everywhere, and podman is logged out too
    proc = estiba(store, "logout", host)
    assert out(proc) == f"Removed login credentials for {host}\n"
    assert "keyring" in proc.stderr.decode() and str(env.registry_auth_file) in proc.stderr.decode()
    assert keyring_secret(host) is None
    assert json.loads(env.docker_config.read_text())["credHelpers"] == {}
    gone = tool("podman", "login", "--get-login", host)
    assert gone.returncode != 0 and b"not logged into" in gone.stderr


def test_a_podman_login_is_removed_by_estiba_logout(tmp_path, env, served):  # noqa: F811
    reg, host = served
    user, password = reg.creds
    made = tool("podman", "login", "--tls-verify=false", "-u", user, "-p", password, host)
    assert made.returncode == 0, made.stderr
    assert out(estiba(tmp_path / "s", "login", "--get-login", host)) == f"{user}\n"
    proc = estiba(tmp_path / "s", "logout", host)
    assert out(proc) == f"Removed login credentials for {host}\n"
    assert str(env.registry_auth_file) in proc.stderr.decode()
    assert tool("podman", "login", "--get-login", host).returncode != 0
    assert estiba(tmp_path / "s", "logout", host, check=False).returncode == 125  # nothing left anywhere


def test_helper_protocol_store_get_erase(env, real_keyring):  # noqa: F811
    helper = str(BIN / "docker-credential-estiba")
    url = "helper-test.example:5000"
    real_keyring.append(url)
    assert tool(helper, "get", stdin=url.encode()).stdout.strip() == b"credentials not found in native keychain"
    stored = tool(helper, "store", stdin=json.dumps({"ServerURL": url, "Username": "bob", "Secret": "pw1"}).encode())
    assert stored.returncode == 0, stored.stdout
    got = json.loads(tool(helper, "get", stdin=url.encode()).stdout)
    assert got == {"ServerURL": url, "Username": "bob", "Secret": "pw1"}
    assert tool(helper, "erase", stdin=url.encode()).returncode == 0
    assert tool(helper, "get", stdin=url.encode()).returncode == 1
    assert tool(helper, "bogus").returncode == 1


def test_without_a_keyring_login_says_so_before_asking(tmp_path, env):  # noqa: F811
    child = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    child.update(PYTHONPATH=str(Path(__file__).resolve().parents[2]), DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    proc = subprocess.run([sys.executable, "-m", "cli", "--store", str(tmp_path / "s"), "login", "example.test:5000"],
                          env=child, capture_output=True, input=b"alice\nsecret\n", timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 125 and "keyring" in err and "--authfile" in err, err
    assert b"Username" not in proc.stdout and b"Password" not in proc.stdout


def _archive(tmp_path: Path) -> Path:
    from tests.fixtures.images import build_image, make_layer_tar, write_docker_archive

    img = build_image([make_layer_tar({"a": b"shared" * 100})], docker=True)
    path = tmp_path / "a.tar"
    write_docker_archive(path, [(img, ["docker.io/library/alpine:latest"])])
    return path
