"""Hostile JSON documents (issue 10, items 10, 14, 16, 20), each rebuilt here and run through the real
`estiba load` in a subprocess: one line `Error: ...`, exit 125, no Python exception's name, the store
and the input unchanged."""

from __future__ import annotations

import io
import json
import os
import re
import tarfile

import pytest

from engine import jsondoc
from engine.errors import InvalidInput
from tests.fixtures.images import (
    BuiltImage,
    build_image,
    compact,
    make_layer_tar,
    oci_layout_files,
    sha256,
    write_docker_archive,
)

try:  # the CLI helpers move to tests/cli/ with the architecture issue
    from tests.cli.cli_helpers import ROOT, assert_one_line_error, estiba, snapshot
except ImportError:
    from tests.engine.cli_helpers import ROOT, assert_one_line_error, estiba, snapshot

ROOT_HELPERS = (ROOT, estiba)

IMG = build_image([make_layer_tar({"a": b"alpha" * 200}), make_layer_tar({"b": b"beta" * 200})])
PYTHON_NAMES = re.compile(r"[A-Z][a-z]+(Error|Exception)\b|codec|Traceback|decode using")
DEEP = 100_000


def tar_bytes(members: list[tuple[str, bytes, None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data, _ in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def good_members(img: BuiltImage, *, tags=("foo:latest",)) -> list[tuple[str, bytes, None]]:
    """The members of a podman-style docker-archive of `img`, manifest.json last."""
    files = [(f"{layer.diff_id[7:]}.tar", layer.tar, None) for layer in img.layers]
    files.append((f"{img.config_digest[7:]}.json", img.config, None))
    manifest = [{"Config": f"{img.config_digest[7:]}.json", "RepoTags": list(tags),
                 "Layers": [f"{layer.diff_id[7:]}.tar" for layer in img.layers]}]
    files.append(("manifest.json", json.dumps(manifest).encode(), None))
    return files


def assert_clean_refusal(proc, *fragments: str) -> str:
    line = assert_one_line_error(proc, *fragments)
    assert not PYTHON_NAMES.search(line), line
    return line


def with_config(img: BuiltImage, cfg: dict | bytes) -> BuiltImage:
    """`img` with another config (its layers kept), manifest rebuilt over it."""
    config = cfg if isinstance(cfg, bytes) else compact(cfg)
    manifest = json.loads(img.manifest)
    manifest["config"]["digest"], manifest["config"]["size"] = sha256(config), len(config)
    raw = compact(manifest)
    return BuiltImage(config, sha256(config), raw, sha256(raw), img.layers, img.platform)


def load_refused(tmp_path, write, *fragments: str) -> str:
    """Write the hostile input with `write(path)`, load it into a store holding one good image, check the
    refusal and that nothing changed."""
    store, inputs = tmp_path / "store", tmp_path / "in"
    inputs.mkdir()
    good = build_image([make_layer_tar({"keep": b"me"})])
    write_docker_archive(inputs / "good.tar", [(good, ["keep:1"])])
    estiba(store, "load", "-i", inputs / "good.tar")
    bad = inputs / "bad"
    write(bad)
    before = snapshot(store), snapshot(inputs)
    line = assert_clean_refusal(estiba(store, "load", "-i", bad, check=False), *fragments)
    assert (snapshot(store), snapshot(inputs)) == before, "the store or the input changed"
    assert not os.listdir(store / "tmp") if (store / "tmp").exists() else True
    return line


def write_layout_dir(path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = os.path.join(path, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)


# -- the shared loader, directly ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, fragment", [
    (b"[" * DEEP + b"]" * DEEP, "levels deep"),
    (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "levels deep"),
    (b"[" + b"{}," * 150_000 + b"{}]", "values"),
    ('{"a": 1}'.encode("utf-16-be"), "UTF-16"),
    (b'{"a": \xff}', "UTF-8"),
    (b"", "empty"),
    (b"[NaN]", "NaN"),
    (b'{"a": ', "not valid JSON"),
    (b"[" + b"9" * 5000 + b"]", "number"),
    (b'["' + b'\\"' * 2_000_000, "unterminated"),
])
def test_loader_refuses_cleanly(raw, fragment):
    with pytest.raises(InvalidInput) as err:
        jsondoc.load(raw, "doc", 16 << 20)
    msg = str(err.value)
    assert fragment.lower() in msg.lower() and msg.startswith("doc ")
    assert not PYTHON_NAMES.search(msg), msg


def test_loader_keeps_strings_with_brackets_and_moderate_depth():
    raw = b'{"a": "[[[[{{{{\\"]]]", "b": ' + b"[" * 150 + b"]" * 150 + b"}"
    doc = jsondoc.load(raw, "doc", 1 << 20)
    assert doc["a"] == '[[[[{{{{"]]]'


def test_loader_size_cap_is_checked_before_parsing():
    with pytest.raises(InvalidInput, match="over the 1 MiB limit"):
        jsondoc.load(b" " * ((1 << 20) + 1), "doc", 1 << 20)


# -- through `estiba load` ---------------------------------------------------------------------------------


def deep_array() -> bytes:
    return b"[" * DEEP + b"]" * DEEP


def test_deep_manifest_json_refused(tmp_path):
    members = good_members(IMG)
    members[-1] = ("manifest.json", deep_array(), None)
    load_refused(tmp_path, lambda p: p.write_bytes(tar_bytes(members)), "manifest.json", "levels deep")


def test_deep_config_refused(tmp_path):
    cfg = json.loads(IMG.config)
    cfg["config"] = {"Labels": {"x": "y"}, "Deep": "@@"}
    raw = compact(cfg).replace(b'"@@"', deep_array())
    img = with_config(IMG, raw)
    write = lambda p: write_docker_archive(p, [(img, ["deep:1"])])  # noqa: E731
    load_refused(tmp_path, write, "levels deep")


def test_deep_index_json_refused(tmp_path):
    files = oci_layout_files([(IMG, "1", None)])
    files["index.json"] = b'{"schemaVersion":2,"manifests":[],"x":' + deep_array() + b"}"
    load_refused(tmp_path, lambda p: write_layout_dir(p, files), "index.json", "levels deep")


def test_utf16_manifest_json_names_no_codec(tmp_path):
    members = good_members(IMG)
    members[-1] = ("manifest.json", json.dumps(json.loads(members[-1][1])).encode("utf-16-be"), None)
    load_refused(tmp_path, lambda p: p.write_bytes(tar_bytes(members)), "manifest.json", "UTF-16")


def test_empty_index_json_names_no_decoder(tmp_path):
    files = oci_layout_files([(IMG, "1", None)])
    files["index.json"] = b""
    load_refused(tmp_path, lambda p: write_layout_dir(p, files), "index.json", "is empty")


def test_config_with_eight_megabytes_refused(tmp_path):
    cfg = json.loads(IMG.config)
    cfg["padding"] = "x" * (8 << 20)
    img = with_config(IMG, cfg)
    load_refused(tmp_path, lambda p: write_docker_archive(p, [(img, ["big:1"])]), "limit")


# -- item 20: config fields of unexpected types ------------------------------------------------------------


def test_inspect_and_history_read_mistyped_config_fields(tmp_path):
    cfg = json.loads(IMG.config)
    cfg.update({"config": "not an object", "history": ["a string", {"created": 5, "created_by": ["x"],
                                                                     "comment": {}, "empty_layer": "yes"}, 7],
                "os": "linux", "architecture": "amd64", "variant": ["v8"], "created": {"when": "now"}})
    img = with_config(IMG, cfg)
    store = tmp_path / "store"
    write_docker_archive(tmp_path / "odd.tar", [(img, ["odd:1"])])
    estiba(store, "load", "-i", tmp_path / "odd.tar")
    inspect = estiba(store, "inspect", "odd:1")
    out = json.loads(inspect.stdout)[0]
    assert out["Id"] == img.id and out["Config"] == {} and out["Labels"] is None
    assert out.get("Variant") is None and out["Created"] == ""  # podman's shape leaves an empty Variant out
    history = estiba(store, "history", "odd:1").stdout.decode()
    assert img.id[:12] in history and len(history.strip().splitlines()) == 2  # header + the one object entry
    images = estiba(store, "images").stdout.decode()
    assert "odd" in images

    cfg["config"] = {"Labels": "not a map", "Env": 3}
    img2 = with_config(IMG, cfg)
    write_docker_archive(tmp_path / "odd2.tar", [(img2, ["odd:2"])])
    estiba(store, "load", "-i", tmp_path / "odd2.tar")
    out = json.loads(estiba(store, "inspect", "odd:2").stdout)[0]
    assert out["Labels"] is None and out["Config"] == {"Labels": "not a map", "Env": 3}


def test_config_with_non_string_diff_ids_refused(tmp_path):
    cfg = json.loads(IMG.config)
    cfg["rootfs"]["diff_ids"] = [{"not": "a digest"}] * len(IMG.layers)
    img = with_config(IMG, cfg)
    load_refused(tmp_path, lambda p: write_docker_archive(p, [(img, ["ids:1"])]), "not a digest string")
