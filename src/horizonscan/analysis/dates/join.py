"""After normalising: widen mentions over modifiers (``mid-``, ``the end of``, ``about``) and
join neighbours (a day and its clock time, ``X to Y`` ranges, a month and its year)."""

from __future__ import annotations

import re
from dataclasses import replace

from .find import _left
from .norm_context import _Ctx, _Norm
from .words import _PART_MODS, _QTY_MODS

_PART_PREFIX = re.compile(
    r"(?:\b(?:the\s)?(?P<pp>early|mid|late|earlier|later)(?:\s{1,2}|-)|\bmid-|\b(?:the\s)?(?P<pn>beginning|"
    r"start|middle|end|close|turn|outset|dawn)\s(?:of\s)(?:the\s)?)$",
    re.I,
)
_QTY_PREFIX = re.compile(
    r"\b(?P<q>around|about|approximately|roughly|circa|c\.|some|nearly|almost|more\sthan|over|less\sthan|"
    r"under|at\sleast|at\smost|up\sto|no\smore\sthan|no\sless\sthan|fewer\sthan|just\sover|just\sunder|"
    r"well\sover|upwards\sof|barely|only|just|another|an\sadditional|a\sfurther|within)\s{1,2}$",
    re.I,
)


# Kinds that may take "early/mid/late", "the end of" (a part of the period).
_PARTABLE = {"month", "monthyear", "year", "season", "relative", "decade", "century", "quarter", "isomonth",
             "theyear", "spelledyear", "weekend"}
# Kinds that may take "about", "more than", "nearly" (a quantity hedge).
_HEDGEABLE = {"duration", "ago", "fuzzy", "halfunit", "year", "decade"}


def _modifiers(n: _Norm, ctx: _Ctx, floor: int) -> _Norm:
    """Widen the span over a preceding modifier ("mid-", "the end of", "about") and set ``mod``."""
    if n.mod is None and n.kind in _PARTABLE:
        m = _PART_PREFIX.search(_left(ctx.text, n.start, floor, 24))
        if m:
            word = (m.group("pp") or m.group("pn") or "mid").lower()
            if word in ("earlier", "later"):
                if n.kind == "relative":
                    n.start -= len(m.group(0))
                return n
            if n.kind == "relative" and ctx.text[n.start : n.end].lower().split()[0] not in ("this", "next", "last"):
                return n
            n.mod = _PART_MODS.get(word)
            n.start -= len(m.group(0))
            return n
    if n.mod is None and n.kind in ("decade", "century") and re.search(r"\bthe\s$", _left(ctx.text, n.start, floor, 4), re.I):
        n.start -= 4
        return n
    if n.mod is None and n.kind in _HEDGEABLE and ctx.text[n.start : n.start + 4].lower() != "the ":
        m = _QTY_PREFIX.search(_left(ctx.text, n.start, floor, 24))
        if m:
            word = re.sub(r"\s+", " ", m.group("q").lower())
            if n.kind in ("year", "decade") and word not in ("around", "about", "approximately", "roughly", "circa", "c."):
                return n
            n.mod = _QTY_MODS.get(word)
            n.start -= len(m.group(0))
    return n


def _merge_clock(out: list[_Norm], text: str) -> list[_Norm]:
    """Join a clock time to a neighbouring day ("Monday, 18 June, 2018, 8:45am")."""
    merged: list[_Norm] = []
    for n in out:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : n.start]
            day_first = prev.precision == "day" and prev.type == "DATE" and n.clock is not None
            clock_first = prev.clock is not None and n.precision == "day" and n.type == "DATE"
            if (day_first or clock_first) and re.fullmatch(r"\s{0,3}(?:,|at|on|,\s?at|,\s?on)?\s{0,3}", gap, re.I):
                day, clock = (prev, n) if day_first else (n, prev)
                merged[-1] = _Norm(prev.start, n.end, f"{day.value}{clock.clock}", "time", "TIME",
                                   clock.mod or day.mod, day.anchored, day.point, "clock")  # fmt: skip
                continue
        merged.append(n)
    return merged


