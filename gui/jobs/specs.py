"""What each transfer does: a title for people, a key against duplicates, and the engine call to make.

The work functions run on a pool thread; each opens the store itself (Store is cheap and takes its lock
only while it commits).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from engine import operations, pull_resolution
from engine.progress import Progress
from engine.store import Store
from gui.counts import counts
from gui.jobs.options import transfer_options
from gui.names import familiar, format_label, registry_of

LOAD, SAVE, PULL, PUSH = "load", "save", "pull", "push"
translate = QCoreApplication.translate


def _as_stored() -> str:
    return translate("Transfers", "as stored")


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
    title = translate("Transfers", "Loading {name}").format(name=name)
    summary = (translate("Transfers", "Load {path} into the store {store} (all platforms)") if all_platforms
               else translate("Transfers", "Load {path} into the store {store}")).format(path=path, store=store_root)
    return TransferSpec(LOAD, title, f"load:{os.path.abspath(path)}", work, summary, from_drop=from_drop,
                        source=path)


def save_spec(store_root: str, images: list[str], labels: list[str], output: str, fmt: str, *, parallel: int,
              compress: str | None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, compress=compress if fmt != "docker-archive" else None)
        return operations.save(Store(store_root), images, output, fmt, opts, progress)

    what = labels[0] if len(labels) == 1 else counts().images(len(labels))
    title = translate("Transfers", "Exporting {what} as {format}").format(what=what, format=format_label(fmt))
    summary = translate("Transfers", "Export {images} to {path} ({format}, compression: {compression})").format(
        images=", ".join(labels), path=output, format=fmt, compression=compress or _as_stored())
    return TransferSpec(SAVE, title, f"save:{os.path.abspath(output)}", work, summary, output=output,
                        images=tuple(images))


def pull_spec(store_root: str, source: str, *, parallel: int, platform: str | None, all_platforms: bool,
              tls_verify: bool | None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, platform=platform, all_platforms=all_platforms,
                                tls_verify=tls_verify)
        if registry_of(source) is None:  # a file or directory transport
            return operations.pull(Store(store_root), source, opts, progress)
        return pull_resolution.pull_name(Store(store_root), source, opts, progress)  # registries.conf, as the CLI

    shown = familiar(source.removeprefix("docker://")) if registry_of(source) else source
    where = translate("Transfers", "all platforms") if all_platforms else \
        platform or translate("Transfers", "this computer's platform")
    return TransferSpec(PULL, translate("Transfers", "Pulling {image}").format(image=shown), f"pull:{source}", work,
                        translate("Transfers", "Pull {source} ({platform})").format(source=source, platform=where),
                        source=source, tls_verify=tls_verify)


def push_spec(store_root: str, image: str, label: str, destination: str, *, parallel: int, compress: str | None,
              tls_verify: bool | None, manifest_format: str | None = None) -> TransferSpec:
    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, compress=compress, tls_verify=tls_verify)
        if manifest_format:  # "oci" or "v2s2": the registry gets the manifest converted (skopeo --format)
            opts = dataclasses.replace(opts, manifest_format=manifest_format)
        return pull_resolution.push_to(Store(store_root), image, destination, opts, progress)  # registries.conf

    registry = registry_of(destination)
    target = registry or destination
    return TransferSpec(PUSH, translate("Transfers", "Pushing {image} to {target}").format(image=label, target=target),
                        f"push:{image}->{destination}", work,
                        translate("Transfers", "Push {image} to {destination} (compression: {compression}, "
                                  "manifest: {manifest})").format(
                            image=label, destination=destination, compression=compress or _as_stored(),
                            manifest=manifest_format or _as_stored()),
                        output=None, images=(image,))
