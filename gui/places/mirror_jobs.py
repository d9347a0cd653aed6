"""Mirror (the GUI face of `estiba sync`, engine/sync.py) as ONE job of the Transfers panel whose child rows
are the images, not their layers: the whole mirror is ONE engine sync run, so it shares what `estiba sync`
shares (blobs already at the destination skipped, a blob another image of the run is sending waited for and
mounted, several images at once, the blob locations kept beside the store so a later run mounts across
repositories), and each image's blobs are summed into its own row (the run's per-image listener), so a user
sees which image is copying, done, already there or failed. Retry (the manager runs the same work again)
copies only the images that did not finish: the plan and the finished images are kept in the job's work
closure. Cancel stops the run (the job's cancel token is the run's).

A mirror may take several repositories of one registry (each whole, or some of its tags): still ONE run, so
a base layer two repositories share is sent once to the destination and mounted for the other.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from engine import progress as ev
from gui.jobs.specs import TransferSpec

translate = QCoreApplication.translate

MIRROR = "mirror"


def row_label(source: str) -> str:
    """docker://HOST/team/app:v1 -> "team/app (v1)"; no ':' so the Transfers row is not taken for a layer."""
    text = source.removeprefix("docker://").removeprefix("dir:")
    host, _, rest = text.partition("/")
    rest = rest or host
    repo, _, tag = rest.rpartition(":") if ":" in rest.rpartition("/")[2] else (rest, "", "")
    return f"{repo} ({tag})" if tag else repo


class ImageRollup:
    """A progress listener for one image's copy that reports its blobs' sum as one row (`label`)."""

    def __init__(self, label: str, outer) -> None:
        self.label = label
        self.outer = outer
        self._lock = threading.Lock()
        self._blobs: dict[str, tuple[int, int]] = {}

    def __call__(self, event: ev.Event) -> None:
        if self.outer is None or event.kind == ev.MESSAGE:
            return
        if event.kind == ev.WAITING:
            self.outer(ev.Event(ev.WAITING, self.label, text=event.text))
            return
        with self._lock:
            done, total = self._blobs.get(event.blob, (0, -1))
            total = event.total if event.total >= 0 else total
            done = max(total, 0) if event.kind in (ev.DONE, ev.SKIPPED) else event.offset
            self._blobs[event.blob] = (done, total)
            all_done = sum(d for d, _ in self._blobs.values())
            all_total = sum(max(t, d) for d, t in self._blobs.values())
        self.outer(ev.Event(ev.READ, self.label, all_done, all_total))


class MirrorResult:
    """What the finished job holds: the sync results of every image (this attempt's and earlier ones')."""

    def __init__(self, results: list) -> None:
        self.results = results

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def describe(picks: dict[str, list[str] | None]) -> str:
    """{"team/app": None, "team/db": ["v1", "v2"]} -> "team/app, team/db (v1, v2)"."""
    return ", ".join(repo + (f" ({', '.join(tags)})" if tags else "") for repo, tags in picks.items())


def clashes(picks: dict[str, list[str] | None]) -> tuple[str, str, str] | None:
    """Two repositories that would land on one destination name (a sync names it by the last path
    component, as skopeo sync does): (first, second, that name), else None."""
    seen: dict[str, str] = {}
    for repo in picks:
        name = repo.rpartition("/")[2]
        if name in seen:
            return seen[name], repo, name
        seen[name] = repo
    return None


def mirror_spec(registry: str, picks: dict[str, list[str] | None], destination: str, *, jobs: int,
                parallel: int, tls_verify: bool | None, locations_file: str | None = None) -> TransferSpec:
    """The repositories of REGISTRY in `picks` (each with every tag: None, or only the tags listed) as ONE
    sync run, to a registry prefix (HOST[/PATH]) or a folder (a path starting with /). `locations_file`:
    where blob locations are kept between runs (beside the store)."""
    dest_kind = "dir" if destination.startswith(("/", "~")) else "docker"
    state: dict = {"items": None, "finished": {}}  # kept across attempts: Retry redoes only what failed

    def work(progress):
        from engine import sync
        from engine.sync_clients import ClientPool

        opts = sync.SyncOptions(dest_access=sync.Access(tls_verify=tls_verify), jobs=max(1, jobs), layers=parallel,
                                locations_file=locations_file)
        pool = ClientPool(progress.cancel, pool_size=sync.pool_size(opts))  # the listing's clients copy too
        try:
            return attempt(progress, opts, pool)
        finally:
            pool.close()

    def attempt(progress, opts, pool):
        import os

        from engine import sync, sync_plan
        from engine.errors import Cancelled, EstibaError

        target = os.path.expanduser(destination) if dest_kind == "dir" else destination
        access = opts.dest_access
        if state["items"] is None:
            whole = [repo for repo, tags in picks.items() if not tags]  # their tags listed at once
            listed = dict(zip(whole, sync_plan.list_all_tags([(registry, r, access) for r in whole],
                                                             progress.cancel, pool), strict=True))
            state["items"] = [item for repo, tags in picks.items() for t in (tags or listed[repo])
                              for item in sync_plan.plan("docker", dest_kind, f"{registry}/{repo}:{t}", target,
                                                         access=access, cancel=progress.cancel)]
        items, finished = state["items"], state["finished"]
        outer = progress.listener
        for item in items:  # every image gets its row at once; earlier attempts' images show as they ended
            before = finished.get(item.source)
            if outer is None:
                continue
            if before is None:
                outer(ev.Event(ev.NEW, row_label(item.source), 0, -1))
            else:
                outer(ev.Event(ev.SKIPPED if before.status == sync.SKIPPED else ev.DONE, row_label(item.source), 0, 0))
        todo = [item for item in items if item.source not in finished]
        failed: list = []

        def ended(res) -> None:  # on the run's worker threads
            if res.status == sync.FAILED:
                failed.append(res)
                return
            finished[res.item.source] = res
            if outer is not None:
                outer(ev.Event(ev.SKIPPED if res.status == sync.SKIPPED else ev.DONE, row_label(res.item.source),
                               0, 0))

        try:
            sync.run(todo, opts, progress, on_result=ended,
                     listener_for=lambda item: ImageRollup(row_label(item.source), outer), pool=pool)
        except Cancelled:
            raise Cancelled("mirror cancelled") from None
        if failed:
            first = failed[0]
            raise EstibaError(translate("MirrorJobs", "%1 of %2 images failed (first: %3: %4); Retry copies only those")
                              .replace("%1", str(len(failed))).replace("%2", str(len(items)))
                              .replace("%3", first.item.source.removeprefix("docker://"))
                              .replace("%4", first.error))
        return MirrorResult(list(finished.values()))

    what = f"{registry}/{describe(picks)}" if len(picks) == 1 else f"{registry}: {describe(picks)}"
    title = translate("MirrorJobs", "Mirroring %1 to %2").replace("%1", what).replace("%2", destination)
    return TransferSpec(MIRROR, title, f"mirror:{what}->{destination}", work, title)
