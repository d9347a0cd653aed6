"""`estiba install-desktop` / `estiba uninstall-desktop`, and `estiba FILE...` (open the window on files).

install-desktop writes, under $XDG_DATA_HOME (default ~/.local/share), following the freedesktop.org
Desktop Entry, Icon Theme and Shared MIME-info specifications:
  applications/estiba.desktop          the launcher, Exec=estiba %F, with the five archive MIME types
  icons/hicolor/*/apps/estiba.{svg,png} the icon, scalable and at the sizes taskbars ask for
  mime/packages/estiba.xml             the archive types and their globs
  applications/mimeapps.list           [Default Applications] lines making Estiba open those types
                                       (skipped with --no-default)
and records each file and line in estiba/desktop-install.json, so that uninstall-desktop removes exactly
those (and the directories it had to create), then refreshes the caches again. The caches
(update-mime-database, update-desktop-database, gtk-update-icon-cache) are refreshed when the tools exist.

No Qt here (the CLI never imports it): the PNGs are shipped in resources/icons/hicolor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

DESKTOP_ID = "estiba.desktop"
MIME_TYPES = ("application/x-tar", "application/x-compressed-tar", "application/x-xz-compressed-tar",
              "application/x-zstd-compressed-tar", "application/x-bzip-compressed-tar")
VERBS = ("install-desktop", "uninstall-desktop")
DEFAULTS_GROUP = "[Default Applications]"


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def manifest_path(base: Path) -> Path:
    return base / "estiba" / "desktop-install.json"


def _files_to_install() -> list[tuple[Path, str]]:
    """(source file, path relative to $XDG_DATA_HOME)."""
    from gui.resources import resources_dir  # no Qt in it; not at module level (tests/architecture)

    res = resources_dir()
    out = [(res / "estiba.desktop", f"applications/{DESKTOP_ID}"),
           (res / "estiba-mime.xml", "mime/packages/estiba.xml"),
           (res / "icons" / "estiba.svg", "icons/hicolor/scalable/apps/estiba.svg")]
    hicolor = res / "icons" / "hicolor"
    for png in sorted(hicolor.glob("*/apps/estiba.png")):
        out.append((png, f"icons/hicolor/{png.relative_to(hicolor)}"))
    missing = [str(src) for src, _ in out if not src.is_file()]
    if missing:
        raise SystemExit(f"Error: Estiba's desktop files are missing ({', '.join(missing)}): reinstall Estiba")
    return out


def _mkdirs(folder: Path, created: list[str]) -> None:
    """Create `folder` and its missing parents, remembering the ones made (deepest last)."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing.append(parent)
    for d in reversed(missing):
        d.mkdir()
        created.append(str(d))


