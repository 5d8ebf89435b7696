"""Citations: footnote and endnote lists parsed into sources, linked to the citing sentence.

Two layouts are recognised (rules in docs/themes-and-citations.md):

* bracketed notes: lines ``[1] ...`` after the text, cited in the body by
  ``[1]`` or by a number glued to a word (``skills2.``);
* think-tank notes: lines ``16 “Title,” outlet.example, March 16, 2020.``,
  cited by a number glued to a sentence end (``...to Beijing.16``) or word.

A note list is a run of such lines whose numbers rise (gaps of up to two are
tolerated). A run is accepted only when most of its numbers are cited in the
text before it, or (with no markers at all) when its lines read like sources.
A glued number is a marker only if the accepted list has that number, so
years, amounts and list numbers are left alone. Each source of a note (sources
are separated by ``;``) becomes one :class:`Citation` carrying the note's marker.

Everything is linear in the text: a handful of compiled regexes without nested
quantifiers, and scans of note lines only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import sys
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..records import Citation, Sentence

MAX_GAP = 3  # next note number may skip up to two numbers
MIN_CITED_SHARE = 0.5  # share of notes that must be cited in the body
MIN_SOURCE_SHARE = 0.8  # share of notes that must look like sources when nothing is cited
SENTENCE_WINDOW = 3000  # the fallback splitter looks this far around a marker
MAX_NOTE = 4000  # characters; a longer "note" is body text, and the cap keeps work bounded

_NOTE_LINE = re.compile(r"^[ \t]*(?:\[(?P<b>[1-9]\d{0,2})\]|(?P<p>[1-9]\d{0,2})\.?)[ \t]+(?=\S)", re.MULTILINE)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_LETTER = r"[^\W\d_]"
_MARKER = re.compile(
    r"(?=[\d\[¹²³⁴-⁹])(?:"  # cheap first-character filter (5x faster on long texts)
    r"\[(?P<br>[1-9]\d{0,2})\]"
    r"|(?<=\S)(?P<sup>[¹²³⁴-⁹][⁰¹²³⁴-⁹]{0,2})(?![⁰¹²³⁴-⁹])"
    # glued to a lower-case word of two letters or more: "skills2", "Beijing16"
    r"|(?<=[a-zß-ÿа-яё][a-zß-ÿа-яё])(?<!km|cm|mm)(?P<word>[1-9]\d{0,2})(?!\w)(?![.,]\d)"
    # glued after punctuation closing a word: "Beijing.16", "constituencies)1", "Moscow.”3"
    rf"|(?:(?<={_LETTER}{_LETTER}[.,;:!?)\]”’\"'»])|(?<={_LETTER}[.,;:!?][)\]”’\"'»]))"
    r"(?P<punct>[1-9]\d{0,2})(?=\s|$|[.,;:)\]])"
    # glued after a year: "in 2015.3 The", "in 2017,3 and"
    r"|(?<![\d.,])(?:1[89]|20)\d\d(?P<yp>[.,;:])(?P<year>[1-9]\d?)(?=\s|$))",
)
_ABBREVIATIONS = frozenset("no nos p pp art arts vol vols para paras ch chap sec fig figs tab eq ed eds op cit".split())
_SENTENCE_END = re.compile(
    r"(?P<end>[.!?…]+[\"”’»)\]]*)(?:\[\d{1,3}\]|\d{1,3}|[¹²³⁴-⁹⁰]{1,3})?(?=\s+[A-Z0-9“\"‘'(\[\u0400-\u042F]|\s*$)"
    r"|(?P<cjk>[。！？]+)|\n[ \t]*\n"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>“”\"«»]+")
# Bodies exclude their own quotes, so a failed match stops at the next quote:
# linear even on hostile input. (A title must also hold a letter: see _title.)
_TITLES = (
    re.compile(r"“([^“”]+)”"),
    re.compile(r"«([^«»]+)»"),
    re.compile(r"\"([^\"]+)\""),
    re.compile(r"(?<!\w)‘([^‘’]+(?:’\w[^‘’]*)*)’(?=[\s,.;:)]|$)"),
)
_MONTHS = {
    **{m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)},
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    "sept": 9,
    **{m: i for i, m in enumerate("января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(), 1)},
    **{m: i for i, m in enumerate("январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split(), 1)},
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=lambda m: (-len(m), m))) + r")\.?"
_DATE = re.compile(
    rf"(?<!\w)(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})(?!\d)"
    rf"|(?<!\w)(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})(?!\d)"
    r"|(?<![\w/.-])(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})(?![\w/-])"
    r"|(?<![\w/.])(?P<d4>\d{1,2})\.(?P<m4>\d{1,2})\.(?P<y4>\d{4})(?!\d)"
    rf"|(?<!\w)(?P<m5>{_MONTH}),?\s+(?P<y5>\d{{4}})(?!\d)"
    r"|(?<![\w/.-])(?P<y6>(?:1[89]|20)\d\d)(?![\w/-])",
    re.IGNORECASE,
)
_ACCESSED = re.compile(r"(?:accessed|retrieved|viewed|consulted|visited|дата обращения)\W{0,3}(?:on\W{0,2})?$", re.IGNORECASE)


@dataclass(frozen=True)
class _NoteLine:
    start: int  # start of the line
    number: int
    bracket: bool
    content: int  # where the note text starts
    line_end: int


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    number: int
    anchor: int  # last character of the citing text before the marker


def find_citations(text: str, sentences: Sequence[Sentence] = ()) -> list[Citation]:
    """Notes of ``text`` parsed into sources, each linked to the sentence that cites it."""
    sent_spans = sorted((s.start, s.end) for s in sentences)
    citations: list[Citation] = []
    for body_start, notes, chosen in _note_lists(text):
        breaks = _breaks(text, chosen.values())
        list_start = notes[0][0].start
        for cand, end in notes:
            marker = f"[{cand.number}]" if cand.bracket else str(cand.number)
            sentence = None
            if cand.number in chosen:
                anchor = chosen[cand.number].anchor
                spans = sent_spans or _fallback_sentences(
                    text, max(body_start, anchor - SENTENCE_WINDOW), min(list_start, anchor + SENTENCE_WINDOW)
                )
                sentence = _clip(_sentence_of(spans, anchor), anchor, breaks)
            for s, e in _sources(text, cand.content, end):
                citations.append(_citation(text, s, e, marker, sentence))
    return citations


@dataclass(frozen=True)
class NoteLayout:
    """Where the accepted note lists are, and the markers in the body that cite them."""

    lists: tuple[tuple[int, int], ...]  # (start, end) of each note list, first note to last note's end
    markers: tuple[tuple[int, int], ...]  # (start, end) of each chosen note marker ("13" of "Kazakh13")


def note_layout(text: str) -> NoteLayout:
    """The note lists of ``text`` and their markers, by the same rules as :func:`find_citations`.

    The body-text stage (``layout.py``) keeps note lists out of the event coder and
    blanks the markers so that "Kazakh13" is read as "Kazakh".
    """
    lists: list[tuple[int, int]] = []
    markers: list[tuple[int, int]] = []
    for _, notes, chosen in _note_lists(text):
        lists.append((notes[0][0].start, notes[-1][1]))
        markers.extend((m.start, m.end) for m in chosen.values())
    return NoteLayout(tuple(lists), tuple(sorted(markers)))


def _note_lists(
    text: str,
) -> Iterable[tuple[int, list[tuple[_NoteLine, int]], dict[int, _Marker]]]:
    """Accepted note lists: (start of the body they follow, [(note line, note end)], chosen markers)."""
    if not text:
        return
    candidates = [c for c in (_note_line(text, m) for m in _NOTE_LINE.finditer(text)) if c.line_end - c.start <= MAX_NOTE]
    if not candidates:
        return
    runs = list(_runs(candidates))
    line_starts = {c.start for run in runs for c in run}  # stray lines inside a run stay continuations
    markers = _markers(text, runs[-1][0].start)  # every possible marker, once; filtered per list below
    by_number: dict[int, list[_Marker]] = {}
    for mk in markers:
        by_number.setdefault(mk.number, []).append(mk)
    body_start = 0
    for run in runs:
        notes = [(c, _note_end(text, c, line_starts)) for c in run]
        cited = {
            c.number: [m for m in _between(by_number.get(c.number, []), body_start, run[0].start)] for c in run
        }
        if not _accept(text, notes, cited):
            continue
        yield body_start, notes, _choose(cited, [c.number for c in run])
        body_start = notes[-1][1]


def _between(markers: list[_Marker], start: int, end: int) -> list[_Marker]:
    """Markers (sorted by position) that start in [start, end)."""
    lo = bisect.bisect_left(markers, start, key=lambda m: m.start)
    hi = bisect.bisect_left(markers, end, key=lambda m: m.start)
    return markers[lo:hi]


# ---------------------------------------------------------------- note lists


def _note_line(text: str, m: re.Match[str]) -> _NoteLine:
    eol = text.find("\n", m.end())
    eol = len(text) if eol < 0 else eol
    number = m.group("b") or m.group("p")
    return _NoteLine(m.start(), int(number), m.group("b") is not None, m.end(), eol)


def _runs(candidates: list[_NoteLine]) -> Iterable[list[_NoteLine]]:
    """Maximal sequences of note lines of one style with rising numbers.

    A single stray line (say a wrapped note line starting with ``16 March``)
    is skipped when the line after it continues the sequence.
    """
    run: list[_NoteLine] = []
    for i, c in enumerate(candidates):
        if run and _follows(run[-1], c):
            run.append(c)
            continue
        if run and i + 1 < len(candidates) and _follows(run[-1], candidates[i + 1]):
            continue
        if run:
            yield run
        run = [c]
    if run:
        yield run


def _follows(prev: _NoteLine, cand: _NoteLine) -> bool:
    return cand.bracket == prev.bracket and prev.number < cand.number <= prev.number + MAX_GAP


def _note_end(text: str, cand: _NoteLine, line_starts: set[int]) -> int:
    """End of a note: its line plus continuation lines (no blank line, no new note)."""
    end = cand.line_end
    while end < len(text) and end + 1 not in line_starts:
        nxt = text.find("\n", end + 1, cand.start + MAX_NOTE + 1)
        if nxt < 0 or not text[end + 1 : nxt].strip():
            break  # blank line, or the note would grow too long
        end = nxt
    while end > cand.content and text[end - 1].isspace():
        end -= 1
    return end


def _accept(text: str, notes: list[tuple[_NoteLine, int]], markers: dict[int, list[_Marker]]) -> bool:
    cited = {n for n, found in markers.items() if found}
    share = sum(c.number in cited for c, _ in notes) / len(notes)
    sourcey = sum(_looks_like_source(text[c.content : e]) for c, e in notes) / len(notes)
    bracket = notes[0][0].bracket
    if share >= MIN_CITED_SHARE and (bracket or len(notes) > 1 or sourcey == 1.0):
        return True
    return not cited and len(notes) >= (2 if bracket else 3) and sourcey >= MIN_SOURCE_SHARE


def _looks_like_source(note: str) -> bool:
    if _URL.search(note) or _DATE.search(note) or note.lower().startswith(("ibid", "op. cit", "idem")):
        return True
    return any(_has_word(m.group(1)) for t in _TITLES for m in t.finditer(note))


def _has_word(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


# ---------------------------------------------------------------- markers


def _markers(text: str, end: int) -> list[_Marker]:
    """Every number before ``end`` that could be a note marker, in text order."""
    found = []
    for m in _MARKER.finditer(text, 0, end):
        kind = "year" if m.group("year") else m.lastgroup or ""
        number = int(m.group(kind).translate(_SUPERSCRIPT))
        m_start = m.start(kind)
        if kind == "punct" and _after_abbreviation(text, m_start - 1):
            continue
        if kind == "year" and m.group("yp") == "." and not _starts_sentence(text, m.end()):
            continue
        anchor = m_start - 1
        while anchor > 0 and text[anchor].isspace():
            anchor -= 1
        found.append(_Marker(m_start, m.end(kind), number, anchor))
    return found


def _after_abbreviation(text: str, punct: int) -> bool:
    """True for ``p.16``, ``No.5``: a page or item number, not a note."""
    if text[punct] != ".":
        return False
    word_start = punct
    while word_start > 0 and text[word_start - 1].isalpha() and punct - word_start < 6:
        word_start -= 1
    return text[word_start:punct].lower() in _ABBREVIATIONS


def _starts_sentence(text: str, pos: int) -> bool:
    rest = text[pos : pos + 4].lstrip()
    return not rest or not rest[0].islower()


def _choose(by_number: dict[int, list[_Marker]], order: list[int]) -> dict[int, _Marker]:
    """One marker per note number, taken in text order consistent with the note order."""
    chosen: dict[int, _Marker] = {}
    after = -1
    for number in order:
        options = by_number.get(number)
        if not options:
            continue
        pick = next((m for m in options if m.start > after), options[0])
        chosen[number] = pick
        after = max(after, pick.start)
    return chosen


# ---------------------------------------------------------------- sentences


def _breaks(text: str, markers: Iterable[_Marker]) -> list[tuple[int, int]]:
    """Sentence breaks proven by markers: ``...to Beijing.16 The`` ends a sentence at ``.``.

    spaCy reads ``2013.1`` as one number and does not split there; a known
    marker after sentence-final punctuation settles it. Each break is
    (end of the sentence before, start of the sentence after).
    """
    out = []
    for m in markers:
        p = m.anchor
        while p > 0 and text[p] in "\"”’»)]":
            p -= 1
        if text[p] in ".!?" and m.anchor + 1 == m.start and _starts_sentence(text, m.end):
            nxt = m.end
            while nxt < len(text) and text[nxt].isspace():
                nxt += 1
            out.append((m.start, nxt))
    return sorted(out)


def _clip(span: tuple[int, int] | None, anchor: int, breaks: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Narrow a sentence span to the marker breaks around ``anchor``."""
    if span is None:
        return None
    start, end = span
    for cut, nxt in breaks:
        if nxt <= anchor and nxt > start:
            start = nxt
        elif cut > anchor and cut < end:
            end = cut
            break
    return start, end


