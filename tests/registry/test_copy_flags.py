"""`estiba copy` with skopeo's per-side flags through the real command, against REAL docker-registry processes
(htpasswd, TLS with a test CA, no auth), with skopeo as the oracle of what the destination holds."""

from __future__ import annotations

import json
import subprocess

from tests.cli.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import write_oci_layout
from tests.registry.conftest import build_test_image, push


def skopeo_raw(ref: str) -> subprocess.CompletedProcess:
    return subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", "alice:s3cret", ref],
                          capture_output=True, timeout=60, check=False)


def seed(reg, ref: str, tmp_path, *, compression: str = "gzip", index: bool = False):
    from engine.formats import oci_layout

    path = tmp_path / f"seed-{ref.replace('/', '_')}"
    if index:
        imgs = [build_test_image(1), build_test_image(2, arch="arm64")]
        write_oci_layout(path, [], index_of=imgs, index_ref="x")
    else:
        imgs = [build_test_image(1, compression=compression)]
        write_oci_layout(path, [(imgs[0], "x", None)])
    with oci_layout.open_layout_source(str(path), "x") as src:
        push(src, reg.ref(ref), reg.creds, all_platforms=index, compress="none")
    return imgs


def test_each_side_has_its_own_credentials(registry, tmp_path):
    src, dst = registry("htpasswd"), registry("htpasswd")
    img = seed(src, "alice/app:v1", tmp_path)[0]
    argv = ["copy", f"docker://{src.ref('alice/app:v1')}", f"docker://{dst.ref('bob/app:v1')}",
            "--src-creds", "alice:s3cret"]
    bad = estiba(tmp_path / "store", *argv, "--dest-creds", "bob:wrong", check=False)
    assert_one_line_error(bad, "unauthorized", dst.host)
    assert skopeo_raw(f"docker://{dst.ref('bob/app:v1')}").returncode != 0  # nothing at the destination
    estiba(tmp_path / "store", *argv, "--dest-creds", "bob:hunter2")
    assert skopeo_raw(f"docker://{dst.ref('bob/app:v1')}").stdout == img.manifest


def test_src_tls_verify_is_per_side(registry, tmp_path):
    src, dst = registry(tls=True), registry()
    seed(src, "a/app:v1", tmp_path)
    argv = ["copy", f"docker://{src.ref('a/app:v1')}", f"docker://{dst.ref('a/app:v1')}"]
    refused = estiba(tmp_path / "store", *argv, "--src-tls-verify=true", check=False)
    assert_one_line_error(refused, "certificate verify failed")
    estiba(tmp_path / "store", *argv, "--src-tls-verify=false", "--dest-tls-verify=false")
    assert skopeo_raw(f"docker://{dst.ref('a/app:v1')}").returncode == 0


def test_all_copies_the_index_as_it_is(registry, tmp_path):
    src, dst = registry(), registry()
    seed(src, "m/idx:v1", tmp_path, index=True)
    for flag in ("--all", "--multi-arch"):
        estiba(tmp_path / "store", "copy", flag, f"docker://{src.ref('m/idx:v1')}",
               f"docker://{dst.ref('m/idx' + flag.replace('-', '_'))}")
        theirs = skopeo_raw(f"docker://{src.ref('m/idx:v1')}").stdout
        ours = skopeo_raw(f"docker://{dst.ref('m/idx' + flag.replace('-', '_'))}").stdout
        assert ours == theirs and json.loads(ours)["mediaType"].endswith("index.v1+json")


def test_preserve_digests_refuses_a_conversion_and_writes_nothing(registry, tmp_path):
    src, dst = registry(), registry()
    seed(src, "a/plain:v1", tmp_path, compression="none")  # uncompressed layers: a registry push gzips them
    proc = estiba(tmp_path / "store", "copy", "--preserve-digests", f"docker://{src.ref('a/plain:v1')}",
                  f"docker://{dst.ref('a/plain:v1')}", check=False)
    assert_one_line_error(proc, "keeping the digests", "would change a manifest", "nothing was written")
    assert skopeo_raw(f"docker://{dst.ref('a/plain:v1')}").returncode != 0
    img = seed(src, "a/gz:v1", tmp_path)[0]
    estiba(tmp_path / "store", "copy", "--preserve-digests", f"docker://{src.ref('a/gz:v1')}",
           f"docker://{dst.ref('a/gz:v1')}")
    assert skopeo_raw(f"docker://{dst.ref('a/gz:v1')}").stdout == img.manifest
    both = estiba(tmp_path / "store", "copy", "--preserve-digests", "--format", "v2s2",
                  f"docker://{src.ref('a/gz:v1')}", f"docker://{dst.ref('a/gz:v2')}", check=False)
    assert_one_line_error(both, "--preserve-digests")


def test_dest_compress_format(registry, tmp_path):
    src = registry()
    seed(src, "a/plain:v1", tmp_path, compression="none")
    out = tmp_path / "out"
    estiba(tmp_path / "store", "copy", "--dest-compress-format", "zstd", f"docker://{src.ref('a/plain:v1')}",
           f"oci:{out}:v1")
    index = json.loads((out / "index.json").read_text())
    digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((out / "blobs" / "sha256" / digest).read_text())
    assert {layer["mediaType"] for layer in manifest["layers"]} == {"application/vnd.oci.image.layer.v1.tar+zstd"}
