"""The `estiba` verbs that work on the store, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from engine.copy import copy
from engine.store import Store
from tests.cli.cli_helpers import ROOT, assert_one_line_error, estiba
from tests.engine.memory import MemorySource
from tests.fixtures.images import build_image, make_layer_tar


def populate(store_dir, *items):
    store = Store(str(store_dir))
    out = []
    for label, names in items:
        img = build_image([make_layer_tar({"f": label.encode() * 100})], labels={"l": label})
        copy(MemorySource.from_built(img, list(names)), store.destination())
        out.append(img)
    return out


def test_images_json_has_podmans_keys(tmp_path):
    a, b = populate(tmp_path, ("a", ["alpine"]), ("b", []))
    doc = json.loads(estiba(tmp_path, "images", "--format", "json").stdout)
    by_id = {d["Id"]: d for d in doc}
    assert set(by_id) == {a.id, b.id}
    assert by_id[a.id]["Names"] == ["docker.io/library/alpine:latest"]
    assert "Names" not in by_id[b.id]  # podman 4.3 omits an empty Names (Go's omitempty)
    for d in doc:
        assert {"Id", "Digest", "Size", "Created", "RepoDigests"} <= set(d)
        assert len(d["Id"]) == 64 and d["Digest"].startswith("sha256:")
        assert isinstance(d["Size"], int) and isinstance(d["Created"], int) and d["Created"] > 0


def test_images_table_quiet_and_no_trunc(tmp_path):
    a, b = populate(tmp_path, ("a", ["alpine", "quay.io/x/y:v2"]), ("b", []))
    table = estiba(tmp_path, "images").stdout.decode().splitlines()
    assert table[0].split()[:3] == ["REPOSITORY", "TAG", "IMAGE"]
    rows = [line.split() for line in table[1:]]
    assert ["docker.io/library/alpine", "latest", a.id[:12]] in [r[:3] for r in rows]
    assert ["quay.io/x/y", "v2", a.id[:12]] in [r[:3] for r in rows]
    assert ["<none>", "<none>", b.id[:12]] in [r[:3] for r in rows]
    quiet = estiba(tmp_path, "images", "-q").stdout.decode().split()
    assert sorted(quiet) == sorted([a.id[:12], b.id[:12]])
    full = estiba(tmp_path, "images", "-q", "--no-trunc").stdout.decode().split()
    assert sorted(full) == sorted(["sha256:" + a.id, "sha256:" + b.id])


def test_tag_untag_rmi_by_name_and_id(tmp_path):
    [a] = populate(tmp_path, ("a", []))
    estiba(tmp_path, "tag", a.id[:12], "docker.io/alpine:latest", "localhost/web:v1")
    names = json.loads(estiba(tmp_path, "images", "--format", "json").stdout)[0]["Names"]
    assert names == ["docker.io/library/alpine:latest", "localhost/web:v1"]
    estiba(tmp_path, "untag", "alpine", "localhost/web:v1")
    assert json.loads(estiba(tmp_path, "images", "--format", "json").stdout)[0]["Names"] == [
        "docker.io/library/alpine:latest"]
    out = estiba(tmp_path, "rmi", a.id[:6]).stdout.decode()
    assert f"Deleted: {a.id}" in out
    assert json.loads(estiba(tmp_path, "images", "--format", "json").stdout) == []


def test_rmi_of_multi_named_image_by_id_needs_force(tmp_path):
    [a] = populate(tmp_path, ("a", ["x:1", "x:2"]))
    assert_one_line_error(estiba(tmp_path, "rmi", a.id[:12], check=False), "-f")
    estiba(tmp_path, "rmi", "-f", a.id[:12])
    assert json.loads(estiba(tmp_path, "images", "--format", "json").stdout) == []


def test_inspect_and_history(tmp_path):
    [a] = populate(tmp_path, ("a", ["alpine"]))
    [doc] = json.loads(estiba(tmp_path, "inspect", "alpine").stdout)
    assert doc["Id"] == a.id and doc["Architecture"] == "amd64" and doc["Os"] == "linux"
    assert doc["RootFS"] == {"Type": "layers", "Layers": [layer.diff_id for layer in a.layers]}  # podman's shape
    assert doc["RepoDigests"] and all(d.startswith("docker.io/library/alpine@sha256:") for d in doc["RepoDigests"])
    hist = estiba(tmp_path, "history", "alpine").stdout.decode().splitlines()
    assert hist[0].split()[:2] == ["ID", "CREATED"] and len(hist) == 2


def test_check_and_prune(tmp_path):
    a, b = populate(tmp_path, ("a", ["a"]), ("b", ["b"]))
    assert "consistent" in estiba(tmp_path, "check").stdout.decode()
    estiba(tmp_path, "rmi", "a")
    store = Store(str(tmp_path))
    assert not store.has_blob(a.config_digest) and not store.has_blob(a.layers[0].digest)  # rmi freed them
    assert "Removed 0 unused blob" in estiba(tmp_path, "prune").stdout.decode()
    path = store.blob_path(b.layers[0].digest)
    import os

    os.chmod(path, 0o644)
    with open(path, "ab") as f:
        f.write(b"junk")
    proc = estiba(tmp_path, "check", check=False)
    assert proc.returncode == 125 and "corrupt" in proc.stdout.decode()


def test_errors_are_one_line_with_exit_125(tmp_path):
    populate(tmp_path, ("a", ["alpine"]))
    assert_one_line_error(estiba(tmp_path, "inspect", "nosuch", check=False), "image not known")
    assert_one_line_error(estiba(tmp_path, "tag", "alpine", "Bad/Name", check=False), "lowercase")
    assert_one_line_error(estiba(tmp_path, "load", "-i", tmp_path / "missing.tar", check=False), "no such file")
    assert_one_line_error(estiba(tmp_path, "save", "-o", tmp_path / "x.tar", "nosuch", check=False),
                          "image not known")
    assert_one_line_error(estiba(tmp_path, "pull", "ostree:alpine", check=False), "not supported")
    assert_one_line_error(estiba(tmp_path, "copy", "alpine", "dir:", check=False), "names no path")
    assert not (tmp_path / "x.tar").exists()


def test_usage_mistakes_are_one_line_errors_too(tmp_path):
    """Not argparse's usage block and exit 2: `Error: ...` and 125 like every other failure, naming the help."""
    proc = estiba(tmp_path / "store", "push", "--format", "v2s1", "x", check=False)
    assert "--help" in assert_one_line_error(proc, "--format", "v2s1")
    assert_one_line_error(estiba(tmp_path / "store", "bogus", check=False), "bogus")
    # without -o, save writes to stdout (a pipe here), as podman does: what is missing now is the image
    assert_one_line_error(estiba(tmp_path / "store", "save", "x", check=False), "image not known")
    assert not (tmp_path / "store" / "images.json").exists()


def test_the_cli_never_imports_qt(tmp_path):
    populate(tmp_path, ("a", ["alpine"]))
    code = ("import sys; from cli.main import main; rc = main(['--store', sys.argv[1], 'images']); "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'gui'))]; "
            "print('QT', bad); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, cwd=ROOT, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "QT []" in proc.stdout
