"""podman's flag habits in the parser (cli/flags.py, cli/verbs.py), without running a command."""

from __future__ import annotations

import pytest

from cli.flags import expand_bare_flags
from cli.main import build_parser


def parse(*argv: str):
    parser = build_parser()
    return parser.parse_args(expand_bare_flags(parser, list(argv)))


def test_booleans_bare_with_a_value_and_grouped():
    assert parse("images", "-q").quiet is True
    assert parse("images", "--quiet=false").quiet is False
    args = parse("images", "-qn")
    assert args.quiet is True and args.noheading is True
    assert parse("push", "--tls-verify=false", "img").tls_verify is False
    assert parse("push", "--tls-verify", "img").tls_verify is True and parse("push", "img").tls_verify is None
    assert parse("push", "--tls-verify", "false", "img").tls_verify is False


def test_optional_values_and_podmans_short_options():
    assert parse("save", "--compress", "-o", "x", "img").compress == "gzip"
    assert parse("save", "--compress=zstd", "-o", "x", "img").compress == "zstd"
    assert parse("save", "--compress", "none", "-o", "x", "img").compress == "none"
    args = parse("push", "-f", "oci", "img", "dest")
    assert (args.manifest_format, args.image, args.destination) == ("oci", "img", "dest")
    assert parse("inspect", "-f", "{{.Id}}", "img").format == "{{.Id}}"
    assert parse("rmi", "-f", "img").force is True  # -f is --force where podman makes it so


def test_a_value_that_looks_like_a_verb_or_flag_stays_a_value():
    args = parse("images", "--format", "images")
    assert args.format == "images" and args.verb == "images"
    assert parse("--store", "images", "images").store == "images"


def test_global_options_after_the_verb_and_the_image_group():
    assert parse("images", "--store", "/tmp/x").store == "/tmp/x"
    assert parse("--store", "/a", "images").store == "/a"
    assert parse("image", "ls", "-q").quiet is True
    assert parse("image", "rm", "-f", "x").run.__name__ == "cmd_rmi"


@pytest.mark.parametrize("argv", [["images", "--no-tru"], ["images", "--quiet=maybe"], ["save", "--form", "x"]])
def test_no_abbreviations_and_bad_booleans_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        parse(*argv)
    assert exc.value.code == 125
    assert capsys.readouterr().err.startswith("Error: ")
