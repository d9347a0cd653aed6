"""Building only the verb being run (cli/one_verb.py, cli/main.py _parser_for): the parser is a tenth of the
work for `estiba sync ...`, and what a user sees is that of the whole tree: each verb's --help, the values
parsed, the errors, and the whole tree wherever the command line does not start with a plain verb."""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats

import pytest

from cli import main
from cli.flags import expand_bare_flags
from cli.one_verb import WHOLE_TREE, verb_word

WHOLE = main.build_parser()
TOP_VERBS = sorted(WHOLE.verb_names - set(WHOLE_TREE))


def _choices(parser) -> dict:
    return next(a for a in parser._actions if hasattr(a, "choices") and isinstance(a.choices, dict)).choices  # noqa: SLF001


@pytest.mark.parametrize("verb", TOP_VERBS)
def test_each_verb_alone_has_the_help_of_the_whole_tree(verb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    alone = _choices(main._parser_for([verb]))  # noqa: SLF001
    target = _choices(WHOLE)[verb]
    assert set(alone) == {name for name, parser in _choices(WHOLE).items() if parser is target}  # it and aliases
    assert alone[verb].format_help() == _choices(main.build_parser())[verb].format_help()


def _parse(parser, argv: list[str]):
    return vars(parser.parse_args(expand_bare_flags(parser, argv)))


@pytest.mark.parametrize("argv", [
    ["sync", "--src", "docker", "--dest", "dir", "-q", "--src-tls-verify=false", "h/r", "/tmp/x"],
    ["--store", "/tmp/s", "copy", "--all", "--dest-creds", "a:b", "oci:x", "docker://h/r:1"],
    ["--store=/tmp/s", "images", "-qn"],
    ["inspect", "--raw", "docker://h/r:1"],
    ["save", "--compress", "-o", "x", "img"],
])
def test_a_verb_alone_parses_as_the_whole_tree_does(argv):
    alone, whole = _parse(main._parser_for(argv), argv), _parse(main.build_parser(), argv)  # noqa: SLF001
    for args in (alone, whole):
        args.pop("run", None)  # a closure made per build
    assert alone == whole


@pytest.mark.parametrize("argv", [["sync", "--src", "nope", "--dest", "dir", "a", "b"], ["sync"],
                                  ["images", "--bogus"], ["--store", "/tmp/s", "pull"]])
def test_a_verb_alone_has_the_errors_of_the_whole_tree(argv):
    said = []
    for parser in (main._parser_for(argv), main.build_parser()):  # noqa: SLF001
        err = io.StringIO()
        with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as code:
            parser.parse_args(expand_bare_flags(parser, argv))
        said.append((code.value.code, err.getvalue()))
    assert said[0] == said[1] and said[0][1].startswith("Error: ")


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "sync"], ["imagse"], ["image", "ls"], ["completion", "bash"],
                                  ["./some-file.tar"], ["--store"], ["install-desktop"]])
def test_the_whole_tree_where_the_line_does_not_start_with_a_plain_verb(argv):
    assert _choices(main._parser_for(argv)).keys() == _choices(WHOLE).keys()  # noqa: SLF001


def test_verb_word():
    assert verb_word(["--store", "d", "sync", "x"]) == "sync"
    assert verb_word(["--store=d", "pull"]) == "pull"
    assert verb_word(["-h", "sync"]) is None and verb_word(["--store"]) is None and verb_word([]) is None
    assert verb_word(["image", "ls"]) is None


def test_building_the_one_verb_is_a_tenth_of_the_work():
    """Counted in function calls (cProfile), not timed: the machine's load does not change it."""
    def calls(fn) -> int:
        prof = cProfile.Profile()
        prof.runcall(fn)
        return pstats.Stats(prof).total_calls

    whole = calls(main.build_parser)
    alone = calls(lambda: main._parser_for(["sync", "--src", "docker", "--dest", "dir", "a", "b"]))  # noqa: SLF001
    print(f"parser build: {whole} calls for the whole tree, {alone} for sync alone")
    assert alone * 5 < whole, (alone, whole)


def test_a_sync_loads_only_what_it_needs_before_its_first_request(tmp_path):
    """Counted with `python -X importtime` (the modules loaded, not their time): up to the first request (a
    refused connection here) a sync loads neither the store (only where it is: engine/store_root.py) nor Qt."""
    import os
    import subprocess
    import sys

    from tests.cli.cli_helpers import ROOT

    env = {k: v for k, v in os.environ.items() if k != "ESTIBA_STORE"} | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cli", "--store", str(tmp_path / "s"), "sync",
                           "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "127.0.0.1:1/x",
                           "127.0.0.1:2/y"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                          check=False)
    loaded = {line.rpartition("|")[2].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    errors = [line for line in proc.stderr.splitlines() if not line.startswith("import time")]
    assert proc.returncode == 125 and errors == ["Error: cannot reach registry 127.0.0.1:1: connection refused"], errors
    assert "engine.store_root" in loaded and "engine.sync" in loaded
    assert not {"engine.store", "engine.store_transfer", "PySide6", "gui"} & loaded, sorted(loaded)
