"""skopeo's registry verbs with skopeo's spellings: `inspect TRANSPORT:REF` (an image where it lies, not in the
store), `list-tags docker://REPO`, `delete docker://REF`, `sync`, plus crane's `catalog REGISTRY`; and the
per-side flags skopeo's `copy` takes. Kept apart from cli/main.py, which only hooks them in:
add_parsers(sub) after its own verbs, handler(args) before its own dispatch. Engine imports stay lazy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from cli.progress import progress_for
from cli.registry_flags import access_flags, credentials, parse_bool

PARTIAL_EXIT = 1
SIDE_FLAGS = ("src_creds", "dest_creds", "src_tls_verify", "dest_tls_verify", "copy_all", "dest_compress_format",
              "preserve_digests")  # the JSON printed is incomplete (the registry's listing broke off); errors are 125


def _option_strings(s: argparse.ArgumentParser) -> set[str]:
    return {o for action in s._actions for o in action.option_strings}


def _inspect_parsers(sub) -> list[argparse.ArgumentParser]:
    """`estiba inspect` and `estiba image inspect` (cli/verbs.py defines both)."""
    found = [sub.choices["inspect"]] if "inspect" in sub.choices else []
    group = sub.choices.get("image")
    for action in group._actions if group is not None else []:
        if isinstance(action, argparse._SubParsersAction) and "inspect" in action.choices:
            found.append(action.choices["inspect"])
    return found


def add_parsers(sub) -> None:
    """Add the verbs to cli/main.py's subparsers, and skopeo's flags to its `inspect` and `copy`."""
    for inspect in _inspect_parsers(sub):
        have = _option_strings(inspect)
        inspect.description = ("An image in the store, or (with a transport: docker://HOST/REPO:TAG, "
                               "oci-archive:PATH, oci:DIR, dir:DIR, docker-archive:PATH) one where it lies, read "
                               "without pulling it.")
        inspect.add_argument("--raw", action="store_true", help="print the manifest (or index) as stored")
        inspect.add_argument("--config", action="store_true", help="print the image's config")
        if "--format" not in have and "-f" not in have:
            inspect.add_argument("-f", "--format", dest="remote_format", metavar="TEMPLATE",
                                 help="Go template applied to the output")
        inspect.add_argument("-n", "--no-tags", action="store_true", help="do not list the repository's tags")
        if "--platform" not in have:
            inspect.add_argument("--platform", metavar="OS/ARCH[/VARIANT]",
                                 help="platform to inspect in a multi-arch image (default: this machine's)")
        access_flags(inspect, existing=have)

    s = sub.add_parser("list-tags", help="list the tags of a registry repository (docker://HOST/REPO)")
    s.add_argument("repository", metavar="docker://REPO")
    s.add_argument("--page-size", type=int, metavar="N", help="ask for N tags per page")
    access_flags(s)

    s = sub.add_parser("catalog", help="list the repositories of a registry (where it offers a catalog)")
    s.add_argument("registry", metavar="REGISTRY")
    s.add_argument("--format", dest="catalog_format", choices=["lines", "json"], default="lines")
    s.add_argument("--page-size", type=int, metavar="N", help="ask for N repositories per page")
    access_flags(s)

    s = sub.add_parser("delete", help="delete an image from a registry (every tag on its manifest goes too)")
    s.add_argument("reference", metavar="docker://REF")
    s.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation on a terminal")
    access_flags(s)

    from cli import sync_verb

    sync_verb.add_parser(sub)

    copy = sub.choices.get("copy")
    if copy is not None:
        have = _option_strings(copy)
        for side in ("src", "dest"):
            copy.add_argument(f"--{side}-creds", metavar="USER:PASS", help=f"credentials for the {side} registry")
            copy.add_argument(f"--{side}-tls-verify", type=parse_bool, metavar="BOOL", default=None,
                              help=f"verify the {side} registry's TLS")
        if "--all" not in have:
            copy.add_argument("-a", "--all", "--multi-arch", dest="copy_all", action="store_true",
                              help="copy every platform of a multi-arch image")
        copy.add_argument("--dest-compress-format", choices=["gzip", "zstd", "none"],
                          help="layer compression at the destination (same as --compress)")
        copy.add_argument("--preserve-digests", action="store_true",
                          help="fail instead of changing any manifest digest")


VERBS = ("list-tags", "catalog", "delete", "sync")


def handler(args) -> Callable | None:
    """The function for the verb when it is one of these (or an inspect of a location); cli/verbs.py's verbs
    name themselves in args.verb, also inside the `estiba image` group."""
    verb = getattr(args, "verb", None) or args.command
    if verb == "inspect":
        images = getattr(args, "images", None) or [getattr(args, "image", "")]
        raw, config = getattr(args, "raw", False), getattr(args, "config", False)
        if not (raw or config or any(_is_location(i) for i in images)):
            return None
        if len(images) != 1:
            from engine.errors import InvalidInput

            raise InvalidInput("give one image to inspect with --raw, --config or a TRANSPORT:REFERENCE")
        args.image = images[0]
        return cmd_inspect
    if verb == "copy" and any(getattr(args, flag, None) not in (None, False) for flag in SIDE_FLAGS):
        return cmd_copy_sides
    return {"list-tags": cmd_list_tags, "catalog": cmd_catalog, "delete": cmd_delete,
            "sync": _sync}.get(verb)


def _sync(args) -> int:
    from cli import sync_verb

    return sync_verb.cmd_sync(args)


def _is_location(text: str) -> bool:
    from engine import transports

    try:
        return transports.parse_location(text) is not None
    except Exception:  # noqa: BLE001 - an unsupported transport is still a location: the verb reports it
        return ":" in text and not text.startswith("sha256:") and "/" not in text.split(":", 1)[0]


def options(args):
    """The registry access flags as the engine's TransferOptions (--platform too, where the verb has it)."""
    from engine.options import TransferOptions
    from engine.platform import Platform

    return TransferOptions(tls_verify=args.tls_verify, retry_times=args.retry_times,
                           credentials=credentials(args.creds), authfile=args.authfile,
                           platform=Platform.parse(args.platform) if getattr(args, "platform", None) else None)


