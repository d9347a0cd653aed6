"""engine.credentials / engine.authfile without a registry: where logins are read from, in which order, Docker
Hub key spellings, credential helpers, logout, get-login, the keyring failure path, and podman-compatible
auth.json writing (checked with skopeo/podman as oracles).

Estiba's own logins live in the REAL Secret Service that tests/run.sh starts (dbus-run-session +
gnome-keyring-daemon). Each test gets its own HOME/XDG dirs/REGISTRY_AUTH_FILE and unique registry names,
and deletes the keyring entries it made.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from cli.hints import worded as cli_worded
from engine import authfile, credentials
from engine.errors import EstibaError, Hint, InvalidInput, NotFound
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
HUB_SPELLINGS = ["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"]


# --- fixtures and helpers ------------------------------------------------------------------------------

class Env:
    def __init__(self, tmp: Path) -> None:
        self.home = tmp / "home"
        self.config = self.home / ".config"
        self.runtime = tmp / "run"
        self.bin = tmp / "bin"
        self.registry_auth_file = tmp / "regauth" / "auth.json"
        for d in (self.home, self.runtime, self.bin):
            d.mkdir(mode=0o700, parents=True)

    @property
    def runtime_auth(self) -> Path:
        return self.runtime / "containers" / "auth.json"

    @property
    def config_auth(self) -> Path:
        return self.config / "containers" / "auth.json"

    @property
    def docker_config(self) -> Path:
        return self.home / ".docker" / "config.json"

    @property
    def logins_json(self) -> Path:
        return self.config / "estiba" / "logins.json"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    e = Env(tmp_path)
    monkeypatch.setenv("HOME", str(e.home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(e.config))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(e.runtime))
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(e.registry_auth_file))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.setenv("PATH", f"{e.bin}{os.pathsep}{os.environ.get('PATH', '')}")
    return e


@pytest.fixture
def real_keyring():
    """The Secret Service keyring of tests/run.sh; entries made through `made` are deleted afterwards."""
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        msg = f"needs the Secret Service keyring, got {type(backend).__module__}: run the suite with tests/run.sh"
        if IN_CI:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    made: list[str] = []
    yield made
    for reg in made:
        try:
            keyring.delete_password(credentials.KEYRING_SERVICE, reg)
        except keyring.errors.PasswordDeleteError:
            pass


@pytest.fixture
def fail_keyring():
    """Installs keyring's real `fail` backend. The "no usable keyring" fault cannot be produced inside this
    D-Bus session otherwise (the subprocess tests below produce it for real by dropping D-Bus)."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def unique(prefix: str = "reg") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}.test:5000"


def secret() -> str:
    return f"pw-{uuid.uuid4().hex}"


def b64(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def write_auths(path: Path, entries: dict[str, tuple[str, str]], **extra) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"auths": {key: {"auth": b64(*up)} for key, up in entries.items()}, **extra}
    path.write_text(json.dumps(doc))


def seed_keyring_login(env: Env, made: list[str], registry: str, user: str, password: str) -> None:
    """An Estiba login as login() leaves it (secret in the keyring, user name in logins.json), without a
    registry round trip: test_login.py covers login() itself against a real registry."""
    import keyring

    keyring.set_password(credentials.KEYRING_SERVICE, registry, password)
    made.append(registry)
    doc = json.loads(env.logins_json.read_text()) if env.logins_json.exists() else {"logins": {}}
    doc["logins"][registry] = {"username": user}
    env.logins_json.parent.mkdir(parents=True, exist_ok=True)
    env.logins_json.write_text(json.dumps(doc))


def make_helper(env: Env, name: str, answers: dict[str, tuple[str, str]]) -> Path:
    """A docker-credential-NAME program speaking the helper protocol: `get` reads the server URL on stdin,
    prints {"ServerURL","Username","Secret"} or the "not found" text. It logs the URLs it was asked for."""
    lines = ["#!/bin/sh", '[ "$1" = get ] || exit 2', 'read -r url || true', 'echo "$url" >> "$0.asked"',
             'case "$url" in']
    for url, (user, password) in answers.items():
        answer = json.dumps({"ServerURL": url, "Username": user, "Secret": password})
        lines.append(f"  '{url}') printf '%s\\n' '{answer}' ;;")
    lines += ["  *) echo 'credentials not found in native keychain'; exit 1 ;;", "esac"]
    path = env.bin / f"docker-credential-{name}"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o755)
    return path


