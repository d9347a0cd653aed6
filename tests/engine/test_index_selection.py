"""Choosing from an index, and saying what failed (issue 10, items 10 and 12), through the real `estiba load`
and `estiba pull` in a subprocess."""

from __future__ import annotations

import json
import os

from tests.engine.test_hostile_documents import (
    IMG,
    ROOT_HELPERS,
    assert_clean_refusal,
    load_refused,
    with_config,
    write_layout_dir,
)
from tests.fixtures.images import build_image, compact, make_layer_tar, oci_layout_files, sha256

_, estiba = ROOT_HELPERS
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REF = "org.opencontainers.image.ref.name"


def layout_with_index(img, entries: list[dict]) -> dict[str, bytes]:
    """An OCI layout holding `img`'s blobs whose index.json has one entry, an index over `entries`."""
    files = oci_layout_files([(img, None, None)])
    inner = compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries})
    files[f"blobs/sha256/{sha256(inner)[7:]}"] = inner
    files["index.json"] = compact({"schemaVersion": 2, "manifests": [
        {"mediaType": OCI_INDEX, "digest": sha256(inner), "size": len(inner), "annotations": {REF: "latest"}}]})
    return files


def image_entry(img, platform: dict | None = None) -> dict:
    entry = {"mediaType": OCI_MANIFEST, "digest": img.manifest_digest, "size": len(img.manifest)}
    if platform is not None:
        entry["platform"] = platform
    return entry


def test_index_entry_without_platform_is_taken_by_load_and_pull(tmp_path):
    """go-containerregistry's test_index_one_image wrapped in a one-entry index: the entry has no platform
    (optional in the image-spec); skopeo and podman take it. Before: "has no image for platform (it has: none)"."""
    layout = tmp_path / "layout"
    write_layout_dir(layout, layout_with_index(IMG, [image_entry(IMG)]))
    store = tmp_path / "store"
    out = estiba(store, "load", "-i", layout).stdout.decode()
    assert IMG.config_digest in out or IMG.id[:12] in out
    estiba(tmp_path / "store2", "pull", f"oci:{layout}:latest")
    for s in (store, tmp_path / "store2"):
        listed = json.loads(estiba(s, "images", "--format", "json").stdout)
        assert [i["Id"] for i in listed] == [IMG.id]
    estiba(tmp_path / "store3", "pull", "--platform", "linux/arm64", f"oci:{layout}:latest")


def test_platform_match_is_preferred_over_an_entry_without_platform(tmp_path):
    arm = build_image([make_layer_tar({"arm": b"64"})], arch="arm64")
    files = layout_with_index(IMG, [image_entry(IMG), image_entry(arm, {"os": "linux", "architecture": "arm64"})])
    files.update({f"blobs/sha256/{d[7:]}": b for d, b in arm.blobs().items()})
    write_layout_dir(tmp_path / "layout", files)
    estiba(tmp_path / "store", "pull", "--platform", "linux/arm64", f"oci:{tmp_path / 'layout'}:latest")
    listed = json.loads(estiba(tmp_path / "store", "images", "--format", "json").stdout)
    assert [i["Id"] for i in listed] == [arm.id]


def test_index_of_attestations_only_says_so(tmp_path):
    files = layout_with_index(IMG, [image_entry(IMG, {"os": "unknown", "architecture": "unknown"})])
    line = load_refused(tmp_path, lambda p: write_layout_dir(p, files), "attestation manifests")
    assert "it has: none" not in line


def test_index_of_nested_indexes_only_says_so(tmp_path):
    files = layout_with_index(IMG, [])
    deeper = compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [image_entry(IMG)]})
    files[f"blobs/sha256/{sha256(deeper)[7:]}"] = deeper
    inner = compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_INDEX, "digest": sha256(deeper), "size": len(deeper)}]})
    files[f"blobs/sha256/{sha256(inner)[7:]}"] = inner
    files["index.json"] = compact({"schemaVersion": 2, "manifests": [
        {"mediaType": OCI_INDEX, "digest": sha256(inner), "size": len(inner), "annotations": {REF: "latest"}}]})
    line = load_refused(tmp_path, lambda p: write_layout_dir(p, files), "nested indexes")
    assert "it has: none" not in line


def test_multi_reference_load_names_the_bad_reference(tmp_path):
    cfg = json.loads(IMG.config)
    del cfg["rootfs"]
    bad = with_config(IMG, cfg)
    files = oci_layout_files([(IMG, "good", None), (bad, "broken", None)])
    line = load_refused(tmp_path, lambda p: write_layout_dir(p, files), "entry @1", "broken", "rootfs")
    assert "entry @0" not in line


def test_layer_that_is_not_a_tar_is_not_called_one(tmp_path):
    """containers/image's delete_image_multiple_images fixture: layers are placeholder text."""
    text = b"this is not a layer, just placeholder text\n"
    img = build_image([make_layer_tar({"a": b"x"})], compression="none")
    layer = img.layers[0]
    cfg = json.loads(img.config)
    cfg["rootfs"]["diff_ids"] = [layer.diff_id]
    manifest = json.loads(img.manifest)
    manifest["layers"][0].update(digest=sha256(text), size=len(text))
    config = compact(cfg)
    manifest["config"].update(digest=sha256(config), size=len(config))
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', f"blobs/sha256/{sha256(config)[7:]}": config,
             f"blobs/sha256/{sha256(text)[7:]}": text}
    raw = compact(manifest)
    files[f"blobs/sha256/{sha256(raw)[7:]}"] = raw
    files["index.json"] = compact({"schemaVersion": 2, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": sha256(raw), "size": len(raw)}]})
    assert layer.tar != text
    line = load_refused(tmp_path, lambda p: write_layout_dir(p, files), "neither a tar archive")
    assert "uncompressed tar" not in line
    assert os.path.exists(tmp_path / "in" / "bad" / "index.json")


def test_clean_refusal_helper_is_used(tmp_path):
    proc = estiba(tmp_path / "s", "load", "-i", tmp_path / "missing", check=False)
    assert_clean_refusal(proc)
