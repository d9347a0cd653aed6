"""credentials.login / logout / get_login against a REAL docker-registry (htpasswd Basic auth and Bearer token
auth, tests/registry/conftest.py) with the REAL Secret Service keyring of tests/run.sh; podman/skopeo read
what `login --authfile` writes and Estiba reads what `skopeo login` writes."""

from __future__ import annotations

import base64
import json
import logging
import stat
from pathlib import Path

import pytest

from engine import credentials
from engine.errors import EstibaError, NotFound
from tests.registry.test_credentials import (  # noqa: F401 - env and real_keyring are fixtures
    Env,
    assert_one_line,
    env,
    real_keyring,
)

MODES = ["htpasswd", "token"]


def secret_forms(user: str, password: str) -> list[bytes]:
    """The password as it could leak: raw, and base64 of `user:password` (auth.json's encoding)."""
    return [password.encode(), base64.b64encode(f"{user}:{password}".encode())]


def files_holding(roots: list[Path], needles: list[bytes]) -> list[Path]:
    found = []
    for root in roots:
        for path in [root, *root.rglob("*")] if root.exists() else []:
            if path.is_file() and not path.is_symlink() and any(n in path.read_bytes() for n in needles):
                found.append(path)
    return found


def private_dirs(e: Env) -> list[Path]:
    return [e.home, e.runtime, e.registry_auth_file.parent]


def keyring_secret(registry: str) -> str | None:
    import keyring

    return keyring.get_password(credentials.KEYRING_SERVICE, registry)


@pytest.fixture
def logged_out(real_keyring):  # noqa: F811
    """Registries listed here are logged out of the keyring at the end, whatever the test did."""
    hosts: list[str] = []
    yield hosts
    real_keyring.extend(hosts)


