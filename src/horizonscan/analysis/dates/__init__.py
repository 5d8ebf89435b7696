"""Time expressions: find them in raw text and normalise them TIMEX3-style.

``find_dates(text, anchor)`` is pure rule work on the raw string (no spaCy): a set of
regular expressions proposes candidate spans, the best non-overlapping cover is kept
(longest coverage wins), neighbours are joined (date + clock time, ``X–Y`` ranges,
``early``/``about`` modifiers) and each expression is normalised in reading order, so
that "two years later" can lean on the last date mentioned before it.

Every pattern is linear: no nested unbounded quantifiers, bounded whitespace runs, and
each one starts on a word, digit or apostrophe, so a 5 MB line is scanned in seconds.
English rules only; other languages simply yield little or nothing. See docs/dates.md.

Layout: ``words`` (word tables), ``patterns`` (the regexes), ``find`` (candidates and
the best cover), ``tense`` (past or future from the clause), ``points`` (calendar
arithmetic), ``norm_*`` and ``normalise`` (values), ``join`` (modifiers, ranges,
clock times and year tails joined to their neighbours).
"""

from __future__ import annotations

import datetime as dt

from ...records import DateMention
from .find import _best_cover, _candidates
from .join import _join_year_tail, _merge_clock, _merge_ranges, _modifiers
from .norm_context import _Ctx, _Norm
from .normalise import _HANDLERS

__all__ = ["find_dates", "VERSION"]

VERSION = "dates.v1"


def find_dates(text: str, anchor: dt.date | None = None) -> list[DateMention]:
    """Time expressions in ``text``, normalised TIMEX3-style and resolved against ``anchor``.

    ``anchor`` is the document date (usually its published date); relative expressions
    ("last week", "yesterday") get a calendar value only when it is given, otherwise a
    symbolic one (``XXXX-WXX``, ``PAST_REF``) with ``anchored=False``. Offsets index
    ``text`` exactly; mentions are sorted, non-overlapping and deterministic.
    """
    if not text:
        return []
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    ctx = _Ctx(text, anchor)
    out: list[_Norm] = []
    for cand in _best_cover(_candidates(text)):
        norm = _HANDLERS[cand.kind](cand, ctx)
        if norm is None:
            continue
        norm = _modifiers(norm, ctx, out[-1].end if out else 0)
        joined = _join_year_tail(out[-1], norm, text) if out else None
        if joined is not None:
            out[-1] = norm = joined
            if norm.point is not None:
                ctx.ref = norm.point
            continue
        if norm.point is not None and norm.type in ("DATE", "TIME") and norm.kind not in ("deictic", "ago", "yearago"):
            ctx.ref = norm.point
        out.append(norm)
    out = _merge_ranges(_merge_clock(out, text), ctx)
    return [
        DateMention(n.start, n.end, text[n.start : n.end], n.value, n.precision, n.type, n.mod, n.anchored)
        for n in out
    ]
