"""Normalise durations and sets (``two years``, ``every month``, ``daily``) and ``the year``;
quantity words and TIMEX3 duration values."""

from __future__ import annotations

import re

from .find import _Cand, _left
from .norm_context import _Ctx, _Norm, _from_point, _n, _precision_of
from .points import _coarsen, _day_point, _week_point
from .words import _MONTHS, _PARTS_OF_DAY, _SEASONS, _SMALL, _UNITS, _WEEKDAYS


def _number(word: str | None) -> float | None:
    """Value of a quantity phrase (``two``, ``twenty-five``, ``1,000``, ``a couple of``); None when vague."""
    if word is None:
        return 1.0
    w = re.sub(r"\s+", " ", word.lower().replace("-", " ")).strip()
    w = re.sub(r"\s?of$", "", w)
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", w):
        return float(w.replace(",", ""))
    if w in ("a couple", "couple"):
        return 2.0
    parts = w.split()
    if parts and parts[0] in ("a", "an", "one") and len(parts) == 2 and parts[1] in ("hundred", "thousand", "dozen"):
        return float(_SMALL[parts[1]])
    if all(p in _SMALL for p in parts) and parts:
        return float(sum(_SMALL[p] for p in parts))
    return None  # several, few, many, some


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _unit_code(unit: str) -> tuple[str, bool]:
    u = unit.lower()
    if u.startswith("centur"):
        return "CE", False
    if u.startswith("millenni"):
        return "L", False
    return _UNITS.get(u.rstrip("s"), ("Y", False))


def _duration(n: float | None, code: str, clock: bool) -> str:
    # TimeML corpora write counted decades, centuries and quarters as years and months
    # ("two decades" P20Y, "the next three quarters" P9M); ISO 8601 has no such units.
    scale = {"DE": (10, "Y"), "CE": (100, "Y"), "Q": (3, "M")}.get(code)
    if scale and not clock:
        if n is not None:
            n, code = n * scale[0], scale[1]
        elif code == "Q":
            code = "M"
    if n is None:
        return f"PT X{code}".replace(" ", "") if clock else f"PX{code}"
    if code == "W" and n != int(n):
        n, code = n * 7, "D"
    if n != int(n):  # fractional: express in the next smaller unit where TIMEX3 has one
        smaller = {("Y", False): (12, "M", False), ("D", False): (24, "H", True), ("H", True): (60, "M", True),
                   ("M", True): (60, "S", True), ("M", False): (30, "D", False)}.get((code, clock))
        if smaller is not None:
            whole = int(n)
            rest = round((n - whole) * smaller[0])
            big = f"{whole}{code}" if whole else ""
            if clock:
                return f"PT{big}{rest}{smaller[1]}"
            if smaller[2]:
                return f"P{big}T{rest}{smaller[1]}"
            return f"P{big}{rest}{smaller[1]}"
    return f"PT{_fmt_num(n)}{code}" if clock else f"P{_fmt_num(n)}{code}"


def _norm_duration(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    if c.kind == "halfunit":
        code, clock = _unit_code(gd["u"])
        return _n(c, _duration(0.5, code, clock), "duration", "DURATION")
    if c.kind == "fuzzy":
        code, clock = _unit_code(gd["u"])
        rel = re.sub(r"\s+", " ", gd["rel"].lower())
        if rel in ("for", "within", "in", "in recent", "in the coming", "over the"):
            skip = {"in recent": 3, "in the coming": 3, "over the": 5}.get(rel)
            c = _Cand(c.start + skip if skip else c.m.start("u"), c.end, c.kind, c.m)
        return _n(c, _duration(None, code, clock), "duration", "DURATION")
    if c.kind == "theyear":
        return _norm_theyear(c, ctx)
    q = gd.get("q")
    n = _number(q)
    if n is not None and re.search(r"1/2|half|\u00bd", c.m.group(0)[c.m.end("q") - c.start : c.m.start("u") - c.start]):
        n += 0.5
    if gd.get("half2") and n is not None:  # "a minute and a half"
        n += 0.5
    code, clock = _unit_code(gd["u"])
    if gd["u"].lower() == "fortnight" and n is not None:
        n *= 2
    # "$5 million a year", "10 hours a day": a rate, i.e. a SET
    if (q or "").lower() in ("a", "an") and not gd.get("det") and not gd.get("rel"):
        before = _left(ctx.text, c.start, 0, 30)
        if re.search(r"(?:\d|million|billion|trillion|percent|per\scent|%|times|once|twice|dollars|yuan|hours|days)\s{1,2}$", before, re.I):
            return _n(c, _duration(1, code, clock), "duration", "SET")
    if (q or "").lower() in ("a", "an", "one", "single") and gd.get("u", "").lower() == "quarter":
        return None
    return _n(c, _duration(n, code, clock), "duration", "DURATION")


def _norm_theyear(c: _Cand, ctx: _Ctx) -> _Norm | None:
    """"the year" (results news: the current one, or a 12-month span when "ended ..."), "the week"."""
    gd = c.m.groupdict()
    u = gd["u"].lower()
    after = ctx.text[c.end : c.end + 12]
    before = _left(ctx.text, c.start, 0, 14)
    if u == "year" and (re.match(r"^\s(?:ended|ending|to\s\w+\.?\s\d)", after, re.I) or re.search(r"\b(?:throughout|over)\s$", before, re.I)):
        return _n(c, "P1Y", "duration", "DURATION")
    a = ctx.anchor
    if a is None:
        sym = {"year": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX", "day": "XXXX-XX-XX"}[u]
        return _n(c, sym, _precision_of(sym))
    gran = {"year": "year", "month": "month", "week": "week", "day": "day"}[u]
    p = _week_point(a) if gran == "week" else _coarsen(_day_point(a), gran)
    return _from_point(c, p, True, "XXXX")


def _norm_set(c: _Cand, ctx: _Ctx) -> _Norm | None:
    gd = c.m.groupdict()
    if c.kind == "setword":
        w = gd["w"].lower().replace("-", "")
        value = {
            "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y",
            "hourly": "PT1H", "nightly": "P1D", "biannual": "P6M", "biannually": "P6M",
            "biennial": "P2Y", "biennially": "P2Y", "fortnightly": "P2W", "semiannual": "P6M",
            "semiannually": "P6M",
        }[w]  # fmt: skip
        return _n(c, value, "duration", "SET")
    u = gd["u"].lower()
    if u.rstrip("s") in _WEEKDAYS:
        return _n(c, f"XXXX-WXX-{_WEEKDAYS[u.rstrip('s')]}", "day", "SET")
    if u.rstrip("s").rstrip(".") in _MONTHS:
        return _n(c, f"XXXX-{_MONTHS[u.rstrip('s').rstrip('.')]:02d}", "month", "SET")
    if u.rstrip("s") in _SEASONS:
        return _n(c, f"XXXX-{_SEASONS[u.rstrip('s')]}", "season", "SET")
    if u.rstrip("s") in _PARTS_OF_DAY:
        return _n(c, f"XXXX-XX-XXT{_PARTS_OF_DAY[u.rstrip('s')]}", "time", "SET")
    if u.startswith("weekend"):
        return _n(c, "XXXX-WXX-WE", "week", "SET")
    q = (gd.get("q") or "").lower()
    n: float | None = 2.0 if q == "other" else (_number(q) if q else 1.0)
    code, clock = _unit_code(u)
    return _n(c, _duration(n if n else 1.0, code, clock), "duration", "SET")
