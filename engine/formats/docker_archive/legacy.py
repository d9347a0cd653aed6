"""The legacy v1 metadata of a docker-archive (`<v1id>/json`), byte-exact with containers/image
(docker/internal/tarfile/writer.go, writeLegacyMetadataLocked; docs/formats.md §1.1)."""

from __future__ import annotations

import hashlib
import json
import re

from engine.digest import Digest
from engine.errors import InvalidInput

_V1_CONFIG_KEYS = ("architecture", "config", "container", "container_config", "created", "docker_version", "os")
_WS = re.compile(r"[ \t\n\r]*")


def _raw_members(raw: bytes) -> dict[str, bytes]:
    """Top-level members of a JSON object as their raw bytes (last duplicate wins, as in Go)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the image config is not UTF-8 JSON") from None
    decoder = json.JSONDecoder()
    out: dict[str, bytes] = {}
    try:
        i = _WS.match(text, 0).end()
        if text[i] != "{":
            raise ValueError("not an object")
        i = _WS.match(text, i + 1).end()
        if text[i] == "}":
            return out
        while True:
            if text[i] != '"':
                raise ValueError("key expected")
            key, i = json.decoder.scanstring(text, i + 1)
            i = _WS.match(text, i).end()
            if text[i] != ":":
                raise ValueError("':' expected")
            start = _WS.match(text, i + 1).end()
            _, end = decoder.raw_decode(text, start)
            out[key] = text[start:end].encode()
            i = _WS.match(text, end).end()
            if text[i] == "}":
                return out
            if text[i] != ",":
                raise ValueError("',' expected")
            i = _WS.match(text, i + 1).end()
    except (ValueError, IndexError):
        raise InvalidInput("the image config is not a JSON object") from None


def _go_compact(raw: bytes) -> bytes:
    """What Go's encoding/json does to a json.RawMessage it marshals: drop insignificant whitespace, escape
    `<`, `>`, `&`, U+2028 and U+2029."""
    out = bytearray()
    in_string = escaped = False
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c in b"<>&":
            out += b"\\u00%02x" % c
        elif c == 0xE2 and raw[i + 1:i + 3] in (b"\x80\xa8", b"\x80\xa9"):
            out += b"\\u202" + (b"8" if raw[i + 2] == 0xA8 else b"9")
            i += 3
            continue
        elif in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == 0x5C:  # backslash
                escaped = True
            elif c == 0x22:
                in_string = False
        elif c in b" \t\n\r":
            pass
        else:
            out.append(c)
            in_string = c == 0x22
        i += 1
    return bytes(out)


def _go_marshal(doc: dict[str, bytes]) -> bytes:
    """json.Marshal of a map[string]any whose values are already JSON: keys sorted, compact."""
    return b"{" + b",".join(json.dumps(k).encode() + b":" + doc[k] for k in sorted(doc)) + b"}"


def legacy_layers(config_raw: bytes, diff_ids: list[Digest]) -> list[tuple[str, bytes]]:
    """(v1 id, `json` file bytes) per layer, byte-exact with containers/image: the v1 id is the sha256 of the
    layer's legacy config with `layer_id` = ChainID; the top layer also carries 7 raw config attributes."""
    top_attrs: dict[str, bytes] = {}
    if diff_ids:
        members = _raw_members(config_raw)
        top_attrs = {k: _go_compact(members[k]) if k in members else b"null" for k in _V1_CONFIG_KEYS}
    out: list[tuple[str, bytes]] = []
    chain = ""
    parent = ""
    for i, diff_id in enumerate(diff_ids):
        doc: dict[str, bytes] = {}
        if parent:
            doc["parent"] = json.dumps(parent).encode()
        if i == len(diff_ids) - 1:
            doc.update(top_attrs)
        chain = diff_id if not chain else "sha256:" + hashlib.sha256(f"{chain} {diff_id}".encode()).hexdigest()
        v1id = hashlib.sha256(_go_marshal({**doc, "layer_id": json.dumps(chain).encode()})).hexdigest()
        doc["id"] = json.dumps(v1id).encode()
        out.append((v1id, _go_marshal(doc)))
        parent = v1id
    return out