def asked(helper: Path) -> list[str]:
    log = Path(f"{helper}.asked")
    return log.read_text().split() if log.exists() else []


def assert_one_line(exc: BaseException, *forbidden: str) -> str:
    text = str(exc)
    assert text and "\n" not in text, text
    for word in forbidden:
        assert word not in text
    return text


# --- normalize_registry ----------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", HUB_SPELLINGS + ["https://index.docker.io", "http://registry-1.docker.io/v2/",
                                                       "Docker.IO", "docker.io/"])
def test_every_docker_hub_spelling_is_docker_io(spelling):
    assert credentials.normalize_registry(spelling) == "docker.io"


@pytest.mark.parametrize(("text", "want"), [
    ("Quay.IO/", "quay.io"), ("https://quay.io", "quay.io"), ("127.0.0.1:5000", "127.0.0.1:5000"),
    ("localhost:5000/team/", "localhost:5000/team"), ("[::1]:5000", "[::1]:5000"),
])
def test_normalize_registry(text, want):
    assert credentials.normalize_registry(text) == want


@pytest.mark.parametrize("bad", ["", "   ", "has space", "user@host", "host/repo:tag", "host/../x", "https://"])
def test_normalize_registry_rejects_bad_names(bad):
    with pytest.raises(InvalidInput) as err:
        credentials.normalize_registry(bad)
    assert "HOST[:PORT]" in assert_one_line(err.value)


# --- reading podman's and Docker's files -----------------------------------------------------------------

def test_lookup_is_anonymous_when_nothing_is_stored(env):
    assert credentials.lookup(unique()) is None


@pytest.mark.parametrize("where", ["registry_auth_file", "runtime_auth", "config_auth", "docker_config"])
def test_lookup_reads_each_location(env, where):
    reg, pw = unique(), secret()
    write_auths(getattr(env, where), {reg: ("alice", pw)})
    assert credentials.lookup(reg) == ("alice", pw)
    assert credentials.get_login(reg) == "alice"


