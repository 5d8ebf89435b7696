"""Normalise seasons, quarters and halves (``summer 2019``, ``the third quarter``, ``Q3 2019``)."""

from __future__ import annotations

import datetime as dt
import re

from .find import _Cand
from .norm_calendar import _year_of
from .norm_context import _Ctx, _Norm, _n
from .points import _PRECISION, _Point, _shift
from .words import _PART_MODS, _SEASON_ORDER, _SEASONS


def _season_year(ctx: _Ctx, c: _Cand, season: str, det: str) -> tuple[int | None, bool]:
    a = ctx.anchor
    if a is None:
        return None, False
    tgt = _SEASON_ORDER[season]
    cur = _SEASON_ORDER["WI" if a.month in (12, 1, 2) else ("SP", "SU", "FA")[(a.month - 3) // 3]]
    if a.month <= 2 and season != "WI":
        cur = -1  # in January and February spring, summer and fall of this year are all ahead
    if det in ("last", "past", "this past"):
        return (a.year if tgt < cur else a.year - 1), True
    if det in ("next", "coming"):
        return (a.year if tgt > cur else a.year + 1), True
    if det == "this":
        return a.year, True
    t = ctx.tense(c.start, c.end)
    if t < 0 and tgt > cur:
        return a.year - 1, True
    if t > 0 and tgt < cur:
        return a.year + 1, True
    return a.year, True


def _norm_season(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    season = _SEASONS[gd["s"].lower()]
    mod = _PART_MODS.get((gd.get("mod") or "").lower())
    det = re.sub(r"\s+", " ", (gd.get("det") or "").lower())
    if gd.get("y"):
        y: int | None = int(gd["y"])
        anchored = False
    else:
        y, anchored = _season_year(ctx, c, season, det)
    if y is None:
        return _n(c, f"XXXX-{season}", "season", mod=mod)
    return _n(c, f"{y:04d}-{season}", "season", mod=mod, anchored=anchored, point=_Point("season", y, season=season, has_year=bool(gd.get("y"))))


def _quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _norm_quarter(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    half = gd["unit"].lower() == "half"
    if gd["unit"].lower() == "period":  # "the latest period", "the 1988 period": results news means quarters
        if gd.get("py") and not (ctx.ref is not None and ctx.ref.gran == "quarter"):
            return _n(c, gd["py"], "year", point=_Point("year", int(gd["py"])))
    gran, per_year = ("half", 2) if half else ("quarter", 4)
    code = "H" if half else "Q"
    ordw = (gd.get("ord") or "").lower()
    adj = re.sub(r"\s+", " ", (gd.get("adj") or "").lower())
    det = (gd.get("det") or "").lower()
    a = ctx.anchor
    if gd.get("plural") and not ordw:
        return _n(c, f"PX{code}", "duration", "DURATION")
    num = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}.get(ordw)
    if num is not None and num > per_year:
        return None
    if ordw in ("final", "last") and det != "last":
        num = per_year
    year: int | None = None
    anchored = False
    if gd.get("y") or gd.get("py"):
        year = int(gd.get("y") or gd["py"])
    elif (gd.get("ry") or gd.get("pry")) and a is not None:
        year = a.year + {"this": 0, "last": -1, "next": 1}[(gd.get("ry") or gd["pry"]).lower()]
        anchored = True
    ago = (gd.get("ago") or "").lower()
    if ago and num is not None and a is not None:
        # "the third quarter last year" counts from the anchor; "... a year earlier" from
        # the quarter under discussion
        ref_year = ctx.ref.year if ctx.ref is not None and ctx.ref.gran == gran and not ago.startswith("last") else a.year
        year, anchored = ref_year - 1, True
    elif ago:
        adj = "year-ago"  # "the same period last year", "the quarter a year ago"
    if adj in ("year-earlier", "year-ago"):
        base = ctx.ref if ctx.ref is not None and ctx.ref.gran == gran else None
        if base is None and a is not None:
            cur = _quarter_of(a) if not half else (1 if a.month <= 6 else 2)
            total = a.year * per_year + cur - 2 - per_year
            return _n(c, f"{total // per_year:04d}-{code}{total % per_year + 1}", _PRECISION[gran], anchored=True)
        if base is None:
            return _n(c, f"XXXX-{code}X", _PRECISION[gran])
        p = _shift(base, -1, "Y")
        return _n(c, p.fmt(), _PRECISION[gran], point=None)
    same_as_ref = ctx.ref is not None and ctx.ref.gran == gran
    if num is None and year is not None and (gd["unit"].lower() != "period" or same_as_ref):
        # "the 1988 quarter", "last year's quarter": the quarter under discussion, in that year
        if same_as_ref:
            num = ctx.ref.sub  # type: ignore[union-attr]
        elif a is not None:
            num = (_quarter_of(a) - 2) % 4 + 1 if not half else (2 if a.month <= 6 else 1)
    if num is None:
        # "the quarter", "the latest quarter", "this quarter", "last quarter"
        if det == "that" or adj in ("same", "corresponding", "comparable"):
            if same_as_ref:
                return _n(c, ctx.ref.fmt(), _PRECISION[gran])  # type: ignore[union-attr]
        if a is None:
            return _n(c, f"XXXX-{code}X", _PRECISION[gran])
        cur_total = a.year * per_year + (_quarter_of(a) if not half else (1 if a.month <= 6 else 2)) - 1
        if det == "last" or adj in ("previous", "past", "latest", "most recent", "recent", "fiscal"):
            total = cur_total - 1
        elif det == "next":
            total = cur_total + 1
        elif det == "this" or adj == "current":
            total = cur_total
        else:  # "the quarter" with nothing before it: the last one completed (results season)
            total = cur_total - 1
        p = _Point(gran, total // per_year, sub=total % per_year + 1, has_year=False)
        return _n(c, p.fmt(), _PRECISION[gran], anchored=True, point=p)
    if year is None:
        if a is not None:
            cur = _quarter_of(a) if not half else (1 if a.month <= 6 else 2)
            t = ctx.tense(c.start, c.end)
            year = a.year - 1 if (num > cur and t <= 0) else a.year
            if det == "next" and num <= cur:
                year = a.year + 1
            anchored = True
    if year is None:
        return _n(c, f"XXXX-{code}{num}", _PRECISION[gran])
    p = _Point(gran, year, sub=num, has_year=bool(gd.get("y") or gd.get("py")))
    return _n(c, p.fmt(), _PRECISION[gran], anchored=anchored, point=p)


def _norm_qcode(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    y = _year_of(gd.get("y1") or gd.get("y2"), ctx.anchor)
    n = int(gd["n"])
    code = gd["code"].upper()
    if y is None or (code == "H" and n > 2):
        return None
    gran = "quarter" if code == "Q" else "half"
    p = _Point(gran, y, sub=n)
    return _n(c, p.fmt(), "quarter", point=p)
