"""Numbers and times as people read them, in the user's locale: sizes, speeds, durations, "hace 3 días".

Numbers and dates go through QLocale() (the default locale, which gui/i18n.py sets from the language
choice), words through Qt's translations, so "5.6 MB" reads "5,6 MB" in Spanish.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QTimeZone

translate = QCoreApplication.translate

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def number(n: int) -> str:
    """An integer with the locale's digit grouping: 1,234,567 or 1.234.567 (64-bit safe)."""
    return QLocale().toString(float(n), "f", 0)


def _decimal(value: float, decimals: int) -> str:
    return QLocale().toString(float(value), "f", decimals)


def size(n: int | float) -> str:
    """Decimal units, as podman and Docker print image sizes: 5.6 MB (three significant digits)."""
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1000 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{_decimal(value, 0)} {unit}"
            decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            text = _decimal(value, decimals)
            if decimals:  # 3.40 -> 3.4, as "%.3g" would print it
                point = QLocale().decimalPoint()
                text = text.rstrip("0").rstrip(point) if point in text else text
            return f"{text} {unit}"
        value /= 1000
    return f"{_decimal(value, 1)} {_UNITS[-1]}"


def speed(bytes_per_second: float) -> str:
    return translate("Humanize", "{size}/s").format(size=size(bytes_per_second))


def duration(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 60:
        return translate("Humanize", "{s} s").format(s=s)
    m, s = divmod(s, 60)
    if m < 60:
        if s and m < 10:
            return translate("Humanize", "{m} min {s} s").format(m=m, s=s)
        return translate("Humanize", "{m} min").format(m=m)
    h, m = divmod(m, 60)
    if h < 24:
        return translate("Humanize", "{h} h {m} min").format(h=h, m=m) if m else \
            translate("Humanize", "{h} h").format(h=h)
    d, h = divmod(h, 24)
    return translate("Humanize", "{d} d {h} h").format(d=d, h=h) if h else translate("Humanize", "{d} d").format(d=d)


def unknown() -> str:
    return translate("Humanize", "unknown")


def relative_time(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if when is None:
        return unknown()
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - when).total_seconds()
    if seconds < -60:
        return translate("Humanize", "in the future")
    if seconds < 60:
        return translate("Humanize", "just now")
    # Each unit is its own source text so a language can inflect it ("hace 2 horas", "il y a 2 heures").
    for length, key in ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"),
                        (3600, "hour"), (60, "minute")):
        count = int(seconds // length)
        if count >= 1:
            return _ago(key, count)
    return translate("Humanize", "just now")


def _ago(unit: str, n: int) -> str:
    from gui.counts import counts

    return counts().ago(unit, n)


def full_date(when: dt.datetime | None) -> str:
    """The creation time in the local time zone, written the locale's way (long date, time with seconds)."""
    if when is None:
        return translate("Humanize", "The image does not say when it was created")
    utc = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if QLocale().language() == QLocale.Language.C:  # no language preference: ISO 8601, as before
        local = utc.astimezone()
        return local.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    stamp = QDateTime.fromMSecsSinceEpoch(int(utc.timestamp() * 1000), QTimeZone.systemTimeZone())
    return QLocale().toString(stamp, QLocale.FormatType.LongFormat)


def short_date(when: dt.datetime | None) -> str:
    """A creation time for a table cell: the local date and time in the locale's short form ("15/1/24 13:04"
    in Spanish, "1/15/24 1:04 PM" in US English); ISO 8601 without a language preference; empty when unknown."""
    if when is None:
        return ""
    utc = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if QLocale().language() == QLocale.Language.C:
        return utc.astimezone().strftime("%Y-%m-%d %H:%M")
    stamp = QDateTime.fromMSecsSinceEpoch(int(utc.timestamp() * 1000), QTimeZone.systemTimeZone())
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)
