"""login / logout / push / pull through the REAL `estiba` command (a subprocess) against a REAL docker-registry
(tests/registry/conftest.py: htpasswd Basic auth, Bearer token auth, no auth), with skopeo as the oracle of what
the registry holds and `estiba images` / `inspect` as the view of the store.

The child process gets the test's HOME / XDG_* / REGISTRY_AUTH_FILE (the `env` fixture of test_credentials.py)
and the D-Bus session of tests/run.sh, so its logins go to the same gnome-keyring Secret Service that this
process reads through `keyring`: every login is checked from both sides, and deleted afterwards (`logged_out`).
Registries are named `localhost:PORT`, as in podman's course (the fixture's registry listens on 127.0.0.1).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.cli_helpers import assert_one_line_error, snapshot
from tests.fixtures.images import build_image, make_layer_tar, write_docker_archive, write_oci_archive
from tests.registry.test_credentials import (  # noqa: F401 - env and real_keyring are fixtures
    Env,
    env,
    real_keyring,
)
from tests.registry.test_login import (  # noqa: F401 - logged_out is a fixture
    files_holding,
    keyring_secret,
    logged_out,
    secret_forms,
)

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).with_name("estiba")  # the installed `estiba` entry point of the venv
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
WRONG = "wrong-Pa55word-cli"


# --- running estiba -------------------------------------------------------------------------------------


def estiba(store: Path, *args, input_bytes: bytes | None = None, cwd: Path | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """The real `estiba` command with this test's environment: HOME/XDG/REGISTRY_AUTH_FILE as the `env`
    fixture set them and DBUS_SESSION_BUS_ADDRESS of tests/run.sh (the keyring the test process sees).
    Standard input is empty unless `input_bytes` is given, so nothing can prompt."""
    argv = [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.exists() else [sys.executable, "-m", "cli"]
    child = {k: v for k, v in os.environ.items() if k not in ("ESTIBA_STORE", "ESTIBA_DEBUG")}
    child["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([*argv, "--store", str(store), *map(str, args)], capture_output=True, env=child,
                          input=input_bytes, stdin=None if input_bytes is not None else subprocess.DEVNULL,
                          cwd=cwd or ROOT, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"estiba {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout.decode()}\n{proc.stderr.decode()}")
    return proc


def out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode()


def localhost(reg) -> str:
    """`localhost:PORT` for the fixture's `127.0.0.1:PORT`."""
    return "localhost:" + reg.host.rsplit(":", 1)[1]


def images_json(store: Path) -> list[dict]:
    return json.loads(out(estiba(store, "images", "--format", "json")))


def ids_and_names(store: Path) -> dict[str, list[str]]:
    return {d["Id"]: d.get("Names", []) for d in images_json(store)}


def not_logged_in(store: Path, host: str, *extra) -> None:
    proc = estiba(store, "login", "--get-login", *extra, host, check=False)
    assert assert_one_line_error(proc) == f"Error: not logged into {host}"
    assert proc.stdout == b""


def private_dirs(e: Env, store: Path) -> list[Path]:
    return [e.home, e.runtime, e.registry_auth_file.parent, store]


def small_image(seed: int, *, docker: bool = False):
    return build_image([make_layer_tar({f"srv/www/index{seed}.html": f"<h1>web {seed}</h1>\n".encode() * 20}),
                        make_layer_tar({f"etc/seed{seed}": f"{seed}\n".encode()})],
                       docker=docker, labels={"seed": str(seed)})


# --- the registry as skopeo sees it ---------------------------------------------------------------------


def creds_args(reg) -> list[str]:
    return ["--creds", "{}:{}".format(*reg.creds)] if reg.creds else []