def test_config_auth_defaults_to_home_config(env, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    reg, pw = unique(), secret()
    write_auths(env.home / ".config" / "containers" / "auth.json", {reg: ("carol", pw)})
    assert credentials.lookup(reg) == ("carol", pw)


def test_docker_config_env_var(env, tmp_path, monkeypatch):
    reg, pw = unique(), secret()
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dockercfg"))
    write_auths(tmp_path / "dockercfg" / "config.json", {reg: ("dave", pw)})
    write_auths(env.docker_config, {reg: ("not-this-one", secret())})
    assert credentials.lookup(reg) == ("dave", pw)


def test_file_order_registry_auth_file_runtime_config_docker(env):
    reg = unique()
    files = [env.registry_auth_file, env.runtime_auth, env.config_auth, env.docker_config]
    for n, path in enumerate(files):
        write_auths(path, {reg: (f"user{n}", f"pw{n}")})
    for n, path in enumerate(files):
        assert credentials.lookup(reg) == (f"user{n}", f"pw{n}"), f"{path} should win"
        path.unlink()
    assert credentials.lookup(reg) is None


@pytest.mark.parametrize("key", HUB_SPELLINGS)
@pytest.mark.parametrize("query", HUB_SPELLINGS)
def test_docker_hub_key_spellings_match(env, key, query):
    pw = secret()
    write_auths(env.docker_config, {key: ("hubuser", pw)})
    assert credentials.lookup(query) == ("hubuser", pw)


def test_exact_spelling_wins_over_alias(env):
    write_auths(env.config_auth, {"https://index.docker.io/v1/": ("old", "pw-old"), "docker.io": ("new", "pw-new")})
    assert credentials.lookup("index.docker.io") == ("new", "pw-new")


def test_namespaced_keys(env):
    host = unique()
    write_auths(env.config_auth, {host: ("alice", "pw-a"), f"{host}/bob": ("bob", "pw-b")})
    assert credentials.lookup(f"{host}/bob/app") == ("bob", "pw-b")  # most specific key first
    assert credentials.lookup(f"{host}/bob") == ("bob", "pw-b")
    assert credentials.lookup(f"{host}/other/app") == ("alice", "pw-a")  # then the host
    assert credentials.lookup(host) == ("alice", "pw-a")


def test_bare_host_falls_back_to_a_namespaced_key(env):
    host = unique()
    write_auths(env.config_auth, {f"{host}/zed": ("zed", "pw-z"), f"{host}/bob": ("bob", "pw-b")})
    assert credentials.lookup(host) == ("bob", "pw-b")  # sorted: deterministic


def test_placeholders_and_garbage_entries_are_skipped(env):
    reg, pw = unique(), secret()
    env.registry_auth_file.parent.mkdir(parents=True)
    env.registry_auth_file.write_text(json.dumps({"auths": {reg: {}}}))  # Docker's helper placeholder
    env.runtime_auth.parent.mkdir(parents=True)
    env.runtime_auth.write_text(json.dumps({"auths": {reg: {"auth": "%%% not base64"}}}))
    env.config_auth.parent.mkdir(parents=True)
    env.config_auth.write_text(json.dumps({"auths": {reg: {"auth": base64.b64encode(b"nocolon").decode()}}}))
    write_auths(env.docker_config, {reg: ("eve", pw)})
    assert credentials.lookup(reg) == ("eve", pw)


def test_auth_value_splits_on_first_colon_and_trims_nuls(env):
    reg = unique()
    env.config_auth.parent.mkdir(parents=True)
    raw = base64.b64encode(b"frank:pa:ss:word\x00\x00").decode()
    env.config_auth.write_text(json.dumps({"auths": {reg: {"auth": raw}}}))
    assert credentials.lookup(reg) == ("frank", "pa:ss:word")


def test_broken_file_is_skipped_unless_named(env, caplog):
    reg, pw = unique(), secret()
    env.registry_auth_file.parent.mkdir(parents=True)
    env.registry_auth_file.write_text("{ not json")
    write_auths(env.config_auth, {reg: ("gina", pw)})
    assert credentials.lookup(reg) == ("gina", pw)
    assert str(env.registry_auth_file) in caplog.text
    with pytest.raises(InvalidInput) as err:
        credentials.lookup(reg, authfile=str(env.registry_auth_file))
    assert str(env.registry_auth_file) in assert_one_line(err.value)


def test_explicit_authfile_is_the_only_file_read(env, tmp_path):
    reg, pw = unique(), secret()
    write_auths(env.config_auth, {reg: ("elsewhere", secret())})
    only = tmp_path / "only.json"
    assert credentials.lookup(reg, authfile=str(only)) is None  # missing file: anonymous
    write_auths(only, {reg: ("hana", pw)})
    assert credentials.lookup(reg, authfile=str(only)) == ("hana", pw)
    assert credentials.get_login(reg, authfile=str(only)) == "hana"


def test_credentials_repr_hides_the_secret(env):
    reg, pw = unique(), secret()
    write_auths(env.config_auth, {reg: ("ivan", pw)})
    creds = credentials.lookup(reg)
    assert creds == ("ivan", pw)
    user, password = creds
    assert (user, password) == ("ivan", pw)
    assert pw not in repr(creds) and pw not in str(creds) and pw not in f"{[creds]}"


# --- credential helpers ----------------------------------------------------------------------------------

def test_cred_helper_beats_auths_in_docker_config(env):
    reg, pw = unique(), secret()
    helper = make_helper(env, "estibatest", {reg: ("helperuser", pw)})
    write_auths(env.docker_config, {reg: ("fileuser", secret())}, credHelpers={reg: "estibatest"})
    assert credentials.lookup(reg) == ("helperuser", pw)
    assert asked(helper) == [reg]


def test_cred_helper_for_docker_hub_is_asked_with_the_v1_url(env):
    pw = secret()
    helper = make_helper(env, "estibatest", {"https://index.docker.io/v1/": ("hubuser", pw)})
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credHelpers": {"docker.io": "estibatest"}}))
    assert credentials.lookup("registry-1.docker.io") == ("hubuser", pw)
    assert asked(helper) == ["https://index.docker.io/v1/"]


def test_cred_helper_in_podman_auth_json(env):
    reg, pw = unique(), secret()
    make_helper(env, "estibatest", {reg: ("podhelper", pw)})
    env.config_auth.parent.mkdir(parents=True)
    env.config_auth.write_text(json.dumps({"auths": {}, "credHelpers": {reg: "estibatest"}}))
    assert credentials.lookup(reg) == ("podhelper", pw)


def test_creds_store_is_used_when_auths_has_no_entry(env):
    reg, other, pw = unique(), unique(), secret()
    helper = make_helper(env, "estibatest", {reg: ("storeuser", pw)})
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"auths": {reg: {}, other: {"auth": b64("fileuser", "pw-file")}},
                                             "credsStore": "estibatest"}))
    assert credentials.lookup(reg) == ("storeuser", pw)
    assert credentials.lookup(other) == ("fileuser", "pw-file")  # an inline auth is used before the store
    assert asked(helper) == [reg]


