"""A stand-in for Go's text/template until cli/gotemplate.py exists: `{{.Field}}`, `{{.A.B}}` and
`{{json .Field}}`, which is what skopeo's documentation uses with `inspect --format`."""

from __future__ import annotations

import json
import re

from engine.errors import InvalidInput

_ACTION = re.compile(r"\{\{\s*(json\s+)?(\.[A-Za-z0-9_.]*)\s*\}\}")


def _lookup(doc, path: str):
    value = doc
    for part in [p for p in path.split(".") if p]:
        if not isinstance(value, dict) or part not in value:
            raise InvalidInput(f"template: can't evaluate field {part}")
        value = value[part]
    return value


def _text(value, as_json: bool) -> str:
    if as_json:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "<no value>"
    if isinstance(value, list):
        return "[" + " ".join(_text(v, False) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_text(v, False)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(template: str, doc) -> str:
    rest = _ACTION.sub("", template)
    if "{{" in rest:
        raise InvalidInput(f"template {template!r}: only {{{{.Field}}}} and {{{{json .Field}}}} are understood here")
    return _ACTION.sub(lambda m: _text(_lookup(doc, m.group(2)), bool(m.group(1))), template)
