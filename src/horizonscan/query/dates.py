"""Dates at their own precision, and the rule for matching them against a range.

The store keeps an event's date as an ISO value at its precision (``2020``,
``2020-03``, ``2020-03-30``) and the first day it covers (``date_start``). The
period an event covers is ``[date_start, end]`` where ``end`` depends on its
*span class*:

=========  ==========================================================
day        the day itself (precision ``day`` or ``time``)
month      to the end of the month (precision ``month``)
quarter    to the end of the quarter (precision ``quarter``)
year       to the end of the year ``date_start`` falls in (``year`` and every
           coarser or odd precision: ``week``, ``season``, ``range`` …, since the
           store keeps only their first day; a conservative reading)
=========  ==========================================================

A date range filter ``[from, to]`` matches an event under one of two rules:

* ``overlap`` (default): the event's period and the range share at least a day.
  "2020" matches a range covering June 2020; "2020-03" matches 2020-03-15..2020-04-30.
* ``within``: the event's period lies entirely inside the range. "2020" matches
  only a range covering the whole of 2020.

Both reduce, per span class, to a range on ``date_start`` (see :func:`start_bounds`),
so the date index serves the query.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from .errors import BAD_DATE, invalid

SpanClass = Literal["day", "month", "quarter", "year"]
SPAN_CLASSES: tuple[SpanClass, ...] = ("day", "month", "quarter", "year")
# Precision strings (records.DateMention.precision) by span class; anything else is "year".
PRECISIONS: dict[SpanClass, tuple[str, ...]] = {"day": ("day", "time"), "month": ("month",), "quarter": ("quarter",)}
RULES = ("overlap", "within")

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4]))?$")


def span_class(precision: str | None) -> SpanClass:
    for cls, names in PRECISIONS.items():
        if precision in names:
            return cls
    return "year"


def floor(day: dt.date, cls: SpanClass) -> dt.date:
    """First day of the period of class ``cls`` containing ``day``."""
    if cls == "day":
        return day
    if cls == "month":
        return day.replace(day=1)
    if cls == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def period_end(start: dt.date, cls: SpanClass) -> dt.date:
    """Last day of the period of class ``cls`` starting at ``start``."""
    if cls == "day":
        return start
    months = {"month": 1, "quarter": 3, "year": 12}[cls]
    m = start.month - 1 + months
    if start.year + m // 12 > dt.MAXYEAR:  # the calendar's last period (date_to=9999-12-31)
        return dt.date.max
    return dt.date(start.year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


def _prev_start(day: dt.date, cls: SpanClass) -> dt.date:
    return floor(floor(day, cls) - dt.timedelta(days=1), cls)


def parse(value: str, *, end: bool = False, name: str = "date") -> dt.date:
    """``2020``, ``2020-03``, ``2020-Q2`` or ``2020-03-30`` → its first day (or last, ``end=True``)."""
    if not isinstance(value, str):
        raise invalid(BAD_DATE, f"{name} must be a string like 2020, 2020-03 or 2020-03-30")
    m = _DATE.match(value.strip())
    if not m:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise invalid(BAD_DATE, f"{name} {shown!r} is not a date like 2020, 2020-03, 2020-Q2 or 2020-03-30")
    y, mo, d, q = m.groups()
    try:
        if d:
            return dt.date(int(y), int(mo), int(d))
        if mo:
            start, cls = dt.date(int(y), int(mo), 1), "month"
        elif q:
            start, cls = dt.date(int(y), (int(q) - 1) * 3 + 1, 1), "quarter"
        else:
            start, cls = dt.date(int(y), 1, 1), "year"
    except ValueError as exc:
        raise invalid(BAD_DATE, f"{name} {value!r} is not a calendar date ({exc})") from None
    return period_end(start, cls) if end else start  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of days and the matching rule (``overlap`` or ``within``)."""

    start: dt.date | None
    end: dt.date | None
    rule: str = "overlap"

    def start_bounds(self, cls: SpanClass) -> tuple[str | None, str | None]:
        """Bounds on ``date_start`` (inclusive ISO days) for events of span class ``cls``."""
        lo = hi = None
        if self.rule == "overlap":
            # period [s, end(s)] overlaps [F, T]  ⇔  floor(F) ≤ s ≤ T
            if self.start is not None:
                lo = floor(self.start, cls)
            if self.end is not None:
                hi = self.end
        else:
            # period inside [F, T]  ⇔  s ≥ F (s is a period start, so s ≥ ceil(F)) and end(s) ≤ T
            if self.start is not None:
                lo = self.start
            if self.end is not None:
                last = floor(self.end, cls)
                hi = last if period_end(last, cls) <= self.end else _prev_start(self.end, cls)
        return (lo.isoformat() if lo else None, hi.isoformat() if hi else None)


def date_range(date_from: str | None, date_to: str | None, rule: str = "overlap") -> DateRange | None:
    """Validate user dates into a :class:`DateRange` (None when both are absent)."""
    if rule not in RULES:
        raise invalid(BAD_DATE, f"date rule {rule!r} is not one of {', '.join(RULES)}")
    if date_from is None and date_to is None:
        return None
    start = parse(date_from, name="from date") if date_from is not None else None
    end = parse(date_to, end=True, name="to date") if date_to is not None else None
    if start and end and start > end:
        raise invalid(BAD_DATE, f"from date {date_from} is after to date {date_to}")
    return DateRange(start, end, rule)
