"""What the image actions do (context menu, Image menu, Del key): export, push, tag, remove, inspect, copy."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from engine.store import Store
from gui import error_text, humanize
from gui.dialogs import confirm, files
from gui.dialogs.inspect_dialog import InspectDialog
from gui.dialogs.push_dialog import PushDialog
from gui.dialogs.tag_dialog import TagDialog
from gui.jobs.errors import Failure
from gui.jobs.specs import push_spec, save_spec
from gui.models.image_rows import ImageRow
from gui.names import export_file_name, format_label

if TYPE_CHECKING:
    from gui.main_window import MainWindow


class ImageCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    @property
    def settings(self):
        return self.window.settings

    # -- export -------------------------------------------------------------------------------------------------

    def export(self, rows: list[ImageRow], fmt: str) -> None:
        if not rows:
            return
        if fmt == "docker-dir" and len({r.record.id for r in rows}) > 1:
            self.window.show_message(self.tr("A Docker directory holds one image: export several as a Docker archive, "
                                             "an OCI archive or an OCI directory."))
            return
        start = self.settings.last_dir or os.path.expanduser("~")
        default = files.export_default_path(start, export_file_name(rows[0].name, rows[0].record.id, fmt,
                                                                    len(rows)))
        output = files.ask_export_path(self.window, fmt, default)
        if not output:
            return
        self.settings.last_dir = os.path.dirname(os.path.abspath(output))
        # Rows of the same image named twice export once with both names; an unnamed one goes by ID.
        images = list(dict.fromkeys(r.reference for r in rows))
        labels = list(dict.fromkeys(r.label for r in rows))
        compress = self.settings.compression or None
        spec = save_spec(self.window.store_root, images, labels, output, fmt, parallel=self.settings.parallel_layers,
                         compress=compress)
        if self.window.submit(spec) is not None:
            what = labels[0] if len(labels) == 1 else self.tr("%n image(s)", "", len(labels))
            self.window.notify(self.tr("Exporting {what} as {format} to {path}").format(
                what=what, format=format_label(fmt), path=output))

    # -- push ---------------------------------------------------------------------------------------------------

    def push(self, row: ImageRow) -> PushDialog:
        dialog = PushDialog(row, self.settings, self.window.tasks, self.window)
        dialog.push_requested.connect(self._start_push)
        dialog.login_requested.connect(self.window.open_login)
        self.window.login_changed.connect(dialog.refresh_login_state)
        dialog.show()
        return dialog

    def _start_push(self, request: dict) -> None:
        spec = push_spec(self.window.store_root, request["image"], request["label"], request["destination"],
                         parallel=self.settings.parallel_layers, compress=request["compress"],
                         tls_verify=request["tls_verify"], manifest_format=request.get("manifest_format"))
        self.window.submit(spec)

    # -- copy to an engine -------------------------------------------------------------------------------------

    def copy_to(self, rows: list[ImageRow], engine: str) -> None:
        """The store's images copied into Podman or Docker, one job each (gui/window_engines.py)."""
        from gui.models.image_drag import DraggedImages

        images = list(dict.fromkeys((r.reference, r.label) for r in rows))
        self.window.engines.copy_images(DraggedImages("store", images), engine)

    # -- tag, remove, inspect, copy -----------------------------------------------------------------------------

    def tag(self, row: ImageRow) -> TagDialog:
        dialog = TagDialog(row, self.window.store_root, self.window.tasks, self.window)
        dialog.tagged.connect(self._on_tagged)
        dialog.show()
        return dialog

    def _on_tagged(self, names: list[str]) -> None:
        self.window.notify(self.tr("Tagged as {names}").format(names=", ".join(names)))
        self.window.refresh()

    def remove(self, rows: list[ImageRow]) -> None:
        if not rows:
            return
        texts = list(dict.fromkeys(r.reference for r in rows))
        what = rows[0].label if len(rows) == 1 else self.tr("%n image(s)", "", len(rows))
        if not confirm.confirm(self.window, self.tr("Remove images"),
                               self.tr("Remove {what} from the store?").format(what=what), self.tr("Remove")):
            return
        root = self.window.store_root
        # force: the user picked these rows; an ID row of a many-named image means the whole image.
        self.window.tasks.run(lambda: Store(root).remove_and_free(texts, force=True),
                              lambda result: self._on_removed(result, what), self._on_remove_failed)

    def _on_removed(self, result: tuple[list, int, int], what: str) -> None:
        _removed, _count, freed = result
        if freed:
            self.window.notify(self.tr("Removed {what}; {size} freed").format(what=what, size=humanize.size(freed)))
        else:
            self.window.notify(self.tr("Removed {what}").format(what=what))
        self.window.refresh()

    def prune(self) -> None:
        """Free Disk Space: delete the blobs no image uses and what dead operations left in the store."""
        root = self.window.store_root
        self.window.actions.prune.setEnabled(False)
        self.window.notify(self.tr("Freeing disk space…"), 0)
        self.window.tasks.run(lambda: Store(root).prune(), self._on_pruned, self._on_prune_failed)

    def _on_pruned(self, result: tuple[int, int]) -> None:
        count, freed = result
        self.window.actions.prune.setEnabled(True)
        if count:
            self.window.notify(self.tr("Freed {size}: removed {count} unused file(s) from the store")
                               .format(size=humanize.size(freed), count=count))
        else:
            self.window.notify(self.tr("Nothing to free: every file in the store belongs to an image"))

    def _on_prune_failed(self, failure: Failure) -> None:
        self.window.actions.prune.setEnabled(True)
        self.window.notify("")
        self.window.show_message(self.tr("Could not free disk space: {why}").format(why=error_text.message(failure)))

    def _on_remove_failed(self, failure: Failure) -> None:
        self.window.show_message(error_text.message(failure))
        self.window.refresh()

    def inspect(self, row: ImageRow) -> InspectDialog:
        dialog = InspectDialog(row, self.window.store_root, self.window.tasks, self.window)
        dialog.show()
        return dialog

    def copy_ids(self, rows: list[ImageRow]) -> None:
        ids = list(dict.fromkeys(r.record.hex for r in rows))
        QApplication.clipboard().setText("\n".join(ids))
        self.window.notify(self.tr("Copied the image ID") if len(ids) == 1 else
                           self.tr("Copied %n image ID(s)", "", len(ids)))

    def copy_names(self, rows: list[ImageRow]) -> None:
        names = [r.name for r in rows if r.name]
        QApplication.clipboard().setText("\n".join(names))
        self.window.notify(self.tr("Copied the name") if len(names) == 1 else
                           self.tr("Copied %n name(s)", "", len(names)))