_RANGE_GAP = re.compile(r"\s{0,2}(?:-|\u2013|\u2014|to|through|thru|until|till|and)\s{0,2}", re.I)
_RANGE_KINDS = {"dmy", "mdy", "monthyear", "month", "year", "season", "quarter", "iso", "numeric", "isomonth", "weekday", "decade"}


def _merge_ranges(out: list[_Norm], ctx: _Ctx) -> list[_Norm]:
    """"between March and July 2020", "1998–2001", "from May to June": one range mention."""
    text = ctx.text
    merged: list[_Norm] = []
    for n in out:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : n.start]
            g = _RANGE_GAP.fullmatch(gap)
            if g and prev.kind in _RANGE_KINDS and n.kind in _RANGE_KINDS and prev.type == n.type == "DATE":
                word = gap.strip().lower()
                before = _left(text, prev.start, merged[-2].end if len(merged) > 1 else 0, 12).lower()
                ok = word in ("-", "\u2013", "\u2014") or (
                    word in ("to", "through", "thru", "until", "till") and re.search(r"\bfrom\s{1,2}$", before)
                ) or (word == "and" and re.search(r"\bbetween\s{1,2}$", before))
                if ok and prev.value != n.value and not prev.value.endswith("_REF") and not n.value.endswith("_REF"):
                    first = prev
                    if prev.point is not None and not prev.point.has_year and n.point is not None and n.point.has_year:
                        fp = replace(prev.point, year=n.point.year, has_year=True)
                        if fp.gran == n.point.gran and fp.fmt() > n.point.fmt():
                            fp = replace(fp, year=n.point.year - 1)
                        first = replace(prev, value=fp.fmt(), point=fp)
                    merged[-1] = _Norm(prev.start, n.end, f"{first.value}/{n.value}", "range", "DATE", None,
                                       prev.anchored or n.anchored, n.point, "range")  # fmt: skip
                    continue
        merged.append(n)
    return merged


_YEAR_TAIL_GAP = re.compile(r"\s{1,2}(?:of\s{1,2})?", re.I)
_SPELLED_TAIL_GAP = re.compile(r",?\s{1,2}(?:of\s{1,2})?", re.I)
_YEAR_TAIL_HEADS = {"month", "dmy", "mdy", "season", "theyear", "quarter"}


def _join_year_tail(prev: _Norm, n: _Norm, text: str) -> _Norm | None:
    """A month, day or season followed by the year it belongs to, as one mention.

    "in July last year", "February this year", "the winter of nineteen ninety-four",
    "the year two thousand": the tail says which year; on its own the head would guess.
    """
    if prev.kind not in _YEAR_TAIL_HEADS or prev.type != "DATE" or n.precision != "year" or n.mod:
        return None
    if prev.kind == "theyear" and prev.precision != "year":
        return None
    gap = text[prev.end : n.start]
    if n.kind == "spelledyear":
        if not _SPELLED_TAIL_GAP.fullmatch(gap):
            return None
    elif n.kind != "relative" or prev.kind == "theyear" or not _YEAR_TAIL_GAP.fullmatch(gap):
        return None
    elif not re.match(r"(?:this|last|next)\s", text[n.start : n.end], re.I) or text[n.end : n.end + 1] in ("'", "\u2019"):
        return None  # "the past year" is a span; "March last year's budget" a possessive
    year = n.value[:4]
    if prev.kind == "theyear":
        value, point = year, n.point
    else:
        value = year + prev.value[4:]
        point = replace(prev.point, year=int(year), has_year=True) if prev.point is not None and year.isdigit() else None
    return _Norm(prev.start, n.end, value, prev.precision, "DATE", prev.mod, prev.anchored or n.anchored, point, prev.kind)
