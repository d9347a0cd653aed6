"""Image creation times as configs write them (RFC 3339, nanoseconds, a zone or Z) -> aware datetimes."""

from __future__ import annotations

import datetime as dt


def format_created(created: str | None) -> dt.datetime | None:
    """None when missing or unreadable; fractions beyond microseconds are cut, the zone is taken as UTC."""
    if not created:
        return None
    text = created.rstrip("Z")
    if "." in text:
        head, frac = text.split(".", 1)
        frac = "".join(ch for ch in frac if ch.isdigit())[:6]
        text = f"{head}.{frac}" if frac else head
    text = text.split("+")[0]
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
