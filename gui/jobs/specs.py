"""What each transfer does: a title for people, a key against duplicates, and the engine call to make.

The work functions run on a pool thread; each opens the store itself (Store is cheap and takes its lock
only while it commits).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass

from engine import operations
from engine.progress import Progress
from engine.store import Store
from gui.jobs.options import transfer_options
from gui.names import FORMAT_LABELS, familiar, registry_of

LOAD, SAVE, PULL, PUSH = "load", "save", "pull", "push"


@dataclass(frozen=True)
class TransferSpec:
    kind: str
    title: str
    key: str  # two active jobs with the same key are one job started twice
    work: Callable[[Progress], object]
    summary: str = ""  # shown in the details pane
    output: str | None = None  # what an export wrote (for "Show in folder")
    from_drop: bool = False  # a dropped path: "not an image" is a message, not a failed row
    images: tuple[str, ...] = ()  # the store images an export or push reads (names or IDs)
    source: str | None = None  # what a load or pull reads (to run it again for all platforms)
    tls_verify: bool | None = None  # a pull's TLS choice (the same again when it runs for all platforms)


def load_spec(store_root: str, path: str, *, parallel: int, from_drop: bool = False,
              all_platforms: bool = False) -> TransferSpec:
    def work(progress: Progress):
        return operations.load(Store(store_root), path, transfer_options(parallel=parallel,
                                                                          all_platforms=all_platforms), progress)

    name = os.path.basename(os.path.normpath(path)) or path
    where = " (all platforms)" if all_platforms else ""
    return TransferSpec(LOAD, f"Loading {name}", f"load:{os.path.abspath(path)}", work,
                        f"Load {path} into the store {store_root}{where}", from_drop=from_drop, source=path)


def save_spec(store_root: str, images: list[str], labels: list[str], output: str, fmt: str, *, parallel: int,
              compress: str | None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, compress=compress if fmt != "docker-archive" else None)
        return operations.save(Store(store_root), images, output, fmt, opts, progress)

    what = labels[0] if len(labels) == 1 else f"{len(labels)} images"
    return TransferSpec(SAVE, f"Exporting {what} as {FORMAT_LABELS[fmt]}", f"save:{os.path.abspath(output)}",
                        work, f"Export {', '.join(labels)} to {output} ({fmt}, compression: {compress or 'as stored'})",
                        output=output, images=tuple(images))


def pull_spec(store_root: str, source: str, *, parallel: int, platform: str | None, all_platforms: bool,
              tls_verify: bool | None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, platform=platform, all_platforms=all_platforms,
                                tls_verify=tls_verify)
        return operations.pull(Store(store_root), source, opts, progress)

    shown = familiar(source.removeprefix("docker://")) if registry_of(source) else source
    where = "all platforms" if all_platforms else platform or "this computer's platform"
    return TransferSpec(PULL, f"Pulling {shown}", f"pull:{source}", work, f"Pull {source} ({where})",
                        source=source, tls_verify=tls_verify)


def push_spec(store_root: str, image: str, label: str, destination: str, *, parallel: int, compress: str | None,
              tls_verify: bool | None, manifest_format: str | None = None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, compress=compress, tls_verify=tls_verify)
        if manifest_format:  # "oci" or "v2s2": the registry gets the manifest converted (skopeo --format)
            opts = dataclasses.replace(opts, manifest_format=manifest_format)
        return operations.push(Store(store_root), image, destination, opts, progress)

    registry = registry_of(destination)
    target = registry or destination
    return TransferSpec(PUSH, f"Pushing {label} to {target}", f"push:{image}->{destination}", work,
                        f"Push {label} to {destination} (compression: {compress or 'as stored'}, manifest: "
                        f"{manifest_format or 'as stored'})", output=None,
                        images=(image,))
