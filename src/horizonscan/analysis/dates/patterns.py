"""The candidate patterns: regex fragments and one regex per kind of time expression.

Patterns run on an ASCII-lowercased copy of the text; ``_PRIORITY`` breaks ties between
equally long spans (the earlier pattern wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_S = r"[ \t\u00a0]{1,4}"  # same-line space run (bounded)
_SN = r"\s{1,4}"  # any space run, may cross a line wrap (bounded)
# The period belongs to an abbreviation ("Aug."), never to a full name ending a sentence ("8 August.").
_MON = (
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"|(?:sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\b\.?)"
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
