"""The table of transports (engine/transports/) and the one options object (engine/options.py)."""

from __future__ import annotations

import dataclasses

import pytest

from engine import transports
from engine.errors import InvalidInput, Unsupported
from engine.options import TransferOptions
from engine.transports import Location


@pytest.mark.parametrize("text", ["docker-archive:/a/b.tar", "docker-archive:/a/b.tar:foo:1", "oci-archive:x.tar:@2",
                                  "oci:/lay:v1", "oci:/lay", "dir:/d", "docker://quay.io/a/b:1"])
def test_every_prefixed_location_reads_back_as_written(text):
    loc = transports.parse_location(text)
    assert loc is not None and str(loc) == text
    assert text.startswith(transports.by_name(loc.transport).prefix)


def test_archive_path_ends_at_the_first_colon_but_dir_takes_it_all():
    assert transports.parse_location("oci:/lay:foo:1") == Location("oci", "/lay", "foo:1")
    assert transports.parse_location("dir:/d:x") == Location("dir", "/d:x")


@pytest.mark.parametrize("text", ["oci:", "dir:", "docker-archive::foo"])
def test_a_prefix_without_a_path_is_refused(text):
    with pytest.raises(InvalidInput, match="names no path"):
        transports.parse_location(text)


def test_bare_names_go_to_the_transport_the_verb_chooses():
    assert transports.parse_location("alpine:3") is None
    assert transports.locate("alpine:3", transports.DOCKER) == Location("docker", "alpine:3")
    assert transports.locate("alpine:3", transports.STORE) == Location("store", "alpine:3")
    assert str(transports.locate("alpine:3", transports.STORE)) == "alpine:3"


def test_transports_estiba_does_not_speak_are_named_with_the_ones_it_does():
    with pytest.raises(Unsupported) as err:
        transports.parse_location("ostree:alpine")
    assert str(err.value).endswith("use docker-archive:, oci-archive:, oci:, dir:, docker://, containers-storage: or "
                                   "docker-daemon:")


def test_the_engines_are_places_named_as_skopeo_names_them():
    assert transports.parse_location("containers-storage:alpine") == Location("containers-storage", "alpine")
    assert str(transports.parse_location("docker-daemon:sha256:abc")) == "docker-daemon:sha256:abc"
    with pytest.raises(Unsupported, match="storage specifier"):
        transports.parse_location("containers-storage:[vfs@/r+/rr]alpine")


def test_save_formats_come_from_the_table():
    assert transports.save_format("docker-dir") == (transports.by_name("dir"), "v2s2")
    assert transports.save_format("oci-dir") == (transports.by_name("oci"), None)
    with pytest.raises(InvalidInput, match="docker-archive, oci-archive, oci-dir, docker-dir"):
        transports.save_format("tar")


def test_every_transport_is_complete_and_named_once():
    names = [t.name for t in transports.TRANSPORTS]
    assert len(set(names)) == len(names)
    assert [t.name for t in transports.TRANSPORTS if not t.prefix] == ["store"]
    for t in transports.TRANSPORTS:
        assert t.holds in (transports.FILE, transports.DIRECTORY, transports.NAME) and t.title
        assert callable(t.parse) and callable(t.open_source) and callable(t.open_destination)
        assert (t.recognise is not None) == (t.holds != transports.NAME)  # load tries every file and directory


def test_the_store_transport_needs_a_store():
    with pytest.raises(Unsupported, match="no image store"):
        transports.open_source(Location("store", "alpine"))


@pytest.mark.parametrize(("field", "value", "fragment"), [("compress", "lz4", "use gzip, zstd or none"),
                                                          ("manifest_format", "v1", "use oci or v2s2"),
                                                          ("parallel", 0, "at least 1"),
                                                          ("retry_times", -1, "0 or more")])
def test_options_are_validated_where_they_are_built(field, value, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        TransferOptions(**{field: value})


def test_options_are_frozen_and_never_show_the_secret():
    opts = TransferOptions(credentials=("alice", "s3cret"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.compress = "gzip"  # type: ignore[misc]
    assert "s3cret" not in repr(opts) and "alice" not in repr(opts)
    assert dataclasses.replace(opts, compress="zstd").credentials == ("alice", "s3cret")
