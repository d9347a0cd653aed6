"""Issue 10 items 13, 17, 18, 19: a hand-damaged store (image list, blobs changed behind its back, sha512 layouts)
is refused or repaired cleanly, never exported as if it were sound, never losing a referenced blob."""

from __future__ import annotations

import json

import pytest

from tests.engine.cli_helpers import assert_one_line_error, estiba
from tests.fixtures.images import build_image, make_layer_tar, write_docker_archive


def loaded_store(tmp_path, seed: int = 1):
    store = tmp_path / "store"
    img = build_image([make_layer_tar({f"etc/s{seed}": b"x" * 5000}), make_layer_tar({"b": b"y" * 3000})],
                      compression="gzip")
    archive = tmp_path / f"in{seed}.tar"
    write_docker_archive(archive, [(img, ["foo:latest"])])
    estiba(store, "load", "-i", archive)
    return store, img


# -- item 18: a damaged images.json ---------------------------------------------------------------------------

DAMAGE = {
    "a number": lambda rec: 42,
    "an unknown field": lambda rec: {**rec, "colour": "blue"},
    "no fields": lambda rec: {},
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_image_list_is_named_by_every_verb_and_repaired_by_check(tmp_path, damage):
    store, img = loaded_store(tmp_path)
    doc = json.loads((store / "images.json").read_text())
    good = doc["images"][0]
    doc["images"] = [good, DAMAGE[damage](good)]
    (store / "images.json").write_text(json.dumps(doc))
    damaged = (store / "images.json").read_bytes()
    for verb in (["images"], ["inspect", "foo"], ["save", "-o", tmp_path / "o.tar", "foo"], ["tag", "foo", "bar"]):
        proc = estiba(store, *verb, check=False)
        line = assert_one_line_error(proc, "record 2", "needs a check")
        assert "TypeError" not in line and "internal error" not in line
        assert (store / "images.json").read_bytes() == damaged, verb
    assert not (tmp_path / "o.tar").exists()
    proc = estiba(store, "check", check=False)
    out = proc.stdout.decode()
    assert "internal error" not in proc.stderr.decode()
    assert "record 2" in out and ("removed it" in out or "dropped them" in out), out
    assert (store / "images.json.damaged").read_bytes() == damaged
    # repaired: every verb works again, the good image is still there, a second check is clean
    listed = estiba(store, "images").stdout.decode()
    assert "foo" in listed
    assert estiba(store, "check").returncode == 0


def test_an_image_list_that_is_not_json_is_repaired_by_check(tmp_path):
    store, _ = loaded_store(tmp_path)
    (store / "images.json").write_bytes(b"{not json")
    assert_one_line_error(estiba(store, "images", check=False), "damaged", "needs a check")
    out = estiba(store, "check", check=False).stdout.decode()
    assert "not JSON" in out
    assert estiba(store, "images").returncode == 0
