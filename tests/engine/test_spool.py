"""Loading an archive compressed as a whole (a .tar.gz): its decompression to a plain tar is a phase of the
job like any other: it reports progress and hears a cancel (issue 10 item 3). So it does for every verb that
reads such an archive (copy, pull, copy with per-side options), in every whole-archive compression."""

from __future__ import annotations

import os
import threading
import time

import pytest

from engine import operations
from engine.errors import Cancelled
from engine.progress import DECOMPRESSING, DONE, NEW, READ, CancelToken, Progress
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


# --- every verb that reads a whole-compressed archive reports the phase ------------------------------------


@pytest.fixture(scope="module")
def compressed_archives(tmp_path_factory):
    """{kind: path} of one image (two 8 MiB layers) as a docker-archive compressed as a whole."""
    img = build_image([random_layer_tar(seed, 8 << 20) for seed in (17, 18)], compression="none")
    folder = tmp_path_factory.mktemp("whole")
    out = {}
    for kind, suffix in (("gzip", "gz"), ("zstd", "zst"), ("xz", "xz")):
        out[kind] = folder / f"image.tar.{suffix}"
        write_docker_archive(out[kind], [(img, ["foo:1"])], compress=kind)
    return out


def _copy(store, path, tmp_path, progress):
    operations.copy_between(store, f"docker-archive:{path}", f"oci-archive:{tmp_path / 'out.tar'}",
                            progress=progress)


def _pull(store, path, tmp_path, progress):
    operations.pull(store, f"docker-archive:{path}", progress=progress)


def _copy_sides(store, path, tmp_path, progress):
    from engine.copy_sides import copy_with_sides
    from engine.options import TransferOptions

    copy_with_sides(store, f"docker-archive:{path}", f"oci:{tmp_path / 'layout'}", TransferOptions(),
                    TransferOptions(), progress)


VERBS = {"copy": _copy, "pull": _pull, "copy-sides": _copy_sides}


@pytest.mark.parametrize("kind", ["gzip", "zstd", "xz"])
@pytest.mark.parametrize("verb", list(VERBS))
def test_every_verb_reports_the_decompression_phase(tmp_path, compressed_archives, verb, kind):
    """`estiba copy docker-archive:x.tar.gz oci-archive:y.tar` (and pull, and copy with per-side options)
    decompress the archive first: that phase reports the compressed bytes read, in order, up to the input's
    size, named DECOMPRESSING, and it is over before the first layer starts."""
    path = compressed_archives[kind]
    store = Store(str(tmp_path / "store"))
    events: list = []
    VERBS[verb](store, path, tmp_path, Progress(events.append, interval=0))
    mine = [e for e in events if e.blob == path.name]
    size = os.path.getsize(path)
    assert mine, f"{verb} of a {kind} archive reported no progress while decompressing it"
    assert mine[0].kind == NEW and mine[0].total == size and mine[0].text == DECOMPRESSING
    offsets = [e.offset for e in mine]
    assert offsets == sorted(offsets) and mine[-1].kind == DONE and offsets[-1] == size
    assert len({e.offset for e in mine if e.kind == READ and 0 < e.offset < size}) >= 2  # it moved in between
    first_layer = next(i for i, e in enumerate(events) if e.blob.startswith("sha256:"))
    assert events.index(mine[-1]) < first_layer


def test_the_aggregated_snapshot_names_the_phase(tmp_path, compressed_archives):
    """What the CLI's lines and the GUI's rows read: the phase's row says DECOMPRESSING, the layers' do not."""
    from engine.progress_state import ProgressAggregator

    snaps: list = []
    aggregator = ProgressAggregator(snaps.append, interval=0)
    store = Store(str(tmp_path / "store"))
    operations.pull(store, f"docker-archive:{compressed_archives['gzip']}", progress=Progress(aggregator))
    aggregator.flush()
    phases = {b.blob: b.phase for b in snaps[-1].blobs}
    assert phases.pop("image.tar.gz") == DECOMPRESSING
    assert phases and set(phases.values()) == {""}
    assert any(s.blobs and s.blobs[0].blob == "image.tar.gz" and 0 < s.done < s.blobs[0].total for s in snaps)