def _refresh_caches(base: Path) -> list[str]:
    """Run the cache tools that exist; the names of those that ran."""
    import subprocess  # here: every `estiba` start passes through this module

    ran = []
    for tool, args in (("update-mime-database", [str(base / "mime")]),
                       ("update-desktop-database", ["-q", str(base / "applications")]),
                       ("gtk-update-icon-cache", ["-q", "-t", "-f", str(base / "icons" / "hicolor")])):
        exe = shutil.which(tool)
        if exe and Path(args[-1]).is_dir():
            subprocess.run([exe, *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ran.append(tool)
    return ran


def _add_defaults(mimeapps: Path, record: dict) -> None:
    """Add `type=estiba.desktop;` lines under [Default Applications] (creating the file if needed)."""
    created = not mimeapps.exists()
    lines = [] if created else mimeapps.read_text(encoding="utf-8").splitlines()
    wanted = [f"{t}={DESKTOP_ID};" for t in MIME_TYPES]
    added = [w for w in wanted if w not in lines]
    if DEFAULTS_GROUP not in lines:
        lines += ([""] if lines else []) + [DEFAULTS_GROUP]
        record["mimeapps_group_added"] = True
    at = lines.index(DEFAULTS_GROUP) + 1
    # an earlier default for the same type in this file would win: ours go first in the group
    lines[at:at] = added
    mimeapps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    record.update(mimeapps=str(mimeapps), mimeapps_lines=added, mimeapps_created=created)


def _remove_defaults(record: dict) -> None:
    path = Path(record.get("mimeapps") or "")
    if not record.get("mimeapps") or not path.is_file():
        return
    ours = set(record.get("mimeapps_lines") or [])
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line not in ours]
    if record.get("mimeapps_group_added"):
        at = lines.index(DEFAULTS_GROUP) if DEFAULTS_GROUP in lines else -1
        following = lines[at + 1:at + 2]
        if at >= 0 and (not following or following[0].startswith("[") or not following[0].strip()):
            del lines[at]
    while lines and not lines[-1].strip():
        lines.pop()
    if record.get("mimeapps_created") and not any(line.strip() for line in lines):
        path.unlink()
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


_CACHE_ROOTS = ("mime", "applications", "icons/hicolor")


def _tree(base: Path) -> set[str]:
    """Every file and directory under the folders the cache tools write to."""
    out: set[str] = set()
    for root in _CACHE_ROOTS:
        for dirpath, dirnames, filenames in os.walk(base / root):
            out.update(os.path.join(dirpath, n) for n in (*dirnames, *filenames))
    return out


def _remove_generated(base: Path, record: dict) -> None:
    """Cache files that appeared with our install (none of them existed before it) go with it."""
    for name in sorted(record.get("generated", []), key=len, reverse=True):
        path = Path(name)
        if path.is_file() or path.is_symlink():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def install(base: Path | None = None, *, set_default: bool = True) -> dict:
    base = base or data_home()
    before = _tree(base)
    old = _read_manifest(base)
    record: dict = {"files": [], "dirs": list(old.get("dirs", [])) if old else []}
    if old:  # installing again: start from what the last install wrote, so uninstall still finds all of it
        _remove_defaults(old)
    for src, rel in _files_to_install():
        dest = base / rel
        _mkdirs(dest.parent, record["dirs"])
        shutil.copyfile(src, dest)
        record["files"].append(str(dest))
    _mkdirs(manifest_path(base).parent, record["dirs"])
    if set_default:
        _add_defaults(base / "applications" / "mimeapps.list", record)
    record["caches"] = _refresh_caches(base)
    ours = {*record["files"], *record["dirs"], record.get("mimeapps", "")}
    record["generated"] = sorted({*(old or {}).get("generated", []), *(_tree(base) - before - ours)})
    manifest_path(base).write_text(json.dumps(record, indent=2), encoding="utf-8")
    return record


def _read_manifest(base: Path) -> dict | None:
    try:
        doc = json.loads(manifest_path(base).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def uninstall(base: Path | None = None) -> dict | None:
    """Remove what install() recorded; None when nothing was installed."""
    base = base or data_home()
    record = _read_manifest(base)
    if record is None:
        return None
    _remove_defaults(record)
    for name in record.get("files", []):
        Path(name).unlink(missing_ok=True)
    manifest_path(base).unlink(missing_ok=True)
    record["caches"] = _refresh_caches(base)
    _remove_generated(base, record)
    for d in sorted(record.get("dirs", []), key=len, reverse=True):
        folder = Path(d)
        # only the directories install made, and only when nothing else has been put there since
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return record


def _known_verbs(build_parser: Callable[[], argparse.ArgumentParser]) -> set[str]:
    for action in build_parser()._actions:  # argparse keeps the sub-command names here
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            return set(action.choices)
    return set()


def _split_store(args: list[str]) -> tuple[str | None, list[str]]:
    store, rest, i = None, [], 0
    while i < len(args):
        if args[i] == "--store" and i + 1 < len(args):
            store, i = args[i + 1], i + 2
            continue
        if args[i].startswith("--store="):
            store = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return store, rest


def dispatch(args: list[str], build_parser: Callable[[], argparse.ArgumentParser]) -> int | None:
    """Handle the desktop verbs and `estiba [--store DIR] FILE...`; None leaves `args` to the usual parser
    (`build_parser` is cli.main's, passed in so that this module does not import cli.main)."""
    store, rest = _split_store(args)
    if rest[:1] == ["install-desktop"]:
        if any(a not in ("--no-default",) for a in rest[1:]):
            print("Error: usage: estiba install-desktop [--no-default]", file=sys.stderr)
            return 125
        record = install(set_default="--no-default" not in rest[1:])
        print(f"Installed the desktop entry, icons and archive types in {data_home()}"
              + (f" (refreshed: {', '.join(record['caches'])})" if record["caches"] else ""))
        if not shutil.which("estiba"):
            print("Note: `estiba` is not on PATH, so the launcher cannot start it: add the directory holding it "
                  f"({Path(sys.argv[0]).resolve().parent}) to PATH", file=sys.stderr)
        return 0
    if rest[:1] == ["uninstall-desktop"]:
        if rest[1:]:
            print("Error: usage: estiba uninstall-desktop", file=sys.stderr)
            return 125
        record = uninstall()
        print("Removed Estiba's desktop entry, icons and archive types" if record is not None else
              "Nothing to remove: the desktop entry was not installed by estiba install-desktop")
        return 0
    if not rest or rest[0].startswith("-") or rest[0] in _known_verbs(build_parser):
        return None
    paths = [os.path.abspath(a) for a in rest]
    missing = [a for a, p in zip(rest, paths, strict=True) if not os.path.exists(p)]
    if missing:
        print(f"Error: {missing[0]}: no such file or directory (and not an estiba command: see 'estiba --help')",
              file=sys.stderr)
        return 125
    from gui.app import run

    return run(store, paths)
