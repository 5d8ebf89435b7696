"""Normalisation state: the mention being built (``_Norm``), the reading context
(``_Ctx``: anchor and last date seen) and helpers shared by the normalisers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .find import _Cand
from .points import _PRECISION, _Point, _day_point
from .tense import _tense


@dataclass
class _Norm:
    start: int
    end: int
    value: str
    precision: str
    type: str = "DATE"
    mod: str | None = None
    anchored: bool = False
    point: _Point | None = None  # set for calendar dates, used as the reference for later ones
    kind: str = ""
    clock: str | None = None  # "T08:45" style suffix of a clock time still to attach to a date


class _Ctx:
    """Normalisation state while reading one text: the anchor and the last date seen."""

    def __init__(self, text: str, anchor: dt.date | None):
        self.text = text
        self.anchor = anchor
        self.ref: _Point | None = None  # last calendar date mentioned (explicit or resolved)

    def tense(self, start: int, end: int) -> int:
        return _tense(self.text, start, end)

    def base(self) -> tuple[_Point | None, bool]:
        """Reference for "two years later": the last date mentioned, else the anchor."""
        if self.ref is not None:
            return self.ref, False
        if self.anchor is not None:
            return _day_point(self.anchor), True
        return None, False


def _n(c: _Cand, value: str, precision: str, type_: str = "DATE", **kw: object) -> _Norm:
    return _Norm(c.start, c.end, value, precision, type_, kind=c.kind, **kw)  # type: ignore[arg-type]


def _from_point(c: _Cand, p: _Point | None, anchored: bool, fallback: str, **kw: object) -> _Norm:
    if p is None:
        return _n(c, fallback, _precision_of(fallback), anchored=False, **kw)
    return _n(c, p.fmt(), _PRECISION.get(p.gran, "unknown"), anchored=anchored, point=p, **kw)


def _precision_of(value: str) -> str:
    if value.endswith("_REF"):
        return "unknown"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", value):
        return "day"
    if re.fullmatch(r"[\dX]{4}-W[\dX]{2}", value):
        return "week"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}", value):
        return "month"
    if re.fullmatch(r"[\dX]{4}-Q[\dX]", value):
        return "quarter"
    if re.fullmatch(r"[\dX]{4}-(?:SP|SU|FA|WI)", value):
        return "season"
    if re.fullmatch(r"[\dX]{4}", value):
        return "year"
    return "unknown"


def _guess_year(ctx: _Ctx, c: _Cand, month: int, day: int | None = None) -> tuple[int | None, bool]:
    """Year of a month (and day) written without one: the anchor's, moved by tense."""
    a = ctx.anchor
    if a is None:
        return None, False
    # Months from the anchor (mid-month when no day), for last, this and next year.
    here = a.month + (a.day - 1) / 31
    there = month + ((day - 1) / 31 if day else 0.5)
    options = [(there + 12 * k - here, a.year + k) for k in (-1, 0, 1)]
    nearest = min(options, key=lambda o: (abs(o[0]), o[1]))
    if abs(nearest[0]) <= 3:
        return nearest[1], True
    t = ctx.tense(c.start, c.end)
    if t < 0:
        return max(y for d, y in options if d <= 0.5), True
    if t > 0:
        return min(y for d, y in options if d >= -0.5), True
    return nearest[1], True
