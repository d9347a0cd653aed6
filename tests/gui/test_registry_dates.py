"""The Created column of a registry's tags (gui/places/registry_view.py, also inside the Browse Registry window)
is written the user's way through QLocale (Spanish dates in Spanish) and sorts by the time itself, not by its
text; driven with pytest-qt against a REAL docker-registry holding images of known creation times."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt

from gui.places import registry_view
from tests.fixtures.images import build_image, make_layer_tar
from tests.gui.test_places import choose_repo, open_place, view_tags
from tests.gui.test_registry_browser import seed

# Chosen so that the short dates' text sorts the other way round from the times, in both languages:
# "15/1/24" < "2/12/23" and "1/15/24" < "12/2/23", while 2023-12-02 comes before 2024-01-15.
CREATED = {"new": "2024-01-15T12:00:00Z", "old": "2023-12-02T12:00:00Z"}


@pytest.fixture
def locale_of():
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


@pytest.mark.parametrize(("language", "cells", "month"), [
    ("en_US", {"new": "1/15/24", "old": "12/2/23"}, "January"),
    ("es_ES", {"new": "15/1/24", "old": "2/12/23"}, "enero"),
])
def test_created_is_written_the_locales_way_and_sorts_by_time(qtbot, make_window, gui_settings, registry, tmp_path,
                                                              locale_of, language, cells, month):
    locale_of(language)
    reg = registry()
    seed(reg, tmp_path, {f"team/app:{tag}": build_image([make_layer_tar({f"etc/{tag}": tag.encode()})],
                                                        created=when) for tag, when in CREATED.items()})
    gui_settings.remember_registry(reg.host)
    window = make_window()
    view = open_place(qtbot, window, reg.host)
    choose_repo(qtbot, view, "team/app")
    rows = {tag: view._row_of(tag) for tag in CREATED}  # noqa: SLF001 - the view's own row lookup
    cell = lambda tag: view.model.item(rows[tag], registry_view.COL_CREATED)  # noqa: E731
    qtbot.waitUntil(lambda: all(cell(t).text() for t in CREATED), timeout=10_000)
    for tag, date in cells.items():
        assert cell(tag).text().startswith(date), (tag, cell(tag).text())
        assert "T" not in cell(tag).text() and "2024-" not in cell(tag).text()
    assert month in cell("new").toolTip()  # the full date, with the month's name in the language
    view.tag_view.sortByColumn(registry_view.COL_CREATED, Qt.SortOrder.AscendingOrder)
    assert view_tags(view) == ["old", "new"]  # by time; by text it would be new, old
    view.tag_view.sortByColumn(registry_view.COL_CREATED, Qt.SortOrder.DescendingOrder)
    assert view_tags(view) == ["new", "old"]
