"""What Podman's and Docker's places say about their engine (issue 12), in this app's words: the short line
under the place's title ("podman 4.3.1", "not running"...) and, above the engine's image table, a bar with
the whole sentence and what to do: not installed; installed but not running (for podman, a button that
starts its service, engine/engines/discovery.py start_podman_service); socket not readable (the docker group,
the rootless socket); the engine's version when it answers. The states come from engine/engines/status.py,
probed on a worker thread (gui/places/engine_backend.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from engine.engines import status
from gui.hints import hint_text

translate = QCoreApplication.translate
PODMAN, DOCKER = "podman", "docker"
CHECKING = "checking"  # not probed yet


def engine_title(kind: str) -> str:
    return "Podman" if kind == PODMAN else "Docker"


def short_state(kind: str, state: status.EngineState | None) -> str:
    """The place's second line."""
    if state is None:
        return translate("EngineStates", "checking…")
    if state.state == status.RUNNING:
        return f"{kind} {state.version}".strip()
    if state.state == status.NOT_INSTALLED:
        return translate("EngineStates", "not installed")
    if state.state == status.NOT_READABLE:
        return translate("EngineStates", "socket not readable")
    return translate("EngineStates", "not running")


def state_words(state: status.EngineState) -> str:
    """One sentence for the state of an engine, with what to do about it."""
    name = engine_title(state.kind)
    if state.state == status.RUNNING:
        return translate("EngineStates", "{engine} {version} is running.").format(engine=name, version=state.version)
    if state.state == status.NOT_INSTALLED:
        head = translate("EngineStates", "{engine} is not installed.").format(engine=name)
    elif state.state == status.NOT_READABLE:
        head = translate("EngineStates", "{engine}'s socket {socket} is not readable by you.")
        head = head.format(engine=name, socket=state.socket)
    else:
        head = translate("EngineStates", "{engine} is installed but not running.").format(engine=name)
    extra = hint_text(state.error) if state.error is not None else ""
    return f"{head} {extra}".strip()


class EngineStateBar(QFrame):
    """The sentence above an engine's table, and the button that starts podman's service when it is
    installed but not running."""

    start_requested = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"{kind}StateBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(translate("EngineStates", "Asking {engine}…").format(engine=engine_title(kind)), self)
        self.label.setObjectName("engineState")
        self.label.setWordWrap(True)
        self.start_button = QPushButton(translate("EngineStates", "Start Podman's Service"), self)
        self.start_button.setObjectName("startEngineButton")
        self.start_button.hide()
        self.start_button.clicked.connect(self.start_requested)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.start_button)

    def show_state(self, state: status.EngineState, can_start: bool) -> None:
        self.label.setText(state_words(state))
        self.start_button.setEnabled(True)
        self.start_button.setVisible(can_start and self.kind == PODMAN and state.state == status.NOT_RUNNING)

    def show_starting(self) -> None:
        self.label.setText(translate("EngineStates", "Starting Podman's service…"))
        self.start_button.setEnabled(False)

    def show_text(self, text: str) -> None:
        self.label.setText(text)
