"""The part of Go's text/template that podman's `--format` users write: fields (`{{.Repository}}`,
`{{.RootFS.Layers}}`), `{{.}}`, pipes (`{{.Names | json}}`), the functions json, printf, print, println,
len, index, join, upper, lower, title, truncate, and `range` / `if` / `with` blocks with `else`, plus
trim markers `{{-` / `-}}`. Values print as Go's fmt prints them (`[a b]`, `map[k:v]`, `<no value>`).

podman's layer on top (containers/common pkg/report): a format starting with `table ` gets a header
row and columns aligned by a tab writer; `\\t` and `\\n` typed in the shell become a tab and a newline;
each row ends with a newline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class TemplateError(ValueError):
    """A template that does not parse or names a field the data does not have."""


NO_VALUE = "<no value>"
_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\|)|(\()|(\))|([^\s|()]+))')


# -- printing values the way Go's fmt %v does -------------------------------------------------------------


def go_str(value: Any) -> str:
    if value is None:
        return NO_VALUE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, list | tuple):
        return "[" + " ".join(_inner(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{_inner(k)}:{_inner(v)}" for k, v in sorted(value.items())) + "]"
    return str(value)


def _inner(value: Any) -> str:
    return "<nil>" if value is None else go_str(value)


def _printf(fmt: str, *args: Any) -> str:
    """Go's printf for the verbs people use in formats: %s %v %d %q %f %x with flags and widths."""
    values = iter(args)

    def one(m: re.Match) -> str:
        flags, width, prec, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        if verb == "%":
            return "%"
        value = next(values, None)
        if verb in "sv":
            text = go_str(value)
            if prec:
                text = text[:int(prec[1:])]
        elif verb == "q":
            text = json.dumps(go_str(value))
        elif verb in "dxXfeg":
            py = "%" + flags + (width or "") + (prec or "") + verb
            try:
                return py % (int(value) if verb in "dxX" else float(value))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return f"%!{verb}({go_str(value)})"
        else:
            text = go_str(value)
        if width:
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
        return text

    return re.sub(r"%([-+ #0]*)(\d+)?(\.\d+)?([a-zA-Z%])", one, fmt)


def _truncate(text: Any, n: Any) -> str:
    s = go_str(text)
    return s[:int(n)]


FUNCS: dict[str, Callable[..., Any]] = {
    "json": lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False),
    "printf": _printf,
    "print": lambda *a: "".join(go_str(v) for v in a),
    "println": lambda *a: " ".join(go_str(v) for v in a) + "\n",
    "len": lambda v: len(v) if v is not None else 0,
    "index": lambda v, *keys: _index(v, keys),
    "join": lambda items, sep: sep.join(go_str(i) for i in (items or [])),
    "upper": lambda v: go_str(v).upper(),
    "lower": lambda v: go_str(v).lower(),
    "title": lambda v: go_str(v).title(),
    "truncate": _truncate,
}


def _index(value: Any, keys) -> Any:
    for key in keys:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


# -- parsing ------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    kind: str  # text | expr | range | if | with
    text: str = ""
    body: list[_Node] = field(default_factory=list)
    alt: list[_Node] = field(default_factory=list)


