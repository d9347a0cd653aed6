"""Podman's or Docker's place in the window (issue 12), plugged into the places list through
PlacesPanel.set_engine_backend (gui/places/engine_place.py says what a backend offers).

Everything that talks to the engine runs off the UI thread: the state probe and the image list on the
window's TaskRunner, the events stream on a thread of its own (gui/places/engine_follow.py). The list is
read when the engine is found running, when the events stream opens, and on each image event: never polled.
Podman installed but not running: Start runs a private `podman system service` (engine/engines/discovery.py)
for as long as the window is open; CONTAINER_HOST then points this process (and so every transfer through
`containers-storage:`) at it."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal, Slot

from engine.engines import status
from gui import error_text
from gui.jobs.engine_specs import engine_load_spec
from gui.jobs.errors import Failure
from gui.places.engine_commands import EngineCommands
from gui.places.engine_follow import EngineFollower
from gui.places.engine_states import PODMAN, short_state

HOST_VARIABLE = {PODMAN: "CONTAINER_HOST", "docker": "DOCKER_HOST"}


def _read_images(kind: str) -> list:
    from engine.engines import discovery
    from engine.engines.client import Engine

    with Engine(discovery.find(kind, start_service=False)) as engine:
        return engine.images()


class EngineBackend(QObject):
    changed = Signal()  # the state line changed
    state_known = Signal(object)  # EngineState (tests wait on it)
    images_listed = Signal(object)  # list[ImageRecord] shown in the table

    def __init__(self, window, kind: str) -> None:
        super().__init__(window)
        self.window = window
        self.kind = kind
        self.state: status.EngineState | None = None
        self.records: list = []
        self.view = None
        self.list_count = 0  # completed listings (tests wait on it)
        self.connected_count = 0  # times the events stream opened
        self.commands = EngineCommands(window, self)
        self.follower = EngineFollower(kind, self)
        self.follower.changed.connect(self._on_event)
        self.follower.connected.connect(self._on_connected)
        self.follower.lost.connect(self._on_lost)
        self._probing = self._probe_again = False
        self._listing = self._list_again = False
        self._list_failed: str | None = None
        self._closed = False
        self.service = None  # the private podman service Start started (an engine.engines.discovery.Endpoint)
        self._our_host: str | None = None
        self._user_host = os.environ.get(HOST_VARIABLE[kind])

    # -- what the places list asks --------------------------------------------------------------------------

    def state_text(self) -> str:
        return short_state(self.kind, self.state)

    def make_view(self, parent):
        from gui.places.engine_view import EngineView

        self.view = EngineView(self, parent)
        self.view.set_filter_text(self.window.filter_edit.text())
        if self.state is not None:
            self.view.state_bar.show_state(self.state, self.can_start)
        self.view.set_records(self.records)
        return self.view

    def activated(self) -> None:
        self.probe()

    def usable(self) -> bool:
        """Whether a drop or a copy can go to this engine: it runs, or podman is there to start its service."""
        s = self.state
        return s is not None and (s.state == status.RUNNING or (self.kind == PODMAN and s.state == status.NOT_RUNNING))

    def accepts_drops(self) -> bool:
        return self.usable()

    def drop(self, paths: list[str]) -> None:
        jobs = [self.window.submit(engine_load_spec(self.window.store_root, path, self.kind,
                                                    parallel=self.window.settings.parallel_layers))
                for path in paths]
        started = [j for j in jobs if j is not None]
        if started:
            self.window.notify(started[0].title + "…" if len(started) == 1 else
                               self.tr("Loading %n item(s)…", "", len(started)))

    def accepts_images(self, dragged) -> bool:
        return self.usable() and dragged.place != self.kind

    def drop_images(self, dragged) -> None:
        self.window.engines.copy_images(dragged, self.kind)

    def copy_destination(self, name: str) -> str | None:
        """Where a registry tag copied to this place goes (gui/places/place.py): this engine's images, when it
        answers, or when Podman's private service may be started for it."""
        s = self.state
        if s is None or not (s.state == status.RUNNING or (s.state == status.NOT_RUNNING and self.can_start)):
            return None
        return f"{'containers-storage' if self.kind == PODMAN else 'docker-daemon'}:{name}"

    @property
    def can_start(self) -> bool:
        """Start is offered unless the user pointed CONTAINER_HOST somewhere of their own."""
        return self.kind == PODMAN and (not self._user_host or self._user_host == self._our_host)

    # -- state ----------------------------------------------------------------------------------------------

    def probe(self) -> None:
        if self._closed:  # the window is shutting down: no new work on its pools
            return
        if self._probing:
            self._probe_again = True
            return
        self._probing = True
        kind = self.kind
        self.window.tasks.run(lambda: status.probe(kind), self._on_state, self._on_probe_failed)

    def _on_state(self, state: status.EngineState) -> None:
        self._probing = False
        self.show_state(state)
        if self._probe_again:
            self._probe_again = False
            self.probe()

    def show_state(self, state: status.EngineState) -> None:
        """Show an engine state (the probe's; a test may hand over one probed as another user)."""
        was = self.state
        self.state = state
        if self.view is not None:
            self.view.state_bar.show_state(state, self.can_start)
        if was is None or (was.state, was.version, was.socket) != (state.state, state.version, state.socket):
            self.changed.emit()
        if state.state == status.RUNNING:
            self.follower.start()
            if self._list_failed is not None:  # it answers, but its list could not be read: say why, no loop
                if self.view is not None:
                    self.view.state_bar.show_text(self._list_failed)
                self._list_failed = None
            else:
                self.list()
        elif self.records:
            self._show_records([])
        self.state_known.emit(state)

    def _on_probe_failed(self, failure: Failure) -> None:
        self._probing = False
        if self.view is not None:
            self.view.state_bar.show_text(error_text.message(failure))

    # -- the list -------------------------------------------------------------------------------------------

    def list(self) -> None:
        """Read the engine's images on a worker; requests while one runs make one more read."""
        if self._closed:
            return
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        kind = self.kind
        self.window.tasks.run(lambda: _read_images(kind), self._on_listed, self._on_list_failed)

    def _on_listed(self, records: list) -> None:
        self._listing = False
        self._show_records(records)
        if self._list_again:
            self._list_again = False
            self.list()

    def _show_records(self, records: list) -> None:
        self.records = records
        if self.view is not None:
            self.view.set_records(records)
        self.list_count += 1
        self.images_listed.emit(records)

    def _on_list_failed(self, failure: Failure) -> None:
        self._listing = self._list_again = False
        self._list_failed = error_text.message(failure)
        self.probe()  # it went away, or never answers: the state bar says so

    @Slot(str)
    def _on_event(self, _action: str) -> None:
        self.list()

    @Slot()
    def _on_connected(self) -> None:
        self.connected_count += 1
        if self.state is None or self.state.state != status.RUNNING:
            self.probe()  # it is back: the probe lists
        else:
            self.list()  # events before the stream opened were not seen

    @Slot(str)
    def _on_lost(self, _why: str) -> None:
        self.probe()

    # -- podman's private service ---------------------------------------------------------------------------

    @Slot()
    def start_service(self) -> None:
        if self.kind != PODMAN or self.service is not None or self._closed:
            return
        from engine.engines import discovery

        if self.view is not None:
            self.view.state_bar.show_starting()
        self.window.tasks.run(discovery.start_podman_service, self._on_started, self._on_start_failed)

    def _on_started(self, endpoint) -> None:
        if self._closed:  # started while the window closed: stop it at once
            endpoint.close()
            return
        self.service = endpoint
        self._our_host = "unix://" + endpoint.socket
        os.environ["CONTAINER_HOST"] = self._our_host  # transfers through containers-storage: go there too
        self.probe()

    def _on_start_failed(self, failure: Failure) -> None:
        if self.view is not None:
            self.view.state_bar.show_text(error_text.message(failure))
            self.view.state_bar.start_button.setEnabled(True)

    def shutdown(self) -> None:
        self._closed = True
        self.follower.stop()
        service, self.service = self.service, None
        if service is not None:
            if os.environ.get("CONTAINER_HOST") == self._our_host:
                if self._user_host:
                    os.environ["CONTAINER_HOST"] = self._user_host
                else:
                    os.environ.pop("CONTAINER_HOST", None)
            service.close()
