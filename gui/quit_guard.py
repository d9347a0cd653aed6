"""Quitting with transfers running: ask first; then cancel them and close once every one has ended."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from gui.dialogs import confirm

if TYPE_CHECKING:
    from gui.main_window import MainWindow

# If a cancelled job has not ended by then, close anyway (shutdown() still waits for the workers).
GIVE_UP_MS = 15_000


class QuitGuard(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.quitting = False  # the user said yes; the window closes once the jobs have ended
        self.asked = 0
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.setInterval(GIVE_UP_MS)
        self._give_up.timeout.connect(self._close_now)
        self._force = False

    def may_close(self) -> bool:
        """True when the window may close now. Otherwise the close waits (asked, cancelling) or was refused."""
        active = self.window.manager.active_jobs()
        if self._force or not active:
            return True
        if self.quitting:
            return False  # already cancelling: it closes by itself once they end
        self.asked += 1
        count = len(active)
        text = (self.tr("A transfer is still running: {title}.").format(title=active[0].title) if count == 1
                else self.tr("{count} transfers are still running.").format(count=count))
        text += " " + self.tr("Quit and cancel them? What they have written so far is removed; the store stays "
                              "as it was.")
        if not confirm.confirm(self.window, self.tr("Quit Estiba"), text, self.tr("Cancel Transfers and Quit")):
            return False
        self.quitting = True
        self.window.manager.job_finished.connect(self._on_job_finished)
        self.window.manager.cancel_all()
        self.window.notify(self.tr("Cancelling transfers before quitting…"), 0)
        self._give_up.start()
        QTimer.singleShot(0, self._on_job_finished)  # queued ones end at once, inside cancel_all()
        return False

    @Slot()
    @Slot(object)
    def _on_job_finished(self, *_args) -> None:
        if self.quitting and not self.window.manager.active_jobs():
            self._close_now()

    def release(self) -> None:
        """Let the window close without asking (its transfers are being shut down already)."""
        self._force = True
        self._give_up.stop()

    def _close_now(self) -> None:
        if self._force:
            return
        self._force = True
        self._give_up.stop()
        self.window.close()
