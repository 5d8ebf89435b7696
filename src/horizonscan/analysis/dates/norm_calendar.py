"""Normalise explicit calendar expressions: days, months, years, year ranges, decades,
centuries and spelled-out years."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .find import _Cand
from .norm_context import _Ctx, _Norm, _guess_year, _n
from .points import _Point, _safe_date
from .words import _DECADE_WORDS, _MONTHS, _ORDINALS, _PART_MODS, _SMALL, _WEEKDAYS


def _year2(two: str, anchor: dt.date | None) -> int:
    """A two-digit year: the century that puts it nearest the anchor (or 1950–2049)."""
    yy = int(two)
    base = anchor.year if anchor else 2000
    best = min((c + yy for c in (1900, 2000, 2100)), key=lambda y: (abs(y - base), y))
    if anchor is None:
        return 1900 + yy if yy >= 50 else 2000 + yy
    return best


def _year_of(token: str | None, anchor: dt.date | None) -> int | None:
    if not token:
        return None
    t = token.strip().lstrip("'\u2019")
    return _year2(t, anchor) if len(t) == 2 else int(t)


def _norm_calendar(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    kind = c.kind
    if kind == "iso":
        y, mo, d = int(gd["y"]), int(gd["m"]), int(gd["d"])
        if _safe_date(y, mo, d) is None or d > calendar.monthrange(y, mo)[1]:
            return None
        p = _Point("day", y, mo, d)
        if gd.get("H"):
            return _n(c, f"{p.fmt()}T{gd['H']}:{gd['M']}", "time", "TIME", point=p)
        return _n(c, p.fmt(), "day", point=p)
    if kind == "numeric":
        a, b = int(gd["a"]), int(gd["b"])
        y = _year_of(gd["y"], ctx.anchor) if len(gd["y"]) == 2 else int(gd["y"])
        if len(gd["y"]) == 2 and gd["sep"] == ".":
            return None
        if y is None:
            return None
        # Day first unless impossible (international usage); "03/30/2020" is read as US order.
        day, mo = (a, b) if b <= 12 else (b, a)
        if mo > 12 or _safe_date(y, mo, 1) is None or day > calendar.monthrange(y, mo)[1]:
            return None
        p = _Point("day", y, mo, day)
        return _n(c, p.fmt(), "day", point=p)
    if kind in ("dmy", "mdy", "dayrange", "mdayrange"):
        mo = _MONTHS[gd["m"].rstrip(".").lower()]
        d_tok = gd.get("d") or gd.get("d1") or "1"
        day = int(re.match(r"\d+", d_tok).group())  # type: ignore[union-attr]
        explicit = _year_of(gd.get("y"), ctx.anchor)
        anchored = False
        if explicit is None:
            wd = gd.get("wd")
            guess, anchored = _guess_year_by_weekday(ctx, mo, day, wd) if wd else _guess_year(ctx, c, mo, day)
            year = guess
        else:
            year = explicit
        if year is None:
            if day > 31:
                return None
            return _n(c, f"XXXX-{mo:02d}-{day:02d}", "day", point=None, clock=None)
        if _safe_date(year, mo, 1) is None or day > calendar.monthrange(year, mo)[1]:
            return None
        p = _Point("day", year, mo, day, has_year=explicit is not None)
        if kind in ("dayrange", "mdayrange"):
            d2 = int(re.match(r"\d+", gd["d2"]).group())  # type: ignore[union-attr]
            if d2 <= day or d2 > calendar.monthrange(year, mo)[1]:
                return None
            p2 = _Point("day", year, mo, d2)
            return _n(c, f"{p.fmt()}/{p2.fmt()}", "range", anchored=anchored, point=p2)
        return _n(c, p.fmt(), "day", anchored=anchored, point=p)
    if kind in ("monthyear", "month", "isomonth"):
        mo = _MONTHS[gd["m"].rstrip(".").lower()] if kind != "isomonth" else int(gd["m"])
        explicit = _year_of(gd.get("y"), ctx.anchor)
        if explicit is None:
            year, anchored = _guess_year(ctx, c, mo)
            if year is None:
                return _n(c, f"XXXX-{mo:02d}", "month")
            return _n(c, f"{year:04d}-{mo:02d}", "month", anchored=anchored, point=_Point("month", year, mo, has_year=False))
        return _n(c, f"{explicit:04d}-{mo:02d}", "month", point=_Point("month", explicit, mo))
    return None


def _guess_year_by_weekday(ctx: _Ctx, month: int, day: int, wd: str) -> tuple[int | None, bool]:
    """"Monday, June 18": the year nearest the anchor whose date falls on that weekday."""
    target = _WEEKDAYS[wd.rstrip(".").lower()]
    base = ctx.anchor.year if ctx.anchor else None
    if base is None:
        return None, False
    for y in (base, base - 1, base + 1, base - 2, base + 2, base - 3, base - 4, base - 5, base - 6):
        d = _safe_date(y, month, day)
        if d is not None and d.day == day and d.isoweekday() == target:
            return y, True
    return base, True


def _norm_year(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    kind = c.kind
    if kind in ("year", "midyear"):
        y = int(gd["y"])
        if kind == "midyear":
            return _n(c, f"{y:04d}", "year", mod="MID", point=_Point("year", y))
        return _n(c, f"{y:04d}", "year", point=_Point("year", y))
    if kind == "yearrange":
        y1 = int(gd["y1"])
        y2s = gd["y2"]
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        if y2 < y1:
            y2 += 100
        return _n(c, f"{y1:04d}/{y2:04d}", "range", point=_Point("year", y2))
    if kind == "decade":
        if gd.get("y"):
            y = int(gd["y"])
        else:
            yy = int(gd.get("yy") or gd.get("yy2") or 0) if not gd.get("w") else _DECADE_WORDS[gd["w"].lower()] * 10
            y = _year2(f"{yy:02d}", None) if ctx.anchor is None else _decade_year(yy, ctx.anchor)
        mod = None
        if y % 100 == 0 and gd.get("y"):  # "the 1800s": a century
            return _n(c, f"{y // 100:02d}", "century", mod=mod, point=_Point("century", y))
        return _n(c, f"{y // 10:03d}", "decade", mod=mod, point=_Point("decade", y))
    if kind == "century":
        n = gd["n"].lower()
        num = _ORDINALS.get(n) or int(re.match(r"\d+", n).group())  # type: ignore[union-attr]
        mod = _PART_MODS.get((gd.get("mod") or "").lower())
        return _n(c, f"{num - 1:02d}", "century", mod=mod, point=_Point("century", (num - 1) * 100))
    return None


def _decade_year(yy: int, anchor: dt.date) -> int:
    """"The '90s" / "the nineties": the latest such decade not after the anchor."""
    for century in (anchor.year // 100 * 100, anchor.year // 100 * 100 - 100):
        if century + yy <= anchor.year:
            return century + yy
    return 1900 + yy


def _norm_spelledyear(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    if gd.get("tt"):
        year = 2000 + int(_SMALL.get((gd.get("tu") or "zero").lower(), 0))
    else:
        century = {"eighteen": 1800, "nineteen": 1900, "twenty": 2000}[gd["c"].lower()]
        words = gd["yy"].lower().replace("-", " ").split()
        if words[0] == "oh":
            words = words[1:]
        year = century + sum(_SMALL[w] for w in words)
    return _n(c, f"{year:04d}", "year", point=_Point("year", year))
