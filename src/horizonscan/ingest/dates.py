"""Publication dates: date lines near the top of a text, and dates from metadata.

A text's own date is written as a short line near the top ("PUBLISHED :
Monday, 18 June, 2018", "29th November 2019 by Jane Doe", "• December 1,
2020"). Dates inside body sentences describe events, not the document, so
only short, date-like lines in the head of the text are considered.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any

from ..records import Found

HEAD_LINES = 15  # non-empty lines searched for a date line
MAX_LINE = 90  # a date line is short; longer lines are sentences
MAX_REST_WORDS = 4  # words allowed beside the date (a byline, a place name)

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d|2100)(?!\d)")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
# Leading bullets, dashes and other ornaments.
_ORNAMENT = re.compile(r"^[\s\u2022\u00b7\u25aa\u25cf\u2013\u2014*#>|\-–—:]+")
# Labels that introduce a publication date; "updated"/"modified" lines are used only as a fallback.
_LABEL = re.compile(
    r"^(?P<label>published(?:\s+on)?|posted(?:\s+on)?|first\s+published(?:\s+on)?|date(?:d)?|"
    r"updated(?:\s+on)?|last\s+updated(?:\s+on)?|last\s+modified(?:\s+on)?|modified(?:\s+on)?|"
    r"released(?:\s+on)?|issued(?:\s+on)?|on)\b\s*[:\-–—]?\s*",
    re.I,
)
_LATER = ("updated", "last", "modified")
# A byline or a separator after the date: "29th November 2019 by Jane Doe", "Date | Author".
_TAIL = re.compile(r"\s+(?:by|von|par|por|door|di|от)\s+.*$|\s+[|/•·]\s+.*$|\s+[–—-]\s+\D.*$", re.I)
# Clock times dateutil would otherwise need to swallow; they carry no date information.
_CLOCK = re.compile(r",?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?\s*$", re.I)


@dataclass(frozen=True)
class DateLine:
    """A date line found near the top of a text."""

    index: int  # index in ``text.splitlines()``
    value: str  # ISO date (YYYY-MM-DD, or YYYY-MM when the day is not given)
    later: bool  # an "updated"/"modified" line rather than a publication line


def _parse_date(text: str) -> str | None:
    """ISO date if ``text`` is, as a whole, one calendar date with month and year."""
    text = text.strip(" ,.;()[]")
    if not text or not _YEAR.search(text) or len(text) > 45:
        return None
    if m := _ISO_DAY.match(text):
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    from dateutil import parser

    # Parse twice with different defaults: a part that changes with the default was not in the text.
    try:
        a = parser.parse(text, default=dt.datetime(2000, 1, 1), fuzzy=False, dayfirst=True)
        b = parser.parse(text, default=dt.datetime(2001, 2, 2), fuzzy=False, dayfirst=True)
    except (ValueError, OverflowError):
        # Other languages, but only for short strings: sentences are not dates.
        return _parse_other_language(text) if len(text.split()) <= 5 else None
    if a.year != b.year or a.month != b.month:
        return None  # a bare year (or a day without a month) is too vague to date a document
    if not re.search(r"[A-Za-z]", text) and not _unambiguous_numeric(text):
        return None
    return a.strftime("%Y-%m-%d") if a.day == b.day else a.strftime("%Y-%m")


def _unambiguous_numeric(text: str) -> bool:
    """Numeric dates like 03/04/2021 read differently in Europe and the US; take them only if one part exceeds 12."""
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return len(parts) == 3 and any(12 < p <= 31 for p in parts[:2])


def _parse_other_language(text: str) -> str | None:
    """Dates in other languages ("18 juin 2018", "2018年6月18日") through dateparser, strictly."""
    import dateparser

    settings = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        found = dateparser.parse(text, settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    return found.strftime("%Y-%m-%d") if found else None


def parse_date_line(line: str) -> tuple[str, bool] | None:
    """(ISO date, is-update) when ``line`` is a date line, else None."""
    line = _ORNAMENT.sub("", line.strip()).strip()
    if not line or len(line) > MAX_LINE or not _YEAR.search(line):
        return None
    later = False
    m = _LABEL.match(line)
    if m:
        later = m.group("label").lower().startswith(_LATER)
        line = line[m.end() :]
    core = _TAIL.sub("", line).strip()
    rest_words = len(line.split()) - len(core.split())
    if rest_words > MAX_REST_WORDS + 1:  # "by" plus a few name words
        return None
    core = _CLOCK.sub("", core).strip(" ,")
    iso = _parse_date(core)
    return (iso, later) if iso else None


def find_dateline(text: str, head_lines: int = HEAD_LINES) -> DateLine | None:
    """The first publication date line among the first non-empty lines (an update line as fallback)."""
    fallback: DateLine | None = None
    seen = 0
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        seen += 1
        if seen > head_lines:
            break
        parsed = parse_date_line(line)
        if parsed is None:
            continue
        found = DateLine(index, parsed[0], parsed[1])
        if not found.later:
            return found
        fallback = fallback or found
    return fallback


def find_published(text: str) -> Found | None:
    """Publication date written in the first lines of ``text``, as ``Found(iso, "text:dateline")``."""
    line = find_dateline(text)
    return Found(line.value, "text:dateline") if line else None


def stated_or_file_date(text: str, file_date: str | None, how: str) -> Found | None:
    """Publication date of a file: the date its text states at the top, else the file's own date.

    A PDF's or a Word file's creation date says when the file was made, which for a
    report printed to PDF today, or a 2021 article saved again, is not when the text was
    published. A date line at the top of the text is the author's own statement, so it
    wins; the file's date is used only when the text states none.
    """
    stated = find_published(text)
    if stated is not None:
        return stated
    return Found(file_date, how) if file_date else None


def to_iso(value: Any) -> str | None:
    """Normalise a metadata date (RFC 822, ISO 8601, datetime, date, struct_time) to ISO 8601.

    Dates without a time stay dates (``2020-12-01``); datetimes keep their
    offset; naive datetimes are written as given. Unparseable input gives None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time) or (isinstance(value, tuple) and len(value) >= 6):
        try:
            # feedparser's *_parsed fields are UTC.
            value = dt.datetime(*value[:6], tzinfo=dt.timezone.utc)
        except (TypeError, ValueError):
            return None
    if isinstance(value, dt.datetime):
        if not (1900 <= value.year <= 2100):
            return None
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat() if 1900 <= value.year <= 2100 else None
    return _string_to_iso(str(value).strip())


def _string_to_iso(text: str) -> str | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text if 1 <= int(text[5:]) <= 12 else None
    try:
        return to_iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return to_iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    # PDF dates: D:20200301120000+01'00'
    m = re.fullmatch(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?.*", text)
    if m:
        parts = [int(p) if p else d for p, d in zip(m.groups(), (0, 1, 1, 0, 0, 0))]
        try:
            return to_iso(dt.datetime(*parts))
        except ValueError:
            return None
    from dateutil import parser

    try:
        return to_iso(parser.parse(text, default=dt.datetime(2000, 1, 1)))
    except (ValueError, OverflowError):
        return None
