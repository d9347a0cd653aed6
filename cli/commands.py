"""The CLI verbs: parse arguments into engine calls and print what podman prints."""

from __future__ import annotations

import signal
import sys

from cli import listing
from cli.errors import NotKnown
from cli.progress import progress_for
from cli.pull_names import pull_from_registry
from engine import operations, pull_resolution, transports
from engine.contract import CopiedImage
from engine.errors import Cancelled, EstibaError, NotFound
from engine.options import TransferOptions
from engine.platform import Platform
from engine.progress import CancelToken, Progress
from engine.shortnames import local_name, resolve_local
from engine.store import Store


def _store(args) -> Store:
    return Store(getattr(args, "store", None))


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
    """A transfer: Ctrl-C and SIGTERM cancel it (the engine stops within a second and removes what it staged,
    in the store's tmp/ and beside the output); a second one interrupts at once."""
    view = progress_for(quiet=getattr(args, "quiet", False))
    token = CancelToken()

    def on_signal(signum, frame) -> None:
        if token.requested:
            raise KeyboardInterrupt
        token.cancel()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    ok = False
    try:
        result = fn(*fn_args, _options(args), Progress(view, token))
        ok = True
        return result
    except Cancelled:
        if token.requested:
            raise KeyboardInterrupt from None  # worded by main(): "interrupted; nothing was changed"
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        view.finish(ok)


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
    text = args.source
    loc = transports.parse_location(text)
    if loc is not None and loc.transport != transports.DOCKER:
        results = _run(args, operations.pull, store, text)
    else:
        results = pull_from_registry(args, store, text.removeprefix("docker://"), _run)
    for res in results:
        print(res.image_id.hex)
    return 0


def _push_destination(args, store: Store, image: str) -> str | None:
    """A registry destination relocated by its [[registry]] entry in registries.conf (as podman pushes);
    any other destination unchanged."""
    dest = args.destination
    if dest is None:
        rec = store.lookup(image)
        names = operations.names_for(rec, image) or rec.names[:1]
        if not names:
            return None  # operations.push says what to give
        dest = names[0]
    loc = transports.parse_location(dest)
    if loc is not None and loc.transport != transports.DOCKER:
        return dest
    target = pull_resolution.resolve_push(dest)
    if target.insecure and args.tls_verify is None:
        args.tls_verify = False
    return "docker://" + target.location


def cmd_save(args) -> int:
    store = _store(args)
    output = args.output
    if output is None:
        if args.format in ("oci-dir", "docker-dir"):
            raise EstibaError(f"--format {args.format} writes a directory: give it with -o DIR")
        if sys.stdout.isatty():
            raise EstibaError("refusing to save to terminal. Use -o flag or redirect")
        sys.stdout.flush()
        output = "/dev/stdout"
    images = [resolve_local(store, text) for text in args.images]
    _run(args, operations.save, store, images, output, args.format)
    return 0


def cmd_push(args) -> int:
    store = _store(args)
    image = resolve_local(store, args.image)
    _run(args, operations.push, store, image, _push_destination(args, store, image))
    return 0


def cmd_copy(args) -> int:
    _run(args, operations.copy_between, _store(args), args.source, args.destination)
    return 0


def cmd_tag(args) -> int:
    store = _store(args)
    store.tag(resolve_local(store, args.image), [local_name(n) for n in args.names])
    return 0


def cmd_untag(args) -> int:
    store = _store(args)
    store.untag(resolve_local(store, args.image), [resolve_local(store, n, image=False) for n in args.names])
    return 0


