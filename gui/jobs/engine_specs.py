"""Transfers to and from Podman and Docker (issue 12), as TransferSpecs for the Transfers panel: a drop of
archives or folders onto an engine, an export of an engine image, and a copy between places (Estiba's store,
Podman, Docker, a registry). Each goes through the copy pipeline with a `containers-storage:` or
`docker-daemon:` side (engine/transports/), so it has the same byte progress, Cancel and Retry as any job."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication

from engine import operations
from engine.progress import Progress
from engine.store import Store
from gui.jobs.options import transfer_options
from gui.jobs.specs import SAVE, TransferSpec
from gui.names import format_label

STORE, PODMAN, DOCKER = "store", "podman", "docker"
PREFIX = {PODMAN: "containers-storage:", DOCKER: "docker-daemon:"}
ENGINE_LOAD, PLACE_COPY = "engine-load", "place-copy"
translate = QCoreApplication.translate


def place_title(place: str) -> str:
    if place == PODMAN:
        return "Podman"
    if place == DOCKER:
        return "Docker"
    return translate("EngineJobs", "Estiba's store")


def engine_load_spec(store_root: str, path: str, engine: str, *, parallel: int,
                     from_drop: bool = True) -> TransferSpec:
    """Archives or image folders dropped onto an engine: loaded into it as `podman load` would."""

    def work(progress: Progress):
        return operations.load(Store(store_root), path, transfer_options(parallel=parallel), progress,
                               into=PREFIX[engine])

    name = os.path.basename(os.path.normpath(path)) or path
    title = translate("EngineJobs", "Loading {name} into {engine}").format(name=name, engine=place_title(engine))
    summary = translate("EngineJobs", "Load {path} into {engine}").format(path=path, engine=place_title(engine))
    return TransferSpec(ENGINE_LOAD, title, f"load:{os.path.abspath(path)}->{engine}", work, summary,
                        from_drop=from_drop, source=path)


def engine_export_spec(store_root: str, engine: str, refs: list[str], label: str, output: str, fmt: str, *,
                       parallel: int, compress: str | None) -> TransferSpec:
    """Engine images (one or several) written to a file or folder in one of podman's save formats."""

    def work(progress: Progress):
        opts = transfer_options(parallel=parallel, compress=compress if fmt != "docker-archive" else None)
        return operations.save(Store(store_root), [PREFIX[engine] + ref for ref in refs], output, fmt, opts,
                               progress)

    title = translate("EngineJobs", "Exporting {what} from {engine} as {format}").format(
        what=label, engine=place_title(engine), format=format_label(fmt))
    summary = translate("EngineJobs", "Export {image} from {engine} to {path} ({format})").format(
        image=label, engine=place_title(engine), path=output, format=fmt)
    return TransferSpec(SAVE, title, f"save:{os.path.abspath(output)}", work, summary, output=output)


def copy_spec(store_root: str, source: str, ref: str, label: str, target: str, *, parallel: int,
              destination: str | None = None, compress: str | None = None, tls_verify: bool | None = None,
              manifest_format: str | None = None) -> TransferSpec:
    """Copy the image `ref` of place `source` to place `target` (STORE, PODMAN or DOCKER), or to
    `destination` (a registry's docker://... or a transport location) when it is given."""

    def work(progress: Progress):
        import dataclasses

        opts = transfer_options(parallel=parallel, compress=compress, tls_verify=tls_verify)
        if manifest_format:
            opts = dataclasses.replace(opts, manifest_format=manifest_format)
        store = Store(store_root)
        where = destination or PREFIX.get(target, "")
        if source == STORE:
            return operations.push(store, ref, where, opts, progress)
        if destination is None and target == STORE:
            return operations.pull(store, PREFIX[source] + ref, opts, progress)
        return operations.copy_between(store, PREFIX[source] + ref, where, opts, progress)

    shown = (destination or "").removeprefix("docker://") or place_title(target)
    title = translate("EngineJobs", "Copying {image} from {source} to {target}").format(
        image=label, source=place_title(source), target=shown)
    return TransferSpec(PLACE_COPY, title, f"copy:{source}:{ref}->{destination or target}", work, title,
                        source=f"{source}:{ref}")
