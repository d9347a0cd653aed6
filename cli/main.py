"""The `estiba` command line: podman's verbs and flags. No Qt here, and imports stay lazy so that
`estiba --help` and `estiba images` start fast."""

from __future__ import annotations

import argparse
import os
import signal
import sys

EXIT_ERROR = 125


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end like every other error: one `Error:` line and exit 125, as podman does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"Error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from cli import table

    p = _Parser(prog="estiba", description="Move container images between archives, layouts, "
                                "directories and registries. With no command, opens the desktop app.")
    p.add_argument("--store", metavar="DIR", help="image store directory (default: $ESTIBA_STORE or the user "
                   "data dir)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("images", help="list images in the store")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.add_argument("-q", "--quiet", action="store_true", help="print only image IDs")
    s.add_argument("--no-trunc", action="store_true", help="print full image IDs")

    s = sub.add_parser("load", help="load images from an archive or directory (format detected)")
    s.add_argument("-i", "--input", metavar="PATH", help="archive file or directory (default: standard input)")
    s.add_argument("-q", "--quiet", action="store_true")
    _transfer_flags(s)

    s = sub.add_parser("save", help="save images to an archive or directory")
    s.add_argument("--format", default="docker-archive", choices=[name for name, _ in table.save_formats()])
    s.add_argument("-o", "--output", required=True, metavar="PATH")
    s.add_argument("-m", "--multi-image-archive", action="store_true",
                   help="several images in one docker-archive (the default for several images here)")
    s.add_argument("--compress", choices=["gzip", "zstd", "none"],
                   help="layer compression (oci-archive, oci-dir, docker-dir)")
    s.add_argument("--uncompressed", action="store_true", help="same as --compress none")
    s.add_argument("--tag-only-ref", action="store_true",
                   help="oci formats: write only the tag in org.opencontainers.image.ref.name")
    s.add_argument("-q", "--quiet", action="store_true")
    s.add_argument("images", nargs="+", metavar="IMAGE")
    _transfer_flags(s)

    s = sub.add_parser("pull", help=f"copy an image into the store ({table.locations()}; a bare name is a "
                       "registry image)")
    s.add_argument("source", metavar="SOURCE")
    s.add_argument("-q", "--quiet", action="store_true")
    _transfer_flags(s)

    s = sub.add_parser("push", help="copy an image from the store to a registry or file (default: its own name)")
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("destination", metavar="DESTINATION", nargs="?")
    s.add_argument("--compress", choices=["gzip", "zstd", "none"])
    s.add_argument("--format", dest="manifest_format", choices=["oci", "v2s2"],
                   help="registry manifest format (default: keep the image's)")
    s.add_argument("-q", "--quiet", action="store_true")
    _transfer_flags(s)

    s = sub.add_parser("copy", help=f"copy an image between any two locations ({table.locations()}; a bare "
                       "name is the store)")
    s.add_argument("source", metavar="SOURCE")
    s.add_argument("destination", metavar="DESTINATION")
    s.add_argument("--compress", choices=["gzip", "zstd", "none"])
    s.add_argument("--format", dest="manifest_format", choices=["oci", "v2s2"],
                   help="registry manifest format (default: keep the image's)")
    s.add_argument("-q", "--quiet", action="store_true")
    _transfer_flags(s)

    s = sub.add_parser("login", help="log in to a registry (the secret goes to the OS keyring)")
    s.add_argument("registry", metavar="REGISTRY")
    s.add_argument("-u", "--username")
    s.add_argument("-p", "--password")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    s.add_argument("--get-login", action="store_true", help="print the user name logged in to REGISTRY")
    s.add_argument("--tls-verify", type=_bool, metavar="BOOL", default=None)
    s.add_argument("--authfile", metavar="PATH", help="store the login in this podman auth.json instead")

    s = sub.add_parser("logout", help="log out of a registry")
    s.add_argument("registry", metavar="REGISTRY", nargs="?")
    s.add_argument("-a", "--all", action="store_true", help="log out of every registry")
    s.add_argument("--authfile", metavar="PATH")

    s = sub.add_parser("tag", help="add names to an image")
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("names", nargs="+", metavar="NAME")

    s = sub.add_parser("untag", help="remove names from an image (all when none given)")
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("names", nargs="*", metavar="NAME")

    s = sub.add_parser("rmi", help="remove images")
    s.add_argument("-f", "--force", action="store_true")
    s.add_argument("images", nargs="+", metavar="IMAGE")

    s = sub.add_parser("inspect", help="show an image's details as JSON")
    s.add_argument("image", metavar="IMAGE")

    s = sub.add_parser("history", help="show an image's layer history")
    s.add_argument("image", metavar="IMAGE")
    s.add_argument("--no-trunc", action="store_true")

    sub.add_parser("check", help="verify every blob and image record in the store")
    sub.add_parser("prune", help="remove blobs that no image uses")
    from cli import registry_verbs

    registry_verbs.add_parsers(sub)  # inspect TRANSPORT:REF, list-tags, catalog, delete, sync; copy's flags
    return p


def _transfer_flags(s: argparse.ArgumentParser) -> None:
    s.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="platform to take from a multi-arch image")
    s.add_argument("--all-platforms", action="store_true", help="keep every platform of a multi-arch image")
    s.add_argument("--jobs", type=int, default=3, metavar="N", help="layers transferred in parallel (default 3)")
    s.add_argument("--tls-verify", type=_bool, metavar="BOOL", default=None,
                   help="verify registry TLS (default true; loopback registries use plain HTTP)")
    s.add_argument("--retry-times", type=int, default=3, metavar="N", help="retries of a failed registry request")
    s.add_argument("--creds", metavar="USER:PASS", help="registry credentials (else the keyring, auth.json ...)")
    s.add_argument("--authfile", metavar="PATH", help="podman auth.json to read credentials from")


def _bool(text: str) -> bool:
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    from cli import desktop  # install-desktop, uninstall-desktop, and `estiba FILE...` (opens the window)

    parser = build_parser()  # once: building it is a good part of the start-up time
    handled = desktop.dispatch(args_list, lambda: parser)
    if handled is not None:
        return handled
    if not args_list:
        return _open_gui(parser)
    args = parser.parse_args(args_list)
    if args.command is None:
        return _open_gui(parser, args.store)
    from engine.errors import EstibaError

    signal.signal(signal.SIGTERM, _interrupted)  # like Ctrl-C (transfers cancel: cli/commands._run)
    try:
        from cli import commands, registry_verbs

        verb = registry_verbs.handler(args) or getattr(commands, "cmd_" + args.command.replace("-", "_"))
        return verb(args) or 0
    except EstibaError as exc:
        from cli.hints import worded

        _error(worded(exc))
    except KeyboardInterrupt:
        _error("interrupted; nothing was changed")
    except BrokenPipeError:
        sys.stderr.close()
    except OSError as exc:
        _error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:  # a bug: still one line, with a way to see more
        if os.environ.get("ESTIBA_DEBUG"):
            raise
        _error(f"internal error: {exc.__class__.__name__}: {exc} (set ESTIBA_DEBUG=1 for details)")
    return EXIT_ERROR


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def _error(message: str) -> None:
    print(f"Error: {' '.join(message.split())}", file=sys.stderr)


def _open_gui(parser: argparse.ArgumentParser, store: str | None = None) -> int:
    try:
        from gui.app import run  # type: ignore[import-not-found]
    except ImportError:
        parser.print_help()
        return 0
    return run(store)


if __name__ == "__main__":
    sys.exit(main())