def test_helper_not_found_or_missing_means_anonymous(env):
    reg = unique()
    helper = make_helper(env, "estibatest", {})
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credHelpers": {reg: "estibatest"}, "credsStore": "not-installed"}))
    assert credentials.lookup(reg) is None
    assert asked(helper) == [reg]
    with pytest.raises(NotFound):
        credentials.get_login(reg)


def test_identity_token_from_helper_is_not_used_as_a_password(env):
    reg = unique()
    make_helper(env, "estibatest", {reg: ("<token>", secret())})
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credHelpers": {reg: "estibatest"}}))
    assert credentials.lookup(reg) is None


# --- Estiba's keyring logins -----------------------------------------------------------------------------

def test_lookup_order_keyring_then_auth_json_then_docker_config(env, real_keyring):
    reg = unique()
    seed_keyring_login(env, real_keyring, reg, "fromkeyring", "pw-keyring")
    write_auths(env.config_auth, {reg: ("fromauthjson", "pw-authjson")})
    write_auths(env.docker_config, {reg: ("fromdocker", "pw-docker")})
    assert credentials.lookup(reg) == ("fromkeyring", "pw-keyring")
    assert credentials.get_login(reg) == "fromkeyring"
    assert credentials.logout(reg) == [reg]
    assert credentials.lookup(reg) == ("fromauthjson", "pw-authjson")
    env.config_auth.unlink()
    assert credentials.lookup(reg) == ("fromdocker", "pw-docker")
    assert credentials.get_login(reg) == "fromdocker"


def test_keyring_login_matches_docker_hub_spellings(env, real_keyring):
    pw = secret()
    seed_keyring_login(env, real_keyring, "docker.io", "hubuser", pw)
    for spelling in HUB_SPELLINGS:
        assert credentials.lookup(spelling) == ("hubuser", pw)
    credentials.logout("https://index.docker.io/v1/")
    assert credentials.lookup("docker.io") is None


def test_logins_json_without_keyring_secret_falls_through(env, real_keyring, caplog):
    reg, pw = unique(), secret()
    seed_keyring_login(env, real_keyring, reg, "gone", "pw-gone")
    import keyring

    keyring.delete_password(credentials.KEYRING_SERVICE, reg)
    write_auths(env.docker_config, {reg: ("docker", pw)})
    assert credentials.lookup(reg) == ("docker", pw)
    assert "estiba login" in caplog.text


def test_logins_lists_every_source(env, real_keyring):
    reg = unique()
    seed_keyring_login(env, real_keyring, reg, "k", secret())
    write_auths(env.registry_auth_file, {reg: ("a", "pa")})
    write_auths(env.docker_config, {"https://index.docker.io/v1/": ("d", "pd")})
    got = credentials.logins()
    assert got == [(reg, "k", "keyring"), (reg, "a", f"auth.json {env.registry_auth_file}"),
                   ("docker.io", "d", "docker config")]


def test_keyring_status_real_backend(real_keyring):
    works, text = credentials.keyring_status()
    assert works, text
    assert "password manager" in text


def test_logout_removes_keyring_entry_and_user_name(env, real_keyring):
    import keyring

    reg, keep = unique(), unique()
    seed_keyring_login(env, real_keyring, reg, "leaving", secret())
    seed_keyring_login(env, real_keyring, keep, "staying", "pw-stay")
    assert credentials.logout(reg) == [reg]
    assert keyring.get_password(credentials.KEYRING_SERVICE, reg) is None
    assert reg not in env.logins_json.read_text()
    assert credentials.lookup(keep) == ("staying", "pw-stay")
    with pytest.raises(NotFound) as err:
        credentials.get_login(reg)
    assert assert_one_line(err.value) == f"not logged into {reg}"
    with pytest.raises(NotFound) as err:
        credentials.logout(reg)
    assert assert_one_line(err.value) == f"not logged into {reg}"


