"""Time expressions: find them in raw text and normalise them TIMEX3-style.

``find_dates(text, anchor)`` is pure rule work on the raw string (no spaCy): a set of
regular expressions proposes candidate spans, the best non-overlapping cover is kept
(longest coverage wins), neighbours are joined (date + clock time, ``X–Y`` ranges,
``early``/``about`` modifiers) and each expression is normalised in reading order, so
that "two years later" can lean on the last date mentioned before it.

Every pattern is linear: no nested unbounded quantifiers, bounded whitespace runs, and
each one starts on a word, digit or apostrophe, so a 5 MB line is scanned in seconds.
English rules only; other languages simply yield little or nothing. See docs/dates.md.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from ..records import DateMention

__all__ = ["find_dates", "VERSION"]

VERSION = "dates.v1"

# --------------------------------------------------------------------------- vocabulary

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6,
    "sat": 6, "sunday": 7, "sun": 7,
}  # fmt: skip
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "single": 1,
    "dozen": 12, "hundred": 100, "thousand": 1000, "couple": 2,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}  # fmt: skip
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip
# Duration unit -> (TIMEX3 designator, is a clock unit). Seasons/halves are not units here.
_UNITS = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "night": ("D", False), "week": ("W", False), "fortnight": ("W", False),
    "month": ("M", False), "quarter": ("Q", False), "year": ("Y", False),
    "decade": ("DE", False), "century": ("CE", False), "millennium": ("L", False),
}  # fmt: skip
_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}

# --------------------------------------------------------------------------- regex fragments

_S = r"[ \t\u00a0]{1,4}"  # same-line space run (bounded)
_SN = r"\s{1,4}"  # any space run, may cross a line wrap (bounded)
_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\b\.?"
)
_MON_FULL = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept\.)"
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_ANY = _WD + r"|(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\."
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)(?![\d%])"
_YEAR_OR_SHORT = r"(?:" + _YEAR + r"|['\u2019]\d\d(?!\d))"
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|century|centurie|millenni(?:um|a))"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_QTY = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + _TENS + r"(?:[\s\-]" + _ONES + r")?|" + _ONES
    + r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|(?:a|one)\s(?:hundred|thousand|dozen)|hundred|dozen|(?:a\s)?couple(?:\sof)?|(?:a\s)?few"
    r"|several|many|some|single|a|an)"
)
_HALF = r"(?:\s(?:and\s)?a\shalf|-and-a-half|\s1/2|\s\u00bd)?"
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest)"
_TZ = r"(?:\s?(?:[ecmp][sd]t|gmt|utc|bst|cet|cest|hkt|sgt|jst|ist|local\stime|beijing\stime|\(\d\d\d\d\sgmt\)))?"


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]


def _p(kind: str, pattern: str) -> _Pattern:
    # Patterns run on an ASCII-lowercased copy of the text (same offsets), which is about
    # twice as fast as re.I; case checks look at the original text.
    return _Pattern(kind, re.compile(pattern))


_PATTERNS: tuple[_Pattern, ...] = (
    _p("iso", r"\b(?P<y>1\d{3}|20\d\d)(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])"
       r"(?:[t ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:z|[+-]\d\d:?\d\d)?)?(?![\d.]\d)"),
    _p("numeric", r"(?<![\d./-])(?P<a>3[01]|[12]\d|0?[1-9])(?P<sep>[/.])(?P<b>3[01]|[12]\d|0?[1-9])(?P=sep)"
       r"(?P<y>1\d{3}|20\d\d|\d\d)(?![\d/]|\.\d)"),
    _p("dmy", r"\b(?:(?P<wd>" + _WD_ANY + r")[,\s]{1,3})?(?:the\s)?(?P<d>" + _DAY + r")(?:\sof)?[\s\-]{1,3}"
       r"(?P<m>" + _MON + r")(?:(?:[,\s\-]{1,3})(?P<y>" + _YEAR_OR_SHORT + r"))?"),
    _p("mdy", r"\b(?:(?P<wd>" + _WD_ANY + r")[,\s]{1,3})?(?P<m>" + _MON + r")[\s\-]{0,3}(?P<d>" + _DAY + r")"
       r"(?:,?" + _SN + r"(?P<y>" + _YEAR + r"))?"),
    _p("dayrange", r"\b(?P<d1>" + _DAY + r")\s?(?:-|\u2013|\u2014|to)\s?(?P<d2>" + _DAY + r")" + _S
       + r"(?P<m>" + _MON + r")(?:,?" + _S + r"(?P<y>" + _YEAR + r"))?"),
    _p("mdayrange", r"\b(?P<m>" + _MON + r")" + _S + r"(?P<d1>" + _DAY + r")\s?(?:-|\u2013|\u2014)\s?(?P<d2>"
       + _DAY + r")(?:,?" + _S + r"(?P<y>" + _YEAR + r"))?"),
    _p("monthyear", r"\b(?P<m>" + _MON + r"),?" + _SN + r"(?:of\s)?(?P<y>" + _YEAR_OR_SHORT + r")"),
    _p("month", r"\b(?P<m>" + _MON_FULL + r")(?!\w|['\u2019](?!s\b))"),  # "December's figures": the month
    _p("yearrange", r"(?<![\w$\u20ac\u00a3\u00a5#.,/])(?P<y1>" + _YEAR + r")\s?(?:-|\u2013|\u2014|/)\s?"
       r"(?P<y2>" + _YEAR + r"|\d\d(?![\d\-/]))"),
    _p("isomonth", r"(?<![\w$.,/-])(?P<y>1\d{3}|20\d\d)-(?P<m>0[1-9]|1[0-2])(?![\d\-/])"),
    _p("year", r"(?<![\w$\u20ac\u00a3\u00a5#.,/])(?<!\d-)(?:(?P<fy>(?:the\s)?(?:fiscal|calendar|financial|model)"
       r"(?:\syear)?|fy|the\syear)\s?)?(?P<y>" + _YEAR + r")(?!\w|[.,]\d|-\d|['\u2019]s)"),
    _p("midyear", r"\bmid-(?P<y>" + _YEAR + r")\b"),
    _p("decade", r"(?:\b(?P<y>1\d\d0|20\d0)['\u2019]?s\b"
       r"|['\u2019](?P<yy>\d0)s\b|\b(?P<yy2>[1-9]0)s\b|\b(?P<w>twenties|thirties|forties|fifties|sixties"
       r"|seventies|eighties|nineties)\b)"),
    _p("century", r"(?:\bthe\s)?(?:(?P<mod>early|mid|late)[\s\-]{1,2})?\b(?P<n>first|second|third|fourth|fifth"
       r"|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
       r"|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|\d{1,2}(?:st|nd|rd|th))[\s\-]century\b"),
    _p("spelledyear", r"\b(?:(?P<c>nineteen|eighteen|twenty)[\s\-](?P<yy>" + _TENS + r"(?:[\s\-]" + _ONES + r")?|ten|eleven|"
       r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|oh[\s\-]" + _ONES + r")"
       r"|(?P<tt>two\sthousand(?:\s(?:and\s)?(?P<tu>" + _ONES + r"|ten|eleven|twelve))?))\b"),
    _p("season", r"\b(?:(?P<det>this|last|next|the|that|coming|past|this\spast)\s)?(?:(?P<mod>early|mid|late)"
       r"[\s\-]{1,2})?(?P<s>spring|summer|autumn|fall|winter)(?![\w\-])(?:,?\s(?:of\s)?(?P<y>" + _YEAR + r"))?"),
    _p("quarter", r"\b(?:(?P<det>the|this|last|next|its|their|that|a)\s)?(?:(?:(?P<py>" + _YEAR + r")|(?P<pry>this|last|next)"
       r"\syear['\u2019]s)\s)?(?:(?P<adj>current|latest|previous|past|"
       r"most\srecent|recent|same|fiscal|year-earlier|year-ago|comparable|corresponding)[\s\-])?"
       r"(?:(?P<ord>" + _ORD + r")[\s\-])?(?:(?:fiscal|calendar|financial)[\s\-])?(?P<unit>quarter|half|period)"
       r"(?P<plural>s)?(?![\w\-])(?:\s(?:of|in)\s(?:(?:fiscal|calendar|the\syear)\s)?(?:(?P<y>" + _YEAR + r")"
       r"|(?P<ry>this|last|next)\syear)|\s(?P<ago>last\syear|a\syear\s(?:ago|earlier))(?![\w'\u2019]))?"),
    _p("qcode", r"\b(?:(?P<y1>" + _YEAR + r")\s?)?(?P<code>[qh])(?P<n>[1-4])(?:\s?(?P<y2>" + _YEAR + r"|['\u2019]?\d\d)\b)?"),
    _p("relative", r"\b(?P<rel>this|last|next|past|coming|previous|following|current|that|"
       r"the\s(?:past|last|next|coming|previous|following|current|same|prior|present))\s"
       r"(?P<u>week(?:end)?|month|year|quarter|decade|century|day|" + _MON_FULL + r"|" + _WD + r")\b"),
    _p("ago", r"\b(?:(?P<q>" + _QTY + r")" + _HALF + r"[\s\-]{1,2})?(?:more\s)?(?P<u>" + _UNIT + r")s?"
       r"(?:\sor\sso)?\s(?P<dir>ago|earlier|later|before|after|hence|from\snow|back|previously|prior)\b"),
    _p("yearago", r"\b(?:the\s)?year-(?:earlier|ago)(?:\s(?P<u>quarter|period|month|year|level|figure|results?))?\b"),
    _p("duration", r"\b(?:(?P<det>the)\s)?(?:(?P<rel>past|last|next|first|coming|previous|final|following|"
       r"initial|remaining|preceding|latest|same|ensuing|subsequent|recent)\s)?(?P<q>" + _QTY + r")" + _HALF
       + r"(?:\s|-)(?:(?:more|additional|extra|straight|consecutive|full|long)\s)?(?P<u>" + _UNIT
       + r")(?P<pl>s)?(?P<suf>-long|-old)?(?P<half2>\sand\sa\shalf)?\b"),
    _p("halfunit", r"\bhalf[\s\-](?:an?\s)?(?P<u>hour|day|year|century|decade|month)\b"),
    _p("fuzzy", r"\b(?:(?P<rel>the\s(?:past|last|next|coming)(?:\sfew|\sseveral|\smany)?|recent|coming|several|"
       r"many|few|for|within|in\sthe\scoming|in\srecent|in|over\sthe|the\searly)\s)(?P<u>day|week|month|year|decade|centurie|hour|minute)s\b"),
    _p("theyear", r"\bthe\s(?:(?P<adj>full|fiscal|current(?:\s(?:fiscal|financial))?|calendar|whole|entire)\s)?(?P<u>year|month|week|day)\b"
       r"(?![\-\u2019']|\s\d|\s(?:before|after|earlier|later|ago)\b)"),
    _p("yearend", r"\byear(?:[\s\-]end|['\u2019]s\send)\b"),
    _p("weekend", r"\b(?:the|this|last|next|that)\sweekend\b"),
    _p("holiday", r"\b(?:(?P<rel>last|next|this)\s)?(?P<h>christmas(?:\sday|\seve)?|new\syear['\u2019]?s(?:\sday|\seve)|"
       r"thanksgiving(?:\sday)?|independence\sday|labou?r\sday|memorial\sday|election\sday|valentine['\u2019]?s\sday|"
       r"halloween|easter(?:\ssunday|\smonday|\sday)?|may\sday|boxing\sday|veterans\sday|armistice\sday|"
       r"international\swomen['\u2019]?s\sday|chinese\snew\syear|lunar\snew\syear|spring\sfestival|new\syear)"
       r"(?:,?\s(?:of\s)?(?P<y>" + _YEAR + r"))?(?![\w\u2019'])"),
    _p("attime", r"\bat\s(?P<x>(?:the|that)\stime)\b(?!\sof|\swhen|\sthat)"),
    _p("midpart", r"\bmid[\s\-]?(?P<p>morning|afternoon|day)\b"),
    _p("deictic", r"\b(?:today|tonight|tomorrow|yesterday|now|nowadays|currently|current|recently|recent|lately|"
       r"presently|soon|previously|formerly|the\s(?:future|past|present|moment)|at\spresent|these\sdays|"
       r"the\s(?:near|distant|foreseeable)\sfuture|the\s(?:near|short|long)\sterm|"
       r"the\sday\s(?:before|after)\s(?:yesterday|tomorrow)|overnight)\b(?!-)"),
    _p("partofday", r"\b(?P<d>this|last|yesterday|tomorrow|today|that|the|early|late|" + _WD + r")\s"
       r"(?P<p>morning|afternoon|evening|night)\b"),
    _p("clock", r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?(?::\d\d)?\s?(?P<ap>[ap]\.?\s?m\b\.?)" + _TZ),
    _p("clock24", r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::[0-5]\d)?(?![\d:])(?:\s?hrs?\b)?" + _TZ),
    _p("clockword", r"\b(?:(?P<h>[01]?\d|" + _ONES + r"|ten|eleven|twelve)\so'clock|(?P<w>noon|midday|midnight))\b"),
    _p("set", r"\b(?:every|each|per)\s(?:(?P<q>other|" + _QTY + r")\s)?(?P<u>" + _UNIT + r"|" + _WD
       + r"|" + _MON_FULL + r"|morning|afternoon|evening|night|weekend|spring|summer|autumn|fall|winter)s?\b"),
    _p("setfreq", r"\b(?:once|twice|thrice|(?:" + _QTY + r")\stimes)\s(?:a|an|per|each|every)\s(?P<u>" + _UNIT + r")\b"),
    _p("setword", r"\b(?P<w>daily|weekly|monthly|yearly|annually|hourly|nightly|biannual(?:ly)?|"
       r"biennial(?:ly)?|fortnightly|semi-?annual(?:ly)?)\b"),
    _p("weekday", r"\b(?P<wd>" + _WD + r")(?P<pl>s)?\b"),
)  # fmt: skip

# Longer spans win; on a tie, the earlier pattern in this list wins.
_PRIORITY = {p.kind: i for i, p in enumerate(_PATTERNS)}

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
_QTY_MODS = {
    "around": "APPROX", "about": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
    "circa": "APPROX", "c.": "APPROX", "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN",
    "more than": "MORE_THAN", "over": "MORE_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
    "at least": "EQUAL_OR_MORE", "at most": "EQUAL_OR_LESS", "up to": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS", "no less than": "EQUAL_OR_MORE", "fewer than": "LESS_THAN",
    "just over": "MORE_THAN", "just under": "LESS_THAN", "well over": "MORE_THAN",
    "upwards of": "MORE_THAN", "barely": "EQUAL_OR_LESS", "within": "EQUAL_OR_LESS",
}  # fmt: skip
_PART_MODS = {
    "early": "START", "beginning": "START", "start": "START", "outset": "START", "dawn": "START",
    "mid": "MID", "middle": "MID", "late": "END", "end": "END", "close": "END", "turn": "APPROX",
}  # fmt: skip
# "next to" and "due to" are prepositions, not plans; "as soon as Friday" sets a date ahead.
_FUTURE_WORDS = (
    r"will|shall|wo|going\sto|plans?\sto|planned|planning|scheduled|expects?|expected|is\sto|are\sto|"
    r"due(?!\sto\b)|upcoming|next(?!\sto\b)|coming|until|till|intends?\sto|intended|hopes?\sto|aims?\sto|"
    r"set\sto|tomorrow|payable|proposed|anticipated|forecast|slated|deadline|as\s(?:soon|early)\sas"
)
_FUTURE = re.compile(r"\b(?:" + _FUTURE_WORDS + r")\b|'ll\b", re.I)
# Words in -ed that are not past verbs ("United States", "a hundred", "succeed", "need").
_NOT_PAST_ED = r"(?:hundred|united|limited|indeed|[a-z]*(?:ceed|need|peed|feed|deed|weed|leed))\b"
_PAST = re.compile(
    r"\b(?!(?:" + _FUTURE_WORDS + r")\b)(?!" + _NOT_PAST_ED + r")(?:was|were|had|did|said|told|ago|last|yesterday|"
    r"earlier|since|previously|been|began|took|came|went|made|met|held|saw|gave|won|lost|became|left|fell|"
    r"rose|grew|[a-z]{3,}ed)\b",
    re.I,
)
# A full stop ends a clause only before a capitalised word, and not after an initial or a
# dotted abbreviation ("a.m.", "U.S.", "J.") or a title: "until 9 a.m. Tuesday" is one clause.
_CLAUSE_END = re.compile(
    r"[!?;\n]|(?<![.\s][A-Za-z])(?<!^[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|No))(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt))"
    r"\.(?=\s{1,3}[\"'`(\u201c\u2018]{0,2}[A-Z])"
)


# --------------------------------------------------------------------------- points in time


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


# --------------------------------------------------------------------------- helpers


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


def _tense(text: str, start: int, end: int) -> int:
    """-1 past, +1 future, 0 unknown: the nearest tense cue in the same clause."""
    left_lo = max(0, start - 80)
    left = text[left_lo:start]
    cut = None
    for cut in _CLAUSE_END.finditer(left):
        pass
    if cut is not None:
        left = left[cut.end() :]
    right = text[end : end + 60]
    stop = _CLAUSE_END.search(right)
    if stop:
        right = right[: stop.start()]
    best: tuple[int, int] = (10**6, 0)
    for rx, sign in ((_FUTURE, -1), (_PAST, 1)):  # sign flipped back below: future wins ties
        for m in rx.finditer(left):
            best = min(best, (len(left) - m.end(), sign))
        m2 = rx.search(right)
        if m2:
            best = min(best, (m2.start() + 2, sign))  # a cue after the expression weighs a little less
    return -best[1]


def _left(text: str, start: int, floor: int, width: int = 40) -> str:
    return text[max(floor, start - width) : start]


def _is_upper_word(word: str) -> bool:
    return word[:1].isupper()


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


# --------------------------------------------------------------------------- candidates


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


# --------------------------------------------------------------------------- normalisation


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


def _norm_attime(c: _Cand, ctx: _Ctx) -> _Norm | None:
    return _Norm(c.m.start("x"), c.end, "PAST_REF", "unknown", kind=c.kind)


def _norm_midpart(c: _Cand, ctx: _Ctx) -> _Norm | None:
    part = {"morning": "MO", "afternoon": "AF", "day": "MI"}[c.m.group("p").lower()]
    if ctx.anchor is None:
        return _n(c, f"XXXX-XX-XXT{part}", "time", "TIME")
    return _n(c, f"{ctx.anchor.isoformat()}T{part}", "time", "TIME", anchored=True)


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


_HANDLERS: dict[str, Callable[[_Cand, _Ctx], _Norm | None]] = {
    "iso": _norm_calendar, "numeric": _norm_calendar, "dmy": _norm_calendar, "mdy": _norm_calendar,
    "dayrange": _norm_calendar, "mdayrange": _norm_calendar, "monthyear": _norm_calendar,
    "month": _norm_calendar, "isomonth": _norm_calendar, "year": _norm_year, "midyear": _norm_year,
    "yearrange": _norm_year, "decade": _norm_year, "century": _norm_year, "season": _norm_season,
    "quarter": _norm_quarter, "qcode": _norm_qcode, "relative": _norm_relative, "ago": _norm_ago,
    "yearago": _norm_yearago, "duration": _norm_duration, "halfunit": _norm_duration,
    "fuzzy": _norm_duration, "theyear": _norm_duration, "deictic": _norm_deictic,
    "partofday": _norm_partofday, "clock": _norm_clock, "clock24": _norm_clock,
    "clockword": _norm_clock, "set": _norm_set, "setfreq": _norm_set, "setword": _norm_set,
    "weekday": _norm_weekday, "yearend": _norm_yearend, "weekend": _norm_weekend, "holiday": _norm_holiday,
    "attime": _norm_attime, "midpart": _norm_midpart, "spelledyear": _norm_spelledyear,
}  # fmt: skip

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
