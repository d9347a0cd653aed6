"""`estiba sync --src docker|dir|yaml --dest docker|dir SOURCE DESTINATION`, with skopeo sync's flags and
meanings (docs: engine/sync_plan.py). One progress line for the whole sync, a line per image as it ends, and
a summary; exit 0 only when every image is there."""

from __future__ import annotations

import sys


def add_parser(sub) -> None:
    from cli.registry_flags import access_flags, parse_bool

    s = sub.add_parser("sync", help="copy many images: a repository, a YAML list or a directory tree, to a "
                       "registry or a directory")
    s.add_argument("--src", required=True, choices=["docker", "dir", "yaml"], help="what SOURCE is")
    s.add_argument("--dest", required=True, choices=["docker", "dir"], help="what DESTINATION is")
    s.add_argument("source", metavar="SOURCE")
    s.add_argument("destination", metavar="DESTINATION")
    s.add_argument("--scoped", action="store_true", help="keep the whole source name under DESTINATION")
    s.add_argument("-a", "--all", dest="sync_all", action="store_true",
                   help="copy every platform of multi-arch images")
    s.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="platform to take from multi-arch images")
    s.add_argument("--jobs", type=int, default=4, metavar="N", help="images copied at once (default 4)")
    s.add_argument("--layer-jobs", type=int, default=3, metavar="N", help="layers per image at once (default 3)")
    s.add_argument("--keep-going", action="store_true", default=True,
                   help="go on with the other images when one fails (the default here)")
    s.add_argument("--fail-fast", dest="keep_going", action="store_false", help="stop at the first failure")
    s.add_argument("--format", dest="manifest_format", choices=["oci", "v2s2"],
                   help="registry manifest format at the destination (default: keep the image's)")
    s.add_argument("--dest-compress-format", choices=["gzip", "zstd", "none"])
    for side in ("src", "dest"):
        s.add_argument(f"--{side}-tls-verify", type=parse_bool, metavar="BOOL", default=None)
        s.add_argument(f"--{side}-creds", metavar="USER:PASS")
        s.add_argument(f"--{side}-authfile", metavar="PATH")
        s.add_argument(f"--{side}-cert-dir", metavar="PATH",
                       help="TLS files (*.crt CAs, *.cert/*.key) for the registry, instead of certs.d")
    s.add_argument("-q", "--quiet", action="store_true")
    access_flags(s, existing={"--tls-verify", "--creds"})


def _locations_file(args) -> str | None:
    """Beside the store (--store, $ESTIBA_STORE or the default), without creating the store for it."""
    import os

    from engine.registry.blob_locations import FILE_NAME
    from engine.store_root import default_root

    root = args.store or os.environ.get("ESTIBA_STORE") or default_root()
    return os.path.join(root, FILE_NAME)


def _cert_dir(path: str | None, side: str) -> str | None:
    import os

    from engine.errors import NotFound

    if path is None:
        return None
    full = os.path.abspath(os.path.expanduser(path))
    if not os.path.isdir(full):
        raise NotFound(f"{side}-cert-dir {path}: no such folder")
    return full


def cmd_sync(args) -> int:
    from cli.progress import progress_for
    from cli.registry_flags import credentials
    from engine import sync
    from engine.errors import EstibaError
    from engine.platform import Platform
    from engine.progress import Progress
    from engine.sync_clients import ClientPool

    if args.jobs < 1 or args.layer_jobs < 1:
        raise EstibaError("--jobs and --layer-jobs must be at least 1")
    src = sync.Access(args.src_tls_verify, credentials(args.src_creds, "--src-creds"),
                      args.src_authfile or args.authfile, args.retry_times, _cert_dir(args.src_cert_dir, "--src"))
    dst = sync.Access(args.dest_tls_verify, credentials(args.dest_creds, "--dest-creds"),
                      args.dest_authfile or args.authfile, args.retry_times, _cert_dir(args.dest_cert_dir, "--dest"))
    bar = progress_for(quiet=args.quiet)
    progress = Progress(bar)
    opts = sync.SyncOptions(dest_access=dst, all_platforms=args.sync_all,
                            platform=Platform.parse(args.platform) if args.platform else None, jobs=args.jobs,
                            layers=args.layer_jobs, compress=args.dest_compress_format,
                            manifest_format=args.manifest_format, keep_going=args.keep_going,
                            locations_file=_locations_file(args))
    pool = ClientPool(progress.cancel, pool_size=sync.pool_size(opts))  # the plan's clients serve the run too
    try:
        return _plan_and_run(args, opts, src, progress, bar, pool)
    finally:
        pool.close()


def _plan_and_run(args, opts, src, progress, bar, pool) -> int:
    from engine import sync, sync_plan
    from engine.errors import EstibaError

    items = sync_plan.plan(args.src, args.dest, args.source, args.destination, access=src, scoped=args.scoped,
                           cancel=progress.cancel, pool=pool)
    if not items:
        print("Nothing to sync", file=sys.stderr)
        return 0

    def report(res: sync.ItemResult) -> None:
        if args.quiet and res.status != sync.FAILED:
            return
        bar.finish()
        shown = res.item.source.removeprefix("docker://")
        if res.status == sync.FAILED:
            print(f"Failed {shown}: {res.error}", file=sys.stderr)
        else:
            word = "Copied" if res.status == sync.COPIED else "Skipped (already there)"
            print(f"{word} {shown} -> {res.item.dest.removeprefix('docker://')}", file=sys.stderr)

    try:
        summary = sync.run(items, opts, progress, on_result=report, pool=pool)
    finally:
        bar.finish()
    print(f"Sync: {summary.line()}", file=sys.stderr)
    if summary.failed:
        raise EstibaError(f"{len(summary.failed)} of {len(items)} image(s) failed; a rerun copies only what is "
                          "missing")
    return 0