def _fallback_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Rough sentence spans for text the NLP pass did not split (e.g. non-English)."""
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        cut = m.end("end") if m.group("end") else m.end() if m.group("cjk") else m.start()
        spans.append((pos, cut))
        pos = m.end()
    spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The sentence containing ``pos``, else the one ending right before it."""
    i = bisect.bisect_right(spans, (pos, sys.maxsize)) - 1
    if i >= 0 and spans[i][0] <= pos < spans[i][1] + 1:
        return spans[i]
    return None


# ---------------------------------------------------------------- sources


def _sources(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a note at ``;`` outside quotes and URLs; pieces without a source feature rejoin."""
    pieces = []
    piece_start = start
    closing = ""
    i = start
    while i < end:
        ch = text[i]
        if closing:
            if ch == closing:
                closing = ""
        elif ch in "“«\"":
            closing = {"“": "”", "«": "»", '"': '"'}[ch]
        elif ch in "hw" and (text.startswith(("http://", "https://", "www."), i)):
            # skip the URL, but a ";" before a space still ends the source
            while i < end and not text[i].isspace() and not (text[i] == ";" and (i + 1 == end or text[i + 1].isspace())):
                i += 1
            continue
        elif ch == ";":
            pieces.append((piece_start, i))
            piece_start = i + 1
        i += 1
    pieces.append((piece_start, end))
    trimmed = [_trim(text, s, e) for s, e in pieces]
    merged: list[tuple[int, int]] = []
    for s, e in (p for p in trimmed if p[0] < p[1]):
        if merged and not _looks_like_source(text[s:e]):
            merged[-1] = (merged[-1][0], e)
        elif len(merged) == 1 and not _looks_like_source(text[merged[0][0] : merged[0][1]]):
            merged[0] = (merged[0][0], e)
        else:
            merged.append((s, e))
    return merged or [(start, end)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ";"):
        end -= 1
    return start, end


def _citation(text: str, start: int, end: int, marker: str, cited: tuple[int, int] | None) -> Citation:
    piece = text[start:end]
    url_match = _URL.search(piece)
    url = _clean_url(url_match.group()) if url_match else None
    # Blank the URL out (same length) so its digits are not read as a date.
    plain = piece if not url_match else piece[: url_match.start()] + " " * len(url_match.group()) + piece[url_match.end() :]
    title, after_title = _title(plain)
    date, date_at = _date(plain, after_title)
    outlet = _outlet(plain, title is not None, after_title, date_at)
    if outlet is None and url:
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/")[0]
        outlet = host or None
    return Citation(
        marker=marker,
        start=start,
        end=end,
        text=piece,
        outlet=outlet,
        title=title,
        date=date,
        url=url,
        cited_start=cited[0] if cited else None,
        cited_end=cited[1] if cited else None,
    )


def _clean_url(url: str) -> str:
    url = url.rstrip(".,;:’'»]}")
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def _title(piece: str) -> tuple[str | None, int]:
    best: re.Match[str] | None = None
    for pattern in _TITLES:
        m = next((m for m in pattern.finditer(piece) if _has_word(m.group(1))), None)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None, 0
    title = " ".join(best.group(1).split()).strip(" ,.;:")
    return (title or None), best.end()


def _date(piece: str, after: int) -> tuple[str | None, int]:
    """ISO date of the source, at its precision (YYYY-MM-DD, YYYY-MM or YYYY); skips access dates."""
    year_only: tuple[str, int] | None = None
    for m in _DATE.finditer(piece, after):
        if _ACCESSED.search(piece[max(0, m.start() - 20) : m.start()]):
            continue
        value = _iso(m)
        if value is None:
            continue
        if m.group("y6"):
            year_only = year_only or (value, m.start())
            continue
        return value, m.start()
    return year_only if year_only else (None, len(piece))


def _iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["y6"]:
        return g["y6"]
    if g["y5"]:
        return _valid(int(g["y5"]), _month(g["m5"]), None)
    if g["y1"]:
        return _valid(int(g["y1"]), _month(g["m1"]), int(g["d1"]))
    if g["y2"]:
        return _valid(int(g["y2"]), _month(g["m2"]), int(g["d2"]))
    if g["y3"]:
        return _valid(int(g["y3"]), int(g["m3"]), int(g["d3"]))
    return _valid(int(g["y4"]), int(g["m4"]), int(g["d4"]))


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _valid(year: int, month: int, day: int | None) -> str | None:
    if not 1800 <= year <= 2100:
        return None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _outlet(piece: str, titled: bool, after_title: int, date_at: int) -> str | None:
    """Titled: the first comma field after the title. Untitled: the short field before the date."""
    region = piece[after_title:date_at] if titled else piece[:date_at]
    fields = [f.strip(" \t\n.,:;()[]") for f in region.split(",")]
    fields = [re.sub(r"^(?:in|In|on|On)\s+", "", f) for f in fields if f]
    fields = [f for f in fields if f and not _ACCESSED.search(f) and not f.lower().startswith(("accessed", "retrieved"))]
    if not fields:
        return None
    if titled:
        candidate = fields[0]
    elif date_at < len(piece) and len(fields) >= 1:
        candidate = fields[-1]
    else:
        return None
    candidate = " ".join(candidate.split())
    if len(candidate.split()) > 6 or len(candidate) > 80:
        return None
    return candidate
