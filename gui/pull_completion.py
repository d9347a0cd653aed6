"""The pull dialog's help from the registry itself: as the user types `HOST/REPO[:TAG]`, the repository's tags
(and, after `HOST/`, the registry's repositories where it offers a catalog) join the completions, and a warning
says when the tag asked for (`latest` when none is typed) is not in the repository. The lists are read on
worker threads, a moment after typing stops, and kept for the session; nothing here ever blocks the dialog."""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer, Slot
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QWidget

from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner

DEBOUNCE_MS = 400
LISTS: dict[tuple[str, str], list[str]] = {}  # (registry, repo or "") -> tags or repositories, for the session


def split(text: str) -> tuple[str, str, str | None] | None:
    """(registry, repository, tag or None) of a registry reference as typed; None for anything else."""
    from engine.errors import InvalidInput
    from engine.reference import parse_reference
    from gui.names import FILE_PREFIXES

    text = text.strip().removeprefix("docker://")
    if not text or text.startswith(FILE_PREFIXES) or "/" not in text or "@" in text:
        return None
    try:
        ref = parse_reference(text, default_tag=None)
    except InvalidInput:
        return None
    return ref.domain, ref.path, ref.tag


class RegistryCompletion(QObject):
    def __init__(self, combo: QComboBox, history: list[str], tls_verify_of, parent: QWidget) -> None:
        super().__init__(parent)
        self.combo = combo
        self.history = list(history)
        self.tls_verify_of = tls_verify_of  # registry -> bool | None, as the dialog's TLS choice says
        self.tasks = TaskRunner(self, threads=2)
        self.model = QStringListModel(self.history, self)
        completer = QCompleter(self.model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        self.warning = QLabel(parent)
        self.warning.setObjectName("tagWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._look_up)
        combo.currentTextChanged.connect(self._typed)
        self._asking: set[tuple[str, str]] = set()

    @Slot(str)
    def _typed(self, text: str) -> None:  # noqa: ARG002
        self.timer.start()
        self._show_warning()

    @Slot()
    def _look_up(self) -> None:
        text = self.combo.currentText().strip().removeprefix("docker://")
        parts = split(text)
        if parts is not None:
            self._ask(parts[0], parts[1])
        elif text.endswith("/") and text.count("/") == 1:
            self._ask(text[:-1], "")  # HOST/: the repositories

    def _ask(self, registry: str, repo: str) -> None:
        key = (registry, repo)
        if key in LISTS:
            self._offer()
            return
        if key in self._asking:
            return
        self._asking.add(key)
        tls = self.tls_verify_of(registry)

        def fetch() -> list[str]:
            from engine import remote
            from engine.options import TransferOptions
            from engine.registry import browse

            client = remote.open_client(registry, repo, TransferOptions(tls_verify=tls, retry_times=0))
            try:
                listing = browse.list_tags(client, repo) if repo else browse.catalog(client)
            finally:
                client.close()
            return listing.names

        self.tasks.run(fetch, lambda names: self._arrived(key, names), lambda f: self._failed(key, f))

    def _arrived(self, key: tuple[str, str], names: list[str]) -> None:
        self._asking.discard(key)
        LISTS[key] = sorted(names)
        self._offer()
        self._show_warning()

    def _failed(self, key: tuple[str, str], failure: Failure) -> None:  # noqa: ARG002
        self._asking.discard(key)  # no suggestions: the pull itself will say what is wrong

    def _offer(self) -> None:
        suggestions: list[str] = []
        for (registry, repo), names in LISTS.items():
            if repo:
                suggestions += [f"{registry}/{repo}:{tag}" for tag in names]
            else:
                suggestions += [f"{registry}/{name}" for name in names]
        self.model.setStringList(self.history + [s for s in suggestions if s not in self.history])

    def _show_warning(self) -> None:
        parts = split(self.combo.currentText())
        tags = LISTS.get((parts[0], parts[1])) if parts else None
        if parts is None or tags is None:
            self.warning.hide()
            return
        tag = parts[2] or "latest"
        if tag in tags:
            self.warning.hide()
            return
        shown = ", ".join(tags[:8]) + ("…" if len(tags) > 8 else "")
        text = self.tr("%1 has no tag %2 (it has: %3)").replace("%1", f"{parts[0]}/{parts[1]}") \
            .replace("%2", tag).replace("%3", shown or self.tr("none"))
        self.warning.setText(text)
        self.warning.show()
