"""What the actions on an engine's images do (gui/places/engine_menu.py): export, push and copy as jobs of
the Transfers panel (gui/jobs/engine_specs.py), tag and remove through the engine's API on a worker
(engine/engines/image_edits.py). A removal is confirmed first; the engine's refusal (an image in use by a
container) is shown in its own words."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from gui import error_text
from gui.dialogs import confirm, files
from gui.jobs.engine_specs import copy_spec, engine_export_spec, place_title
from gui.jobs.errors import Failure
from gui.models.image_rows import ImageRow
from gui.names import export_file_name, format_label

if TYPE_CHECKING:
    from gui.places.engine_backend import EngineBackend


def _engine(kind: str):
    from engine.engines import discovery
    from engine.engines.client import Engine

    return Engine(discovery.find(kind))


class EngineCommands(QObject):
    def __init__(self, window, backend: EngineBackend) -> None:
        super().__init__(backend)
        self.window = window
        self.backend = backend
        self.kind = backend.kind
        self.dialog = None  # the open push or tag dialog (tests reach it here)

    @property
    def settings(self):
        return self.window.settings

    def export(self, rows: list[ImageRow], fmt: str) -> None:
        if not rows:
            return
        count = len({r.record.id for r in rows})
        if fmt == "docker-dir" and count > 1:
            self.window.show_message(self.tr("A Docker directory holds one image: export several as a Docker archive, "
                                             "an OCI archive or an OCI directory."))
            return
        row = rows[0]
        start = self.settings.last_dir or os.path.expanduser("~")
        default = files.export_default_path(start, export_file_name(row.name, row.record.id, fmt, count))
        output = files.ask_export_path(self.window, fmt, default)
        if not output:
            return
        self.settings.last_dir = os.path.dirname(os.path.abspath(output))
        what = row.label if count == 1 else self.tr("%n image(s)", "", count)
        # Several images in one request to the engine, as `podman save -m` (every image and name kept)
        spec = engine_export_spec(self.window.store_root, self.kind, [r.reference for r in rows], what, output, fmt,
                                  parallel=self.settings.parallel_layers, compress=self.settings.compression or None)
        if self.window.submit(spec) is not None:
            self.window.notify(self.tr("Exporting {what} as {format} to {path}").format(
                what=what, format=format_label(fmt), path=output))

    def push(self, row: ImageRow):
        from gui.dialogs.push_dialog import PushDialog

        dialog = PushDialog(row, self.settings, self.window.tasks, self.window)
        dialog.push_requested.connect(self._start_push)
        dialog.login_requested.connect(self.window.open_login)
        dialog.show()
        self.dialog = dialog
        return dialog

    def _start_push(self, request: dict) -> None:
        spec = copy_spec(self.window.store_root, self.kind, request["image"], request["label"], "registry",
                         parallel=self.settings.parallel_layers, destination=request["destination"],
                         compress=request["compress"], tls_verify=request["tls_verify"],
                         manifest_format=request.get("manifest_format"))
        self.window.submit(spec)

    def copy_to(self, rows: list[ImageRow], target: str) -> None:
        for ref, label in dict.fromkeys((r.reference, r.label) for r in rows):
            self.window.submit(copy_spec(self.window.store_root, self.kind, ref, label, target,
                                         parallel=self.settings.parallel_layers))

    def tag(self, row: ImageRow):
        from gui.dialogs.tag_dialog import TagDialog

        kind, ref = self.kind, row.reference

        def tag_in_engine(name: str) -> list[str]:
            from engine.engines import image_edits

            with _engine(kind) as engine:
                return [image_edits.tag(engine, ref, name)]

        dialog = TagDialog(row, self.window.store_root, self.window.tasks, self.window, tagger=tag_in_engine)
        dialog.tagged.connect(self._on_tagged)
        dialog.show()
        self.dialog = dialog
        return dialog

    def _on_tagged(self, names: list[str]) -> None:
        self.window.notify(self.tr("Tagged as {names}").format(names=", ".join(names)))
        self.backend.list()

    def remove(self, rows: list[ImageRow]) -> None:
        if not rows:
            return
        refs = list(dict.fromkeys(r.reference for r in rows))
        engine_name = place_title(self.kind)
        what = rows[0].label if len(rows) == 1 else self.tr("%n image(s)", "", len(rows))
        if not confirm.confirm(self.window, self.tr("Remove images"),
                               self.tr("Remove {what} from {engine}?").format(what=what, engine=engine_name),
                               self.tr("Remove")):
            return
        kind = self.kind

        def remove_all() -> None:
            from engine.engines import image_edits

            with _engine(kind) as engine:
                for ref in refs:
                    image_edits.remove(engine, ref)

        self.window.tasks.run(remove_all, lambda _: self._on_removed(what), self._on_remove_failed)

    def _on_removed(self, what: str) -> None:
        self.window.notify(self.tr("Removed {what} from {engine}").format(what=what, engine=place_title(self.kind)))
        self.backend.list()

    def _on_remove_failed(self, failure: Failure) -> None:
        self.window.show_message(error_text.message(failure))
        self.backend.list()

    def copy_ids(self, rows: list[ImageRow]) -> None:
        self.window.commands.copy_ids(rows)

    def copy_names(self, rows: list[ImageRow]) -> None:
        self.window.commands.copy_names(rows)
