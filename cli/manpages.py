"""Man pages generated from the parser: `python -m cli.manpages DIR` writes estiba.1 and estiba-VERB.1 (the
ones in resources/man/ are installed with the package; tests/cli/test_manpages.py keeps them current)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.main import build_parser
from cli.verbs import EXAMPLES
from cli.version import version


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("-", "\\-").replace("\n.", "\n\\&.").lstrip(".'")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: dict[int, str] = {}
            out = {}
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # aliases share a parser
                    seen[id(sub)] = name
                    out[name] = sub
            return out
    return {}


def _options(parser: argparse.ArgumentParser) -> str:
    lines = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        names = ", ".join(f"\\fB{_esc(o)}\\fR" for o in action.option_strings)
        if not getattr(action, "bare_flag", False) and action.nargs != 0:
            names += f" \\fI{_esc(str(action.metavar or action.dest.upper()))}\\fR"
        text = action.help or ""
        if action.choices and not getattr(action, "bare_flag", False):
            text += (" " if text else "") + f"({', '.join(map(str, action.choices))})"
        lines.append(f".TP\n{names}\n{_esc(text)}")
    return "\n".join(lines)


def page(name: str, parser: argparse.ArgumentParser, key: str | None) -> str:
    positionals = [a for a in parser._actions if not a.option_strings and a.help != argparse.SUPPRESS
                   and not isinstance(a, argparse._SubParsersAction)]
    words = [str(a.metavar or a.dest.upper()) + ("..." if a.nargs in ("+", "*") else "") for a in positionals]
    usage = " ".join([parser.prog, "[OPTIONS]", *(["COMMAND"] if _subparsers(parser) else []), *words])
    parts = [f'.TH "{name.upper()}" "1" "" "estiba {version()}" "User Commands"',
             f".SH NAME\n{_esc(name)} \\- {_esc((parser.description or '').splitlines()[0])}",
             f".SH SYNOPSIS\n\\fB{_esc(usage)}\\fR",
             f".SH DESCRIPTION\n{_esc(parser.description or '')}"]
    opts = _options(parser)
    if opts:
        parts.append(f".SH OPTIONS\n{opts}")
    subs = _subparsers(parser)
    if subs:
        parts.append(".SH COMMANDS\n" + "\n".join(
            f".TP\n\\fB{_esc(n)}\\fR\n{_esc((s.description or '').splitlines()[0])}" for n, s in subs.items()))
    if key and key in EXAMPLES:
        parts.append(".SH EXAMPLES\n" + "\n".join(f".PP\n{_esc(line.strip())}" for line in
                                                   EXAMPLES[key].splitlines()))
    parts.append(".SH SEE ALSO\n\\fBestiba\\fR(1), \\fBpodman\\fR(1), \\fBcontainers\\-registries.conf\\fR(5)")
    return "\n".join(parts) + "\n"


def pages() -> dict[str, str]:
    root = build_parser()
    out = {"estiba.1": page("estiba", root, None)}
    for verb, sub in _subparsers(root).items():
        key = sub.get_default("verb")
        out[f"estiba-{verb}.1"] = page(f"estiba-{verb}", sub, key)
        for inner, sub2 in _subparsers(sub).items():
            out[f"estiba-{verb}-{inner}.1"] = page(f"estiba-{verb}-{inner}", sub2, sub2.get_default("verb"))
    return out


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("-"):
        # An option is not a folder: `--help` once left a directory named "--help" in the repository.
        print("usage: python -m cli.manpages [FOLDER]   (default: resources/man)", file=sys.stderr)
        return 0 if argv[0] in ("-h", "--help") else 2
    folder = Path(argv[0] if argv else "resources/man")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