def _lex(source: str) -> list[tuple[str, str]]:
    """('text', s) and ('action', s) pieces, with the trim markers applied to neighbouring text."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _ACTION.finditer(source):
        text = source[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        out.append(("text", text))
        out.append(("action", m.group(2).strip()))
        pos = m.end()
        if m.group(3):
            rest = source[pos:]
            pos += len(rest) - len(rest.lstrip())
    out.append(("text", source[pos:]))
    if "{{" in "".join(t for k, t in out if k == "text"):
        raise TemplateError("template: unclosed action (a '{{' without '}}')")
    return [(k, t) for k, t in out if k == "action" or t]


def parse(source: str) -> list[_Node]:
    pieces = _lex(source)
    nodes, rest, end = _parse_block(pieces, 0)
    if end is not None:
        raise TemplateError(f"template: unexpected {{{{{end}}}}}")
    return nodes


def _parse_block(pieces, i: int) -> tuple[list[_Node], int, str | None]:
    nodes: list[_Node] = []
    while i < len(pieces):
        kind, text = pieces[i]
        i += 1
        if kind == "text":
            nodes.append(_Node("text", text))
            continue
        word = text.split(None, 1)[0] if text else ""
        if word in ("end", "else"):
            return nodes, i, word
        if word in ("range", "if", "with"):
            node = _Node(word, text[len(word):].strip())
            node.body, i, stop = _parse_block(pieces, i)
            if stop == "else":
                node.alt, i, stop = _parse_block(pieces, i)
            if stop != "end":
                raise TemplateError(f"template: {{{{{word}}}}} without {{{{end}}}}")
            nodes.append(node)
            continue
        if text.startswith("/*"):
            continue
        nodes.append(_Node("expr", text))
    return nodes, i, None


# -- evaluation ---------------------------------------------------------------------------------------------


def _field(value: Any, path: str, whole: str) -> Any:
    for name in [p for p in path.split(".") if p]:
        if isinstance(value, Mapping):
            if name not in value:
                raise TemplateError(f'template: can\'t evaluate field {name} in {whole!r}')
            value = value[name]
        elif value is None:
            return None
        elif hasattr(value, name):
            value = getattr(value, name)
        else:
            raise TemplateError(f"template: can't evaluate field {name} in {whole!r}")
    return value


def _tokens(text: str) -> list[str]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        out.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    if text[pos:].strip():
        raise TemplateError(f"template: cannot read {text[pos:]!r}")
    return out


def _operand(token: str, dot: Any, root: Any, whole: str) -> Any:
    if token.startswith('"'):
        return json.loads(token)
    if token.startswith("`"):
        return token[1:-1]
    if token == ".":
        return dot
    if token.startswith("."):
        return _field(dot, token, whole)
    if token.startswith("$"):
        return _field(root, token[1:], whole)
    if token in ("true", "false"):
        return token == "true"
    if token == "nil":
        return None
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if re.fullmatch(r"-?\d+\.\d*", token):
        return float(token)
    raise TemplateError(f"template: function {token!r} not defined")


def _command(tokens: list[str], dot: Any, root: Any, whole: str, piped: list[Any]) -> Any:
    if not tokens:
        raise TemplateError(f"template: empty command in {whole!r}")
    head = tokens[0]
    if head in FUNCS:
        args = [_operand(t, dot, root, whole) for t in tokens[1:]] + piped
        try:
            return FUNCS[head](*args)
        except TypeError as exc:
            raise TemplateError(f"template: wrong arguments for {head} in {whole!r}") from exc
    if len(tokens) > 1 or piped:
        raise TemplateError(f"template: {head!r} is not a function in {whole!r}")
    return _operand(head, dot, root, whole)


def _pipeline(text: str, dot: Any, root: Any) -> Any:
    tokens = [t for t in _tokens(text) if t not in ("(", ")")]  # parenthesised sub-pipelines: not needed
    commands: list[list[str]] = [[]]
    for t in tokens:
        if t == "|":
            commands.append([])
        else:
            commands[-1].append(t)
    value: list[Any] = []
    for cmd in commands:
        value = [_command(cmd, dot, root, text, value)]
    return value[0]


def _truth(value: Any) -> bool:
    return bool(value) and value != 0


def _render(nodes: list[_Node], dot: Any, root: Any, out: list[str]) -> None:
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "expr":
            out.append(go_str(_pipeline(node.text, dot, root)))
        elif node.kind == "if":
            _render(node.body if _truth(_pipeline(node.text, dot, root)) else node.alt, dot, root, out)
        elif node.kind == "with":
            value = _pipeline(node.text, dot, root)
            _render(node.body if _truth(value) else node.alt, value if _truth(value) else dot, root, out)
        elif node.kind == "range":
            value = _pipeline(node.text, dot, root)
            items = list(value.values()) if isinstance(value, Mapping) else list(value or [])
            if not items:
                _render(node.alt, dot, root, out)
            for item in items:
                _render(node.body, item, root, out)


def render(source: str, data: Any) -> str:
    out: list[str] = []
    _render(parse(source), data, data, out)
    return "".join(out)


# -- podman's report layer ------------------------------------------------------------------------------------


def is_json(fmt: str | None) -> bool:
    return fmt is not None and fmt.strip() in ("json", "{{json .}}")


def normalize(fmt: str) -> tuple[str, bool]:
    """(template, is_table): the `table ` prefix removed, typed `\\t`/`\\n` made real, a final newline."""
    table = fmt.startswith("table ") or fmt == "table"
    body = fmt[6:] if fmt.startswith("table ") else ("" if fmt == "table" else fmt)
    body = body.replace("\\t", "\t").replace("\\n", "\n")
    if table:
        body = re.sub(r"\}\}\s+\{\{", "}}\t{{", body)  # podman: columns may be separated by spaces
    if not body.endswith("\n"):
        body += "\n"
    return body, table


def header_for(name: str, headers: Mapping[str, str]) -> str:
    if name in headers:
        return headers[name]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).upper()


def header_row(template: str, headers: Mapping[str, str]) -> str:
    """The table's header: each action that names a field becomes that field's heading."""

    def heading(m: re.Match) -> str:
        fields = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)", m.group(2))
        return header_for(fields[-1], headers) if fields else ""

    return _ACTION.sub(heading, template)


def tabwrite(text: str, minwidth: int = 12, padding: int = 2) -> str:
    """Go's text/tabwriter as podman configures it (minwidth 12, padding 2, spaces): every tab-terminated
    cell of a column is padded to the widest cell plus padding; the text after the last tab is not a cell."""
    lines = text.split("\n")
    rows = [line.split("\t") for line in lines]
    columns = max((len(r) - 1 for r in rows), default=0)
    widths = []
    for c in range(columns):
        cells = [len(r[c]) for r in rows if len(r) - 1 > c]
        widths.append(max(max(cells, default=0) + padding, minwidth))
    out = []
    for r in rows:
        out.append("".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])) + r[-1])
    return "\n".join(out)


def report(fmt: str, rows: list[Any], headers: Mapping[str, str], heading: bool = True) -> str:
    """Render `rows` through a podman `--format` value (not json)."""
    template, table = normalize(fmt)
    nodes = parse(template)
    parts: list[str] = []
    if table and heading:
        parts.append(header_row(template, headers))
    for row in rows:
        out: list[str] = []
        _render(nodes, row, row, out)
        parts.append("".join(out))
    text = "".join(parts)
    return tabwrite(text) if table else text
