"""`images`, `inspect` and `history` printed as podman 4.3 prints them: its columns (a Go tab writer, minimum
width 12, padding 2), its sizes (decimal units, three significant digits: go-units HumanSizeWithPrecision),
its ages (go-units HumanDuration + " ago"), its JSON keys, and `--format` Go templates (cli/gotemplate.py)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import sys

from cli import gotemplate
from engine import image_info
from engine.dates import format_created
from engine.errors import EstibaError, InvalidInput, NotFound
from engine.shortnames import resolve_local
from engine.store import ImageRecord, Store

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def human_size(n: float) -> str:
    """go-units HumanSizeWithPrecision(n, 3) as podman prints it: `19.9 kB`, `5.58 MB`, `0 B`."""
    i = 0
    while n >= 1000 and i < len(_UNITS) - 1:
        n /= 1000
        i += 1
    return f"{n:.3g} {_UNITS[i]}"


def human_duration(seconds: float) -> str:
    """go-units HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(round(seconds / 3600))
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds // 3600) // 24 // 365} years"


def ago(when: dt.datetime | None) -> str:
    if when is None:
        return "unknown"
    return human_duration((dt.datetime.now(dt.UTC) - when).total_seconds()) + " ago"


def go_time(when: dt.datetime | None) -> str:
    """Go's time.Time %v: `2021-09-23 23:47:57 +0000 UTC` (what podman's .CreatedAt prints)."""
    return when.strftime("%Y-%m-%d %H:%M:%S +0000 UTC") if when else ""


def _public(rows: list[dict]) -> list[dict]:
    """The fields a template sees (the leading-underscore ones are this module's bookkeeping)."""
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


# -- images -------------------------------------------------------------------------------------------------

IMAGE_HEADERS = {"ID": "IMAGE ID", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "VirtualSize": "SIZE"}


def _split(name: str) -> tuple[str, str]:
    repo, _, tag = name.rpartition(":")
    return (repo, tag) if repo and "/" not in tag else (name, "<none>")


def _image_rows(store: Store, records: list[ImageRecord], args) -> list[dict]:
    sizes = image_info.SizeCache(store)
    rows = []
    for rec in records:
        size = image_info.image_size(store, rec, sizes)
        created = format_created(rec.created)
        labels = _labels(store, rec)
        base = {
            "ID": rec.id if args.no_trunc else rec.hex[:12], "Id": rec.hex, "Digest": rec.digest,
            "Created": ago(created), "CreatedSince": ago(created), "CreatedAt": go_time(created),
            "CreatedTime": go_time(created), "Size": human_size(size), "VirtualSize": size, "SharedSize": 0,
            "Containers": 0, "Labels": labels, "Names": list(rec.names), "Dangling": not rec.names,
            "History": list(rec.names), "IsReadOnly": False, "ReadOnly": False, "_rec": rec, "_size": size,
        }
        for name in rec.names or ["<none>:<none>"]:
            repo, tag = _split(name) if name != "<none>:<none>" else ("<none>", "<none>")
            rows.append({**base, "Repository": repo, "Tag": tag})
    sizes.save()
    return rows


def _labels(store: Store, rec: ImageRecord) -> dict:
    try:
        section = store.config_of(rec).doc.get("config") or {}
    except EstibaError:
        return {}
    labels = section.get("Labels") if isinstance(section, dict) else None
    return dict(labels) if isinstance(labels, dict) else {}


def _filter(store: Store, rows: list[dict], filters: list[str]) -> list[dict]:
    for spec in filters:
        key, sep, value = spec.partition("=")
        if not sep:
            raise InvalidInput(f"invalid filter {spec!r}: write KEY=VALUE (reference, dangling, before, since, label)")
        if key == "reference":
            rows = [r for r in rows if _reference_matches(r, value)]
        elif key == "dangling":
            want = value.lower() in ("true", "1")
            rows = [r for r in rows if r["Dangling"] == want]
        elif key in ("before", "since"):
            pivot = store.lookup(resolve_local(store, value))
            when = pivot.created or ""
            rows = [r for r in rows if r["_rec"].id != pivot.id and
                    ((r["_rec"].created or "") < when if key == "before" else (r["_rec"].created or "") > when)]
        elif key == "label":
            lk, lsep, lv = value.partition("=")
            rows = [r for r in rows if lk in r["Labels"] and (not lsep or r["Labels"][lk] == lv)]
        else:
            raise InvalidInput(f"invalid filter {key!r}: use reference, dangling, before, since or label")
    return rows


def _reference_matches(row: dict, pattern: str) -> bool:
    """podman: the pattern is matched against the full name and against the name without its registry; a
    pattern without a tag matches any tag."""
    if row["Repository"] == "<none>":
        return False
    full = f"{row['Repository']}:{row['Tag']}"
    candidates = [full, row["Repository"]]
    short_repo = row["Repository"].split("/", 1)[1] if "/" in row["Repository"] else row["Repository"]
    candidates += [f"{short_repo}:{row['Tag']}", short_repo, short_repo.rsplit("/", 1)[-1],
                   f"{short_repo.rsplit('/', 1)[-1]}:{row['Tag']}"]
    return any(fnmatch.fnmatchcase(c, pattern) for c in candidates)


