"""The CLI verbs: parse arguments into engine calls and print what podman prints."""

from __future__ import annotations

import datetime as dt
import json
import sys

from cli.progress import TerminalProgress, human_bytes
from engine import operations
from engine.contract import CopiedImage
from engine.dates import format_created
from engine.errors import EstibaError
from engine.options import TransferOptions
from engine.platform import Platform
from engine.progress import Progress
from engine.reference import parse_reference
from engine.store import ImageRecord, Store


def _store(args) -> Store:
    return Store(args.store)


def _options(args) -> TransferOptions:
    compress = getattr(args, "compress", None)
    if getattr(args, "uncompressed", False):
        compress = "none"
    if getattr(args, "jobs", 3) < 1:
        raise EstibaError("--jobs must be at least 1")
    creds = None
    if getattr(args, "creds", None):
        user, sep, secret = args.creds.partition(":")
        if not sep or not user:
            raise EstibaError("--creds takes USER:PASSWORD")
        creds = (user, secret)
    return TransferOptions(
        tls_verify=getattr(args, "tls_verify", None),
        retry_times=getattr(args, "retry_times", 3),
        credentials=creds,
        authfile=getattr(args, "authfile", None),
        manifest_format=getattr(args, "manifest_format", None),
        platform=Platform.parse(args.platform) if getattr(args, "platform", None) else None,
        all_platforms=getattr(args, "all_platforms", False),
        parallel=getattr(args, "jobs", 3),
        compress=compress,
        tag_only_ref=getattr(args, "tag_only_ref", False),
    )


def _run(args, fn, *fn_args):
    bar = TerminalProgress()
    if getattr(args, "quiet", False):
        bar.enabled = False
    try:
        return fn(*fn_args, _options(args), Progress(bar))
    finally:
        bar.finish()


def _print_loaded(results: list[CopiedImage]) -> None:
    for res in results:
        if res.names:
            for name in res.names:
                print(f"Loaded image: {name}")
        else:
            print(f"Loaded image: {res.image_id}")


def cmd_load(args) -> int:
    store = _store(args)
    path = args.input
    if path is None:
        if sys.stdin.isatty():
            raise EstibaError("no input: give -i PATH, or pipe an archive into standard input")
        path = "/dev/stdin"
    _print_loaded(_run(args, operations.load, store, path))
    return 0


def cmd_pull(args) -> int:
    store = _store(args)
    for res in _run(args, operations.pull, store, args.source):
        print(res.image_id.hex)
    return 0


def cmd_save(args) -> int:
    store = _store(args)
    _run(args, operations.save, store, args.images, args.output, args.format)
    return 0


def cmd_push(args) -> int:
    _run(args, operations.push, _store(args), args.image, args.destination)
    return 0


def cmd_copy(args) -> int:
    _run(args, operations.copy_between, _store(args), args.source, args.destination)
    return 0


def cmd_tag(args) -> int:
    _store(args).tag(args.image, args.names)
    return 0


def cmd_untag(args) -> int:
    _store(args).untag(args.image, args.names)
    return 0


def cmd_rmi(args) -> int:
    for rec, names in _store(args).remove(args.images, force=args.force):
        for name in names:
            print(f"Untagged: {name}")
        if names == rec.names or not names:
            print(f"Deleted: {rec.hex}")
    return 0


