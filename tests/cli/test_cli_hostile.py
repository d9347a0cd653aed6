"""Bad input, through the real `estiba load`: one line `Error: ...`, exit 125, and nothing changes —
not the store, not the input's directory, no temp files left."""

from __future__ import annotations

import io
import json
import os
import tarfile

import pytest

from tests.cli.cli_helpers import assert_one_line_error, estiba, snapshot
from tests.fixtures.images import build_image, make_layer_tar, sha256, write_docker_archive, write_oci_archive


def tar_bytes(members: list[tuple[str, bytes | None, str | None]]) -> bytes:
    """(name, data, symlink target) members."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data, target in members:
            info = tarfile.TarInfo(name)
            if target is not None:
                info.type, info.linkname = tarfile.SYMTYPE, target
                tf.addfile(info)
            else:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def good_members(img, *, tags=("foo:latest",)):
    files = [(f"{layer.diff_id[7:]}.tar", layer.tar, None) for layer in img.layers]
    files.append((f"{img.config_digest[7:]}.json", img.config, None))
    manifest = [{"Config": f"{img.config_digest[7:]}.json", "RepoTags": list(tags),
                 "Layers": [f"{layer.diff_id[7:]}.tar" for layer in img.layers]}]
    files.append(("manifest.json", json.dumps(manifest).encode(), None))
    return files


IMG = build_image([make_layer_tar({"a": b"alpha" * 200}), make_layer_tar({"b": b"beta" * 200})])


def case_traversal_member(path):
    path.write_bytes(tar_bytes([("../escape.txt", b"pwned", None), *good_members(IMG)]))


def case_absolute_member(path):
    path.write_bytes(tar_bytes([("/tmp/estiba-abs-escape", b"pwned", None), *good_members(IMG)]))


def case_symlink_leaving(path):
    members = good_members(IMG)
    first = members[0][0]
    members[0] = (first, None, "../../../etc/passwd")
    path.write_bytes(tar_bytes(members))


def case_oci_traversal(path):
    buf = io.BytesIO()
    write_oci_archive(path, [(IMG, "foo:1", None)])
    data = path.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as src, tarfile.open(fileobj=buf, mode="w") as dst:
        for m in src.getmembers():
            dst.addfile(m, src.extractfile(m) if m.isfile() else None)
        evil = tarfile.TarInfo("blobs/../../../evil")
        evil.size = 3
        dst.addfile(evil, io.BytesIO(b"bad"))
    path.write_bytes(buf.getvalue())


def case_digest_mismatch(path):
    members = good_members(IMG)
    name, data, _ = members[1]
    members[1] = (name, data[:-600] + b"X" + data[-599:], None)
    path.write_bytes(tar_bytes(members))


def case_size_mismatch_oci(path):
    """An oci-archive whose first layer blob lost its last byte: shorter than its descriptor says."""
    write_oci_archive(path, [(IMG, "foo:1", None)])
    blob_name = f"blobs/sha256/{IMG.layers[0].digest[7:]}"
    with tarfile.open(fileobj=io.BytesIO(path.read_bytes())) as src:
        members = [(m.name, src.extractfile(m).read() if m.isfile() else None, None) for m in src if m.isfile()]
    members = [(n, d[:-1] if n == blob_name else d, t) for n, d, t in members]
    path.write_bytes(tar_bytes(members))


def case_missing_blob(path):
    members = [m for m in good_members(IMG) if not m[0].startswith(IMG.layers[1].diff_id[7:])]
    path.write_bytes(tar_bytes(members))


def case_truncated(path):
    write_docker_archive(path, [(IMG, ["foo:1"])])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def case_not_an_archive(path):
    path.write_bytes(os.urandom(5000))


def case_empty(path):
    path.write_bytes(b"")


def case_broken_json(path):
    members = good_members(IMG)
    members[-1] = ("manifest.json", b'[{"Config": "abc", ', None)
    path.write_bytes(tar_bytes(members))


def case_huge_json(path):
    members = good_members(IMG)
    manifest = json.loads(members[-1][1])
    manifest[0]["padding"] = "x" * (30 << 20)
    members[-1] = ("manifest.json", json.dumps(manifest).encode(), None)
    path.write_bytes(tar_bytes(members))


def case_invalid_name(path):
    path.write_bytes(tar_bytes(good_members(IMG, tags=("Not_Valid/UPPER:1",))))


def case_config_not_json(path):
    members = good_members(IMG)
    junk = b"\x00\x01 definitely not json"
    members = [m for m in members if not m[0].endswith(".json") or m[0] == "manifest.json"]
    manifest = json.loads(members[-1][1])
    manifest[0]["Config"] = f"{sha256(junk)[7:]}.json"
    members[-1] = ("manifest.json", json.dumps(manifest).encode(), None)
    members.insert(0, (f"{sha256(junk)[7:]}.json", junk, None))
    path.write_bytes(tar_bytes(members))


def case_diffids_do_not_match(path):
    other = build_image([make_layer_tar({"a": b"different"}), make_layer_tar({"b": b"beta" * 200})])
    members = good_members(IMG)
    # IMG's layer files under other's config: the config's diff_ids do not describe the layers
    cfg_name = f"{other.config_digest[7:]}.json"
    members = [m for m in members if not m[0].endswith(".json")]
    members.insert(0, (cfg_name, other.config, None))
    manifest = [{"Config": cfg_name, "RepoTags": ["foo:1"],
                 "Layers": [f"{layer.diff_id[7:]}.tar" for layer in IMG.layers]}]
    members.append(("manifest.json", json.dumps(manifest).encode(), None))
    path.write_bytes(tar_bytes(members))


CASES = {
    "path traversal member": (case_traversal_member, "outside the archive"),
    "absolute member name": (case_absolute_member, "absolute"),
    "symlink leaving the archive": (case_symlink_leaving, "outside the archive"),
    "oci-archive traversal": (case_oci_traversal, "outside the archive"),
    "blob digest mismatch": (case_digest_mismatch, ""),
    "blob size mismatch": (case_size_mismatch_oci, ""),
    "missing blob": (case_missing_blob, ""),
    "truncated archive": (case_truncated, "truncated"),
    "not an archive": (case_not_an_archive, "not a tar archive"),
    "empty file": (case_empty, "empty"),
    "broken JSON": (case_broken_json, "JSON"),
    "tens of MB of JSON": (case_huge_json, "limit"),
    "invalid image name": (case_invalid_name, "invalid"),
    "config not JSON": (case_config_not_json, "JSON"),
    "diffIDs not matching the config": (case_diffids_do_not_match, ""),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_changes_nothing(tmp_path, case):
    build, fragment = CASES[case]
    store = tmp_path / "store"
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = build_image([make_layer_tar({"keep": b"me"})])
    write_docker_archive(inputs / "good.tar", [(good, ["keep:1"])])
    estiba(store, "load", "-i", inputs / "good.tar")
    build(inputs / "bad.tar")
    store_before, inputs_before = snapshot(store), snapshot(inputs)
    parent_before = sorted(os.listdir(tmp_path))

    proc = estiba(store, "load", "-i", inputs / "bad.tar", check=False)
    assert_one_line_error(proc, fragment)

    assert snapshot(store) == store_before, "the store changed"
    assert snapshot(inputs) == inputs_before, "the input directory changed"
    assert sorted(os.listdir(tmp_path)) == parent_before
    assert not os.path.exists("/tmp/estiba-abs-escape")
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "evil").exists()