def test_logout_all(env, real_keyring, tmp_path):
    import keyring

    regs = [unique(), unique()]
    for reg in regs:
        seed_keyring_login(env, real_keyring, reg, "u", secret())
    f = tmp_path / "auth.json"
    other = unique()
    write_auths(f, {other: ("x", "px")}, credHelpers={"h.test": "estibatest"}, unknownKey={"kept": True})
    write_auths(env.docker_config, {other: ("docker", "pd")})
    removed = credentials.logout(all=True, authfile=str(f))
    assert sorted(removed) == sorted([*regs, other])
    for reg in regs:
        assert keyring.get_password(credentials.KEYRING_SERVICE, reg) is None
        with pytest.raises(NotFound):
            credentials.get_login(reg)
    doc = json.loads(f.read_text())
    assert doc == {"auths": {}, "credHelpers": {}, "unknownKey": {"kept": True}}
    assert credentials.lookup(other) == ("docker", "pd")  # Docker's file is not Estiba's to empty
    assert credentials.logout(all=True) == []


def test_logout_of_a_login_made_by_docker_says_whose_it_is(env):
    reg = unique()
    write_auths(env.docker_config, {reg: ("docker", "pd")})
    with pytest.raises(NotFound) as err:
        credentials.logout(reg)
    text = assert_one_line(err.value, "pd")
    assert text.startswith(f"not logged into {reg}") and err.value.hint is Hint.LOGOUT_ELSEWHERE
    assert f"docker logout {reg}" in cli_worded(err.value)
    assert credentials.lookup(reg) == ("docker", "pd")


def test_logout_of_a_podman_login_names_the_file(env):
    reg = unique()
    write_auths(env.runtime_auth, {reg: ("pod", "pp")})
    with pytest.raises(NotFound) as err:
        credentials.logout(reg)
    assert_one_line(err.value, "pp")
    assert err.value.params["path"] == str(env.runtime_auth)
    assert f"estiba logout --authfile {env.runtime_auth} {reg}" in cli_worded(err.value)


def test_logout_authfile_removes_every_spelling(env, tmp_path):
    f = tmp_path / "auth.json"
    write_auths(f, {"https://index.docker.io/v1/": ("a", "p1"), "docker.io": ("b", "p2"), "quay.io": ("c", "p3")})
    assert credentials.logout("index.docker.io", authfile=str(f)) == ["docker.io"]
    assert list(json.loads(f.read_text())["auths"]) == ["quay.io"]
    with pytest.raises(NotFound):
        credentials.logout("docker.io", authfile=str(f))


def test_logout_needs_a_registry(env):
    with pytest.raises(InvalidInput):
        credentials.logout()


# --- no usable keyring -----------------------------------------------------------------------------------

def test_login_without_keyring_fails_before_saving(env, fail_keyring):
    reg, pw = unique(), secret()
    with pytest.raises(EstibaError) as err:
        credentials.login(reg, "alice", pw)
    text = assert_one_line(err.value, pw)
    assert text.startswith("no usable keyring (") and err.value.hint is Hint.NEED_AUTHFILE
    worded = cli_worded(err.value)
    assert "--authfile PATH" in worded and "gnome-keyring" in worded and pw not in worded
    assert not env.logins_json.exists()
    works, status = credentials.keyring_status()
    assert not works and "auth.json" in status


def test_lookup_with_unreadable_keyring(env, real_keyring):
    import keyring
    from keyring.backends import fail

    reg, pw = unique(), secret()
    seed_keyring_login(env, real_keyring, reg, "alice", pw)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the fault cannot be produced otherwise inside this D-Bus session
    try:
        with pytest.raises(EstibaError) as err:  # a stored login that cannot be read is not "anonymous"
            credentials.lookup(reg)
        assert "keyring" in assert_one_line(err.value, pw)
        write_auths(env.config_auth, {reg: ("fallback", "pw-fb")})
        assert credentials.lookup(reg) == ("fallback", "pw-fb")
        assert credentials.get_login(reg) == "alice"  # the user name needs no keyring
    finally:
        keyring.set_keyring(previous)