def cmd_rmi(args) -> int:
    """podman's rmi: every image named is tried; those not known are reported together at the end (exit 1),
    or ignored with -f / -i; any other failure stops at once (exit 125)."""
    store = _store(args)
    texts = list(args.images)
    if args.all:
        if texts:
            raise EstibaError("when using the --all switch, you may not pass any images names or IDs")
        texts = [rec.hex for rec in store.images()]
    elif not texts:
        raise EstibaError("image name or ID must be specified")
    missing: list[str] = []
    for text in texts:
        try:
            resolved = resolve_local(store, text)
            removed = store.remove([resolved], force=args.force or args.all)
        except NotFound:
            missing.append(text)
            continue
        for rec, names in removed:
            for name in names:
                print(f"Untagged: {name}")
            if names == rec.names or not names:
                print(f"Deleted: {rec.hex}")
    if missing and not (args.force or args.ignore):
        if len(missing) == 1:
            raise NotKnown(f"{missing[0]}: image not known")
        raise NotKnown(f"{len(missing)} errors occurred: " + "; ".join(f"{m}: image not known" for m in missing))
    return 0


def cmd_image_prune(args) -> int:
    store = _store(args)
    doomed = [r for r in store.images() if args.all or not r.names]
    if not args.force:  # podman asks on stdout and reads stdin, terminal or not; end of input is an error
        what = "all images" if args.all else "all dangling images"
        sys.stdout.write(f"WARNING! This command removes {what}.\nAre you sure you want to continue? [y/N] ")
        sys.stdout.flush()
        answer = sys.stdin.readline()
        if not answer:
            print()
            raise EstibaError("no answer (end of input): nothing was removed; use -f to remove without asking")
        if answer.strip().lower() not in ("y", "yes"):
            return 0
    for rec in doomed:
        store.remove([rec.hex], force=True)
        print(rec.hex)
    store.prune()
    return 0


def cmd_version(args) -> int:
    import platform

    from cli.version import version

    print(f"Version:      {version()}\nPython:       {platform.python_version()}\nOS/Arch:      "
          f"{platform.system().lower()}/{Platform.host() if hasattr(Platform, 'host') else platform.machine()}")
    return 0


def cmd_completion(args) -> int:
    from cli.completion import script

    sys.stdout.write(script(args.parser, args.shell))
    return 0


def cmd_images(args) -> int:
    return listing.images(_store(args), args)


def cmd_inspect(args) -> int:
    return listing.inspect(_store(args), args)


def cmd_history(args) -> int:
    return listing.history(_store(args), args)


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
    print(f"Removed {count} unused blob(s), {listing.human_size(freed)} freed")
    return 0


def cmd_login(args) -> int:
    import getpass

    from engine import credentials

    if args.get_login:
        print(credentials.get_login(args.registry, authfile=args.authfile))
        return 0
    if args.password and args.password_stdin:
        raise EstibaError("--password and --password-stdin cannot be used together")
    if args.authfile is None:
        credentials.require_keyring()  # before asking anything: the answer could not be kept
    user, password = args.username, args.password
    if user is None and password is None and not args.password_stdin and _existing_login_is_valid(args):
        return 0
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


def _existing_login_is_valid(args) -> bool:
    """podman's `login REGISTRY` with a stored login: check it and say so, instead of asking again."""
    from engine import credentials
    from engine.authfile import normalize_registry, registry_host
    from engine.registry import check_login

    reg = normalize_registry(args.registry)
    try:
        creds = credentials.lookup(reg, authfile=args.authfile)
    except EstibaError:
        return False
    if creds is None:
        return False
    print(f"Authenticating with existing credentials for {reg}")
    try:
        check_login(registry_host(reg), creds.username, creds.secret, tls_verify=args.tls_verify)
    except EstibaError:
        print("Existing credentials are invalid, please enter valid username and password", file=sys.stderr)
        return False
    print(f"Existing credentials are valid. Already logged in to {reg}")
    return True


def cmd_logout(args) -> int:
    from engine import logout

    if args.all:
        for reg, where in logout.logout_all(args.authfile).items():
            print(f"(removed {reg} from {', '.join(where)})", file=sys.stderr)
        print("Removed login credentials for all registries")  # podman's line, on stdout
        return 0
    if not args.registry:
        raise EstibaError("name a registry to log out of, or use --all")
    where = logout.logout(args.registry, args.authfile)
    print(f"Removed login credentials for {args.registry}")  # podman's line, on stdout
    print(f"(removed from {', '.join(where)})", file=sys.stderr)
    return 0
