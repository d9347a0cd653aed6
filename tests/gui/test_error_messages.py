"""No Python internals in what the window shows (issue 10 item 10, GUI side): an unexpected exception becomes
one plain line (the report goes to the details), and an exception quoted inside an engine message is left
out of the line shown. Real exceptions, raised by the real code paths (json, codecs, a failing task)."""

from __future__ import annotations

import io
import json
import re
import tarfile

import pytest

from gui.jobs.errors import describe

PYTHON_WORDS = re.compile(r"\b\w*(Error|Exception)\b|Traceback|codec|char \d|line \d+ column")


def assert_plain(text: str) -> None:
    assert "\n" not in text and text.strip() == text
    assert not PYTHON_WORDS.search(text), text


def raised(func) -> BaseException:
    try:
        func()
    except BaseException as exc:  # noqa: BLE001 - the exception under test
        return exc
    raise AssertionError("nothing raised")


@pytest.mark.parametrize("func", [lambda: json.loads(b"\x00[\x00"), lambda: json.loads("{"),
                                  lambda: {}["missing"], lambda: None.attribute],
                         ids=["unicode", "json", "key", "attribute"])
def test_an_unexpected_exception_is_one_plain_line_with_the_report_in_the_details(func):
    exc = raised(func)
    failure = describe(exc)
    assert_plain(failure.message)
    assert "unexpected problem" in failure.message
    assert type(exc).__name__ in failure.details and "Traceback" in failure.details


def write_bad_manifest(path, data: bytes) -> None:
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"\x00[\x00", b"not json"], ids=["utf16", "utf16be", "text"])
def test_a_load_of_a_hostile_archive_shows_no_python_internals(qtbot, window, tmp_path, data):
    path = tmp_path / "hostile.tar"
    write_bad_manifest(path, data)
    with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
        [job] = window.load_paths([str(path)])
    assert finished.args[0].state == "failed"
    assert_plain(job.failure.message)
    assert "manifest.json" in job.failure.message  # still says what is wrong
    assert_plain(window.status.text().split(" failed: ", 1)[1])


def test_a_failing_background_task_reports_a_plain_line(qtbot, window):
    seen = []
    window.tasks.run(lambda: json.loads("{"), None, seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    assert_plain(seen[0].message)
