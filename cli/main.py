"""The `estiba` command line: podman's verbs and flags. No Qt here, and imports stay lazy so that
`estiba --help` and `estiba images` start fast.

Exit codes follow podman (docs/podman.md in the repository lists them): 0 done, 1 an image named was not
known (`rmi`) or the user interrupted, 125 any other error, 141 the reader of standard output went away.
"""

from __future__ import annotations

import argparse
import difflib
import os
import signal
import sys

from cli.flags import expand_bare_flags
from cli.verbs import EXAMPLES, build_verbs
from cli.version import version

EXIT_ERROR = 125
EXIT_NOT_KNOWN = 1
EXIT_INTERRUPTED = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end like every other error: one `Error:` line and exit 125, as podman does."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)  # podman accepts no abbreviation of a long flag
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"Error: {message} (see '{self.prog} --help')\n")


class _Help(argparse.RawDescriptionHelpFormatter):
    """Boolean flags print as `-q, --quiet` (they take no value on the command line, see cli/flags.py)."""

    def _format_usage(self, *args, **kwargs) -> str:
        return super()._format_usage(*args, **kwargs).replace(" BOOL]", "]")

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if getattr(action, "bare_flag", False):
            return ", ".join(action.option_strings)
        return super()._format_action_invocation(action)


class _Version(argparse.Action):
    """`--version`, looked up only when asked (importlib.metadata costs start-up time)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        sys.stdout.write(f"estiba version {version()}\n")  # on stdout, as podman --version
        parser.exit(0)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole tree of verbs; with `only`, the parser of that verb alone (cli/one_verb.py): then
    `parser.verb_names` says which verbs there are, to check that `only` is one."""
    from cli.one_verb import subparsers_action

    p = _Parser(prog="estiba", description="Move container images between archives, layouts, "
                "directories and registries, with podman's verbs and flags.\n"
                "With no command, opens the desktop app.",
                epilog="Run 'estiba COMMAND --help' for a command's flags and examples.")
    p.add_argument("--store", metavar="DIR", help="image store directory (default: $ESTIBA_STORE or the user "
                   "data dir); may also follow the command")
    p.add_argument("-v", "--version", action=_Version, help="print the version")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                           action=subparsers_action(only))
    build_verbs(sub, _global_options)
    from cli import registry_verbs

    registry_verbs.add_parsers(sub)  # inspect TRANSPORT:REF, list-tags, catalog, delete, sync; copy's flags
    summaries = {a.dest: a.help for a in sub._choices_actions}
    for name in registry_verbs.VERBS:
        verb = sub.choices.get(name)
        if verb is None:  # not the one built
            continue
        _global_options(verb)
        verb.description = verb.description or f"{summaries.get(name, name)[:1].upper()}{summaries.get(name, '')[1:]}."
    p.verb_names = sub.names
    return p


def _parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """Only the verb's parser when the command line starts with a plain verb, else the whole tree."""
    from cli.one_verb import verb_word

    word = verb_word(argv)
    if word is not None:
        parser = build_parser(only=word)
        if word in parser.verb_names:
            return parser
    return build_parser()


def _global_options(s: argparse.ArgumentParser) -> None:
    """Options podman takes before or after the verb; after it, they override the one before."""
    s.add_argument("--store", metavar="DIR", default=argparse.SUPPRESS, help="image store directory")


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def _unknown_verb(parser: argparse.ArgumentParser, argv: list[str], only_close: bool = False) -> str | None:
    """podman's answer to a mistyped verb, with the nearest verbs, or None when the verb is known. With
    `only_close`, only a word near a verb that names no existing file (`estiba FILE...` opens files)."""
    words = iter(argv)
    for word in words:
        if word == "--store":
            next(words, None)
            continue
        if word.startswith("-"):
            continue
        names = _command_names(parser)
        if word in names:
            return None
        close = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
        if only_close and (not close or os.path.lexists(word)):
            return None
        # podman spreads this over six lines; one line keeps every error a single `Error:` line
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        return f"Error: unrecognized command `estiba {word}`.{hint} Try 'estiba --help' for more information\n"
    return None


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    from cli import desktop  # install-desktop, uninstall-desktop, and `estiba FILE...` (opens the window)

    parser = _parser_for(args_list)  # once, and only the verb run: building it is a part of the start-up time
    mistake = _unknown_verb(parser, args_list, only_close=True)  # `estiba imagse`: not a file to open
    if mistake:
        sys.stderr.write(mistake)
        return EXIT_ERROR
    handled = desktop.dispatch(args_list, lambda: parser)
    if handled is not None:
        return handled
    if not args_list:
        return _open_gui()
    mistake = _unknown_verb(parser, args_list)
    if mistake:
        sys.stderr.write(mistake)
        return EXIT_ERROR
    args = parser.parse_args(expand_bare_flags(parser, args_list))
    if args.command is None:
        return _open_gui(args.store)
    args.parser = parser  # `completion` reads the whole command line from it
    return run(args)


def run(args: argparse.Namespace) -> int:
    from cli.errors import NotKnown
    from cli.hints import worded
    from engine.errors import EstibaError
    from engine.output import OutputClosed

    signal.signal(signal.SIGTERM, _interrupted)  # like Ctrl-C (transfers cancel: cli/commands._run)
    try:
        from cli import engine_verbs, registry_verbs

        verb = registry_verbs.handler(args) or engine_verbs.handler(args) or getattr(args, "run", None)
        if verb is None:  # a group such as `estiba image` without its verb
            args.group_parser.print_help()
            return EXIT_ERROR
        return verb(args) or 0
    except OutputClosed:  # `estiba save IMAGE | head -c 10`: quiet, as a writer killed by SIGPIPE is
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except NotKnown as exc:
        _error(str(exc))
        return EXIT_NOT_KNOWN
    except EstibaError as exc:
        _error(worded(exc))
    except KeyboardInterrupt:
        _error("interrupted; nothing was changed")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        _error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:  # a bug: still one line, with a way to see more
        if os.environ.get("ESTIBA_DEBUG"):
            raise
        _error(f"internal error: {exc.__class__.__name__}: {exc} (set ESTIBA_DEBUG=1 for details)")
    return EXIT_ERROR


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def _quiet_stdout() -> None:
    """After the reader of stdout left, Python's final flush would print a second error: point fd 1 at
    /dev/null (the same trick the Python docs give for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _error(message: str) -> None:
    try:
        print(f"Error: {' '.join(message.split())}", file=sys.stderr)
    except (BrokenPipeError, ValueError):
        pass


def _open_gui(store: str | None = None) -> int:
    from cli.display import gui_blocker

    problem = gui_blocker()
    if problem:
        sys.stderr.write(problem)
        return EXIT_ERROR
    try:
        from gui.app import run as run_gui  # type: ignore[import-not-found]
    except ImportError as exc:
        sys.stderr.write(f"Error: the desktop app cannot start: {exc}. The commands work without it: "
                         "see 'estiba --help'.\n")
        return EXIT_ERROR
    return run_gui(store)


__all__ = ["EXAMPLES", "build_parser", "main", "version"]

if __name__ == "__main__":
    sys.exit(main())