def _print_json(doc) -> None:
    print(json.dumps(doc, indent=4, ensure_ascii=False))


def _render(template: str, doc) -> str:
    try:
        from cli import gotemplate  # type: ignore[attr-defined]

        render = gotemplate.render
    except (ImportError, AttributeError):
        from cli.mini_template import render
    return render(template, doc)


def cmd_inspect(args) -> int:
    from engine import inspect_remote
    from engine.errors import EstibaError

    text = args.image
    if not _is_location(text):
        from cli.commands import _store  # --raw / --config of a store image: read it from the store

        store = _store(args)
        rec = store.lookup(text)
        if args.raw:
            sys.stdout.buffer.write(store.read_blob(rec.digest))
            sys.stdout.flush()
            return 0
        manifest = store.image_manifest(rec)
        _print_json(store.config_of(rec, manifest).doc)
        return 0
    fmt = getattr(args, "remote_format", None) or getattr(args, "format", None)
    fmt = fmt if isinstance(fmt, str) and fmt not in ("json", "") else None
    if args.raw and not args.config:
        if fmt:
            raise EstibaError("--raw prints the manifest as it is; it cannot be combined with --format")
        sys.stdout.buffer.write(inspect_remote.raw_manifest(text, options(args)))
        sys.stdout.flush()
        return 0
    result = inspect_remote.inspect_location(text, options(args), repo_tags=not (args.no_tags or args.config))
    if args.config:
        if args.raw:
            sys.stdout.buffer.write(result.config.raw)
            sys.stdout.flush()
        else:
            _print_json(result.config.doc)
        return 0
    doc = result.as_skopeo_json()
    if fmt:
        print(_render(fmt, doc))
    else:
        _print_json(doc)
    return 0


def _repository(text: str):
    from engine.errors import InvalidInput
    from engine.reference import parse_reference

    if not text.startswith("docker://"):
        raise InvalidInput(f"{text!r}: list-tags and delete take docker://HOST/REPO (other transports have no "
                           "tag lists here)")
    return parse_reference(text.removeprefix("docker://"), default_tag=None)


