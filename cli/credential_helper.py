"""`docker-credential-estiba get|store|erase|list`: the Docker credential-helper protocol over Estiba's
keyring logins (engine/credential_helper.py), for podman, skopeo and Docker."""

from __future__ import annotations

import json
import sys

USAGE = "Usage: docker-credential-estiba <store|get|erase|list|version>\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in ("get", "store", "erase", "list", "version"):
        sys.stdout.write(USAGE)
        return 1
    from engine import credential_helper as helper
    from engine.errors import EstibaError

    verb = args[0]
    try:
        if verb == "version":
            from cli.version import version

            print(f"docker-credential-estiba (estiba) {version()}")
        elif verb == "get":
            found = helper.get(sys.stdin.read())
            if found is None:
                sys.stdout.write(helper.NOT_FOUND + "\n")
                return 1
            sys.stdout.write(helper.dumps(found) + "\n")
        elif verb == "store":
            try:
                doc = json.loads(sys.stdin.read())
            except ValueError:
                doc = None
            helper.store(doc)
        elif verb == "erase":
            if not helper.erase(sys.stdin.read()):
                sys.stdout.write(helper.NOT_FOUND + "\n")
                return 1
        else:
            sys.stdout.write(helper.dumps(helper.list_logins()) + "\n")
    except EstibaError as exc:
        sys.stdout.write(f"{exc}\n")  # helpers answer on stdout; the client shows it
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
