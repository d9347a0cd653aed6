"""`estiba images --engine podman|docker`: an engine's images in the same table and JSON as the store's
(cli/commands.py's cmd_images), read through the engine's API (engine/engines/)."""

from __future__ import annotations

import json
from collections.abc import Callable

ENGINES = ("podman", "docker")


def add_flags(images_parser) -> None:
    """The hook in cli/main.py's parser: `images --engine`."""
    images_parser.add_argument("--engine", choices=ENGINES, help="list the images of podman or Docker instead "
                               "of the store's (through their API socket)")


def handler(args) -> Callable | None:
    """The function for args.command when an engine verb handles it, else None (cli/main.py)."""
    if args.command == "images" and getattr(args, "engine", None):
        return cmd_images_engine
    return None


def cmd_images_engine(args) -> int:
    from cli.listing import _split, ago, human_size
    from engine.dates import format_created
    from engine.engines import discovery
    from engine.engines.client import Engine

    with Engine(discovery.find(args.engine)) as engine:
        records = sorted(engine.images(), key=lambda r: r.added, reverse=True)
    if args.format == "json":
        rows = [_json_record(r, format_created(r.created)) for r in records]
        for row in rows:
            row["MediaType"] = row["MediaType"] or None  # the engines do not say
        print(json.dumps(rows, indent=4))
        return 0
    if args.quiet:
        for shown in dict.fromkeys(r.id if args.no_trunc else r.hex[:12] for r in records):
            print(shown)
        return 0
    rows = [("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE")]
    for r in records:
        shown = r.id if args.no_trunc else r.hex[:12]
        created = ago(format_created(r.created))
        for repo, tag in ([_split(n) for n in r.names] or [("<none>", "<none>")]):
            rows.append((repo, tag, shown, created, human_size(r.size)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return 0


def _json_record(r, created) -> dict:
    """An engine image in the keys `estiba images --format json` uses for the store's."""
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
