"""Every event dated: its own date expression, else the document's publication date as "reported".

An event whose sentence names no date still happened by the time it was reported, so
timelines, date filters and new-since should count it at the publication date rather
than drop it as undated. The date is marked ``reported`` (``EventDate.reported``,
``date_reported`` in the store and exports) and keeps the precision of the publication
date as known (a year-only date stays a year). A document without a publication date
leaves such events undated.

Dates inside a footnote or reference (``analysis/citations.py`` note spans) date the
cited work, not anything in the body, so they are withheld from the event coder.
Method: docs/events.md, "Dates of events".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Iterable, Sequence

from ..records import Citation, DateMention, Event, EventDate


def body_dates(dates: Sequence[DateMention], citations: Iterable[Citation]) -> list[DateMention]:
    """The date mentions that lie outside every citation's note text."""
    notes = sorted((c.start, c.end) for c in citations if c.end > c.start)
    if not notes:
        return list(dates)
    return [d for d in dates if not any(a <= d.start and d.end <= b for a, b in notes)]


def reported_date(published: Any) -> EventDate | None:
    """The publication date as an event date marked reported, at its own precision."""
    if published is None or published == "":
        return None
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(published, dt.date):
        return EventDate(value=published.isoformat(), precision="day", text=None, reported=True)
    s = str(published).strip()
    for n, precision in ((10, "day"), (7, "month"), (4, "year")):
        head = s[:n]
        try:
            dt.date.fromisoformat(head if n == 10 else head + ("-01" if n == 7 else "-01-01"))
        except ValueError:
            continue
        if len(s) == n or n == 10 or not s[n : n + 1].isdigit():
            return EventDate(value=head, precision=precision, text=None, reported=True)
    return None


def with_reported_dates(events: Sequence[Event], published: Any) -> list[Event]:
    """Events without a date of their own get the publication date, marked reported."""
    fallback = reported_date(published)
    if fallback is None:
        return list(events)
    return [e if e.date is not None else dataclasses.replace(e, date=fallback) for e in events]


__all__ = ["body_dates", "reported_date", "with_reported_dates"]
