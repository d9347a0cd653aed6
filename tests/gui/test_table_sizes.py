"""The window's table shows an image's size as `estiba images` shows it (podman's figure: the uncompressed
layers and the config), not the compressed bytes the store holds: the same image, the same size in the window
and in the terminal. A real store, a real MainWindow, the real `estiba` command beside it."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from gui import humanize
from gui.models.image_table_model import COL_SIZE
from tests.cli.cli_helpers import estiba
from tests.gui.helpers import build_image, make_layer_tar, preload, write_oci_archive


def test_the_table_shows_the_size_the_command_line_shows(tmp_path, store_root, make_window):
    layers = [make_layer_tar({"etc/big": b"all the same bytes " * 20_000}), make_layer_tar({"etc/x": b"x\n" * 4000})]
    img = build_image(layers, compression="gzip")
    archive = tmp_path / "in.tar"
    write_oci_archive(archive, [(img, "docker.io/library/squeezed:1", None)])
    preload(store_root, archive)
    [listed] = json.loads(estiba(store_root, "images", "--format", "json").stdout)
    window = make_window()
    model = window.model
    assert model.rowCount() == 1
    [record] = model.records()
    assert listed["Size"] > 3 * sum(len(layer.blob) for layer in img.layers)  # gzip took most bytes away
    assert record.size == listed["Size"]
    index = model.index(0, COL_SIZE)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == humanize.size(listed["Size"])
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == f"{humanize.number(listed['Size'])} bytes"
