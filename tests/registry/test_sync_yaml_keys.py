"""A sync YAML's `images-by-semver` and `cert-dir` (engine/sync_plan.py, engine/semver.py) against REAL
docker-registry processes, with skopeo's meanings.

images-by-semver: skopeo sync parses each tag with Masterminds/semver v3 and keeps those its constraint
accepts. The skopeo of this machine (Debian's 1.9.3) predates the key (skopeo 1.15) and silently ignores it, so
the expected selections here are Masterminds/semver's documented semantics (the library skopeo calls; its own
TestConstraintsCheck table agrees with engine/semver.py on all 126 rows); where the installed skopeo knows the
key (1.15 or later), its sync of the same file is compared too.

cert-dir: a registry served over TLS with a CA made in the test; skopeo sync reading the same YAML is the
oracle (it has had cert-dir since its first sync).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from engine.errors import InvalidInput
from engine.semver import Constraint
from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.registry.test_sync import fill, tree

TAGS = ["1.0.0", "v1.2", "1.2.3", "1.3.0-rc.1", "1.10.0", "2.0.0", "2.1", "3", "latest", "stable-1.2"]


def skopeo_knows_semver() -> bool:
    out = subprocess.run(["skopeo", "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"(\d+)\.(\d+)", out)
    return found is not None and (int(found.group(1)), int(found.group(2))) >= (1, 15)


@pytest.mark.parametrize(("constraint", "expected"), [
    (">= 1.2, < 2", ["v1.2", "1.2.3", "1.10.0"]),  # the pre-release 1.3.0-rc.1 is left out
    ("~1.2", ["v1.2", "1.2.3"]),
    ("^2 || 3.x", ["2.0.0", "2.1", "3"]),
    (">= 1.3.0-rc.0, < 1.4", ["1.3.0-rc.1"]),  # a group naming a pre-release takes pre-releases
    ("1.0.0 - 1.2", ["1.0.0", "v1.2", "1.2.3"]),
])
def test_semver_selection_matches_masterminds_semver(constraint, expected):
    assert Constraint(constraint).matching(TAGS) == expected


def test_images_by_semver_syncs_the_matching_tags(registry, tmp_path):
    src = registry()
    built = fill(src, tmp_path, {"team/app": TAGS, "team/lib": ["0.9.0", "1.0.0", "1.1.0"]})
    spec = tmp_path / "sync.yml"
    spec.write_text(f"""{src.host}:
  images-by-semver:
    team/app: ">= 1.2, < 2"
    team/lib: "^1"
  images:
    team/app:
      - latest
  tls-verify: false
