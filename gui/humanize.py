"""Numbers and times as people read them: sizes, speeds, durations, "3 days ago"."""

from __future__ import annotations

import datetime as dt

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def size(n: int | float) -> str:
    """Decimal units, as podman and Docker print image sizes: 5.6 MB."""
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1000 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.3g} {unit}" if value < 100 else \
                f"{value:.0f} {unit}"
        value /= 1000
    return f"{value:.1f} {_UNITS[-1]}"


def speed(bytes_per_second: float) -> str:
    return f"{size(bytes_per_second)}/s"


def duration(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} min {s} s" if s and m < 10 else f"{m} min"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(h, 24)
    return f"{d} d {h} h" if h else f"{d} d"


def relative_time(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if when is None:
        return "unknown"
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - when).total_seconds()
    if seconds < -60:
        return "in the future"
    if seconds < 60:
        return "just now"
    for unit, length in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400),
                         ("hour", 3600), ("minute", 60)):
        count = int(seconds // length)
        if count >= 1:
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"


def full_date(when: dt.datetime | None) -> str:
    if when is None:
        return "The image does not say when it was created"
    local = when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
