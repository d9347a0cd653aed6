"""Building only the verb being run: `estiba sync ...` needs sync's parser, not the other 30-odd (building the
whole tree was about a fifth of the time before the first request of a sync, measured with
`python -X importtime` and cProfile). The help, the errors and the "did you mean" stay those of the whole
tree: the whole tree is built whenever the command line is not `[--store DIR] VERB ...` with VERB one of the
plain top-level verbs (so `estiba --help`, `estiba -h sync`, a typo, a file to open, `estiba image ...` and
`estiba completion` still see every verb).
"""

from __future__ import annotations

import argparse

WHOLE_TREE = ("image", "completion")  # a group of verbs; a verb that reads the whole tree


def verb_word(argv: list[str]) -> str | None:
    """VERB of `[--store DIR | --store=DIR] VERB ...`; None for any other start (an option, nothing)."""
    words = iter(argv)
    for word in words:
        if word == "--store":
            if next(words, None) is None:
                return None
            continue
        if word.startswith("--store="):
            continue
        return None if word.startswith("-") or word in WHOLE_TREE else word
    return None


class _Sink:
    """Takes every call a builder makes on the parser of a verb not being run, and keeps nothing."""

    def __getattr__(self, name: str):
        return self._ignore

    def _ignore(self, *args, **kwargs) -> _Sink:  # noqa: ARG002
        return self


def subparsers_action(wanted: str | None) -> type[argparse._SubParsersAction]:
    """A subparsers action that builds only the parser of `wanted` (every parser when None) and records the
    names of all (in `.names`), so the caller can tell whether `wanted` was a verb at all."""

    class OneVerb(argparse._SubParsersAction):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.names: set[str] = set()

        def add_parser(self, name: str, **kwargs):  # type: ignore[override]
            names = {name, *kwargs.get("aliases", ())}
            self.names |= names
            if wanted is None or wanted in names:
                return super().add_parser(name, **kwargs)
            return _Sink()

    return OneVerb
