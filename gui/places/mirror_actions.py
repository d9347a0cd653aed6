"""Mirroring from a registry view (RegistryView, gui/places/registry_view.py): several repositories at once
(the repository list takes a multiple selection) and, in each, every tag or only the tags picked in it, as
ONE job of the Transfers panel (gui/places/mirror_jobs.py: one engine sync run, so a base layer two
repositories share goes once).

What is picked: the repositories selected in the list (or the one shown, where none is selected, e.g. one
typed by name); in each, the tags selected in the tag table while it was shown are kept (a repository's
picks go when it leaves the selection). "Mirror Repositories…" takes every tag of them, "Mirror
Selected…" only the picked tags where some are picked, every tag of the others.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Slot
from PySide6.QtWidgets import QAbstractItemView, QPushButton

from gui import registry_jobs
from gui.places import mirror_jobs


class MirrorActions:
    """Mixed into RegistryView (through TagActions): needs repo_list, tag_view, registry, repo, settings,
    store_root, selected_tags, _say, _tls and transfer_requested."""

    def build_mirror_actions(self) -> None:
        self.tag_picks: dict[str, list[str]] = {}  # repository -> its tags picked (kept while it is selected)
        self.loading_tags = False  # the tag table is being refilled: its selection says nothing then
        self.repo_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several to mirror
        self.repo_list.itemSelectionChanged.connect(self._on_repos_selected)
        self.mirror_button = QPushButton(self.tr("Mirror Repository…"), self)
        self.mirror_button.setObjectName("mirrorButton")
        self.mirror_button.clicked.connect(self.mirror_repository)
        self.mirror_tags_button = QPushButton(self.tr("Mirror Selected…"), self)
        self.mirror_tags_button.setObjectName("mirrorTagsButton")
        self.mirror_tags_button.setToolTip(self.tr("The selected repositories: the tags selected in them, "
                                                   "every tag of those where none is selected"))
        self.mirror_tags_button.clicked.connect(self.mirror_selected)
        self.tag_view.selectionModel().selectionChanged.connect(self._on_tags_selected)

    def mirror_repos(self) -> list[str]:
        """The repositories a mirror takes: those selected in the list, or the one shown."""
        chosen = [self.repo_list.item(i).text() for i in range(self.repo_list.count())
                  if self.repo_list.item(i).isSelected()]
        return chosen or ([self.repo] if self.repo else [])

    def mirror_picks(self) -> dict[str, list[str] | None]:
        """Each repository of mirror_repos() with its picked tags, or None (every tag)."""
        return {repo: self.tag_picks.get(repo) or None for repo in self.mirror_repos()}

    def note_tag_selection(self) -> None:
        """The tag table's selection changed: keep it as the shown repository's picks."""
        if self.loading_tags or not self.repo:
            return
        tags = self.selected_tags()
        if tags:
            self.tag_picks[self.repo] = tags
        else:
            self.tag_picks.pop(self.repo, None)

    def restore_tag_selection(self) -> None:
        """The shown repository's tags arrived: select its picks again (after a visit to another one)."""
        picked = set(self.tag_picks.get(self.repo, ()))
        if picked:
            selection = QItemSelection()
            for row in range(self.proxy.rowCount()):
                if self.proxy.index(row, 0).data() in picked:
                    selection.select(self.proxy.index(row, 0), self.proxy.index(row, self.proxy.columnCount() - 1))
            self.tag_view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.loading_tags = False
        self.note_tag_selection()

    @Slot()
    def _on_tags_selected(self, *args) -> None:  # noqa: ARG002
        self.note_tag_selection()
        self.update_mirror_buttons()

    @Slot()
    def _on_repos_selected(self) -> None:
        keep = set(self.mirror_repos()) | {self.repo}
        for repo in [r for r in self.tag_picks if r not in keep]:
            del self.tag_picks[repo]
        self.update_mirror_buttons()

    def update_mirror_buttons(self) -> None:
        repos = self.mirror_repos()
        self.mirror_button.setEnabled(bool(repos))
        self.mirror_button.setText(self.tr("Mirror Repository…") if len(repos) <= 1
                                   else self.tr("Mirror %n Repositories…", "", len(repos)))
        self.mirror_tags_button.setEnabled(any(self.mirror_picks().values()))

    @Slot()
    def mirror_repository(self) -> None:
        """Every tag of the chosen repositories, to a registry or a folder."""
        picks = dict.fromkeys(self.mirror_repos())
        if picks:
            self._mirror(picks, self.tr("Mirror a repository") if len(picks) == 1
                         else self.tr("Mirror repositories"),
                         self.tr("Every tag of %1 to a registry (HOST/PATH) or a folder (/path):")
                         .replace("%1", ", ".join(picks)))

    @Slot()
    def mirror_selected(self) -> None:
        """The picked tags of the chosen repositories (every tag of those without picks)."""
        picks = self.mirror_picks()
        if any(picks.values()):
            self._mirror(picks, self.tr("Mirror the selected tags"),
                         self.tr("%1 to a registry (HOST/PATH) or a folder (/path):")
                         .replace("%1", mirror_jobs.describe(picks)))

    def _mirror(self, picks: dict[str, list[str] | None], title: str, label: str) -> None:
        clash = mirror_jobs.clashes(picks)
        if clash is not None:  # both would be written to DEST/NAME: refuse before anything moves
            self._say(self.tr("%1 and %2 would both be mirrored as %3: mirror them one at a time.")
                      .replace("%1", clash[0]).replace("%2", clash[1]).replace("%3", clash[2]), True)
            return
        target = registry_jobs.ask_text(self, title, label)
        if target:
            from engine.registry.blob_locations import FILE_NAME

            self.transfer_requested.emit(mirror_jobs.mirror_spec(
                self.registry, picks, target, jobs=max(1, self.settings.parallel_jobs),
                parallel=self.settings.parallel_layers, tls_verify=self._tls(),
                locations_file=os.path.join(self.store_root, FILE_NAME) if self.store_root else None))
            self._say(self.tr("Mirroring %1 (see Transfers)").replace("%1", mirror_jobs.describe(picks)))
