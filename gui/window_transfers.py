"""How the main window follows its transfers: status-bar notices when a job ends, the refresh after a load or
pull, the overall progress in the title, "show in folder" for finished exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Slot

from engine.errors import NotFound
from engine.store import Store
from gui import error_text
from gui.dialogs import files
from gui.dialogs.path_box import show_path_box
from gui.jobs import manager as states
from gui.jobs.errors import Failure
from gui.jobs.manager import TransferJob
from gui.jobs.specs import LOAD, PULL, load_spec, pull_spec
from gui.names import familiar
from gui.widgets.message_bar import INFO, WARNING

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from gui.main_window import MainWindow

APP_NAME = "Estiba"



class WindowTransfers(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.overall: tuple[float | None, int] = (None, 0)
        manager = window.manager
        manager.job_finished.connect(self._on_job_finished)
        manager.job_rejected.connect(self._on_job_rejected)
        manager.duplicate.connect(self._on_duplicate)
        manager.overall_changed.connect(self._on_overall)
        window.dock.show_in_folder_requested.connect(self.show_in_folder)

    @Slot(object)
    def _on_job_finished(self, job: TransferJob) -> None:
        w = self.window
        if job.state == states.DONE:
            if job.spec.kind in (LOAD, PULL):
                w.refresh()
                self._offer_all_platforms(job)
            w.notify(self._done_text(job))
        elif job.state == states.FAILED and job.failure is not None:
            error = error_text.message(job.failure)
            w.notify(translate("MainWindow", "{title} failed: {error}").format(title=job.title, error=error))
            if job.failure.is_a(NotFound) and job.spec.images:
                self._check_stale(job)
        elif job.state == states.CANCELLED:
            w.notify(translate("MainWindow", "{title}: cancelled; nothing was changed").format(title=job.title))

    def _check_stale(self, job: TransferJob) -> None:
        """An export or push that did not find its image: if the image is gone from the store (another
        window or `estiba` in a terminal removed it), reload the stale list and say so."""
        root, images = self.window.store_root, job.spec.images

        def missing() -> list[str]:
            store = Store(root)
            gone = []
            for text in images:
                try:
                    store.lookup(text)
                except NotFound:
                    gone.append(text)
            return gone

        self.window.tasks.run(missing, lambda gone: self._on_stale(job, gone))

    def _on_stale(self, job: TransferJob, gone: list[str]) -> None:
        if not gone:
            return
        self.window.refresh()
        what = familiar(gone[0]) if len(gone) == 1 else self.tr("{count} of its images").format(count=len(gone))
        self.window.show_message(self.tr("{title} failed: {what} is no longer in the store (removed by another "
                                         "window or by estiba in a terminal). The image list has been reloaded.")
                                 .format(title=job.title, what=what), WARNING)

    def _done_text(self, job: TransferJob) -> str:
        results = job.result if isinstance(job.result, list) else []
        names = [familiar(n) for r in results for n in getattr(r, "names", [])]
        if job.spec.kind in (LOAD, PULL):
            more = self.tr(" and %n more", "", len(names) - 3) if len(names) > 3 else ""
            unnamed = self.tr("%n unnamed image(s)", "", len(results))
            what = ", ".join(names[:3]) + more if names else unnamed
            taken = list(dict.fromkeys(p for r in results for p in getattr(r, "platforms", []) if p))
            what += f" ({', '.join(taken)})" if taken else ""  # which platform was taken, always said
            if job.spec.kind == LOAD:
                return translate("MainWindow", "Loaded {what}").format(what=what)
            return translate("MainWindow", "Pulled {what}").format(what=what)
        return translate("MainWindow", "{title}: done").format(title=job.title)

    def _offer_all_platforms(self, job: TransferJob) -> None:
        """One platform was taken from a multi-platform image: say so, and offer to keep the whole image."""
        results = job.result if isinstance(job.result, list) else []
        partial = [r for r in results if len(getattr(r, "platforms_offered", [])) > 1]
        if not partial or not job.spec.source:
            return
        first = partial[0]
        taken = ", ".join(first.platforms)
        others = ", ".join(p for p in first.platforms_offered if p not in first.platforms)
        name = familiar(first.names[0]) if first.names else self.tr("The image")
        text = self.tr("{name} is a multi-platform image: only {taken} was kept (it also has {others}).").format(
            name=name, taken=taken, others=others)
        self.window.show_message(text, INFO, (self.tr("Keep All Platforms"), lambda: self.keep_all_platforms(job)))

    def keep_all_platforms(self, job: TransferJob) -> TransferJob | None:
        """Run a load or pull again, keeping every platform of the image (the store holds indexes)."""
        w, spec = self.window, job.spec
        if spec.kind == LOAD:
            again = load_spec(w.store_root, spec.source, parallel=w.settings.parallel_layers, all_platforms=True)
        else:
            again = pull_spec(w.store_root, spec.source, parallel=w.settings.parallel_layers, platform=None,
                              all_platforms=True, tls_verify=spec.tls_verify)
        return w.submit(again)

    @Slot(object)
    def _on_job_rejected(self, payload: tuple[TransferJob, Failure]) -> None:
        _job, failure = payload
        error = error_text.message(failure)
        self.window.show_message(translate("MainWindow", "Not loaded: {error}").format(error=error), WARNING)

    @Slot(object)
    def _on_duplicate(self, job: TransferJob) -> None:
        self.window.notify(translate("MainWindow", "Already in progress: {title}").format(title=job.title))
        self.window.dock.select_job(job)

    @Slot(object)
    def _on_overall(self, overall: tuple[float | None, int]) -> None:
        self.overall = overall
        fraction, active = overall
        if not active:
            self.window.setWindowTitle(APP_NAME)
            return
        count = self.tr("%n transfer(s)", "", active)
        pct = f"{int(fraction * 100)}% · " if fraction is not None else ""
        self.window.setWindowTitle(f"{APP_NAME} — {pct}{count}")

    @Slot(object)
    def show_in_folder(self, job: TransferJob) -> None:
        output = job.spec.output
        if output and not files.show_in_folder(output):
            # No file manager answered (a bare window manager, a container): say where the file is.
            self.window.path_box = show_path_box(self.window, output)
