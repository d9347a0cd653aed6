"""podman's flag habits on top of argparse: booleans given bare (`--quiet`) or with a value
(`--tls-verify=false`), flags whose value is optional (`--compress` alone), and grouped short booleans
(`-qa`). pflag (spf13/pflag, used by podman) reads `--flag value` for a boolean as the flag plus a
positional argument; we do too, except for a literal `true` or `false` after it (`--tls-verify false`, which
people type and older Estiba accepted): no image is named that.

Every such option is declared with `flag()` or `optional_value()`; argparse itself sees an option that
always takes one value, and `expand_bare_flags` supplies the value where the user gave none.
"""

from __future__ import annotations

import argparse


def parse_bool(text: str) -> bool:
    """strconv.ParseBool's spellings, which podman accepts."""
    low = text.lower()
    if low in ("1", "t", "true", "yes"):
        return True
    if low in ("0", "f", "false", "no"):
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean {text!r}: use true or false")


def flag(parser: argparse.ArgumentParser, *names: str, help: str | None = None,  # noqa: A002
         default: bool | None = False, dest: str | None = None) -> argparse.Action:
    """A boolean: `--name`, `--name=true`, `--name=false`."""
    kwargs = {"dest": dest} if dest else {}
    action = parser.add_argument(*names, type=parse_bool, default=default, metavar="BOOL", help=help, **kwargs)
    action.bare_flag = True  # type: ignore[attr-defined]
    action.bare_value = "true"  # type: ignore[attr-defined]
    return action


def optional_value(parser: argparse.ArgumentParser, *names: str, bare: str, help: str | None = None,  # noqa: A002
                   **kwargs) -> argparse.Action:
    """An option that works alone (meaning `bare`) or as `--name=VALUE`."""
    action = parser.add_argument(*names, help=help, **kwargs)
    action.bare_value = bare  # type: ignore[attr-defined]
    return action


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return dict(parser._option_string_actions)


def expand_bare_flags(root: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Rewrite `--quiet` to `--quiet=true`, `-qa` to `-q=true -a=true`, `--compress` to `--compress=gzip`,
    following the verb (and sub-verb) so that each token is read with the right command's options."""
    out: list[str] = []
    parser = root
    options = _options(root)
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if word == "--":
            return out + argv[i - 1:]
        if word.startswith("-") and len(word) > 1 and "=" not in word:
            expanded = _expand_short(options, word) if not word.startswith("--") else None
            if expanded is not None:
                out += expanded
                continue
            action = options.get(word)
            if action is not None and hasattr(action, "bare_value"):
                following = argv[i] if i < len(argv) else None
                values = action.choices or (("true", "false") if getattr(action, "bare_flag", False) else ())
                if following is not None and following in values:  # `--compress zstd`, `--tls-verify false`
                    out.append(f"{word}={following}")
                    i += 1
                else:
                    out.append(f"{word}={action.bare_value}")
                continue
            out.append(word)
            if action is not None and action.nargs != 0 and i < len(argv):
                out.append(argv[i])  # the option's value, even when it looks like a verb
                i += 1
            continue
        out.append(word)
        if not word.startswith("-"):
            sub = _subparsers(parser).get(word)
            if sub is not None:
                parser = sub
                options = {**_options(root), **_options(sub)}
    return out


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0 and not hasattr(action, "bare_value")


def _expand_short(options: dict[str, argparse.Action], word: str) -> list[str] | None:
    """`-q` or `-qa` where every letter is a boolean flag: each with `=true`. None for anything else."""
    letters = word[1:]
    found = [options.get("-" + c) for c in letters]
    if not all(a is not None and getattr(a, "bare_flag", False) for a in found):
        return None
    return [f"-{c}=true" for c in letters]