def _ago(when: dt.datetime | None) -> str:
    if when is None:
        return "unknown"
    secs = (dt.datetime.now(dt.UTC) - when).total_seconds()
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400),
                       ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = int(secs // size)
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return "Less than a minute ago" if secs >= 0 else "In the future"


def _split_name(name: str) -> tuple[str, str]:
    ref = parse_reference(name)
    return ref.name, ref.tag or "latest"


def cmd_images(args) -> int:
    records = sorted(_store(args).images(), key=lambda r: r.added, reverse=True)
    if args.format == "json":
        print(json.dumps([_json_record(r) for r in records], indent=4))
        return 0
    if args.quiet:
        seen = []
        for r in records:
            shown = r.id if args.no_trunc else r.hex[:12]
            if shown not in seen:
                seen.append(shown)
                print(shown)
        return 0
    rows = [("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE")]
    for r in records:
        shown = r.id if args.no_trunc else r.hex[:12]
        created = _ago(format_created(r.created))
        for repo, tag in ([_split_name(n) for n in r.names] or [("<none>", "<none>")]):
            rows.append((repo, tag, shown, created, human_bytes(r.size)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return 0


def _json_record(r: ImageRecord) -> dict:
    created = format_created(r.created)
    return {
        "Id": r.hex,
        "Names": r.names,
        "RepoTags": r.names,
        "Digest": r.digest,
        "Size": r.size,
        "Created": int(created.timestamp()) if created else 0,
        "CreatedAt": created.isoformat().replace("+00:00", "Z") if created else "",
        "Platforms": r.platforms,
        "MediaType": r.media_type,
    }


def cmd_inspect(args) -> int:
    store = _store(args)
    rec = store.lookup(args.image)
    manifest = store.image_manifest(rec)
    config = store.config_of(rec, manifest)
    doc = config.doc
    out = {
        "Id": rec.hex,
        "Digest": rec.digest,
        "RepoTags": rec.names,
        "Created": rec.created,
        "Architecture": doc.get("architecture"),
        "Os": doc.get("os"),
        "Variant": doc.get("variant"),
        "Size": rec.size,
        "Config": doc.get("config") or {},
        "RootFS": doc.get("rootfs"),
        "History": doc.get("history") or [],
        "ManifestType": rec.media_type,
        "Platforms": rec.platforms,
        "Layers": [{"Digest": layer.digest, "Size": layer.size, "MediaType": layer.media_type}
                   for layer in manifest.layers],
        "Labels": (doc.get("config") or {}).get("Labels"),
    }
    print(json.dumps([out], indent=4))
    return 0


def cmd_history(args) -> int:
    store = _store(args)
    rec = store.lookup(args.image)
    manifest = store.image_manifest(rec)
    config = store.config_of(rec, manifest)
    layers = iter(manifest.layers)
    rows = [("ID", "CREATED", "CREATED BY", "SIZE", "COMMENT")]
    entries = list(config.doc.get("history") or [])
    lines = []
    for i, h in enumerate(entries):
        if not isinstance(h, dict):
            continue
        size = 0
        if not h.get("empty_layer"):
            layer = next(layers, None)
            size = layer.size if layer else 0
        created_by = str(h.get("created_by", ""))
        if not args.no_trunc and len(created_by) > 45:
            created_by = created_by[:44] + "…"
        ident = rec.hex[:12] if i == len(entries) - 1 else "<missing>"
        lines.append((ident, _ago(format_created(h.get("created"))), created_by, human_bytes(size),
                      str(h.get("comment", ""))))
    rows += reversed(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return 0


def cmd_check(args) -> int:
    problems = _store(args).check()
    for p in problems:
        print(p)
    if problems:
        print(f"Error: {len(problems)} problem(s) found in the store", file=sys.stderr)
        return 125
    print("The store is consistent: every blob matches its digest and every image is complete.")
    return 0


def cmd_prune(args) -> int:
    count, freed = _store(args).prune()
    print(f"Removed {count} unused blob(s), {human_bytes(freed)} freed")
    return 0


def cmd_login(args) -> int:
    import getpass

    from engine import credentials

    if args.get_login:
        print(credentials.get_login(args.registry, authfile=args.authfile))
        return 0
    if args.password and args.password_stdin:
        raise EstibaError("--password and --password-stdin cannot be used together")
    user, password = args.username, args.password
    if args.password_stdin:
        if not user:
            raise EstibaError("--password-stdin needs --username")
        password = sys.stdin.readline().rstrip("\n")
    if not user:
        if not sys.stdin.isatty():
            raise EstibaError("no user name: pass -u USER (there is no terminal to ask on)")
        user = input("Username: ")
    if password is None:
        if not sys.stdin.isatty():
            raise EstibaError("no password: pass -p PASSWORD or --password-stdin")
        password = getpass.getpass("Password: ")
    print(credentials.login(args.registry, user, password, tls_verify=args.tls_verify, authfile=args.authfile))
    return 0


def cmd_logout(args) -> int:
    from engine import credentials

    if not args.all and not args.registry:
        raise EstibaError("name a registry to log out of, or use --all")
    removed = credentials.logout(None if args.all else args.registry, all=args.all, authfile=args.authfile)
    if args.all:
        print("Removed login credentials for all registries")
    else:
        for reg in removed or [args.registry]:
            print(f"Removed login credentials for {reg}")
    return 0
