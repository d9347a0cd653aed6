"""Transfers started from a registry tag, as jobs of the Transfers panel (gui/jobs/specs.py's TransferSpec):
export to a file or directory in the four formats without going through the store, and copy to another
registry. Mirror jobs are in gui/places/mirror_jobs.py."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QWidget

from gui.jobs.specs import TransferSpec

COPY = "copy"


def ask_text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    """One line of text from the user (tests replace this)."""
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text.strip() if ok and text.strip() else None


def export_location(fmt: str, path: str, name: str) -> str:
    """The location text that writes `name` (HOST/REPO:TAG) in podman's save format `fmt` at `path`."""
    tag = name.rpartition(":")[2]
    return {"docker-archive": f"docker-archive:{path}:{name}", "oci-archive": f"oci-archive:{path}:{tag}",
            "oci-dir": f"oci:{path}:{tag}", "docker-dir": f"dir:{path}"}[fmt]


def copy_spec(store_root: str, source: str, destination: str, *, parallel: int, tls_verify: bool | None,
              manifest_format: str | None = None, output: str | None = None) -> TransferSpec:
    """Copy docker://SOURCE to any location (a file, a directory, another registry); the store is not used."""

    def work(progress):
        from engine import operations
        from engine.options import TransferOptions
        from engine.store import Store

        opts = TransferOptions(parallel=parallel, tls_verify=tls_verify, manifest_format=manifest_format)
        return operations.copy_between(Store(store_root), f"docker://{source}", destination, opts, progress)

    title = QCoreApplication.translate("RegistryJobs", "Copying %1 to %2")
    title = title.replace("%1", source).replace("%2", destination)
    return TransferSpec(COPY, title, f"copy:{source}->{destination}", work, title, output=output)