@pytest.mark.parametrize("mode", MODES)
def test_login_right_password_stores_secret_in_keyring_only(env, logged_out, registry, mode, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    reg = registry(mode)
    user, password = reg.creds
    logged_out.append(reg.host)
    assert credentials.login(reg.host, user, password, tls_verify=False) == "Login Succeeded!"
    assert keyring_secret(reg.host) == password
    assert credentials.get_login(reg.host) == user
    assert credentials.lookup(reg.host) == (user, password)
    assert (reg.host, user, "keyring") in credentials.logins()
    logins_json = json.loads(env.logins_json.read_text())
    assert logins_json == {"logins": {reg.host: {"username": user}}}  # the user name only
    assert files_holding(private_dirs(env), secret_forms(user, password)) == []
    assert password not in caplog.text
    # the stored login is good for the registry client too
    from engine.registry import check_login

    check_login(reg.host, *credentials.lookup(reg.host), tls_verify=False)
    assert credentials.logout(reg.host) == [reg.host]
    assert keyring_secret(reg.host) is None
    with pytest.raises(NotFound):
        credentials.get_login(reg.host)


@pytest.mark.parametrize("mode", MODES)
def test_login_wrong_password_saves_nothing(env, logged_out, registry, mode):  # noqa: F811
    from engine.registry import Unauthorized

    reg = registry(mode)
    user, _ = reg.creds
    logged_out.append(reg.host)
    wrong = "wrong-Pa55word-xyz"
    with pytest.raises(Unauthorized) as err:
        credentials.login(reg.host, user, wrong, tls_verify=False)
    assert_one_line(err.value, wrong)
    assert keyring_secret(reg.host) is None
    assert not env.logins_json.exists()
    assert credentials.lookup(reg.host) is None
    with pytest.raises(NotFound) as nf:
        credentials.get_login(reg.host)
    assert str(nf.value) == f"not logged into {reg.host}"
    assert files_holding(private_dirs(env), secret_forms(user, wrong)) == []


@pytest.mark.parametrize("mode", MODES)
def test_failed_login_keeps_the_previous_one(env, logged_out, registry, mode):  # noqa: F811
    reg = registry(mode)
    user, password = reg.creds
    logged_out.append(reg.host)
    credentials.login(reg.host, user, password, tls_verify=False)
    with pytest.raises(EstibaError):
        credentials.login(reg.host, "bob", "not-bobs-password", tls_verify=False)
    assert credentials.lookup(reg.host) == (user, password)  # as podman: the existing entry is untouched


def test_login_to_unreachable_registry_saves_nothing(env, logged_out):  # noqa: F811
    from tests.registry.conftest import free_port

    host = f"127.0.0.1:{free_port()}"
    logged_out.append(host)
    with pytest.raises(EstibaError) as err:
        credentials.login(host, "alice", "pw-unreachable", tls_verify=False)
    assert_one_line(err.value, "pw-unreachable")
    assert keyring_secret(host) is None and not env.logins_json.exists()


@pytest.mark.interop
@pytest.mark.parametrize("mode", MODES)
def test_login_authfile_is_podman_compatible(env, logged_out, registry, mode, tmp_path, skopeo, podman):  # noqa: F811
    reg = registry(mode)
    user, password = reg.creds
    logged_out.append(reg.host)
    f = tmp_path / "logins" / "auth.json"
    assert credentials.login(reg.host, user, password, tls_verify=False, authfile=str(f)) == "Login Succeeded!"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    auth = json.loads(f.read_text())["auths"][reg.host]["auth"]
    assert base64.b64decode(auth).decode() == f"{user}:{password}"
    assert keyring_secret(reg.host) is None and not env.logins_json.exists()  # authfile INSTEAD of the keyring
    assert skopeo("login", "--get-login", "--authfile", f, reg.host).stdout.strip() == user
    assert podman("login", "--get-login", "--authfile", f, reg.host).stdout.strip() == user
    # skopeo can use it: listing tags of a missing repository fails with "unknown name", not "unauthorized"
    probe = skopeo("list-tags", "--tls-verify=false", "--authfile", f, f"docker://{reg.host}/alice/none",
                   check=False)
    assert "unauthorized" not in probe.stderr.lower(), probe.stderr
    assert credentials.get_login(reg.host, authfile=str(f)) == user
    assert credentials.logout(reg.host, authfile=str(f)) == [reg.host]
    assert json.loads(f.read_text())["auths"] == {}


@pytest.mark.parametrize("mode", MODES)
def test_login_authfile_wrong_password_leaves_file_alone(env, logged_out, registry, mode, tmp_path):  # noqa: F811
    reg = registry(mode)
    user, _ = reg.creds
    logged_out.append(reg.host)
    f = tmp_path / "auth.json"
    with pytest.raises(EstibaError):
        credentials.login(reg.host, user, "wrong-one", tls_verify=False, authfile=str(f))
    assert not f.exists()
    f.write_text('{"auths": {"quay.io": {"auth": "cTpw"}}}')
    before = f.read_bytes()
    with pytest.raises(EstibaError):
        credentials.login(reg.host, user, "wrong-one", tls_verify=False, authfile=str(f))
    assert f.read_bytes() == before


@pytest.mark.interop
def test_estiba_reads_what_skopeo_login_writes(env, registry, skopeo, tmp_path):  # noqa: F811
    reg = registry("htpasswd")
    user, password = reg.creds
    f = tmp_path / "skopeo-auth.json"
    skopeo("login", "--tls-verify=false", "-u", user, "-p", password, "--authfile", f, reg.host)
    assert credentials.lookup(reg.host, authfile=str(f)) == (user, password)
    # the same file as $REGISTRY_AUTH_FILE is found without naming it
    env.registry_auth_file.parent.mkdir(parents=True, exist_ok=True)
    env.registry_auth_file.write_bytes(f.read_bytes())
    assert credentials.lookup(reg.host) == (user, password)
    assert credentials.get_login(reg.host) == user
