"""Texts with a count in them ("%n images") for code outside a QObject.

lupdate marks a text as plural ("numerus") only inside self.tr(text, "", n); QCoreApplication.translate
with a count is read as a plain text (and skipped when the count is an expression). So plural texts of
modules without a QObject of their own live here, as methods of one QObject.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class Counts(QObject):
    def images(self, n: int) -> str:
        return self.tr("%n image(s)", "", n)

    def export_to_one(self, n: int) -> str:
        return self.tr("Export %n images to one", "", n)

    def remove_images(self, n: int) -> str:
        return self.tr("Remove %n image(s)", "", n)

    def mirror_failed(self, n: int) -> str:
        """A mirror's failure: %1 the images it tried, %2 the first that failed, %3 its error."""
        return self.tr("%n of %1 images failed (first: %2: %3)", "", n)

    def ago(self, unit: str, n: int) -> str:
        if unit == "year":
            return self.tr("%n year(s) ago", "", n)
        if unit == "month":
            return self.tr("%n month(s) ago", "", n)
        if unit == "week":
            return self.tr("%n week(s) ago", "", n)
        if unit == "day":
            return self.tr("%n day(s) ago", "", n)
        if unit == "hour":
            return self.tr("%n hour(s) ago", "", n)
        return self.tr("%n minute(s) ago", "", n)


_instance: Counts | None = None


def counts() -> Counts:
    global _instance
    if _instance is None:
        _instance = Counts()
    return _instance
