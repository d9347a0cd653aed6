"""A pull (or copy) whose source is an archive compressed as a whole decompresses it before reading any layer:
the job's row in the Transfers panel moves during that phase, with a child row saying "Decompressing", before
the first layer's row appears (issue 10, "every phase of a job reports progress").

The real window, the real pull (gui/jobs/specs.py pull_spec) on the real engine. To look at the row whatever the
machine's speed, the job's progress listener holds the worker twice, at the phase's first progress and at its
end, until the test has read the row (a test's gate in the worker thread, not a stand-in for any part)."""

from __future__ import annotations

import dataclasses
import os
import threading

from engine.progress import DECOMPRESSING, DONE, READ
from gui.jobs.specs import pull_spec
from gui.models.transfers_model import COL_PROGRESS, COL_STATE, COL_TITLE, ProgressRole
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive


class Gate:
    """Holds the job's worker at the phase's first READ and at its DONE, after sending the window the snapshot."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.reached: list[str] = []
        self.release = [threading.Event(), threading.Event()]

    def wrap(self, spec):
        def work(progress):
            aggregator = progress.listener

            def listener(event) -> None:
                aggregator(event)
                step = len(self.reached)
                if event.blob == self.name and step < 2 and event.kind == (READ, DONE)[step]:
                    aggregator.flush()  # the row as it is now, to the window
                    self.reached.append(event.kind)
                    self.release[step].wait(20)

            progress.listener = listener
            return spec.work(progress)

        return dataclasses.replace(spec, work=work)

    def open(self) -> None:
        for event in self.release:
            event.set()


def test_a_pull_from_a_tar_gz_moves_its_row_while_decompressing(qtbot, window, tmp_path):
    img = build_image([random_layer_tar(seed, 4 << 20) for seed in (31, 32)], compression="none")
    path = tmp_path / "image.tar.gz"
    write_docker_archive(path, [(img, ["localhost/zipped:1"])], compress="gzip")
    size = os.path.getsize(path)
    gate = Gate(path.name)
    spec = pull_spec(window.store_root, f"docker-archive:{path}", parallel=2, platform=None, all_platforms=False,
                     tls_verify=None)
    model = window.dock.model
    try:
        job = window.submit(gate.wrap(spec))
        bars = []
        for step, kind in enumerate((READ, DONE)):
            qtbot.waitUntil(lambda s=step: len(gate.reached) > s and job.progress.sequence > 0 and
                            job.progress.blobs and job.progress.blobs[0].state == ("running", "done")[s],
                            timeout=20_000)
            bars.append(model.index_of(job, COL_PROGRESS).data(ProgressRole))  # what the job's bar paints
            parent = model.index_of(job)
            assert model.rowCount(parent) == 1, kind  # no layer yet: the phase's row only
            assert model.index(0, COL_TITLE, parent).data() == "image.tar.gz"
            assert model.index(0, COL_STATE, parent).data() == ("Decompressing", "Done")[step]
            assert [b.phase for b in job.progress.blobs] == [DECOMPRESSING]
            gate.release[step].set()
    finally:
        gate.open()
    (first, total, state), (last, last_total, _) = bars
    assert state == "running" and 0 < first < last == size == total == last_total, bars  # it moved, to the end
    qtbot.waitUntil(lambda: not job.active, timeout=30_000)
    assert job.state == "done", job.failure
    parent = model.index_of(job)
    titles = [model.index(r, COL_TITLE, parent).data() for r in range(model.rowCount(parent))]
    assert titles[0] == "image.tar.gz" and len(titles) == 3 and all(t.startswith("Layer ") for t in titles[1:])