def _run_without_dbus(env: Env, code: str) -> subprocess.CompletedProcess:
    child = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    child.pop("PYTHON_KEYRING_BACKEND", None)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child, capture_output=True, text=True,
                          timeout=60)


def test_no_dbus_for_real_means_no_keyring(env):
    """The real fault, no mock: a process without a D-Bus session gets keyring's fail backend."""
    reg, pw = unique(), secret()
    code = ("import sys; from engine import credentials as c\n"
            "print(c.keyring_status())\n"
            f"try:\n    c.login({reg!r}, 'alice', {pw!r})\nexcept Exception as e:\n"
            "    from cli.hints import worded\n    print(type(e).__name__, worded(e))\n")
    proc = _run_without_dbus(env, code)
    assert proc.returncode == 0, proc.stderr
    status, error = proc.stdout.splitlines()
    assert status.startswith("(False, ")
    assert error.startswith("EstibaError no usable keyring (") and "--authfile PATH" in error
    assert pw not in proc.stdout + proc.stderr
    assert not env.logins_json.exists()


# --- writing podman's auth.json (only with --authfile) ---------------------------------------------------

def test_write_login_podman_format(env, tmp_path):
    f = tmp_path / "sub" / "auth.json"
    reg, pw = unique(), secret()
    authfile.write_login(f, reg, "alice", pw)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE(f.parent.stat().st_mode) == 0o700
    assert json.loads(f.read_text()) == {"auths": {reg: {"auth": b64("alice", pw)}}}
    assert "\t" in f.read_text()  # podman's indentation
    assert credentials.lookup(reg, authfile=str(f)) == ("alice", pw)


def test_write_login_keeps_other_entries_and_keys(env, tmp_path):
    f = tmp_path / "files" / "auth.json"
    reg = unique()
    write_auths(f, {"quay.io": ("q", "pq"), reg: ("old", "pw-old")}, credHelpers={"x.test": "h"}, future={"a": 1})
    f.chmod(0o644)
    authfile.write_login(f, reg, "new", "pw-new")
    doc = json.loads(f.read_text())
    assert doc["auths"] == {"quay.io": {"auth": b64("q", "pq")}, reg: {"auth": b64("new", "pw-new")}}
    assert doc["credHelpers"] == {"x.test": "h"} and doc["future"] == {"a": 1}
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert [p.name for p in f.parent.iterdir()] == ["auth.json"]  # no temp file left behind


def test_write_login_through_a_symlink_keeps_the_link(env, tmp_path):
    real = tmp_path / "real.json"
    write_auths(real, {"quay.io": ("q", "pq")})
    link = tmp_path / "link.json"
    link.symlink_to(real)
    authfile.write_login(link, "docker.io", "hub", "pw-hub")
    assert link.is_symlink()
    assert set(json.loads(real.read_text())["auths"]) == {"quay.io", "docker.io"}


def test_write_login_refuses_a_corrupt_file(env, tmp_path):
    f = tmp_path / "auth.json"
    f.write_text("[1, 2")
    with pytest.raises(InvalidInput) as err:
        authfile.write_login(f, unique(), "alice", "pw-x")
    assert str(f) in assert_one_line(err.value, "pw-x")
    assert f.read_text() == "[1, 2"


@pytest.mark.interop
@pytest.mark.parametrize("tool", ["skopeo", "podman"])
def test_written_auth_json_is_read_by_skopeo_and_podman(env, tmp_path, tool, request):
    f = tmp_path / "auth.json"
    reg = unique()
    authfile.write_login(f, reg, "alice", secret())
    authfile.write_login(f, "docker.io", "hubuser", secret())
    oracle = request.getfixturevalue(tool)
    assert oracle("login", "--get-login", "--authfile", str(f), reg).stdout.strip() == "alice"
    assert oracle("login", "--get-login", "--authfile", str(f), "docker.io").stdout.strip() == "hubuser"
    missing = oracle("login", "--get-login", "--authfile", str(f), "nobody.test", check=False)
    assert missing.returncode != 0 and "not logged into nobody.test" in missing.stderr
