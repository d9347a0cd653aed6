"""Tests for engine.reference: Docker reference parsing, normalisation, familiar forms, ID helpers."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.reference import (
    InvalidReference,
    Reference,
    is_image_id_prefix,
    is_tag_only,
    parse_reference,
    short_id,
    valid_oci_ref_name,
)

HEX = "d6b81c2b6ee1" + "0" * 52
DIGEST = "sha256:" + HEX


@pytest.mark.parametrize(
    ("text", "domain", "path", "tag", "digest"),
    [
        ("alpine", "docker.io", "library/alpine", "latest", None),
        ("docker.io/alpine", "docker.io", "library/alpine", "latest", None),
        ("index.docker.io/library/alpine", "docker.io", "library/alpine", "latest", None),
        ("index.docker.io/alpine:3.19", "docker.io", "library/alpine", "3.19", None),
        ("user/app", "docker.io", "user/app", "latest", None),
        ("localhost/foo", "localhost", "foo", "latest", None),
        ("localhost:5000/a/b:1", "localhost:5000", "a/b", "1", None),
        ("quay.io/josedom24/webserver:v1", "quay.io", "josedom24/webserver", "v1", None),
        ("[::1]:5000/x", "[::1]:5000", "x", "latest", None),
        ("[::1]/x:v", "[::1]", "x", "v", None),
        ("myreg.example.com/x@" + DIGEST, "myreg.example.com", "x", None, DIGEST),
        ("quay.io/a/b:v2@" + DIGEST, "quay.io", "a/b", "v2", DIGEST),
        ("alpine:Mixed_Case.tag-1", "docker.io", "library/alpine", "Mixed_Case.tag-1", None),
        ("a-b__c/e--f_g.h", "docker.io", "a-b__c/e--f_g.h", "latest", None),
        ("Registry/app", "Registry", "app", "latest", None),  # uppercase first component is a domain
        ("localhost:5000", "docker.io", "library/localhost", "5000", None),  # no "/": name + tag
        ("sha256", "docker.io", "library/sha256", "latest", None),
        ("z" * 64, "docker.io", "library/" + "z" * 64, "latest", None),  # 64 chars but not all hex
    ],
)
def test_parse_normalises(text: str, domain: str, path: str, tag: str | None, digest: str | None) -> None:
    ref = parse_reference(text)
    assert ref == Reference(domain, path, tag, digest)


def test_str_and_name() -> None:
    ref = parse_reference("alpine")
    assert ref.name == "docker.io/library/alpine"
    assert str(ref) == "docker.io/library/alpine:latest"
    both = parse_reference("quay.io/a/b:v2@" + DIGEST)
    assert str(both) == "quay.io/a/b:v2@" + DIGEST
    only_digest = parse_reference("quay.io/a/b@" + DIGEST)
    assert str(only_digest) == "quay.io/a/b@" + DIGEST
    assert only_digest.tagged == "quay.io/a/b:latest"


def test_default_tag() -> None:
    assert parse_reference("alpine", default_tag=None).tag is None
    assert str(parse_reference("alpine", default_tag=None)) == "docker.io/library/alpine"
    assert parse_reference("alpine", default_tag="edge").tag == "edge"
    assert parse_reference("alpine:3", default_tag=None).tag == "3"
    assert parse_reference("alpine@" + DIGEST).tag is None  # a digest alone gets no default tag


@pytest.mark.parametrize(
    ("text", "familiar"),
    [
        ("docker.io/library/alpine:latest", "alpine:latest"),
        ("alpine", "alpine:latest"),
        ("docker.io/user/app:v1", "user/app:v1"),
        ("quay.io/a/b:v2", "quay.io/a/b:v2"),
        ("docker.io/library/a/b:1", "library/a/b:1"),
        ("localhost/foo", "localhost/foo:latest"),
        ("alpine@" + DIGEST, "alpine@" + DIGEST),
    ],
)
def test_familiar(text: str, familiar: str) -> None:
    assert parse_reference(text).familiar == familiar


def test_familiar_roundtrips() -> None:
    for text in ("alpine:3", "user/app:v1", "quay.io/a/b:v2", "docker.io/library/a/b:1", "[::1]:5000/x:y"):
        ref = parse_reference(text)
        assert parse_reference(ref.familiar) == ref
        assert parse_reference(str(ref)) == ref


def test_with_tag_and_tagged() -> None:
    ref = parse_reference("quay.io/a/b@" + DIGEST)
    tagged = ref.with_tag("v3")
    assert tagged == Reference("quay.io", "a/b", "v3", None)
    assert tagged.tagged == "quay.io/a/b:v3"
    assert ref == Reference("quay.io", "a/b", None, DIGEST)  # frozen, unchanged
    with pytest.raises(InvalidReference, match="tag"):
        ref.with_tag("-bad")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Foo", "must be lowercase"),
        ("docker.io/Foo", "must be lowercase"),
        ("quay.io/a/Bar:v1", "must be lowercase"),
        ("", "empty"),
        (HEX, "image ID"),
        ("sha256:" + HEX, "image ID"),
        (":-bad", "tag"),
        ("alpine:-bad", "tag"),
        ("alpine:.x", "tag"),
        ("alpine:", "tag"),
        ("alpine:" + "a" * 129, "tag"),
        ("alpine@sha256:abc", "digest"),
        ("alpine@sha256:" + HEX.upper(), "digest"),
        ("alpine@sha256:" + HEX + "0", "digest"),
        ("alpine@" + HEX, "digest"),
        ("alpine@", "digest"),
        ("a//b", "empty path component"),
        ("a/", "empty path component"),
        ("/a", "empty path component"),
        ("quay.io/", "empty path component"),
        ("alpine latest", "whitespace"),
        (" alpine", "whitespace"),
        ("alpine\n", "whitespace"),
        ("docker://alpine", "docker://"),
        ("a" * 250 + "/" + "b" * 10, "longer than 255"),
        ("quay.io/" + "a" * 248, "longer than 255"),
        ("a-/b", "path component"),
        ("a..b/c", "registry"),
        ("-a.com/b", "registry"),
        ("a.com:port/b", "registry"),
        ("my_reg.io/b", "registry"),
        ("@" + DIGEST, "missing"),
    ],
)
def test_rejections(text: str, needle: str) -> None:
    with pytest.raises(InvalidReference) as info:
        parse_reference(text)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message
    assert message.startswith("invalid image name ")


def test_length_limit_is_on_the_normalised_name() -> None:
    ok = "quay.io/" + "a" * 247
    assert len(ok) == 255
    assert parse_reference(ok).name == ok
    # 255 - len("docker.io/library/") characters fits after normalisation; one more does not.
    assert parse_reference("a" * (255 - 18)).path == "library/" + "a" * 237
    with pytest.raises(InvalidReference, match="longer than 255"):
        parse_reference("a" * (256 - 18))


def test_invalid_reference_is_value_error_and_invalid_input() -> None:
    with pytest.raises(ValueError):
        parse_reference("Foo")
    with pytest.raises(InvalidInput):
        parse_reference("Foo")
    with pytest.raises(
        InvalidReference, match=r"^invalid image name 'Foo': repository name must be lowercase$"
    ):
        parse_reference("Foo")


def test_other_digest_algorithms() -> None:
    sha512 = "sha512:" + "ab" * 64
    assert parse_reference("x/y@" + sha512).digest == sha512
    with pytest.raises(InvalidReference):
        parse_reference("x/y@sha512:" + HEX)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d", True),
        ("d6b81c2b6ee1", True),
        (HEX, True),
        ("sha256:" + HEX, True),
        ("sha256:d6b81c2b6ee1", False),
        (HEX + "0", False),
        ("", False),
        ("D6B8", False),
        ("xyz", False),
        ("sha512:" + HEX, False),
        ("alpine", False),
    ],
)
def test_is_image_id_prefix(text: str, expected: bool) -> None:
    assert is_image_id_prefix(text) is expected


def test_short_id() -> None:
    assert short_id(DIGEST) == "d6b81c2b6ee1"
    assert short_id(HEX) == "d6b81c2b6ee1"
    assert short_id("abc") == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latest", True),
        ("v1", True),
        ("1.0", True),
        ("myref", True),
        ("quay.io/a/b:v2", False),
        ("localhost/myimg", False),
        ("alpine:latest", False),
        ("x@" + DIGEST, False),
        ("", False),
    ],
)
def test_is_tag_only(text: str, expected: bool) -> None:
    assert is_tag_only(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latest", True),
        ("v1.0", True),
        ("MyRef", True),
        ("quay.io/a/b:v2", True),
        ("localhost/myimg:1.0", True),
        ("a--b", True),
        ("a+b@c", True),
        ("x@" + DIGEST, True),
        ("", False),
        ("a b", False),
        ("-a", False),
        ("a-", False),
        ("a//b", False),
        ("a/", False),
        ("a---b", False),
        ("a__b", False),
        ("ñ", False),
    ],
)
def test_valid_oci_ref_name(text: str, expected: bool) -> None:
    assert valid_oci_ref_name(text) is expected
