"""Normalise expressions read against the anchor or the last date: ``last week``, ``two
years ago``, ``the following day``, ``yesterday``, ``on Monday``, ``Friday morning``, clock times."""

from __future__ import annotations

import datetime as dt
import re

from .find import _Cand, _left
from .norm_context import _Ctx, _Norm, _from_point, _n, _precision_of
from .norm_durations import _number, _unit_code
from .norm_periods import _quarter_of
from .points import _PRECISION, _Point, _coarsen, _day_point, _safe_date, _shift, _week_point
from .words import _MONTHS, _PARTS_OF_DAY, _SMALL, _WEEKDAYS


def _norm_relative(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    rel = re.sub(r"\s+", " ", gd["rel"].lower())
    unit = gd["u"].lower()
    a = ctx.anchor
    # "the past year", "the last month": a stretch of time up to now (TimeML DURATION)
    if rel in ("the past", "the last", "the next", "the coming", "past") and unit in ("week", "month", "year", "decade", "century", "day", "quarter"):
        code, _clock = _unit_code(unit)
        return _n(c, f"P1{code}", "duration", "DURATION")
    if rel in ("the following", "the next", "the previous", "the prior", "the same", "that", "following", "previous", "the present"):
        if rel == "the present":
            return _n(c, "PRESENT_REF", "unknown")
        base, anchored = ctx.base()
        step = {"the following": 1, "the next": 1, "following": 1, "the previous": -1, "the prior": -1, "previous": -1}.get(rel, 0)
        if unit in _WEEKDAYS and step != 0:
            ref_day = _coarsen(base, "day") if base is not None and base.gran == "day" else None
            d0 = _safe_date(ref_day.year, ref_day.month, ref_day.day) if ref_day else None
            if d0 is None:
                return _n(c, f"XXXX-WXX-{_WEEKDAYS[unit]}", "day")
            target = _WEEKDAYS[unit]
            delta = -((d0.isoweekday() - target) % 7 or 7) if step < 0 else ((target - d0.isoweekday()) % 7 or 7)
            return _from_point(c, _day_point(d0 + dt.timedelta(days=delta)), anchored, "XXXX")
        if unit in _MONTHS or unit in _WEEKDAYS:
            return None
        code, _clock = _unit_code(unit)
        gran = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade", "CE": "century"}[code]
        if base is None:
            return _n(c, {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX"}.get(gran, "XXXX"), gran if gran in _PRECISION else "unknown")
        if base.gran == "week" and gran == "day":
            return _n(c, base.fmt(), "week")
        p = _shift(_coarsen(base, gran), step, code)
        return _from_point(c, p, anchored, "XXXX")
    if a is None:
        if unit in _WEEKDAYS:
            return _n(c, f"XXXX-WXX-{_WEEKDAYS[unit]}", "day")
        if unit in _MONTHS:
            return _n(c, f"XXXX-{_MONTHS[unit.rstrip('.')]:02d}", "month")
        sym = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "day": "XXXX-XX-XX", "quarter": "XXXX-QX"}
        return _n(c, sym.get(unit, "XXXX"), _precision_of(sym.get(unit, "XXXX")))
    step = {"this": 0, "current": 0, "last": -1, "past": -1, "next": 1, "coming": 1, "the current": 0, "the coming": 1, "the last": -1, "the past": -1}.get(rel, 0)
    if unit in _WEEKDAYS:
        target = _WEEKDAYS[unit]
        cur = a.isoweekday()
        if step < 0:
            delta = -((cur - target) % 7 or 7)
        elif step > 0:
            delta = (target - cur) % 7 or 7
        else:
            delta = target - cur
        return _from_point(c, _day_point(a + dt.timedelta(days=delta)), True, "XXXX-XX-XX")
    if unit.rstrip(".") in _MONTHS:
        mo = _MONTHS[unit.rstrip(".")]
        if step < 0:
            y = a.year if mo < a.month else a.year - 1
        elif step > 0:
            y = a.year if mo > a.month else a.year + 1
        else:
            y = a.year
        return _from_point(c, _Point("month", y, mo, has_year=False), True, "XXXX")
    if unit == "day":
        return _from_point(c, _day_point(a + dt.timedelta(days=step)), True, "XXXX")
    if unit == "weekend":
        wk = _week_point(a + dt.timedelta(weeks=step))
        return _n(c, f"{wk.fmt()}-WE", "week", anchored=True)
    code, _clock = _unit_code(unit)
    gran = {"W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade", "CE": "century"}[code]
    p = _shift(_coarsen(_day_point(a), gran), step, code)
    if gran == "week":
        p = _week_point(a + dt.timedelta(weeks=step))
    if gran == "quarter":
        total = a.year * 4 + _quarter_of(a) - 1 + step
        p = _Point("quarter", total // 4, sub=total % 4 + 1)
    return _from_point(c, p, True, "XXXX")


def _norm_ago(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    n = _number(gd.get("q")) if gd.get("q") else None
    if n is not None and re.search(r"1/2|half|\u00bd", c.m.group(0)):
        n += 0.5
    code, clock = _unit_code(gd["u"])
    direction = gd["dir"].lower()
    sign = 1 if direction in ("later", "after", "hence", "from now") else -1
    if n is None:
        if gd.get("q") is None or sign < 0:
            return _n(c, "PAST_REF" if sign < 0 else "FUTURE_REF", "unknown")
        return _n(c, "FUTURE_REF", "unknown")
    # "ago"/"from now" count from the time of writing; "earlier"/"later" from the last date mentioned
    if direction in ("ago", "hence", "from now", "back"):
        base: _Point | None = _day_point(ctx.anchor) if ctx.anchor else None
        anchored = ctx.anchor is not None
        if code == "Y" and ctx.ref is not None and ctx.ref.gran == "quarter" and ctx.anchor is not None:
            base, anchored = ctx.ref, False  # "a year ago" in results news: the year-ago quarter
    else:
        base, anchored = ctx.base()
    if clock:
        if base is None:
            return _n(c, "XXXX-XX-XX", "day")
        return _from_point(c, _coarsen(base, "day"), anchored, "XXXX")
    if base is None:
        return _n(c, {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX"}.get(code, "XXXX"), "unknown")
    if n != int(n):
        n = float(int(n))
    gran = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade", "CE": "century", "L": "century"}[code]
    if direction in ("ago", "hence", "from now", "back") and base.gran == "day":
        point = _coarsen(base, gran) if gran != "week" else base
        if gran == "week":
            d = _safe_date(base.year, base.month, base.day)
            return _from_point(c, _week_point(d + dt.timedelta(weeks=sign * int(n))) if d else None, anchored, "XXXX-WXX")
        return _from_point(c, _shift(point, sign * int(n), code), anchored, "XXXX")
    return _from_point(c, _shift(base, sign * int(n), code), anchored, "XXXX")


def _norm_yearago(c: _Cand, ctx: _Ctx) -> _Norm | None:
    base = ctx.ref
    if base is not None and base.gran in ("quarter", "half"):
        return _from_point(c, _shift(base, -1, "Y"), False, "XXXX")
    if ctx.anchor is not None:
        return _from_point(c, _Point("year", ctx.anchor.year - 1), True, "XXXX")
    return _n(c, "XXXX", "year")


def _norm_yearend(c: _Cand, ctx: _Ctx) -> _Norm | None:
    # The noun ("by year end", "by year's end") is the closing part of the year, as TimeML
    # writes "the end of the year": the year with mod END. The adjective ("year-end
    # results") names the closing date itself.
    noun = ctx.text[c.start + 4] != "-"
    a = ctx.anchor
    if a is None:
        return _n(c, "XXXX", "year", mod="END") if noun else _n(c, "XXXX-12-31", "day")
    year = a.year - 1 if re.search(r"\bsince\s$", _left(ctx.text, c.start, 0, 8), re.I) or (a.month <= 2 and ctx.tense(c.start, c.end) < 0) else a.year
    if noun:
        return _from_point(c, _Point("year", year), True, "XXXX", mod="END")
    return _from_point(c, _Point("day", year, 12, 31), True, "XXXX")


def _norm_weekend(c: _Cand, ctx: _Ctx) -> _Norm | None:
    det = ctx.text[c.start : c.end].split()[0].lower()
    a = ctx.anchor
    if a is None:
        return _n(c, "XXXX-WXX-WE", "week")
    wd = a.isoweekday()
    if det in ("last",):
        ref = a - dt.timedelta(days=wd if wd < 6 else 7)
    elif det == "next":
        ref = a + dt.timedelta(days=7 if wd < 6 else 8 - wd)
    elif det == "this" or wd >= 6:
        ref = a
    else:  # "over the weekend": the one just gone, unless plainly ahead
        ref = a if ctx.tense(c.start, c.end) > 0 else a - dt.timedelta(days=wd)
    return _n(c, f"{_week_point(ref).fmt()}-WE", "week", anchored=True)


def _norm_attime(c: _Cand, ctx: _Ctx) -> _Norm | None:
    return _Norm(c.m.start("x"), c.end, "PAST_REF", "unknown", kind=c.kind)


def _norm_midpart(c: _Cand, ctx: _Ctx) -> _Norm | None:
    part = {"morning": "MO", "afternoon": "AF", "day": "MI"}[c.m.group("p").lower()]
    if ctx.anchor is None:
        return _n(c, f"XXXX-XX-XXT{part}", "time", "TIME")
    return _n(c, f"{ctx.anchor.isoformat()}T{part}", "time", "TIME", anchored=True)


def _norm_deictic(c: _Cand, ctx: _Ctx) -> _Norm | None:
    word = re.sub(r"\s+", " ", ctx.text[c.start : c.end].lower())
    a = ctx.anchor
    refs = {
        "now": "PRESENT_REF", "nowadays": "PRESENT_REF", "currently": "PRESENT_REF", "current": "PRESENT_REF",
        "presently": "PRESENT_REF", "at present": "PRESENT_REF", "these days": "PRESENT_REF", "the present": "PRESENT_REF",
        "the near future": "FUTURE_REF", "the distant future": "FUTURE_REF", "the foreseeable future": "FUTURE_REF",
        "the near term": "FUTURE_REF", "the short term": "FUTURE_REF", "the long term": "FUTURE_REF",
        "the moment": "PRESENT_REF", "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF",
        "previously": "PAST_REF", "formerly": "PAST_REF", "the past": "PAST_REF", "soon": "FUTURE_REF",
        "the future": "FUTURE_REF",
    }  # fmt: skip
    if word in refs:
        return _n(c, refs[word], "unknown")
    days = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "overnight": -1,
            "the day before yesterday": -2, "the day after tomorrow": 2}.get(word)  # fmt: skip
    if days is None:
        return None
    is_time = word in ("tonight", "overnight")
    if a is None:
        return _n(c, "XXXX-XX-XXTNI" if is_time else "XXXX-XX-XX", "time" if is_time else "day", "TIME" if is_time else "DATE")
    p = _day_point(a + dt.timedelta(days=days))
    if is_time:
        return _n(c, f"{p.fmt()}TNI", "time", "TIME", anchored=True, point=p)
    return _n(c, p.fmt(), "day", anchored=True, point=p)


def _weekday_point(ctx: _Ctx, c: _Cand, target: int) -> _Point | None:
    """"On Monday": the nearest such day before or after the anchor, by tense."""
    a = ctx.anchor
    if a is None:
        return None
    cur = a.isoweekday()
    if ctx.tense(c.start, c.end) > 0:
        delta = (target - cur) % 7
    else:
        delta = -((cur - target) % 7)
    return _day_point(a + dt.timedelta(days=delta))


def _norm_weekday(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    target = _WEEKDAYS[gd["wd"].lower()]
    if gd.get("pl"):
        return _n(c, f"XXXX-WXX-{target}", "day", "SET")
    p = _weekday_point(ctx, c, target)
    if p is None:
        return _n(c, f"XXXX-WXX-{target}", "day")
    return _n(c, p.fmt(), "day", anchored=True, point=p)


def _norm_partofday(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    d = gd["d"].lower()
    part = _PARTS_OF_DAY[gd["p"].lower()]
    a = ctx.anchor
    p: _Point | None = None
    anchored = a is not None
    if d in _WEEKDAYS:
        p = _weekday_point(ctx, c, _WEEKDAYS[d])
    elif d in ("the", "that", "early", "late"):
        if d in ("the", "that"):
            base, anchored = ctx.base()
            p = _coarsen(base, "day") if base is not None and base.gran == "day" else None
            if p is None:
                return _n(c, f"XXXX-XX-XXT{part}", "time", "TIME")
        elif a is not None:
            p = _day_point(a)
    elif a is not None:
        shift = {"this": 0, "today": 0, "last": -1, "yesterday": -1, "tomorrow": 1}[d]
        if d == "last" and part != "NI":
            shift = -1
        if d == "this" and part == "NI":
            shift = 0
        p = _day_point(a + dt.timedelta(days=shift))
    if p is None:
        return _n(c, f"XXXX-XX-XXT{part}", "time", "TIME")
    return _n(c, f"{p.fmt()}T{part}", "time", "TIME", anchored=anchored, point=p)


def _norm_clock(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    if c.kind == "clockword" and gd.get("w"):
        hm = {"noon": "12:00", "midday": "12:00", "midnight": "24:00"}[gd["w"].lower()]
    else:
        h_tok = gd["h"].lower()
        hour = int(h_tok) if h_tok.isdigit() else int(_SMALL[h_tok])
        minute = int(gd.get("mi") or 0)
        ap = (gd.get("ap") or "").lower()
        if ap.startswith("p") and hour < 12:
            hour += 12
        elif ap.startswith("a") and hour == 12:
            hour = 0
        if hour > 24 or (ap and int(gd["h"]) > 12):
            return None
        hm = f"{hour:02d}:{minute:02d}"
    clock = f"T{hm}"
    a = ctx.anchor
    if a is None:
        return _n(c, f"XXXX-XX-XX{clock}", "time", "TIME", clock=clock)
    return _n(c, f"{a.isoformat()}{clock}", "time", "TIME", anchored=True, clock=clock)
