"""The line under a pull or push dialog's name field that says what the name means before anything starts: the
full name registries.conf makes of it (alias, unqualified-search registries) and where the transfer really
goes (a mirror, a relocated [[registry]]), worked out as the command line does (engine/pull_resolution.py).
Reading registries.conf and the recorded aliases touches files, so it runs on a worker thread, a moment after
the typing stops; a result for a text that has changed since is dropped."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from engine import pull_resolution
from gui import error_text
from gui.dialogs.common import alive
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.names import FILE_PREFIXES, registry_of

PULL, PUSH = "pull", "push"
LINK = "name:"


class ResolvedName(QLabel):
    chosen = Signal(str)  # a full name the user picked among several candidates
    resolved = Signal()  # the line now says what the current text means (tests wait for it)

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resolvedNameLabel")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.linkActivated.connect(self._link)
        self.kind = kind
        self.result: pull_resolution.Resolution | pull_resolution.PushTarget | None = None
        self._text = ""
        self._tasks = TaskRunner(self, threads=1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._resolve)
        self.hide()

    def set_name(self, text: str) -> None:
        """The field's text changed: say what it means shortly (nothing for a file transport)."""
        self._text = text.strip()
        self.result = None
        if not self._text or self._text.startswith(FILE_PREFIXES) or registry_of(self._text) is None:
            self._timer.stop()
            self.clear()
            self.hide()
            return
        self._timer.start()

    @Slot()
    def _resolve(self) -> None:
        text, kind = self._text, self.kind
        work = (lambda: pull_resolution.resolve(text.removeprefix("docker://"))) if kind == PULL else \
            (lambda: pull_resolution.resolve_push(text))
        self._tasks.run(work, lambda result: self._on_result(text, result), lambda f: self._on_failure(text, f))

    def _on_result(self, text: str, result) -> None:
        if not alive(self) or text != self._text:
            return
        self.result = result
        self._show(self._push_text(result) if isinstance(result, pull_resolution.PushTarget)
                   else self._pull_text(result))

    def _on_failure(self, text: str, failure: Failure) -> None:
        if alive(self) and text == self._text:
            self._show(html.escape(error_text.message(failure)))

    def _show(self, rich: str) -> None:
        self.setText(rich)
        self.setVisible(bool(rich))  # a full name that goes where it says needs no line
        self.resolved.emit()

    # -- wording ------------------------------------------------------------------------------------------------

    def _pull_text(self, res: pull_resolution.Resolution) -> str:
        asked = html.escape(res.text)
        if len(res.targets) > 1:
            links = ", ".join(f"<a href='{LINK}{html.escape(t.name)}'>{html.escape(t.name)}</a>" for t in res.targets)
            if res.ambiguous and res.mode == "enforcing":
                return self.tr("{name} may be any of {names}: pick one (registries.conf asks for a choice).").format(
                    name=asked, names=links)
            return self.tr("{name} may be any of {names}: Pull tries them in this order; pick one to be sure.").format(
                name=asked, names=links)
        target = res.targets[0]
        full = html.escape(target.name)
        lines = []
        if res.via == pull_resolution.ALIAS:
            lines.append(self.tr("{name} → {full} (an alias in {file})").format(name=asked, full=full,
                                                                                 file=html.escape(res.origin)))
        elif target.name != res.text.removeprefix("docker://"):
            lines.append(self.tr("{name} → {full}").format(name=asked, full=full))
        where = [s.location for s in target.sources]
        if where != [target.name]:
            lines.append(self.tr("Pulled from {places} (registries.conf)").format(
                places=self.tr(", then ").join(html.escape(w) for w in where)))
        return "<br>".join(lines)

    def _push_text(self, target: pull_resolution.PushTarget) -> str:
        lines = []
        if target.name != self._text.removeprefix("docker://"):
            lines.append(self.tr("{name} → {full}").format(name=html.escape(self._text),
                                                            full=html.escape(target.name)))
        if target.location != target.name:
            lines.append(self.tr("Pushed to {place} (registries.conf)").format(place=html.escape(target.location)))
        return "<br>".join(lines)

    @Slot(str)
    def _link(self, link: str) -> None:
        if link.startswith(LINK):
            self.chosen.emit(link.removeprefix(LINK))

    def shutdown(self) -> None:
        self._timer.stop()
        self._tasks.shutdown()
