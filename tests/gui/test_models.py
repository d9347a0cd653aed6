"""The item models and the progress aggregator on their own: rows, roles, Python-side sorting of sizes above
2 GiB, Qt's model tester, throttling and speed."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from engine import progress as ev
from engine.store import ImageRecord
from gui import humanize
from gui.jobs.manager import TransferJob
from gui.jobs.progress_state import ProgressAggregator
from gui.jobs.specs import TransferSpec
from gui.models.image_filter_proxy import ImageFilterProxy
from gui.models.image_table_model import (
    COL_CREATED,
    COL_ID,
    COL_PLATFORM,
    COL_REPOSITORY,
    COL_SIZE,
    COL_TAG,
    ImageTableModel,
    RowRole,
    SortRole,
)
from gui.models.transfers_model import COL_PROGRESS, COL_STATE, ProgressRole, TransfersModel
from gui.names import export_file_name, registry_of

GIB = 1 << 30


def record(hex_char: str, names: list[str], size: int, created: str | None = "2024-01-02T03:04:05Z",
           platforms=("linux/amd64",)) -> ImageRecord:
    return ImageRecord("sha256:" + hex_char * 64, "sha256:" + "f" * 64, "application/vnd.oci.image.manifest.v1+json",
                       list(names), created, size, list(platforms), 0.0)


@pytest.fixture
def records():
    return [
        record("a", ["docker.io/library/alpine:latest", "docker.io/library/alpine:3.20"], 5 * GIB),
        record("b", [], 3 * GIB + 7, created=None),
        record("c", ["quay.io/team/tool:v1"], 100, created="2020-05-06T07:08:09.123456789Z",
               platforms=("linux/amd64", "linux/arm64", "linux/arm/v7")),
    ]


def test_one_row_per_name_and_a_none_row_for_an_unnamed_image(records):
    model = ImageTableModel()
    model.set_records(records)
    shown = sorted((model.index(r, COL_REPOSITORY).data(), model.index(r, COL_TAG).data())
                   for r in range(model.rowCount()))
    assert shown == [("<none>", "<none>"), ("docker.io/library/alpine", "3.20"),
                     ("docker.io/library/alpine", "latest"), ("quay.io/team/tool", "v1")]
    row = next(r for r in range(model.rowCount()) if model.index(r, COL_TAG).data() == "<none>")
    assert model.index(row, COL_ID).data() == "b" * 12
    assert model.index(row, COL_CREATED).data() == "unknown"
    assert model.index(row, COL_ID).data(Qt.ItemDataRole.ToolTipRole) == "sha256:" + "b" * 64
    assert model.index(row, 0).data(RowRole).name is None


def test_created_is_relative_with_the_full_date_in_the_tooltip_and_sizes_are_human(records):
    model = ImageTableModel()
    model.set_records(records[2:])
    assert model.index(0, COL_CREATED).data().endswith("years ago")
    assert model.index(0, COL_CREATED).data(Qt.ItemDataRole.ToolTipRole).startswith("2020-05-0")
    assert model.index(0, COL_SIZE).data() == "100 B"
    assert model.index(0, COL_PLATFORM).data() == "linux/amd64, linux/arm64 +1"


def test_sizes_above_2_gib_sort_correctly_in_python(qtbot, records):
    model = ImageTableModel()
    model.set_records(records)
    proxy = ImageFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)
    sizes = [proxy.index(r, 0).data(RowRole).record.size for r in range(proxy.rowCount())]
    assert sizes == sorted(sizes) and sizes[-1] == 5 * GIB
    assert model.index(0, COL_SIZE).data(SortRole)[0] in (5 * GIB, 3 * GIB + 7, 100)  # a real int, not 32-bit


def test_image_models_pass_qts_model_tester(qtmodeltester, records):
    model = ImageTableModel()
    model.set_records(records)
    qtmodeltester.check(model)
    proxy = ImageFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text("alpine")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 2


def test_transfers_model_grows_layer_rows_and_passes_the_model_tester(qtmodeltester):
    model = TransfersModel()
    job = TransferJob(1, TransferSpec("load", "Loading a.tar", "k", lambda p: None))
    model.add_job(job)
    snapshots = []
    agg = ProgressAggregator(snapshots.append, interval=0)
    agg(ev.Event(ev.NEW, "sha256:" + "1" * 64, 0, 3 * GIB))
    agg(ev.Event(ev.READ, "sha256:" + "1" * 64, GIB, 3 * GIB))
    agg(ev.Event(ev.SKIPPED, "sha256:" + "2" * 64, 10, 10))
    job.progress, job.state = snapshots[-1], "running"
    model.update_job(job)
    parent = model.index(0, 0)
    assert model.rowCount(parent) == 2
    assert model.index(0, COL_PROGRESS).data(ProgressRole) == (GIB + 10, 3 * GIB + 10, "running")
    assert model.index(1, COL_STATE, parent).data() == "Already there"
    assert model.index(0, COL_PROGRESS).data().startswith("33% · 1.07 GB of 3.22 GB")
    qtmodeltester.check(model)
    model.remove_jobs([job])
    assert model.rowCount() == 0


def test_aggregator_throttles_to_the_interval_and_flush_delivers_the_last_state():
    now = [0.0]
    out = []
    agg = ProgressAggregator(out.append, interval=0.05, clock=lambda: now[0])
    blob = "sha256:" + "3" * 64
    agg(ev.Event(ev.NEW, blob, 0, 1000))
    for i in range(1, 1001):
        now[0] = i * 0.001  # 1000 events over one second
        agg(ev.Event(ev.READ, blob, i, 1000))
    assert 18 <= len(out) <= 22  # about 20 a second
    agg(ev.Event(ev.DONE, blob, 1000, 1000))
    agg.flush()
    assert out[-1].done == out[-1].total == 1000 and out[-1].blobs[0].state == "done"
    assert [s.sequence for s in out] == sorted(s.sequence for s in out)
    assert out[-2].speed == pytest.approx(1000, rel=0.1)  # bytes per second over the window


def test_humanize_and_names():
    assert humanize.size(5_600_000) == "5.6 MB" and humanize.size(999) == "999 B"
    assert humanize.duration(125) == "2 min 5 s" and humanize.duration(7300) == "2 h 1 min"
    now = dt.datetime(2024, 1, 10, tzinfo=dt.UTC)
    assert humanize.relative_time(dt.datetime(2024, 1, 7, tzinfo=dt.UTC), now) == "3 days ago"
    assert export_file_name("docker.io/library/alpine:latest", "sha256:" + "a" * 64, "docker-archive") == \
        "alpine-latest.tar"
    assert export_file_name(None, "sha256:" + "a" * 64, "oci-dir") == "a" * 12 + "-oci"
    assert registry_of("127.0.0.1:5000/x/y:1") == "127.0.0.1:5000"
    assert registry_of("docker://alpine") == "docker.io"
    assert registry_of("oci-archive:/tmp/x.tar") is None
