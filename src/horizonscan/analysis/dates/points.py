"""Calendar periods (``_Point``) at a granularity, their TIMEX3 values and arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class _Point:
    """A calendar period at some granularity; ``fmt`` gives its TIMEX3 value."""

    gran: str  # day, week, month, quarter, half, season, year, decade, century
    year: int
    month: int = 1
    day: int = 1
    sub: int = 0  # quarter/half number, or ISO week number
    season: str = ""
    has_year: bool = True  # False: the year was guessed (so a range partner may supply it)

    def fmt(self) -> str:
        y = f"{self.year:04d}" if 0 <= self.year <= 9999 else "XXXX"
        if self.gran == "day":
            return f"{y}-{self.month:02d}-{self.day:02d}"
        if self.gran == "week":
            return f"{y}-W{self.sub:02d}"
        if self.gran == "month":
            return f"{y}-{self.month:02d}"
        if self.gran == "quarter":
            return f"{y}-Q{self.sub}"
        if self.gran == "half":
            return f"{y}-H{self.sub}"
        if self.gran == "season":
            return f"{y}-{self.season}"
        if self.gran == "decade":
            return y[:3]
        if self.gran == "century":
            return y[:2]
        return y


_PRECISION = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter", "half": "quarter",
    "season": "season", "year": "year", "decade": "decade", "century": "century",
}  # fmt: skip


def _day_point(d: dt.date) -> _Point:
    return _Point("day", d.year, d.month, d.day)


def _week_point(d: dt.date) -> _Point:
    iso = d.isocalendar()
    return _Point("week", iso[0], sub=iso[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    except (ValueError, calendar.IllegalMonthError):
        return None


def _shift(p: _Point, n: int, unit: str) -> _Point:
    """``p`` moved by ``n`` units (Y, M, W, D, Q, DE, CE), keeping ``p``'s granularity."""
    if unit in ("DE", "CE", "L"):
        n, unit = n * {"DE": 10, "CE": 100, "L": 1000}[unit], "Y"
    if p.gran == "day":
        d = _safe_date(p.year, p.month, p.day)
        if d is None:
            return p
        if unit == "D":
            return _day_point(d + dt.timedelta(days=n))
        if unit == "W":
            return _day_point(d + dt.timedelta(weeks=n))
        months = {"M": n, "Q": 3 * n, "Y": 12 * n}.get(unit, 0)
        y, m = _add_months(p.year, p.month, months)
        nd = _safe_date(y, m, p.day)
        return _day_point(nd) if nd else p
    if p.gran == "week":
        d = dt.date.fromisocalendar(p.year, p.sub, 1)
        days = {"D": n, "W": 7 * n, "M": 30 * n, "Q": 91 * n, "Y": 364 * n}.get(unit, 0)
        return _week_point(d + dt.timedelta(days=days)) if unit != "Y" else _Point("week", p.year + n, sub=p.sub)
    if p.gran == "month":
        months = {"M": n, "Q": 3 * n, "Y": 12 * n}.get(unit, 0)
        y, m = _add_months(p.year, p.month, months)
        return _Point("month", y, m)
    if p.gran == "quarter":
        quarters = {"Q": n, "Y": 4 * n, "M": n // 3}.get(unit, 0)
        total = p.year * 4 + p.sub - 1 + quarters
        return _Point("quarter", total // 4, sub=total % 4 + 1)
    if p.gran == "half":
        halves = {"Y": 2 * n, "Q": n // 2}.get(unit, 0)
        total = p.year * 2 + p.sub - 1 + halves
        return _Point("half", total // 2, sub=total % 2 + 1)
    years = n if unit == "Y" else 0
    if p.gran == "season":
        return replace(p, year=p.year + years)
    if p.gran == "decade":
        return replace(p, year=p.year + (years // 10) * 10)
    if p.gran == "century":
        return replace(p, year=p.year + (years // 100) * 100)
    return replace(p, year=p.year + years)


def _coarsen(p: _Point, gran: str) -> _Point:
    """The same moment at a coarser granularity (used when the unit is coarser than the point)."""
    order = ["day", "week", "month", "quarter", "year", "decade", "century"]
    if gran not in order or p.gran not in order or order.index(gran) <= order.index(p.gran):
        return p
    if p.gran == "week" and gran == "month":
        d = dt.date.fromisocalendar(p.year, p.sub, 4)
        return _Point("month", d.year, d.month)
    if gran == "month":
        return _Point("month", p.year, p.month)
    if gran == "quarter":
        return _Point("quarter", p.year, sub=(p.month - 1) // 3 + 1)
    if gran == "decade":
        return _Point("decade", p.year // 10 * 10)
    if gran == "century":
        return _Point("century", p.year // 100 * 100)
    return _Point("year", p.year)