""")
    ours = tmp_path / "ours"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, ours)
    assert "6 copied" in proc.stderr.decode()
    assert sorted(p.name for p in ours.iterdir()) == sorted(
        ["app:latest", "app:v1.2", "app:1.2.3", "app:1.10.0", "lib:1.0.0", "lib:1.1.0"])
    digest = subprocess.run(["skopeo", "inspect", "--format", "{{.Digest}}", f"dir:{ours / 'app:1.10.0'}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert digest == built["team/app:1.10.0"].manifest_digest
    if skopeo_knows_semver():
        theirs = tmp_path / "theirs"
        subprocess.run(["skopeo", "sync", "--src", "yaml", "--dest", "dir", str(spec), str(theirs)], check=True,
                       capture_output=True)
        assert tree(ours) == tree(theirs)


def test_a_bad_semver_constraint_is_one_line_before_anything_is_copied(registry, tmp_path):
    src = registry()
    fill(src, tmp_path, {"team/app": ["1.0.0"]})
    spec = tmp_path / "s.yml"
    spec.write_text(f"{src.host}:\n  images-by-semver:\n    team/app: '>= one'\n")
    out = tmp_path / "o"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, out, check=False)
    assert_one_line_error(proc, "team/app", "'>= one'", "not a semantic-version constraint")
    assert not out.exists()
    with pytest.raises(InvalidInput):
        Constraint("")


def _ca_only(reg, folder):
    folder.mkdir()
    shutil.copy(reg.ca, folder / "ca.crt")  # the CA alone: the server's key stays with the server
    return folder


def test_cert_dir_trusts_the_registrys_ca_as_skopeo_does(registry, tmp_path):
    reg = registry(tls=True)
    built = fill(reg, tmp_path, {"team/app": ["v1"]})
    certs = _ca_only(reg, tmp_path / "certs")
    spec = tmp_path / "sync.yml"
    body = f"{reg.host}:\n  images:\n    team/app: [v1]\n  tls-verify: true\n"

    spec.write_text(body)  # verified TLS and no CA: both refuse the registry's certificate
    refused = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, tmp_path / "no", check=False)
    assert refused.returncode != 0 and "certificate" in refused.stderr.decode().lower()
    assert "Traceback" not in refused.stderr.decode()
    sk = subprocess.run(["skopeo", "sync", "--src", "yaml", "--dest", "dir", str(spec), str(tmp_path / "skno")],
                        capture_output=True, text=True, check=False)
    assert sk.returncode != 0 and "certificate" in sk.stderr.lower()

    spec.write_text(body + f"  cert-dir: {certs}\n")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, ours)
    assert "1 copied" in proc.stderr.decode()
    subprocess.run(["skopeo", "sync", "--src", "yaml", "--dest", "dir", str(spec), str(theirs)], check=True,
                   capture_output=True)
    assert tree(ours) == tree(theirs)
    digest = subprocess.run(["skopeo", "inspect", "--format", "{{.Digest}}", f"dir:{ours / 'app:v1'}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert digest == built["team/app:v1"].manifest_digest


def test_cert_dir_of_a_whole_repository_listing_and_a_missing_folder(registry, tmp_path):
    reg = registry(tls=True)
    fill(reg, tmp_path, {"team/app": ["v1", "v2"]})
    certs = _ca_only(reg, tmp_path / "certs")
    spec = tmp_path / "sync.yml"
    spec.write_text(f"{reg.host}:\n  images:\n    team/app: []\n  tls-verify: true\n  cert-dir: {certs}\n")
    ours = tmp_path / "ours"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, ours)  # the tag list too
    assert "2 copied" in proc.stderr.decode()
    spec.write_text(f"{reg.host}:\n  images:\n    team/app: [v1]\n  cert-dir: {tmp_path / 'nowhere'}\n")
    out = tmp_path / "o"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", spec, out, check=False)
    assert_one_line_error(proc, "cert-dir", "nowhere", "no such folder")
    assert not out.exists()


def test_yaml_without_credentials_uses_the_command_lines_as_skopeo(registry, tmp_path):
    """skopeo keeps --src-creds for a registry whose entry has no credentials of its own (and, since 2025,
    --src-tls-verify where it has no tls-verify; the skopeo here is older, so the file sets that one)."""
    src = registry("htpasswd")
    fill(src, tmp_path, {"team/app": ["1.0.0", "2.0.0"]})
    spec = tmp_path / "sync.yml"
    spec.write_text(f"{src.host}:\n  images-by-semver:\n    team/app: '^2'\n  tls-verify: false\n")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    proc = estiba(tmp_path / "store", "sync", "--src", "yaml", "--dest", "dir", "--src-creds", "alice:s3cret",
                  spec, ours)
    assert "1 copied" in proc.stderr.decode()
    assert [p.name for p in ours.iterdir()] == ["app:2.0.0"]
    spec.write_text(f"{src.host}:\n  images:\n    team/app: ['2.0.0']\n  tls-verify: false\n")  # keys it knows
    subprocess.run(["skopeo", "sync", "--src", "yaml", "--dest", "dir", "--src-creds", "alice:s3cret", str(spec),
                    str(theirs)], check=True, capture_output=True)
    assert tree(ours) == tree(theirs)


def test_dest_cert_dir_verifies_a_tls_destination_as_skopeo(registry, tmp_path):
    src, dst = registry(), registry(tls=True)
    fill(src, tmp_path, {"team/app": ["v1"]})
    certs = _ca_only(dst, tmp_path / "certs")
    ours = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", "--dest-tls-verify=true",
                  "--dest-cert-dir", certs, src.ref("team/app"), dst.ref("ours"))
    assert "1 copied" in ours.stderr.decode()
    subprocess.run(["skopeo", "sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false",
                    "--dest-tls-verify=true", "--dest-cert-dir", str(certs), src.ref("team/app"), dst.ref("sk")],
                   check=True, capture_output=True)
    unverified = estiba(tmp_path / "store", "sync", "--src", "docker", "--dest", "docker", "--dest-tls-verify=true",
                        src.ref("team/app"), dst.ref("none"), check=False)
    assert unverified.returncode == 125 and "certificate" in unverified.stderr.decode().lower()
    inspect = ["skopeo", "inspect", "--cert-dir", str(certs), "--format", "{{.Digest}}"]
    digests = {repo: subprocess.run([*inspect, f"docker://{dst.ref(repo + '/app:v1')}"], capture_output=True,
                                    text=True, check=True).stdout for repo in ("ours", "sk")}
    assert digests["ours"] == digests["sk"]