def raw_manifest(skopeo, ref: str, auth: list[str]) -> bytes:
    """The manifest bytes as the registry serves them (the skopeo fixture decodes text: not byte-exact)."""
    proc = subprocess.run(skopeo.argv("inspect", "--raw", "--tls-verify=false", *auth, f"docker://{ref}"),
                          env=skopeo.env, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def manifest_of(skopeo, ref: str, auth: list[str]) -> dict:
    return json.loads(raw_manifest(skopeo, ref, auth))


def absent(skopeo, ref: str, reg) -> bool:
    """True when the registry (asked with the right credentials, if any) has no such manifest."""
    auth = creds_args(reg) if reg is not None else []
    proc = skopeo("inspect", "--raw", "--tls-verify=false", *auth, f"docker://{ref}", check=False)
    return proc.returncode != 0 and "manifest unknown" in proc.stderr.lower()


# --- 1. login / --get-login / logout with the keyring ---------------------------------------------------


@pytest.mark.parametrize("mode", ["htpasswd", "token"])
def test_login_get_login_logout(env, logged_out, registry, tmp_path, mode):  # noqa: F811
    reg = registry(mode)
    host = localhost(reg)
    user, password = reg.creds
    logged_out.append(host)
    store = tmp_path / "store"
    not_logged_in(store, host)

    # a wrong password: one line naming the failure and the registry, nothing saved anywhere
    proc = estiba(store, "login", "-u", user, "-p", WRONG, host, check=False)
    line = assert_one_line_error(proc, "unauthorized", host)
    assert WRONG not in line and proc.stdout == b""
    not_logged_in(store, host)
    assert keyring_secret(host) is None and not env.logins_json.exists()
    assert files_holding(private_dirs(env, store), secret_forms(user, WRONG)) == []

    proc = estiba(store, "login", "-u", user, "-p", password, host)
    assert out(proc) == "Login Succeeded!\n" and proc.stderr == b""
    assert out(estiba(store, "login", "--get-login", host)) == f"{user}\n"
    # the secret is in the Secret Service this test process reads, the user name alone in logins.json
    assert keyring_secret(host) == password
    assert json.loads(env.logins_json.read_text()) == {"logins": {host: {"username": user}}}
    assert files_holding(private_dirs(env, store), secret_forms(user, password)) == []

    proc = estiba(store, "logout", host)
    assert out(proc) == f"Removed login credentials for {host}\n"
    not_logged_in(store, host)
    assert keyring_secret(host) is None
    assert json.loads(env.logins_json.read_text()) == {"logins": {}}
    # podman's answer for a registry with no login
    proc = estiba(store, "logout", host, check=False)
    assert assert_one_line_error(proc) == f"Error: not logged into {host}"


def test_failed_login_keeps_the_previous_one(env, logged_out, registry, tmp_path):  # noqa: F811
    reg = registry("htpasswd")
    host = localhost(reg)
    logged_out.append(host)
    store = tmp_path / "store"
    estiba(store, "login", "-u", "alice", "-p", "s3cret", host)
    assert_one_line_error(estiba(store, "login", "-u", "bob", "-p", WRONG, host, check=False), "unauthorized")
    assert out(estiba(store, "login", "--get-login", host)) == "alice\n"
    assert keyring_secret(host) == "s3cret"


# --- 2. --password-stdin, and the refusals before any network -------------------------------------------


def test_password_stdin(env, logged_out, registry, tmp_path):  # noqa: F811
    reg = registry("token", anonymous_pull=False)
    host = localhost(reg)
    user, password = reg.creds
    logged_out.append(host)
    store = tmp_path / "store"

    proc = estiba(store, "login", "-u", user, "-p", password, "--password-stdin", host,
                  input_bytes=password.encode() + b"\n", check=False)
    assert assert_one_line_error(proc) == "Error: --password and --password-stdin cannot be used together"
    proc = estiba(store, "login", "--password-stdin", host, input_bytes=password.encode() + b"\n", check=False)
    assert assert_one_line_error(proc) == "Error: --password-stdin needs --username"
    # no terminal to prompt on: podman would ask; here it says what to pass
    proc = estiba(store, "login", "-u", user, host, check=False)
    assert assert_one_line_error(proc) == "Error: no password: pass -p PASSWORD or --password-stdin"
    proc = estiba(store, "login", "-p", password, host, check=False)
    assert_one_line_error(proc, "no user name", "-u")
    not_logged_in(store, host)
    assert keyring_secret(host) is None

    proc = estiba(store, "login", "-u", user, "--password-stdin", host, input_bytes=WRONG.encode() + b"\n",
                  check=False)
    assert_one_line_error(proc, "unauthorized", host)
    not_logged_in(store, host)

    proc = estiba(store, "login", "-u", user, "--password-stdin", host, input_bytes=password.encode() + b"\n")
    assert out(proc) == "Login Succeeded!\n"
    assert out(estiba(store, "login", "--get-login", host)) == f"{user}\n"
    assert keyring_secret(host) == password  # the line break that ends the piped password is not part of it


# --- 3. logout --all -------------------------------------------------------------------------------------


def test_logout_all_removes_every_login(env, logged_out, registry, tmp_path):  # noqa: F811
    basic, token = registry("htpasswd"), registry("token")
    hosts = [localhost(basic), localhost(token)]
    logged_out.extend(hosts)
    store = tmp_path / "store"
    for host in hosts:
        estiba(store, "login", "-u", "alice", "-p", "s3cret", host)
    assert [out(estiba(store, "login", "--get-login", h)) for h in hosts] == ["alice\n", "alice\n"]

    proc = estiba(store, "logout", check=False)
    assert assert_one_line_error(proc) == "Error: name a registry to log out of, or use --all"
    proc = estiba(store, "logout", "--all")
    assert out(proc) == "Removed login credentials for all registries\n"
    for host in hosts:
        not_logged_in(store, host)
        assert keyring_secret(host) is None
    assert json.loads(env.logins_json.read_text()) == {"logins": {}}
    # as podman: --all with nothing stored is not an error
    assert out(estiba(store, "logout", "-a")) == "Removed login credentials for all registries\n"


# --- 4. --authfile: podman's auth.json instead of the keyring -------------------------------------------


@pytest.mark.interop
def test_authfile_login_push_logout(env, logged_out, registry, tmp_path, skopeo):  # noqa: F811
    reg = registry("htpasswd")
    host = localhost(reg)
    logged_out.append(host)
    store = tmp_path / "store"
    auth = tmp_path / "logins" / "auth.json"
    img = small_image(1)
    write_oci_archive(tmp_path / "img.tar", [(img, "docker.io/library/web:1", None)])
    estiba(store, "load", "-i", tmp_path / "img.tar")

    proc = estiba(store, "login", "--authfile", auth, "-u", "alice", "-p", "s3cret", host)
    assert out(proc) == "Login Succeeded!\n"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    assert list(json.loads(auth.read_text())["auths"]) == [host]
    assert out(estiba(store, "login", "--get-login", "--authfile", auth, host)) == "alice\n"
    # the authfile INSTEAD of the keyring
    not_logged_in(store, host)
    assert keyring_secret(host) is None and not env.logins_json.exists()

    # a push that reads its credentials from that file; skopeo reads the private image with the same file
    estiba(store, "push", "--authfile", auth, "web:1", f"{host}/alice/web:1")
    seen = skopeo("inspect", "--tls-verify=false", "--authfile", auth, f"docker://{host}/alice/web:1")
    assert json.loads(seen.stdout)["Labels"] == {"seed": "1"}
    assert json.loads(seen.stdout)["Digest"] == img.manifest_digest

    proc = estiba(store, "logout", "--authfile", auth, host)
    assert out(proc) == f"Removed login credentials for {host}\n"
    assert json.loads(auth.read_text())["auths"] == {}
    not_logged_in(store, host, "--authfile", auth)
    denied = skopeo("inspect", "--tls-verify=false", "--authfile", auth, f"docker://{host}/alice/web:1",
                    check=False)
    assert denied.returncode != 0 and "unauthorized" in denied.stderr.lower(), denied.stderr
    proc = estiba(store, "logout", "--authfile", auth, host, check=False)
    assert assert_one_line_error(proc) == f"Error: not logged into {host}"


# --- 5. push / pull through the CLI with a keyring login ------------------------------------------------


@pytest.mark.interop
@pytest.mark.parametrize("mode", ["htpasswd", "token"])
def test_push_pull_round_trip_with_login(env, logged_out, registry, tmp_path, skopeo, mode):  # noqa: F811
    reg = registry(mode, anonymous_pull=False)  # neither mode lets anonymous callers pull
    host = localhost(reg)
    logged_out.append(host)
    work, store = tmp_path / "course", tmp_path / "store"
    work.mkdir()
    img = small_image(2)
    write_oci_archive(work / "alpine3.tar", [(img, "docker.io/library/alpine:3", None)])

    # the podman course's form: a relative oci-archive path, in the current directory
    proc = estiba(store, "pull", "oci-archive:alpine3.tar", cwd=work)
    assert out(proc) == f"{img.id}\n"
    estiba(store, "tag", "alpine:3", f"{host}/josedom24/webserver:v1")
    assert ids_and_names(store) == {img.id: ["docker.io/library/alpine:3", f"{host}/josedom24/webserver:v1"]}

    # not logged in: refused with one line naming the registry, nothing written to the registry
    proc = estiba(store, "push", f"{host}/josedom24/webserver:v1", check=False)
    assert_one_line_error(proc, "unauthorized", "authentication required", f"log in to {host} first")
    assert absent(skopeo, f"{host}/josedom24/webserver:v1", reg)

    assert out(estiba(store, "login", "-u", "alice", "-p", "s3cret", host)) == "Login Succeeded!\n"
    # no destination: to the image's own name, as podman
    proc = estiba(store, "push", f"{host}/josedom24/webserver:v1")
    assert proc.stdout == b""
    # a destination with and without the docker:// transport
    estiba(store, "push", "alpine:3", f"docker://{host}/other:v2")
    estiba(store, "push", "alpine:3", f"{host}/other:v3")
    auth = creds_args(reg)
    for ref in (f"{host}/josedom24/webserver:v1", f"{host}/other:v2", f"{host}/other:v3"):
        raw = raw_manifest(skopeo, ref, auth)
        assert raw == img.manifest  # an OCI image is pushed as is: same manifest bytes, same digest
        assert json.loads(raw)["config"]["digest"] == f"sha256:{img.id}"
    seen = json.loads(skopeo("inspect", "--tls-verify=false", *auth,
                             f"docker://{host}/josedom24/webserver:v1").stdout)
    digest = seen["Digest"]
    assert digest == "sha256:" + hashlib.sha256(img.manifest).hexdigest()
    assert seen["Labels"] == {"seed": "2"}
    assert json.loads(out(estiba(store, "inspect", "alpine:3")))[0]["Id"] == img.id

    # a fresh store pulls it back by tag and by digest: the same image ID
    fresh = tmp_path / "fresh"
    assert out(estiba(fresh, "pull", f"{host}/josedom24/webserver:v1")) == f"{img.id}\n"
    assert ids_and_names(fresh) == {img.id: [f"{host}/josedom24/webserver:v1"]}
    by_digest = tmp_path / "by-digest"
    assert out(estiba(by_digest, "pull", f"{host}/josedom24/webserver@{digest}")) == f"{img.id}\n"
    [record] = images_json(by_digest)
    assert record["Id"] == img.id and record["Digest"] == digest
    assert "Names" not in record  # as podman: a pull by digest adds no tag (and an empty Names is omitted)
    inspected = json.loads(out(estiba(by_digest, "inspect", img.id)))[0]
    assert inspected["Labels"] == {"seed": "2"} and inspected["ManifestType"] == OCI_MANIFEST
    assert "consistent" in out(estiba(by_digest, "check"))

    # logged out again: a pull is refused with one line, and the store is left as it was
    estiba(store, "logout", host)
    before = snapshot(fresh)
    proc = estiba(fresh, "pull", f"{host}/other:v2", check=False)
    assert_one_line_error(proc, "unauthorized", "authentication required", f"log in to {host} first")
    assert snapshot(fresh) == before
    proc = estiba(store, "push", "alpine:3", f"{host}/other:v4", check=False)
    assert_one_line_error(proc, f"log in to {host} first")
    assert absent(skopeo, f"{host}/other:v4", reg)


# --- 6. --creds, --tls-verify, --retry-times -------------------------------------------------------------


@pytest.mark.interop
def test_creds_tls_verify_and_retry_flags(env, registry, tmp_path, skopeo):  # noqa: F811
    reg = registry("htpasswd")
    host = localhost(reg)
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    img = small_image(3)
    write_oci_archive(tmp_path / "img.tar", [(img, f"{host}/alice/creds:1", None)])
    estiba(store, "load", "-i", tmp_path / "img.tar")
    not_logged_in(store, host)  # no login anywhere: the flags alone carry the credentials

    proc = estiba(store, "push", "--creds", f"alice:{WRONG}", f"{host}/alice/creds:1", check=False)
    line = assert_one_line_error(proc, "unauthorized", host)
    assert WRONG not in line
    proc = estiba(store, "push", "--creds", "alice", f"{host}/alice/creds:1", check=False)
    assert assert_one_line_error(proc) == "Error: --creds takes USER:PASSWORD"
    assert absent(skopeo, f"{host}/alice/creds:1", reg)

    estiba(store, "push", "--creds", "alice:s3cret", "--tls-verify=false", "--retry-times", "0",
           f"{host}/alice/creds:1")
    estiba(store, "push", "--creds=alice:s3cret", "--tls-verify", "false", "--retry-times=0", "-q",
           f"{host}/alice/creds:1", f"docker://{host}/alice/creds:2")
    for tag in ("1", "2"):
        assert raw_manifest(skopeo, f"{host}/alice/creds:{tag}", creds_args(reg)) == img.manifest

    proc = estiba(fresh, "pull", "--creds", "alice:s3cret", "--tls-verify=false", "--retry-times", "0",
                  f"{host}/alice/creds:2")
    assert out(proc) == f"{img.id}\n"
    assert ids_and_names(fresh) == {img.id: [f"{host}/alice/creds:2"]}
    before = snapshot(fresh)
    proc = estiba(fresh, "pull", "--creds", "bob:s3cret", "--retry-times", "0", f"{host}/alice/creds:1", check=False)
    assert_one_line_error(proc, "unauthorized", host)
    assert snapshot(fresh) == before
    not_logged_in(store, host)  # --creds is used for one command, never stored
    assert files_holding(private_dirs(env, store) + [fresh], secret_forms("alice", "s3cret")) == []


# --- 7. push --format -----------------------------------------------------------------------------------

DOCKER_IMG = small_image(4, docker=True)
OCI_IMG = small_image(5)


@pytest.fixture
def format_registry(env, registry, tmp_path):  # noqa: F811
    """(store, host) with a Docker schema 2 image `web:4` (as `docker save` writes it) and an OCI image `web:5`
    in the store, and a registry without auth (the format is independent of auth)."""
    reg = registry("noauth")
    store = tmp_path / "store"
    write_docker_archive(tmp_path / "d.tar", [(DOCKER_IMG, ["web:4"])])
    write_oci_archive(tmp_path / "o.tar", [(OCI_IMG, "docker.io/library/web:5", None)])
    assert out(estiba(store, "load", "-i", tmp_path / "d.tar")) == "Loaded image: docker.io/library/web:4\n"
    assert out(estiba(store, "load", "-i", tmp_path / "o.tar")) == "Loaded image: docker.io/library/web:5\n"
    return store, localhost(reg)


@pytest.mark.interop
def test_push_format_v2s2_and_default(format_registry, skopeo):
    store, host = format_registry
    estiba(store, "push", "web:4", f"{host}/fmt/docker:kept")
    estiba(store, "push", "--format=v2s2", "web:4", f"{host}/fmt/docker:v2s2")
    estiba(store, "push", "web:5", f"{host}/fmt/oci:kept")
    estiba(store, "push", "--format", "v2s2", "web:5", f"{host}/fmt/oci:v2s2")
    estiba(store, "push", "--format", "oci", "web:5", f"{host}/fmt/oci:oci")
    seen = {ref: manifest_of(skopeo, f"{host}/fmt/{ref}", [])
            for ref in ("docker:kept", "docker:v2s2", "oci:kept", "oci:v2s2", "oci:oci")}
    for ref in ("docker:kept", "docker:v2s2", "oci:v2s2"):
        assert seen[ref]["mediaType"] == DOCKER_MANIFEST and seen[ref]["config"]["mediaType"] == DOCKER_CONFIG, ref
        assert all(x["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"
                   for x in seen[ref]["layers"]), ref
    for ref in ("oci:kept", "oci:oci"):
        assert seen[ref]["mediaType"] == OCI_MANIFEST and seen[ref]["config"]["mediaType"] == OCI_CONFIG, ref
    # the config (the image ID) is the same bytes in every form
    assert {seen[r]["config"]["digest"] for r in ("docker:kept", "docker:v2s2")} == {f"sha256:{DOCKER_IMG.id}"}
    assert {seen[r]["config"]["digest"] for r in ("oci:kept", "oci:v2s2", "oci:oci")} == {f"sha256:{OCI_IMG.id}"}

    proc = estiba(store, "push", "--format", "v2s1", "web:5", f"{host}/fmt/oci:bad", check=False)
    assert proc.returncode != 0 and b"invalid choice" in proc.stderr
    assert absent(skopeo, f"{host}/fmt/oci:bad", None)


@pytest.mark.interop
def test_push_format_oci_converts_a_docker_image(format_registry, skopeo):
    store, host = format_registry
    estiba(store, "push", "--format", "oci", "web:4", f"{host}/fmt/docker:oci")
    oci = manifest_of(skopeo, f"{host}/fmt/docker:oci", [])
    assert oci["mediaType"] == OCI_MANIFEST and oci["config"]["mediaType"] == OCI_CONFIG
    assert all(x["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip" for x in oci["layers"])
    assert oci["config"]["digest"] == f"sha256:{DOCKER_IMG.id}"


@pytest.mark.interop
def test_copy_format_converts_registry_to_registry(format_registry, skopeo):
    """`copy --format` like skopeo's: a Docker image copied from one repository to another as OCI."""
    store, host = format_registry
    estiba(store, "push", "web:4", f"{host}/fmt/src:d")
    estiba(store, "copy", "--format", "oci", f"docker://{host}/fmt/src:d", f"docker://{host}/fmt/dst:oci")
    converted = manifest_of(skopeo, f"{host}/fmt/dst:oci", [])
    original = manifest_of(skopeo, f"{host}/fmt/src:d", [])
    assert original["mediaType"] == DOCKER_MANIFEST and converted["mediaType"] == OCI_MANIFEST
    assert converted["config"]["digest"] == original["config"]["digest"]  # same image ID
