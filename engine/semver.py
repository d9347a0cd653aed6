"""Semantic-version constraints for a sync YAML's `images-by-semver` (README.md shows the file), with the
meanings skopeo gives them: skopeo sync (containers/skopeo cmd/skopeo/sync.go) parses each tag with
Masterminds/semver v3's NewVersion (lenient: `v1.2` is 1.2.0, leading zeros allowed, a tag that is no version
is skipped) and keeps the tags for which Constraint.Check holds.

Constraint syntax (Masterminds/semver README.md and constraints.go): comparisons `=`, `!=`, `>`, `<`, `>=`,
`<=` (also `=>`, `=<`), ANDs separated by spaces or commas, ORs by `||`, hyphen ranges `1.2 - 1.4.5`,
wildcards `1.2.x`, `*`, tilde `~1.2.3` (same minor) and caret `^1.2.3` (same major; same minor under 1.0).
A pre-release tag (`1.3.0-rc.1`) matches only an AND group that itself names a pre-release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_NUM = r"[0-9xX*]+"
_CV = (rf"v?({_NUM})(\.{_NUM})?(\.{_NUM})?"
       r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")
_OPS = r"=|!=|>|<|>=|=>|<=|=<|~|~>|\^"
_ONE = re.compile(rf"^\s*({_OPS}|)\s*({_CV})\s*$")
_FIND = re.compile(rf"({_OPS}|)\s*({_CV})")
_VALID = re.compile(rf"^(\s*({_OPS}|)\s*({_CV})\s*)((?:\s+|,\s*)({_OPS}|)\s*({_CV})\s*)*$")
_RANGE = re.compile(rf"\s*({_CV})\s+-\s+({_CV})\s*")
_VERSION = re.compile(r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
                      r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$")


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: str = ""

    def compare(self, other: Version) -> int:
        for a, b in ((self.major, other.major), (self.minor, other.minor), (self.patch, other.patch)):
            if a != b:
                return 1 if a > b else -1
        if self.pre == other.pre:
            return 0
        if not self.pre:
            return 1
        if not other.pre:
            return -1
        return _compare_pre(self.pre, other.pre)


def _compare_pre(a: str, b: str) -> int:
    pa, pb = a.split("."), b.split(".")
    for i in range(max(len(pa), len(pb))):
        s, o = (pa[i] if i < len(pa) else ""), (pb[i] if i < len(pb) else "")
        if s == o:
            continue
        if not s or not o:
            return -1 if not s else 1
        s_num, o_num = s.isdigit(), o.isdigit()
        if s_num and o_num:
            return 1 if int(s) > int(o) else -1
        if s_num != o_num:
            return -1 if s_num else 1  # numeric identifiers sort before alphanumeric ones
        return 1 if s > o else -1
    return 0


def _valid_pre(pre: str) -> bool:
    return all(part and not (part.isdigit() and len(part) > 1 and part[0] == "0") for part in pre.split("."))


def parse_version(text: str) -> Version | None:
    """A tag as a version the way skopeo reads it (Masterminds NewVersion, coercing); None when it is none."""
    m = _VERSION.match(text)
    if m is None:
        return None
    pre = m.group(5) or ""
    if pre and not _valid_pre(pre):
        return None
    minor = int(m.group(2)[1:]) if m.group(2) else 0
    patch = int(m.group(3)[1:]) if m.group(3) else 0
    return Version(int(m.group(1)), minor, patch, pre)


def _is_x(part: str) -> bool:
    return part in ("x", "X", "*")


@dataclass(frozen=True)
class _Term:
    op: str
    con: Version
    dirty: bool = False  # some part was a wildcard or missing
    minor_dirty: bool = False
    patch_dirty: bool = False

    def check(self, v: Version, with_pre: bool) -> bool:
        if v.pre and not with_pre:
            return False
        return _CHECKS[self.op](self, v)


def _term(text: str) -> _Term:
    m = _ONE.match(text)
    if m is None:
        raise ValueError(text)
    op, major, minor, patch, pre = m.group(1), m.group(3), m.group(4), m.group(5), m.group(7) or ""
    minor_s, patch_s = (minor or "")[1:], (patch or "")[1:]
    if pre and not _valid_pre(pre):
        raise ValueError(text)
    if _is_x(major):
        return _Term(op, Version(0, 0, 0, pre), dirty=True)
    if not major.isdigit():
        raise ValueError(text)
    if _is_x(minor_s) or not minor:
        return _Term(op, Version(int(major), 0, 0, pre), dirty=True, minor_dirty=True)
    if not minor_s.isdigit():
        raise ValueError(text)
    if _is_x(patch_s) or not patch:
        return _Term(op, Version(int(major), int(minor_s), 0, pre), dirty=True, patch_dirty=True)
    if not patch_s.isdigit():
        raise ValueError(text)
    return _Term(op, Version(int(major), int(minor_s), int(patch_s), pre))


def _not_equal(c: _Term, v: Version) -> bool:
    if c.dirty:
        if c.con.major != v.major:
            return True
        if c.con.minor != v.minor and not c.minor_dirty:
            return True
        if c.minor_dirty:
            return False
        if c.con.patch != v.patch and not c.patch_dirty:
            return True
        if c.patch_dirty:
            return bool(v.pre or c.con.pre) and _compare_pre(v.pre, c.con.pre) != 0
    return v.compare(c.con) != 0


def _greater(c: _Term, v: Version) -> bool:
    if not c.dirty:
        return v.compare(c.con) == 1
    if v.major != c.con.major:
        return v.major > c.con.major
    if c.minor_dirty:
        return False  # >11 needs 12 or more
    if c.patch_dirty:
        return v.minor > c.con.minor
    return v.compare(c.con) == 1


def _less_equal(c: _Term, v: Version) -> bool:
    if not c.dirty:
        return v.compare(c.con) <= 0
    if v.major > c.con.major:
        return False
    return not (v.major == c.con.major and v.minor > c.con.minor and not c.minor_dirty)


def _tilde(c: _Term, v: Version) -> bool:
    if v.compare(c.con) < 0:
        return False
    if (c.con.major, c.con.minor, c.con.patch) == (0, 0, 0) and not c.minor_dirty and not c.patch_dirty:
        return True
    return v.major == c.con.major and (v.minor == c.con.minor or c.minor_dirty)


def _caret(c: _Term, v: Version) -> bool:
    if v.compare(c.con) < 0:
        return False
    if c.con.major > 0 or c.minor_dirty:
        return v.major == c.con.major
    if v.major > 0:
        return False
    if c.con.minor > 0 or c.patch_dirty:
        return v.minor == c.con.minor
    if v.minor > 0:
        return False
    return v.patch == c.con.patch


_CHECKS = {
    "": lambda c, v: _tilde(c, v) if c.dirty else v.compare(c.con) == 0,
    "!=": _not_equal,
    ">": _greater,
    "<": lambda c, v: v.compare(c.con) < 0,
    ">=": lambda c, v: v.compare(c.con) >= 0,
    "<=": _less_equal,
    "~": _tilde,
    "^": _caret,
}
for _alias, _same in (("=", ""), ("=>", ">="), ("=<", "<="), ("~>", "~")):
    _CHECKS[_alias] = _CHECKS[_same]


class Constraint:
    """One images-by-semver value: ORs of AND groups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.groups: list[list[_Term]] = []
        self.with_pre: list[bool] = []
        rewritten = _RANGE.sub(lambda m: f">= {m.group(1)}, <= {m.group(11)} ", text)
        for part in rewritten.split("||"):
            if not _VALID.match(part):
                raise InvalidInput(f"{text!r} is not a semantic-version constraint (e.g. \">= 1.2\", \"~1.4\", "
                                   "\"^2\", \"1.x || >= 3.0.0\")")
            found = [m.group(0) for m in _FIND.finditer(part)] or [part]
            try:
                terms = [_term(t) for t in found]
            except ValueError as exc:
                raise InvalidInput(f"{text!r}: {exc.args[0]!r} is not a version constraint") from None
            self.groups.append(terms)
            self.with_pre.append(any(t.con.pre for t in terms))

    def check(self, version: Version) -> bool:
        return any(all(t.check(version, pre) for t in group) for group, pre in zip(self.groups, self.with_pre,
                                                                                  strict=True))

    def matching(self, tags: list[str]) -> list[str]:
        """The tags that are versions within the constraint, in the order given."""
        out = []
        for tag in tags:
            version = parse_version(tag)
            if version is not None and self.check(version):
                out.append(tag)
        return out
