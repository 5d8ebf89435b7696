"""Candidate finder: run the patterns in windows around trigger words, drop matches that
their context rules out, and keep the best non-overlapping cover."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable

from .patterns import _PATTERNS, _PRIORITY
from .words import _MONTHS, _SEASONS, _WEEKDAYS

_COUNT_NOUNS = re.compile(
    r"^[ \t]{0,3}(?:-?(?:people|persons|men|women|children|kids|students|workers|troops|soldiers|residents|"
    r"families|households|cases|deaths|victims|refugees|migrants|tons?|tonnes?|km|kilometres?|kilometers?|"
    r"miles?|metres?|meters?|m\b|ft|feet|hectares?|acres?|dollars?|yuan|rmb|euros?|pounds|rubles?|roubles?|"
    r"units?|vehicles?|cars|houses|homes|jobs|votes|seats|items|pieces|copies|calories|mw|gw|kw|kg|mg|"
    r"barrels?|bpd|points?|members|participants|delegates|employees|staff|officers|police|pupils|patients|"
    r"beds|schools|villages|projects|signatures|posts|words|pages|rooms|hours|minutes|days|weeks|months|"
    r"years|yards|metric|percent|per\scent)\b|%)",
    re.I,
)
_NOT_YEAR_BEFORE = re.compile(
    r"(?:[$\u20ac\u00a3\u00a5#]|\b(?:no|nos|number|page|pages|pp|p|article|art|section|chapter|room|flight|"
    r"route|resolution|rule|law|decree|code|model|version|item|unit|tel|fax|box|vol|issue|st|highway|"
    r"paragraph|para|annex|figure|fig|table|bus|line|order|us\$|rmb|usd|eur|cny|than|about|"
    r"some|nearly|almost|approximately|only|just|total\sof|over|under)\.?)\s{0,2}$",
    re.I,
)
_YEAR_PREP = re.compile(r"\b(?:in|since|until|till|during|before|after|by|from|of|to|through|and|circa|c\.)\s{1,2}$", re.I)
_MAY_CUE = re.compile(
    r"(?:\b(?:in|on|of|since|until|till|by|during|from|to|through|last|this|next|early|late|mid|before|after|"
    r"between|and|or|end|beginning|start|middle|late|early|each|every)\s{1,2}|-)$",
    re.I,
)
_MONTH_MODIFIED_NOUN = re.compile(
    r"[ \t]{1,2}(?!(?:for|of|on|to|in|at|by|from|against|through|across|and|or|was|were|is|are|has|had|have|"
    r"will|would|could|drew|began|ended|went|came|took|passed|organi[sz]ers?|marchers?|participants?)\b)[a-z]{3,}"
)
_SEASON_CUE = re.compile(r"\b(?:in|during|by|since|until|till|through|over|before|after|around)\s{1,2}$", re.I)


def _left(text: str, start: int, floor: int, width: int = 40) -> str:
    return text[max(floor, start - width) : start]


def _is_upper_word(word: str) -> bool:
    return word[:1].isupper()


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    kind: str
    m: re.Match[str]


def _valid(c: _Cand, text: str) -> bool:
    """Context checks that do not depend on other mentions (done before choosing spans)."""
    m, kind = c.m, c.kind
    gd = m.groupdict()
    if gd.get("m") is not None and kind in ("dmy", "mdy", "monthyear", "month", "dayrange", "mdayrange"):
        tok = text[m.start("m") : m.end("m")].rstrip(".")
        if not _is_upper_word(tok) and (kind == "month" or not text[c.start : c.end].islower() or tok.lower() in ("may", "mar")):
            return False
        if kind == "month":
            if tok.lower() == "may" and not _MAY_CUE.search(_left(text, c.start, 0, 20)):
                return False
            if tok == "MAY" or (tok.isupper() and len(tok) > 1 and not text[max(0, c.start - 20) : c.start].isupper()):
                return False
        if kind == "mdy" and tok.lower() in ("may", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "feb", "apr") and not gd.get("y"):
            # "May 5 people": a short or modal month name + bare number needs more support
            if not re.match(r"^\s*(?:[,.;:)]|$|\s(?:and|to|at|in|when|the|after|before|,))", text[c.end : c.end + 8]) and tok.lower() == "may":
                return False
        if kind == "mdy" and re.match(r"^[ \t]?(?:%|\d|percent|per\scent)", text[c.end : c.end + 9], re.I):
            return False
    if kind == "weekday" and not _is_upper_word(text[m.start("wd") : m.end("wd")]):
        return False
    if kind == "month" and re.search(r"\b(?:the|a|an)\s$", _left(text, c.start, 0, 6), re.I):
        # "the October slaying", "a June agreement" are dates; "the March for Life",
        # "the March was peaceful" are not: a month used as a modifier needs a plain noun after it
        if not _MONTH_MODIFIED_NOUN.match(text[c.end : c.end + 24]):
            return False
    if kind == "relative" and (gd["u"].lower() in _MONTHS or gd["u"].lower() in _WEEKDAYS) and not _is_upper_word(text[m.start("u") : m.end("u")]):
        return False
    if kind == "theyear":
        u = gd["u"].lower()
        before = _left(text, c.start, 0, 30)
        if u != "year" or gd.get("adj"):
            ctx_ok = re.search(r"(?:\b(?:end|beginning|start|middle|rest|course|close|remainder|balance)\sof|\b(?:later|"
                               r"earlier)\sin|\bfor)\s$", before, re.I)
            if u in ("week", "month") and re.match(r"^['\u2019]s\b", text[c.end : c.end + 3]):
                ctx_ok = True
            if not ctx_ok and not (u == "year" and gd.get("adj")):
                return False
    if kind == "spelledyear":
        if gd.get("tt") and not re.search(r"(?:\b(?:in|by|since|until|till|the\syear|of|before|after)\s)$", _left(text, c.start, 0, 12), re.I):
            return False
        if _COUNT_NOUNS.match(text[c.end : c.end + 24]) or re.match(r"^[\s\-](?:hundred|thousand|million|billion|percent|dollars|people)", text[c.end : c.end + 12], re.I):
            return False
        if gd.get("c") and not re.search(r"(?:\b(?:in|by|since|until|till|the\syear|of|before|after|and|from|to)\s|[.,;:]\s{1,3}|^)$", _left(text, c.start, 0, 12), re.I) and not re.search(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|fall|winter)\s$", _left(text, c.start, 0, 14), re.I):
            return False
    if kind in ("year", "yearrange"):
        y_tok = gd.get("y") or gd.get("y1") or ""
        year = int(y_tok)
        before = _left(text, c.start, 0, 24)
        after = text[c.end : c.end + 24]
        if _COUNT_NOUNS.match(after):
            return False
        if kind == "year" and not gd.get("fy"):
            if _NOT_YEAR_BEFORE.search(before) and not re.search(r"\b(?:about|around|some|over|under|nearly|almost|than)\s{1,2}$", before, re.I):
                return False
            if _NOT_YEAR_BEFORE.search(before) and re.search(r"^\s?[a-z]", after) and not _YEAR_PREP.search(before):
                return False
            if year < 1500 and not _YEAR_PREP.search(before):
                return False
            if re.match(r"^\s?(?:[:x*\u00d7+=]|/\d|\.\d)", after) or re.search(r"[:x*\u00d7+=]\s?$", before):
                return False
        if kind == "yearrange":
            y2 = gd["y2"]
            second = int(y2) if len(y2) == 4 else (year // 100) * 100 + int(y2)
            if len(y2) == 2 and second < year:
                second += 100
            if not (year < second <= year + 100):
                return False
    if kind == "decade" and (gd.get("yy2") or gd.get("w")):
        if not re.search(r"(?:\bthe|early|mid|late)[\s\-]{1,2}$", _left(text, c.start, 0, 10), re.I) or re.search(r"\b(?:his|her|their|its|my|our|your)\s+(?:early\s|mid-?|late\s)?$", _left(text, c.start, 0, 20), re.I):
            return False
    if kind == "season":
        if not (gd.get("y") or gd.get("det") or gd.get("mod") or _SEASON_CUE.search(_left(text, c.start, 0, 20))):
            return False
        if gd["s"].lower() == "fall" and not (gd.get("y") or gd.get("det") in ("this", "last", "next", "the", "that", "this past")):
            return False
    if kind == "quarter":
        if not (gd.get("ord") or gd.get("adj") or gd.get("py") or gd.get("pry") or gd.get("det") in ("the", "this", "last", "next", "its", "their", "that")):
            return False
        if gd["unit"].lower() == "period" and not (gd.get("adj") in ("latest", "year-earlier", "year-ago", "comparable", "corresponding") or gd.get("py")):
            return False
        if gd.get("det") == "a" and not gd.get("ord"):
            return False
        if gd["unit"].lower() == "half":
            if not gd.get("ord") or (not gd.get("y") and not gd.get("ry") and re.match(r"^\s(?:of|in)\s", text[c.end : c.end + 5])):
                return False
            if not (gd.get("y") or gd.get("ry") or gd.get("det") in ("the", "this", "its", "their")):
                return False
        elif re.match(r"^\sof\s(?:a|an|the|its|their|all|those|these)\b", text[c.end : c.end + 12], re.I) and not gd.get("y"):
            return False  # "a quarter of the population"
        if re.match(r"^[ \t]?(?:mile|point|inch|percent|century|hour)", text[c.end : c.end + 10], re.I):
            return False
    if kind == "qcode" and not (gd.get("y1") or gd.get("y2")):
        return False
    if kind in ("duration", "ago", "setfreq") and gd.get("q"):
        q = gd["q"].lower()
        if q in ("some", "many") and kind == "duration" and not gd.get("rel"):
            return False
    if kind == "duration" and gd["u"].lower() == "second" and not gd.get("pl") and (gd.get("q") or "").lower() in ("a", "an"):
        return False  # "a second time"
    if kind == "duration" and gd["u"].lower() == "night" and not gd.get("pl"):
        return False
    if kind == "duration" and (gd.get("suf") or "").lower() == "-old" or kind == "duration" and re.match(r"^[ \t]old\b", text[c.end : c.end + 5]):
        return False  # ages
    if kind == "duration" and gd["u"].lower().startswith("quarter") and not (gd.get("det") or gd.get("rel")):
        return False  # "three-quarters of": a fraction
    if kind == "ago" and gd["dir"].lower() in ("before", "after", "prior", "back"):
        after = text[c.end : c.end + 6]
        if gd["dir"].lower() == "back":
            if not re.match(r"^\s?(?:[,.;:)!?]|$|\s(?:in|when|to)\b)", after):
                return False
        elif not re.match(r"^\s?(?:[,.;:)!?\"']|$)", after):
            return False
    if kind == "deictic":
        word = text[c.start : c.end].lower()
        after = text[c.end : c.end + 20].lower()
        if word in ("current", "previously", "formerly", "soon", "the moment"):
            return False
        if word == "current" and re.match(r"^[\s\-]?(?:account|affairs|events|members?|form|law|rules?|system|regime|government|administration|president|leaders?|situation|crisis|policy|policies|level|levels|price|prices|rate|rates|conditions|state|status|version|one|ones|trend|trends|and)\b", after):
            return False
        if word == "recent" and not re.match(r"^\s(?:days|weeks|months|years|decades|times|history|past)\b", after):
            return False
        if word in ("the past", "the present", "the moment") and re.match(r"^\s(?:\w+\s)?(?:of)\b", after):
            return False
        if word == "the present" and not re.search(r"\b(?:to|until|till|at)\s$", _left(text, c.start, 0, 10).lower()):
            return False
        if word == "the moment" and not re.search(r"\b(?:at|for)\s$", _left(text, c.start, 0, 10).lower()):
            return False
    if kind == "clock24":
        before = _left(text, c.start, 0, 12)
        if re.search(r"(?:\d[,.]?|ratio|score|odds|verse|chapter|\w:)\s?$", before, re.I):
            return False
    if kind == "clock" and gd.get("ap") and not re.search(r"[.]|m\b", gd["ap"]):
        return False
    return True


# Trigger words by family. A pattern only runs in windows around a trigger of one of its
# families, so the many full patterns touch a small part of a long text: this keeps the
# stage cheap (the trigger scan is one keyword regex over the text).
_FAMILY_WORDS = {
    "digit": (),
    "month": tuple(_MONTHS),
    "weekday": tuple(_WEEKDAYS),
    "unit": ("second", "minute", "hour", "day", "night", "week", "fortnight", "month", "quarter", "year",
             "decade", "centur", "millenni", "half", "period", "weekend"),
    "season": tuple(_SEASONS),
    "deictic": ("today", "tonight", "tomorrow", "yesterday", "now", "nowadays", "currently", "current",
                "recent", "recently", "lately", "presently", "soon", "previously", "formerly", "future", "past", "present",
                "moment", "term", "these", "overnight", "time"),
    "part": ("morning", "afternoon", "evening", "night", "noon", "midday", "midnight", "clock", "mid"),
    "spelled": ("nineteen", "eighteen", "twenty", "thousand", "twenties", "thirties", "forties", "fifties",
                "sixties", "seventies", "eighties", "nineties"),
    "freq": ("once", "twice", "thrice", "times"),
    "setword": ("daily", "weekly", "monthly", "yearly", "annually", "hourly", "nightly", "biannual", "biennial",
                "fortnightly", "semi"),
    "holiday": ("christmas", "new year", "thanksgiving", "independence", "labor", "labour", "memorial",
                "election", "valentine", "halloween", "easter", "may day", "boxing", "veterans", "armistice",
                "international", "chinese", "lunar", "spring festival"),
}  # fmt: skip
_KIND_FAMILIES = {
    "iso": ("digit",), "numeric": ("digit",), "dmy": ("month",), "mdy": ("month",), "dayrange": ("month",),
    "mdayrange": ("month",), "monthyear": ("month",), "month": ("month",), "yearrange": ("digit",),
    "isomonth": ("digit",), "year": ("digit",), "midyear": ("digit",), "decade": ("digit", "spelled"),
    "century": ("unit",), "spelledyear": ("spelled",), "season": ("season",), "quarter": ("unit",),
    "qcode": ("digit",), "relative": ("unit", "month", "weekday"), "ago": ("unit",), "yearago": ("unit",),
    "duration": ("unit",), "halfunit": ("unit",), "fuzzy": ("unit",), "theyear": ("unit",),
    "yearend": ("unit",), "weekend": ("unit",), "holiday": ("holiday",), "attime": ("deictic",),
    "midpart": ("part",), "deictic": ("deictic",), "partofday": ("part",), "clock": ("digit",),
    "clock24": ("digit",), "clockword": ("part",), "set": ("unit", "month", "weekday", "season", "part"),
    "setfreq": ("freq",), "setword": ("setword",), "weekday": ("weekday",),
}  # fmt: skip
_WORD_FAMILY: dict[str, list[str]] = {}
for _fam, _words in _FAMILY_WORDS.items():
    for _w in _words:
        _WORD_FAMILY.setdefault(_w, []).append(_fam)
for _w in list(_WORD_FAMILY):  # multi-word triggers fire on their first word
    if " " in _w:
        _WORD_FAMILY.setdefault(_w.split()[0], []).extend(_WORD_FAMILY.pop(_w))


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching, at a position, the longest of ``words`` that starts there.

    Same matches as the alternation of the words longest first, but shared
    prefixes are tried once: at each step only one branch can follow the text.
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


_TRIGGER = re.compile(r"\d+|\b(?:" + _trie_pattern(_WORD_FAMILY) + r")")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PREFIXES = ("centur", "millenni", "semi", "year", "decade", "day", "week", "month", "quarter", "hour", "minute")
_REACH = 48  # no pattern match reaches further than this from its trigger word


def _families(token: str) -> list[str]:
    if token[0].isdigit():
        return ["digit"]
    w = token.lower()
    fams = _WORD_FAMILY.get(w) or _WORD_FAMILY.get(w[:-1] if w.endswith("s") else w)
    if fams is None and len(w) > 3:
        fams = next((_WORD_FAMILY[p] for p in _PREFIXES if w.startswith(p) and p in _WORD_FAMILY), None)
    return fams or []


def _windows(low: str) -> dict[str, list[tuple[int, int]]]:
    """Merged (start, end) windows around trigger words, per family."""
    spans: dict[str, list[tuple[int, int]]] = {f: [] for f in _FAMILY_WORDS}
    n = len(low)
    for m in _TRIGGER.finditer(low):
        fams = _families(m.group())
        if not fams:
            continue
        lo, hi = max(0, m.start() - _REACH), min(n, m.end() + _REACH)
        for f in fams:
            lst = spans[f]
            if lst and lo <= lst[-1][1]:
                lst[-1] = (lst[-1][0], max(lst[-1][1], hi))
            else:
                lst.append((lo, hi))
    return spans


def _merge_spans(lists: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(s for lst in lists for s in lst):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _candidates(text: str) -> list[_Cand]:
    low = text.translate(_LOWER)
    windows = _windows(low)
    found: dict[tuple[int, int, str], _Cand] = {}
    merged: dict[tuple[str, ...], list[tuple[int, int]]] = {}  # patterns share family sets
    for pat in _PATTERNS:
        fams = tuple(_KIND_FAMILIES[pat.kind])
        spans = merged.get(fams)
        if spans is None:
            spans = merged[fams] = _merge_spans([windows[f] for f in fams])
        for lo, hi in spans:
            for m in pat.regex.finditer(low, lo, hi):
                key = (m.start(), m.end(), pat.kind)
                if m.end() > m.start() and key not in found:
                    c = _Cand(m.start(), m.end(), pat.kind, m)
                    if _valid(c, text):
                        found[key] = c
    return list(found.values())


def _best_cover(cands: list[_Cand]) -> list[_Cand]:
    """Non-overlapping subset covering the most characters (weighted interval scheduling).

    Ties go to fewer mentions, then to the pattern listed first; the result is in text order.
    """
    if not cands:
        return []
    order = sorted(cands, key=lambda c: (c.end, c.start, _PRIORITY[c.kind]))
    ends = [c.end for c in order]

    # best[i] = (covered chars, -mentions, -priority sum) over the first i candidates
    best: list[tuple[int, int, int]] = [(0, 0, 0)]
    take: list[bool] = []
    prev: list[int] = []
    for i, c in enumerate(order):
        j = bisect.bisect_right(ends, c.start, 0, i)
        prev.append(j)
        with_c = (best[j][0] + c.end - c.start, best[j][1] - 1, best[j][2] - _PRIORITY[c.kind])
        if with_c > best[i]:
            best.append(with_c)
            take.append(True)
        else:
            best.append(best[i])
            take.append(False)
    chosen: list[_Cand] = []
    i = len(order)
    while i > 0:
        if take[i - 1]:
            chosen.append(order[i - 1])
            i = prev[i - 1]
        else:
            i -= 1
    chosen.reverse()
    return chosen
