"""registries.conf as podman reads it, with a REAL docker-registry on loopback standing in for quay.io (the
machine is offline): `pull quay.io/...` goes where [[registry]] sends it, mirrors first; short names go
through [aliases] and unqualified-search-registries; a blocked registry is refused. podman 4.3 runs the same
pulls with the same file, as the oracle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.cli.cli_helpers import assert_one_line_error
from tests.fixtures.images import build_image, make_layer_tar, write_docker_archive

ROOT = Path(__file__).resolve().parents[2]
NAME = "quay.io/josedom24/webserver:v1"


def estiba(store, *args, conf: Path, home: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ESTIBA_STORE",) and not k.startswith("REGISTRY_")}
    env.update(PYTHONPATH=str(ROOT), CONTAINERS_REGISTRIES_CONF=str(conf), HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "cli", "--store", str(store), *map(str, args)], env=env, cwd=ROOT,
                          capture_output=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"estiba {args} failed ({proc.returncode}): {proc.stderr.decode()}")
    return proc


@pytest.fixture
def served(tmp_path, registry):
    """A registry holding josedom24/webserver:v1 (pushed by estiba), and the image."""
    reg = registry("noauth")
    img = build_image([make_layer_tar({"index.html": b"<h1>hi</h1>\n" * 40})], docker=True)
    write_docker_archive(tmp_path / "in.tar", [(img, ["josedom24/webserver:v1"])])
    home = tmp_path / "home"
    (home / ".local" / "share").mkdir(parents=True)
    none = tmp_path / "none.conf"
    none.write_text("")
    estiba(tmp_path / "pusher", "load", "-i", tmp_path / "in.tar", conf=none, home=home)
    estiba(tmp_path / "pusher", "push", "docker.io/josedom24/webserver:v1",
           f"docker://{reg.host}/josedom24/webserver:v1", conf=none, home=home)
    return reg, img, home


def names(store, conf, home) -> dict[str, list[str]]:
    doc = json.loads(estiba(store, "images", "--format", "json", conf=conf, home=home).stdout)
    return {d["Id"]: d.get("Names", []) for d in doc}


@pytest.mark.interop
def test_pull_quay_io_through_registries_conf_like_podman(tmp_path, served, podman):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n')
    estiba(tmp_path / "s", "pull", NAME, conf=conf, home=home)
    assert names(tmp_path / "s", conf, home) == {img.id: [NAME]}  # the name asked for, not the location
    podman.env["CONTAINERS_REGISTRIES_CONF"] = str(conf)
    podman("pull", NAME)
    assert podman("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split() == [NAME]


def test_mirrors_come_first_and_the_dead_location_is_not_needed(tmp_path, served):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text('[[registry]]\nprefix = "quay.io"\nlocation = "127.0.0.1:9"\ninsecure = true\n'
                    f'[[registry.mirror]]\nlocation = "{reg.host}"\ninsecure = true\n')
    estiba(tmp_path / "s", "pull", NAME, conf=conf, home=home)
    assert names(tmp_path / "s", conf, home) == {img.id: [NAME]}


def test_short_names_through_search_registries_and_aliases(tmp_path, served):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text(f'unqualified-search-registries = ["quay.io"]\n[[registry]]\nprefix = "quay.io"\n'
                    f'location = "{reg.host}"\ninsecure = true\n[aliases]\n"web" = "quay.io/josedom24/webserver"\n')
    estiba(tmp_path / "s", "pull", "josedom24/webserver:v1", conf=conf, home=home)
    assert names(tmp_path / "s", conf, home) == {img.id: [NAME]}
    estiba(tmp_path / "s2", "pull", "web:v1", conf=conf, home=home)
    assert names(tmp_path / "s2", conf, home) == {img.id: [NAME]}
    # a short name then finds the local image as podman's does (repository suffix)
    doc = json.loads(estiba(tmp_path / "s2", "inspect", "webserver:v1", conf=conf, home=home).stdout)
    assert doc[0]["Id"] == img.id


def test_no_search_registries_and_blocked_registries_are_clear_errors(tmp_path, served):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = []\n[[registry]]\nprefix = "quay.io"\nblocked = true\n')
    store = tmp_path / "s"
    assert_one_line_error(estiba(store, "pull", "josedom24/webserver:v1", conf=conf, home=home, check=False),
                          "unqualified-search registries")
    assert_one_line_error(estiba(store, "pull", NAME, conf=conf, home=home, check=False), "blocked")
    assert names(store, conf, home) == {}


def test_drop_ins_override_the_main_file(tmp_path, served):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text('[[registry]]\nprefix = "quay.io"\nblocked = true\n')
    drop = home / ".config" / "containers" / "registries.conf.d"
    drop.mkdir(parents=True)
    (drop / "50-quay.conf").write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\n'
                                       'insecure = true\n')
    estiba(tmp_path / "s", "pull", NAME, conf=conf, home=home)
    assert names(tmp_path / "s", conf, home) == {img.id: [NAME]}


def test_push_goes_to_the_registry_location(tmp_path, served, skopeo):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n')
    store = tmp_path / "s"
    estiba(store, "pull", NAME, conf=conf, home=home)
    estiba(store, "tag", NAME, "quay.io/josedom24/webserver:v2", conf=conf, home=home)
    estiba(store, "push", "quay.io/josedom24/webserver:v2", conf=conf, home=home)
    seen = json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{reg.host}/josedom24/webserver:v2").stdout)
    assert seen["Digest"].startswith("sha256:")


def test_enforcing_mode_without_a_terminal_refuses_as_podman(tmp_path, served, podman):
    reg, img, home = served
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = ["127.0.0.1:9", "127.0.0.1:8"]\nshort-name-mode = "enforcing"\n')
    proc = estiba(tmp_path / "s", "pull", "nosuchimg", conf=conf, home=home, check=False)
    assert_one_line_error(proc, "short-name resolution enforced but cannot prompt without a TTY")
    podman.env["CONTAINERS_REGISTRIES_CONF"] = str(conf)
    theirs = podman("pull", "nosuchimg", check=False)
    assert theirs.returncode == 125 and "cannot prompt without a TTY" in theirs.stderr


@pytest.fixture
def mirrored(tmp_path, served, registry):
    """`served` as quay.io's location, and a second REAL registry as its mirror holding another image under the
    same name: which registry a pull went to shows in the image it got."""
    reg, img, home = served
    mirror = registry("noauth")
    other = build_image([make_layer_tar({"index.html": b"<h1>mirror</h1>\n" * 40})], docker=True)
    write_docker_archive(tmp_path / "other.tar", [(other, ["josedom24/webserver:v1"])])
    none = tmp_path / "none.conf"
    estiba(tmp_path / "pusher2", "load", "-i", tmp_path / "other.tar", conf=none, home=home)
    estiba(tmp_path / "pusher2", "push", "docker.io/josedom24/webserver:v1",
           f"docker://{mirror.host}/josedom24/webserver:v1", conf=none, home=home)
    answer = requests.head(f"http://{mirror.host}/v2/josedom24/webserver/manifests/v1", timeout=30, headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json"})
    return reg, mirror, img, other, answer.headers["Docker-Content-Digest"], home


@pytest.mark.interop
@pytest.mark.parametrize("setting", ["mirror-by-digest-only", "pull-from-mirror"])
def test_a_digest_only_mirror_serves_pulls_by_digest_only_like_podman(tmp_path, mirrored, podman, setting):
    reg, mirror, img, other, other_digest, home = mirrored
    conf = tmp_path / "registries.conf"
    registry_key = "mirror-by-digest-only = true\n" if setting == "mirror-by-digest-only" else ""
    mirror_key = 'pull-from-mirror = "digest-only"\n' if setting == "pull-from-mirror" else ""
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n{registry_key}'
                    f'[[registry.mirror]]\nlocation = "{mirror.host}"\ninsecure = true\n{mirror_key}')
    store = tmp_path / "s"
    estiba(store, "pull", NAME, conf=conf, home=home)  # by tag: the mirror is skipped
    assert names(store, conf, home) == {img.id: [NAME]}
    by_digest = f"quay.io/josedom24/webserver@{other_digest}"  # only the mirror has it
    pulled = estiba(store, "pull", by_digest, conf=conf, home=home)
    assert pulled.stdout.decode().split() == [other.id]
    podman.env["CONTAINERS_REGISTRIES_CONF"] = str(conf)
    podman("pull", NAME)
    assert podman("images", "--format", "{{.ID}}", "--no-trunc").stdout.split() == [f"sha256:{img.id}"]
    podman("pull", by_digest)


def test_a_mirror_without_the_setting_still_comes_first_for_a_tag(tmp_path, mirrored):
    reg, mirror, img, other, other_digest, home = mirrored
    conf = tmp_path / "registries.conf"
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\ninsecure = true\n'
                    f'[[registry.mirror]]\nlocation = "{mirror.host}"\ninsecure = true\n')
    estiba(tmp_path / "s", "pull", NAME, conf=conf, home=home)
    assert names(tmp_path / "s", conf, home) == {other.id: [NAME]}


def test_both_digest_settings_at_once_is_a_clear_error(tmp_path, mirrored):
    reg, mirror, img, other, other_digest, home = mirrored
    conf = tmp_path / "registries.conf"
    conf.write_text(f'[[registry]]\nprefix = "quay.io"\nlocation = "{reg.host}"\nmirror-by-digest-only = true\n'
                    f'[[registry.mirror]]\nlocation = "{mirror.host}"\npull-from-mirror = "tag-only"\n')
    assert_one_line_error(estiba(tmp_path / "s", "pull", NAME, conf=conf, home=home, check=False),
                          "mirror-by-digest-only")
