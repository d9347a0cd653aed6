"""Podman and Docker in the main window (issue 12): their places in the places list (gui/places/
engine_backend.py), the filter box reaching their tables, files dropped on the window while an engine is
shown going to that engine, image rows dragged between places copied as jobs, the Image menu acting on the
engine table that is shown, and the lists read again after a job of this window changed an engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from gui.jobs import manager as states
from gui.jobs.engine_specs import ENGINE_LOAD, PLACE_COPY, STORE, copy_spec, place_title
from gui.jobs.manager import TransferJob
from gui.places.engine_backend import EngineBackend
from gui.places.engine_place import DOCKER, PODMAN, EnginePlace
from gui.widgets.message_bar import INFO

if TYPE_CHECKING:
    from gui.main_window import MainWindow


class WindowEngines(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.backends: dict[str, EngineBackend] = {}
        for kind in (PODMAN, DOCKER):
            backend = EngineBackend(window, kind)
            self.backends[kind] = backend
            window.places.set_engine_backend(kind, backend)
            backend.probe()
        window.filter_edit.textChanged.connect(self._on_filter)
        window.manager.job_finished.connect(self._on_job_finished)
        window.places.place_shown.connect(self._on_place_shown)

    def backend(self, kind: str) -> EngineBackend:
        return self.backends[kind]

    def shown(self) -> EngineBackend | None:
        """The engine whose place is shown, if one is."""
        place = self.window.places.current()
        return self.backends.get(place.engine) if isinstance(place, EnginePlace) else None

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        for backend in self.backends.values():
            if backend.view is not None:
                backend.view.set_filter_text(text)

    def drop_paths(self, paths: list[str]) -> bool:
        """Files dropped on the window while an engine's place is shown load into that engine."""
        backend = self.shown()
        if backend is None:
            return False
        if backend.accepts_drops():
            backend.drop(paths)
        else:
            self.window.show_message(self.tr("{engine} cannot take images now: {why}").format(
                engine=place_title(backend.kind), why=backend.state_text()))
        return True

    def copy_images(self, dragged, target: str) -> None:
        """Image rows of one place dropped on another: one copy job per image."""
        settings = self.window.settings
        for ref, label in dragged.images:
            self.window.submit(copy_spec(self.window.store_root, dragged.place, ref, label, target,
                                         parallel=settings.parallel_layers))

    def run_image_action(self, name: str) -> bool:
        """An Image menu action (export, push, tag, remove, copy_id) while an engine is shown acts on its
        table; False when the store is shown (the window's own commands act)."""
        backend = self.shown()
        if backend is None:
            return False
        rows = backend.view.selected_rows() if backend.view is not None else []
        if not rows:
            return True
        c = backend.commands
        if name == "export":
            c.export(rows, self.window.settings.export_format)
        elif name in ("push", "tag") and len(rows) == 1:
            getattr(c, name)(rows[0])
        elif name == "remove":
            c.remove(rows)
        elif name == "copy_id":
            c.copy_ids(rows)
        return True

    @Slot(object)
    def _on_place_shown(self, _place) -> None:
        backend = self.shown()
        if backend is not None and backend.view is not None and not backend.view.property("actionsHooked"):
            backend.view.setProperty("actionsHooked", True)
            backend.view.table.selectionModel().selectionChanged.connect(self._on_engine_selection)
        if not self.update_actions():
            self.window._update_image_actions()

    @Slot()
    def _on_engine_selection(self, *args) -> None:  # noqa: ARG002
        self.update_actions()

    def update_actions(self) -> bool:
        """The Image menu's actions enabled for the engine table shown; False when no engine is shown."""
        backend = self.shown()
        if backend is None:
            return False
        rows = backend.view.selected_rows() if backend.view is not None else []
        a = self.window.actions
        a.export_default.setEnabled(len({r.record.id for r in rows}) == 1)
        for action in (a.copy_id, a.remove):
            action.setEnabled(bool(rows))
        for action in (a.push, a.tag):
            action.setEnabled(len(rows) == 1)
        a.inspect.setEnabled(False)  # the store's images only
        return True

    def refresh_shown(self) -> bool:
        backend = self.shown()
        if backend is None:
            return False
        backend.probe()
        return True

    @Slot(object)
    def _on_job_finished(self, job: TransferJob) -> None:
        if job.spec.kind not in (ENGINE_LOAD, PLACE_COPY) or job.state != states.DONE:
            return
        for backend in self.backends.values():  # an engine whose events do not reach us still shows it
            if backend.records or backend.state is not None:
                backend.list()
        if job.spec.kind == PLACE_COPY and job.spec.key.endswith("->" + STORE):
            self.window.refresh()
        results = job.result if isinstance(job.result, list) else []
        partial = [r for r in results if len(getattr(r, "platforms_offered", [])) > 1]
        if partial:
            first = partial[0]
            self.window.show_message(self.tr("{title}: a multi-platform image goes to an engine as one platform; "
                                             "{taken} was taken (it also has {others}).").format(
                title=job.title, taken=", ".join(first.platforms),
                others=", ".join(p for p in first.platforms_offered if p not in first.platforms)), INFO)

    def shutdown(self) -> None:
        for backend in self.backends.values():
            backend.shutdown()
