"""Normalise named holidays (fixed days, Easter, Thanksgiving and other n-th weekdays)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .find import _Cand
from .norm_context import _Ctx, _Norm, _from_point, _guess_year, _n
from .points import _Point, _day_point


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) given ISO weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def _holiday_date(name: str, year: int) -> dt.date | None:
    n = re.sub(r"[\s\u2019']+", " ", name.lower()).replace(" s ", "s ").strip()
    fixed = {
        "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new years day": (1, 1),
        "new year": (1, 1), "new years eve": (12, 31), "independence day": (7, 4), "valentines day": (2, 14),
        "halloween": (10, 31), "may day": (5, 1), "boxing day": (12, 26), "veterans day": (11, 11),
        "armistice day": (11, 11), "international womens day": (3, 8),
    }  # fmt: skip
    if n in fixed:
        return dt.date(year, *fixed[n])
    if n.startswith("easter"):
        return _easter(year) + dt.timedelta(days=1 if n.endswith("monday") else 0)
    if n.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 4, 4)
    if n in ("labor day", "labour day"):
        return _nth_weekday(year, 9, 1, 1)
    if n == "memorial day":
        return _nth_weekday(year, 5, 1, -1)
    if n == "election day":
        return _nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    return None  # lunar holidays: year only


def _norm_holiday(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    if not ctx.text[c.m.start("h")].isupper():
        return None
    a = ctx.anchor
    explicit = int(gd["y"]) if gd.get("y") else None
    rel = (gd.get("rel") or "").lower()
    probe = _holiday_date(gd["h"], explicit or (a.year if a else 2000))
    if explicit is not None:
        year: int | None = explicit
    elif a is None:
        return _n(c, f"XXXX-{probe:%m-%d}" if probe else "XXXX", "day" if probe else "year")
    elif probe is None:
        year = a.year + {"last": -1, "next": 1}.get(rel, 0)
    else:
        this = _holiday_date(gd["h"], a.year) or probe
        if rel == "last":
            year = a.year if this < a else a.year - 1
        elif rel == "next":
            year = a.year if this > a else a.year + 1
        else:
            year, _ = _guess_year(ctx, c, this.month, this.day)
    if year is None:
        return None
    day = _holiday_date(gd["h"], year)
    if day is None:
        return _from_point(c, _Point("year", year), explicit is None, "XXXX")
    return _from_point(c, _day_point(day), explicit is None, "XXXX")
