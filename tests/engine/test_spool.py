"""Loading an archive compressed as a whole (a .tar.gz): its decompression to a plain tar is a phase of the
job like any other: it reports progress and hears a cancel (issue 10 item 3)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from engine import operations
from engine.errors import Cancelled
from engine.progress import DONE, NEW, READ, CancelToken, Progress
from engine.store import Store
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

MID = 1 << 20


@pytest.fixture(scope="module")
def gz_archive(tmp_path_factory):
    img = build_image([random_layer_tar(seed, 16 << 20) for seed in (7, 8)], compression="none")
    path = tmp_path_factory.mktemp("in") / "image.tar.gz"
    write_docker_archive(path, [(img, ["foo:1"])], compress="gzip")
    return path


def test_decompressing_a_tar_gz_reports_progress_before_the_layers(tmp_path, gz_archive):
    store = Store(str(tmp_path / "store"))
    events: list = []
    operations.load(store, str(gz_archive), progress=Progress(events.append, interval=0))
    mine = [e for e in events if e.blob == gz_archive.name]
    size = os.path.getsize(gz_archive)
    assert mine[0].kind == NEW and mine[0].total == size
    assert any(e.kind == READ and MID <= e.offset < size for e in mine)
    assert mine[-1].kind == DONE and mine[-1].offset == size
    first_layer_event = next(i for i, e in enumerate(events) if e.blob.startswith("sha256:"))
    assert events.index(mine[-1]) < first_layer_event  # the phase comes first, and is over when layers start
    assert [r.names for r in store.images()] == [["docker.io/library/foo:1"]]


def test_cancel_while_decompressing_a_tar_gz_stops_at_once_and_changes_nothing(tmp_path, gz_archive):
    store = Store(str(tmp_path / "store"))
    token = CancelToken()
    cancelled_at: list[float] = []

    def listener(event) -> None:
        if event.blob == gz_archive.name and event.kind == READ and event.offset >= MID and not cancelled_at:
            cancelled_at.append(time.monotonic())
            # The user presses Cancel on another thread; joining it makes sure the press lands while this
            # phase still runs (without the join a fast machine or a slow scheduler could finish first).
            presser = threading.Thread(target=token.cancel)
            presser.start()
            presser.join()

    with pytest.raises(Cancelled):
        operations.load(store, str(gz_archive), progress=Progress(listener, token, interval=0))
    assert cancelled_at, "the decompression phase reported no progress"
    assert time.monotonic() - cancelled_at[0] < 1.0
    assert store.images() == []
    assert os.listdir(store.tmp_dir) == []
