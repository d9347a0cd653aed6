"""`pull` of a registry name as podman resolves it (containers/image pkg/shortnames): a short name through its
alias (recorded ones first, engine/shortname_aliases.py), else each unqualified-search registry; with several
of those and a terminal on standard input and output, the user picks one (in "permissive" and "enforcing"
mode alike, as podman) and the pick, once pulled, is recorded as an alias for the next time; without a
terminal "enforcing" refuses and "permissive" tries them in order. Where each name is pulled from:
engine/pull_resolution.py (the window's pull uses it too)."""

from __future__ import annotations

import sys

from engine import pull_resolution, shortname_aliases
from engine.contract import CopiedImage
from engine.errors import EstibaError
from engine.reference import parse_reference
from engine.store import Store


def _can_prompt() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()  # what c/image checks before it prompts


def choose_registry(text: str, names: list[str]) -> str:
    """The user picks one of the candidates on the terminal."""
    out = sys.stdout
    out.write(f"? Please select an image for {text}:\n")
    for i, name in enumerate(names, 1):
        out.write(f"  {i}. {name}\n")
    while True:
        out.write(f"Number (1-{len(names)}): ")
        out.flush()
        answer = sys.stdin.readline()
        if not answer:
            raise EstibaError("no registry chosen")
        if answer.strip().isdigit() and 1 <= int(answer) <= len(names):
            return names[int(answer) - 1]


def chosen_targets(resolution: pull_resolution.Resolution) -> tuple[tuple[pull_resolution.Target, ...], bool]:
    """(targets to try, whether the one tried is the user's pick, to record)."""
    targets = resolution.targets
    if not resolution.ambiguous:
        return targets, False
    if _can_prompt():
        name = choose_registry(resolution.text, [t.name for t in targets])
        return tuple(t for t in targets if t.name == name), True
    if resolution.mode == "enforcing":
        raise EstibaError(f"short-name resolution enforced but cannot prompt without a TTY: give the registry "
                          f"in the name (e.g. {targets[0].name})")
    return targets, False


def record_choice(text: str, chosen: str) -> None:
    """The alias NAME = REGISTRY/REPOSITORY for the short name the user resolved at the prompt; a failure
    to record is said, not fatal (as podman only logs it)."""
    short = parse_reference("localhost/" + text).path  # the repository asked for, without tag or digest
    try:
        shortname_aliases.record(short, parse_reference(chosen).name)
    except EstibaError as exc:
        print(f"Warning: {exc}", file=sys.stderr)


def pull_from_registry(args, store: Store, text: str, run) -> list[CopiedImage]:
    """`run(args, fn, *fn_args)` is the CLI's transfer runner (progress, Ctrl-C)."""
    resolution = pull_resolution.resolve(text)
    targets, chosen = chosen_targets(resolution)

    def on_try(target: pull_resolution.Target, source) -> None:
        if not args.quiet:
            print(f"Trying to pull {target.name}...", file=sys.stderr)

    target, results = run(args, pull_resolution.pull, store, targets, on_try)
    if chosen:
        record_choice(resolution.text, target.name)
    return results