_SORT_KEYS = {
    "created": lambda r: (r["_rec"].created or ""),
    "id": lambda r: r["Id"],
    "repository": lambda r: (r["Repository"], r["Tag"]),
    "tag": lambda r: r["Tag"],
    "size": lambda r: r["_size"],
}


def images(store: Store, args) -> int:
    records = store.images()
    rows = _image_rows(store, records, args)
    if args.image:
        wanted = resolve_local(store, args.image)
        try:
            target = store.lookup(wanted)
        except NotFound:
            rows = [r for r in rows if _reference_matches(r, args.image)]
        else:
            full = wanted if ":" in wanted.rpartition("/")[2] else None
            rows = [r for r in rows if r["_rec"].id == target.id and
                    (full is None or f"{r['Repository']}:{r['Tag']}" == full or r["Dangling"])]
    rows = _filter(store, rows, args.filter)
    rows.sort(key=_SORT_KEYS[args.sort], reverse=args.sort in ("created", "size"))
    if gotemplate.is_json(args.format):
        seen: dict[str, dict] = {}
        for r in rows:
            seen.setdefault(r["Id"], r)
        _print(json.dumps([_json_image(r) for r in seen.values()], indent=4) + "\n")
        return 0
    if args.quiet:
        out: list[str] = []
        for r in rows:
            if r["ID"] not in out:
                out.append(r["ID"])
        _print("".join(f"{i}\n" for i in out))
        return 0
    fmt = args.format
    if fmt is None or fmt.strip() == "table":  # podman: a bare `table` is the default table
        fmt = "table {{.Repository}}\t{{.Tag}}\t" + ("{{.Digest}}\t" if args.digests else "") + \
              "{{.ID}}\t{{.Created}}\t{{.Size}}"
    try:
        _print(gotemplate.report(fmt, _public(rows), IMAGE_HEADERS, heading=not args.noheading))
    except gotemplate.TemplateError as exc:
        raise InvalidInput(str(exc)) from None
    return 0


def _json_image(r: dict) -> dict:
    rec: ImageRecord = r["_rec"]
    created = format_created(rec.created)
    return {
        "Id": rec.hex, "ParentId": "", "RepoTags": None, "RepoDigests": image_info.repo_digests(rec),
        "Size": r["_size"], "SharedSize": 0, "VirtualSize": r["_size"], "Labels": r["Labels"] or None,
        "Containers": 0, **({"Names": list(rec.names)} if rec.names else {}), "Digest": rec.digest,
        **({"History": list(rec.names)} if rec.names else {}),
        "Created": int(created.timestamp()) if created else 0,
        "CreatedAt": created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else "",
        "Platforms": list(rec.platforms),  # Estiba's addition: a multi-platform image kept whole
    }


# -- inspect ------------------------------------------------------------------------------------------------


def inspect(store: Store, args) -> int:
    sizes = image_info.SizeCache(store)
    docs, missing = [], []
    for text in args.images:
        try:
            rec = store.lookup(resolve_local(store, text))
        except NotFound:
            missing.append(text)
            continue
        docs.append(image_info.inspect_document(store, rec, sizes))
    sizes.save()
    if args.format and not gotemplate.is_json(args.format):
        try:
            _print(gotemplate.report(args.format, docs, {}))
        except gotemplate.TemplateError as exc:
            raise InvalidInput(str(exc)) from None
    else:
        _print(json.dumps(docs, indent=5 if docs else None) + "\n")
    if missing:  # podman exits 125 here (not 1 as rmi does)
        raise NotFound("; ".join(f"{m}: image not known" for m in missing))
    return 0


# -- history ------------------------------------------------------------------------------------------------

HISTORY_HEADERS = {"ID": "ID", "CreatedBy": "CREATED BY"}


def history(store: Store, args) -> int:
    rec = store.lookup(resolve_local(store, args.image))
    entries = image_info.history(store, rec)
    rows = []
    for e in entries:
        when = format_created(e.created)
        created_by = e.created_by
        if not args.no_trunc and len(created_by) > 45:
            created_by = created_by[:42] + "..."
        ident = e.id if args.no_trunc or e.id == "<missing>" else e.id[:12]
        rows.append({"ID": ident, "Created": ago(when) if args.human else go_time(when),
                     "CreatedSince": ago(when), "CreatedAt": go_time(when), "CreatedBy": created_by,
                     "Size": human_size(e.size) if args.human else str(e.size), "Comment": e.comment,
                     "Tags": None, "_e": e})
    if gotemplate.is_json(args.format):
        out = [{"id": r["_e"].id, "created": r["_e"].created, "CreatedBy": r["_e"].created_by,
                "size": r["_e"].size, "comment": r["_e"].comment} for r in rows]
        _print(json.dumps(out) + "\n")
        return 0
    if args.quiet:
        _print("".join(f"{r['ID']}\n" for r in rows))
        return 0
    fmt = args.format if args.format and args.format.strip() != "table" else \
        "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
    try:
        _print(gotemplate.report(fmt, _public(rows), HISTORY_HEADERS))
    except gotemplate.TemplateError as exc:
        raise InvalidInput(str(exc)) from None
    return 0