def cmd_list_tags(args) -> int:
    from engine import remote
    from engine.errors import InvalidInput
    from engine.registry import browse

    ref = _repository(args.repository)
    if ref.tag or ref.digest:
        raise InvalidInput(f"{args.repository}: name a repository without a tag or digest")
    if args.page_size is not None and args.page_size < 1:
        raise InvalidInput("--page-size must be at least 1")
    client = remote.open_client(ref.domain, ref.path, options(args))
    try:
        listing = browse.list_tags(client, ref.path, page_size=args.page_size)
    finally:
        client.close()
    _print_json({"Repository": ref.name, "Tags": listing.names})
    if not listing.complete:
        print(f"Warning: partial list: {listing.problem}", file=sys.stderr)
        return PARTIAL_EXIT
    return 0


def cmd_catalog(args) -> int:
    from engine import remote
    from engine.errors import InvalidInput
    from engine.registry import browse

    registry = args.registry.removeprefix("docker://").rstrip("/")
    if not registry or "/" in registry:
        raise InvalidInput(f"{args.registry!r}: name a registry (HOST[:PORT]), not a repository")
    if args.page_size is not None and args.page_size < 1:
        raise InvalidInput("--page-size must be at least 1")
    client = remote.open_client(registry, "", options(args))
    try:
        listing = browse.catalog(client, page_size=args.page_size)
    finally:
        client.close()
    if args.catalog_format == "json":
        _print_json({"Registry": registry, "Repositories": listing.names})
    else:
        for name in listing.names:
            print(name)
    if not listing.complete:
        print(f"Warning: partial list: {listing.problem}", file=sys.stderr)
        return PARTIAL_EXIT
    return 0


def cmd_delete(args) -> int:
    from engine import remote
    from engine.errors import Cancelled
    from engine.registry import browse

    ref = _repository(args.reference)
    client = remote.open_client(ref.domain, ref.path, options(args))
    try:
        target = ref.digest or ref.tag or "latest"
        head = browse.head_manifest(client, ref.path, target)
        going = browse.tags_on(client, ref.path, head.digest)
        shown = ", ".join(going) if going else "none"
        if sys.stdin.isatty() and not args.yes:
            answer = input(f"Delete {ref.name}@{head.digest} and every tag on it ({shown})? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise Cancelled("nothing was deleted")
        # Pass what was shown: a tag that moved since is refused, not deleted.
        deleted = browse.delete(client, ref, expected=head.digest)
    finally:
        client.close()
    print(f"Deleted {ref.name}@{deleted} (tags that went with it: {shown})")
    return 0


def cmd_copy_sides(args) -> int:
    """copy with skopeo's per-side flags: each side's access, then the copy (engine/copy_sides.py)."""
    from dataclasses import replace

    from cli import commands
    from engine.copy_sides import copy_with_sides
    from engine.errors import EstibaError
    from engine.progress import Progress

    if args.dest_compress_format and args.compress and args.dest_compress_format != args.compress:
        raise EstibaError("--compress and --dest-compress-format disagree; give one of them")
    if args.preserve_digests and (args.manifest_format or (args.dest_compress_format or args.compress or "none")
                                  != "none"):
        raise EstibaError("--preserve-digests cannot be combined with --format or a compression change")
    base = commands._options(args)
    if args.copy_all:
        base = replace(base, all_platforms=True)
    if args.dest_compress_format:
        base = replace(base, compress=args.dest_compress_format)
    src = replace(base, tls_verify=base.tls_verify if args.src_tls_verify is None else args.src_tls_verify,
                  credentials=credentials(args.src_creds, "--src-creds") or base.credentials)
    dest = replace(base, tls_verify=base.tls_verify if args.dest_tls_verify is None else args.dest_tls_verify,
                   credentials=credentials(args.dest_creds, "--dest-creds") or base.credentials)
    bar = progress_for(quiet=args.quiet)
    try:
        copy_with_sides(commands._store(args), args.source, args.destination, src, dest, Progress(bar),
                        preserve_digests=args.preserve_digests)
    finally:
        bar.finish()
    return 0
