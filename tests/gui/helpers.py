"""Helpers for the GUI tests: image archives built by the independent fixture builder, drops, waits."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from engine import operations
from engine.store import Store
from tests.fixtures.images import (
    build_image,
    build_index,
    make_layer_tar,
    write_dir,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)

__all__ = ["build_image", "build_index", "make_layer_tar", "write_dir", "write_docker_archive", "write_oci_archive",
           "write_oci_layout", "small_image", "drop_paths", "drag_enter", "drag_leave", "preload",
           "write_sparse_docker_archive", "mime_with_paths"]


def small_image(label: str, *, arch: str = "amd64", docker: bool = False, layers: int = 1):
    tars = [make_layer_tar({f"etc/{label}-{i}": f"{label} layer {i}\n".encode() * 40}) for i in range(layers)]
    return build_image(tars, arch=arch, docker=docker, labels={"test": label},
                       compression="gzip" if not docker else "none")


def preload(store_root: str, archive: Path) -> None:
    """Put images into the store through the engine directly (test set-up, not what is under test)."""
    operations.load(Store(store_root), str(archive))


def mime_with_paths(paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_enter(widget: QWidget, mime: QMimeData) -> QDragEnterEvent:
    pos = widget.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    return enter


def drag_leave(widget: QWidget) -> None:
    QApplication.sendEvent(widget, QDragLeaveEvent())


def drop_paths(widget: QWidget, paths, mime: QMimeData | None = None):
    """Drag `paths` over `widget` and drop them there (docs/gui-notes.md §6.6). Returns (enter, drop) events."""
    mime = mime or mime_with_paths(paths)
    enter = drag_enter(widget, mime)
    if not enter.isAccepted():
        return enter, None
    pos = widget.rect().center()
    move = QDragMoveEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter, drop


# -- a big docker-archive written sparse: GBs of layer data in seconds, without the disk space -------------------

_BLOCK = 512
_ZEROS = bytes(8 << 20)


def _pad(n: int) -> int:
    return (-n) % _BLOCK


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 1704164645
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def _zero_hash(hasher, count: int) -> None:
    while count:
        n = min(count, len(_ZEROS))
        hasher.update(_ZEROS[:n])
        count -= n


def write_sparse_docker_archive(path: Path, name: str, layer_sizes: list[int]) -> str:
    """A podman-style docker-archive whose layers each hold one file of zeros; returns the image ID.

    The zeros are holes in the file, so a 1 GB archive costs no disk; the engine still reads and hashes
    every byte, which is what the progress, cancel and responsiveness tests need.
    """
    layers = []  # (inner header, zero bytes after it, diff_id)
    for i, size in enumerate(layer_sizes):
        head = _header(f"data/zeros-{i}.bin", size)
        zeros = size + _pad(size) + 2 * _BLOCK  # file data, its padding, the tar's end-of-archive blocks
        hasher = hashlib.sha256(head)
        _zero_hash(hasher, zeros)
        layers.append((head, zeros, "sha256:" + hasher.hexdigest()))
    diff_ids = [d for _, _, d in layers]
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2024-01-02T03:04:05Z",
        "config": {"Cmd": ["/bin/sh"]}, "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2024-01-02T03:04:05Z", "created_by": f"zeros {i}"} for i in range(len(layers))],
    }, separators=(",", ":")).encode()
    config_hex = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": f"{config_hex}.json", "RepoTags": [name],
                            "Layers": [d.split(":")[1] + ".tar" for d in diff_ids]}]).encode()
    with open(path, "wb") as f:
        for head, zeros, diff_id in layers:
            f.write(_header(diff_id.split(":")[1] + ".tar", len(head) + zeros))
            f.write(head)
            f.seek(zeros, os.SEEK_CUR)  # a hole: reads back as zeros
        for member, data in ((f"{config_hex}.json", config), ("manifest.json", manifest)):
            f.write(_header(member, len(data)) + data + bytes(_pad(len(data))))
        f.write(bytes(2 * _BLOCK))
    return config_hex
