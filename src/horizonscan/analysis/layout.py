"""Body text: which parts of a document are not its body, and the note markers glued to words.

Real documents carry more than their prose: footnote and reference lists, image
file names and captions, datelines ("DJIBOUTI, 10 March 2022 –"), bylines,
"PUBLISHED : ..." lines, author-bio lines, navigation and cookie banners. Events
coded there are wrong by construction (a citation line of outlet, title and date
is not an aid delivery), and names there are not actors of the story. The
analyser computes a :class:`Layout` once (:func:`find_layout`); the actor, place,
date and event stages consult it (:meth:`Layout.for_actors` and friends).

The rules are structural: a line's length and shape, its position (the block
after a "References" heading, a line at the start of a paragraph), its
neighbours (a run of lines that read like references), the date mentions the
date stage found in it; no model is needed. The words they look for (heading words, byline and
caption openers, role nouns of author bios, navigation phrases) live in the
topic pack's ``layout.yaml``. Rules and examples: docs/events.md, "Body text".

Note markers ("Kazakh13", "Kyrgyzstan.14", "aid,3") are those the citation
stage links to a note list (:func:`citations.note_layout`). :meth:`Layout.masked`
blanks them with spaces of the same length, so the NLP passes read "Kazakh" while
every offset still indexes the original text; :func:`restore_text` puts the
original characters back into every record's ``text``.

Pure and linear in the text: a pass over lines with compiled patterns and no
model (a tagger was tried for captions and did not help: spaCy's small model
tags "signing" in "Ghani Xi signing" as a noun).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence, TypeVar

from ..packs import Pack, load_pack
from ..records import DateMention, Event, Mention, PlaceMention
from .citations import NoteLayout, note_layout

# Kinds of non-body region. Names inside them are not actors, except in tables (a
# flattened table of aid per country still names those countries); places stay
# for datelines (where the story was filed) and tables. No kind is coded for events.
KINDS = (
    "notes",  # a footnote/endnote list the citation stage accepted
    "references",  # a reference block: after a heading, or a run of reference lines
    "filename",  # an image or screenshot file name: "russia-sco_nem589_51321653", "SCO-400x267"
    "caption",  # "Photo: ...", "Figure 2 ...", a participle caption: "Ghani Xi signing"
    "dateline",  # "DJIBOUTI, 10 March 2022 –" at the start of a paragraph
    "byline",  # "By Jane Doe", "29th November 2019 by Jane Doe", a name/role signature block
    "bio",  # "Jane Doe is a senior fellow at ..."
    "date_line",  # "PUBLISHED : Monday, 18 June, 2018, 8:45am", a line that is only a date
    "navigation",  # "Share this", "Read more", cookie banners, menus
    "publication_note",  # "This article appeared in the ... print edition as ..."
    "table",  # rows of cells flattened to text
    "preamble",  # a blogger's note before a reposted piece: "A new piece for The Diplomat ..."
    "markup",  # a line of left-over tags: "<!--more-->"
)
KEEPS_ACTORS = frozenset({"table"})
KEEPS_PLACES = frozenset({"dateline", "table"})

SHORT_LINE = 14  # words; captions, bylines, date lines and headings are shorter
NAV_WORDS = 4  # a line opening with a one-word navigation cue ("Print", "Related") is this short
SIGNATURE_LINE = 6  # words in each line of a name / role / organisation signature block
BIO_MAX_WORDS = 120
BIO_MAX_SENTENCES = 3
CAPTION_WORDS = 8  # a participle caption ("Ghani Xi signing") has at most this many words
MIN_REFERENCE_RUN = 3  # lines that read like references, for a run without a heading
MAX_REFERENCE_LINE = 600  # characters; a longer line is prose
PREAMBLE_PARAGRAPHS = 3  # at most this many prose paragraphs before the piece's title
TITLE_WORDS = 25  # a line without a full stop and at most this long can be a title
DATELINE_PREFIX = 100  # characters before the dash

_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\bdoi:\s*\S+|\b10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"\((?:1[5-9]|20)\d\d[a-z]?\)|(?<![\d.,])(?:1[5-9]|20)\d\d[a-z]?(?=[.,;:)]|\s*$)")
_QUOTED = re.compile(r"“[^“”\n]{3,}”|\"[^\"\n]{3,}\"|«[^«»\n]{3,}»")
# "Pantucci, R." / "Pantucci, R. and Luo, K." / "Pantucci R, " -- a surname and initials.
_AUTHOR_INITIALS = re.compile(r"^[\s\d.)\]\[•*-]*[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?,?\s(?:[A-Z]\.\s?){1,3}(?:[,&;(]|and\b|\s|$)")
# "World Bank (2019)." / "Smith, John (2019)" -- an author and a year in brackets early in the line.
_AUTHOR_YEAR = re.compile(r"^[\s\d.)\]\[•*-]*[A-Z][^.()\n]{0,80}\((?:1[5-9]|20)\d\d[a-z]?\)")
_NUMBERED = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)]|[•*–-])\s")
_FILE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|heic|pdf|mp4|mov)$", re.IGNORECASE)
_DIMENSIONS = re.compile(r"\d{2,4}x\d{2,4}")
_TIME = re.compile(r"^\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?(?:am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*(?=\s+[\"“‘(]?[A-Z])")
_MARKUP = re.compile(r"(?:<[!/?]?[^<>\n]{0,200}>\s*)+")
_CELL_SEP = re.compile(r"\s\|\s|\t|\s{3,}")
# Menu items are split by bars or dots; a bullet (•) starts list items of the body.
_MENU_SEP = re.compile(r"\s[|·»]\s")
MENU_ITEM_WORDS = 3
_NAME = re.compile(r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|da|al|bin|el|le|la)){1,4}")
# Bios are in the present tense: "was named chairman" is news, "is a senior fellow" a bio.
_BIO_VERB = re.compile(r"\s+(?:is|are|serves as|serve as)\s+")
BIO_ROLE_WINDOW = 8  # the role noun comes within this many words of the verb
# The dash after a dateline; wire copy also writes "_" ("NAIROBI, Kenya (AP) _ ").
_DASH = re.compile(r"\s(?:--|[–—])(?:\s|$)|\s[-_](?:\s|$)|(?<=\))\s?(?:--|[–—_-])(?:\s|$)|:\s")
# A photo caption of names and a present participle: "Ghani Xi signing", "Xi and Putin
# shaking hands". (Headlines use the past participle: "Confucius Institute launched in Albania".)
_PARTICIPLE_CAPTION = re.compile(r"(?:[A-Z][\w'’.-]*\s+(?:and\s+)?){2,5}[a-z]{2,}ing(?:\s+[\w'’.-]+){0,3}")

# "Kazakh13": a capitalised word, lower-case after its capital (three letters or more),
# and one to three digits, then no word character and no decimal part ("G20", "H5N1",
# "COVID19" and "2.5" are left alone).
_LOOSE_MARKER = re.compile(r"(?<![\w])[A-Z][a-z\u00df-\u00ff]{2,}+(\d{1,3})(?![\w])(?![.,]\d)")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Cues:
    """The topic pack's layout vocabulary (``layout.yaml``), folded."""

    reference_headings: frozenset[str]
    reference_cues: tuple[str, ...]
    byline_cues: tuple[str, ...]
    date_labels: frozenset[str]
    caption_cues: tuple[str, ...]
    bio_roles: tuple[str, ...]
    navigation: tuple[str, ...]
    publication_notes: tuple[str, ...]
    preamble_cues: tuple[str, ...]

    @functools.cached_property
    def preamble_pattern(self) -> re.Pattern[str]:
        return _any_word(self.preamble_cues, plural=True)

    @functools.cached_property
    def reference_pattern(self) -> re.Pattern[str]:
        return _any_word(self.reference_cues, plural=False)

    @functools.cached_property
    def role_pattern(self) -> re.Pattern[str]:
        return _any_word(self.bio_roles, plural=True)


def _any_word(phrases: Iterable[str], plural: bool) -> re.Pattern[str]:
    """One pattern for any of ``phrases`` as whole words ("researcher" also as "researchers")."""
    alts = [re.escape(p) + ("s?" if plural else "") + (r"(?!\w)" if p[-1:].isalnum() else "") for p in phrases]
    return re.compile(r"(?<!\w)(?:" + ("|".join(alts) or r"(?!x)x") + ")")


@functools.lru_cache(maxsize=8)
def load_cues(pack: Pack) -> Cues:
    """The cues of ``pack``; a pack without ``layout.yaml`` uses the built-in pack's."""
    data = pack.yaml("layout.yaml", None)
    if data is None:
        data = load_pack("china_abroad").yaml("layout.yaml", None) or {}

    def words(key: str) -> tuple[str, ...]:
        # Longest first, so "share this" is tried before "share".
        return tuple(sorted({_fold(str(w)) for w in data.get(key) or ()}, key=lambda w: (-len(w), w)))

    return Cues(
        reference_headings=frozenset(words("reference_headings")),
        reference_cues=words("reference_cues"),
        byline_cues=words("byline_cues"),
        date_labels=frozenset(words("date_labels")),
        caption_cues=words("caption_cues"),
        bio_roles=words("bio_roles"),
        navigation=words("navigation"),
        publication_notes=words("publication_notes"),
        preamble_cues=words("preamble_cues"),
    )


def _fold(s: str) -> str:
    return " ".join(s.casefold().split())


@dataclass(frozen=True)
class Layout:
    """Non-body regions of a text (sorted, non-overlapping) and the note markers in its body."""

    regions: tuple[Region, ...] = ()
    markers: tuple[tuple[int, int], ...] = ()

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [r.start for r in self.regions]

    def region_at(self, start: int, end: int) -> Region | None:
        """The region overlapping [start, end) the most, if any."""
        if not self.regions:
            return None
        i = bisect.bisect_right(self._starts, start) - 1
        best: Region | None = None
        best_overlap = 0
        for r in self.regions[max(i, 0) :]:
            if r.start >= end:
                break
            overlap = min(end, r.end) - max(start, r.start)
            if overlap > best_overlap or (overlap == 0 and start == end and r.start <= start < r.end):
                best, best_overlap = r, overlap
        return best

    def covered(self, start: int, end: int) -> int:
        """Characters of [start, end) inside non-body regions."""
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        total = 0
        for r in self.regions[i:]:
            if r.start >= end:
                break
            total += max(0, min(end, r.end) - max(start, r.start))
        return total

    def masked(self, text: str) -> str:
        """``text`` with each note marker replaced by spaces of the same length."""
        return masked(text, self.markers)

    # -- what each stage keeps ------------------------------------------------------------

    def _keeps(self, start: int, end: int, kinds: frozenset[str]) -> bool:
        r = self.region_at(start, end)
        return r is None or r.kind in kinds

    def for_actors(self, mentions: Iterable[Mention]) -> list[Mention]:
        """Actor mentions of the body (and of tables)."""
        return [m for m in mentions if self._keeps(m.start, m.end, KEEPS_ACTORS)]

    def for_places(self, places: Iterable[PlaceMention]) -> list[PlaceMention]:
        """Place mentions of the body, datelines and tables."""
        return [p for p in places if self._keeps(p.start, p.end, KEEPS_PLACES)]

    def for_events(self, items: Iterable[T]) -> list[T]:
        """Mentions, places or dates the event coder may use: the body's only (a date in a
        citation line never dates an event)."""
        return [x for x in items if self.region_at(x.start, x.end) is None]  # type: ignore[attr-defined]

    def body_chunks(self, chunks: Sequence[T]) -> list[T]:
        """Chunks (paragraphs) with body text in them; wholly non-body ones are not coded."""
        return [c for c in chunks if self.covered(c.start, c.end) < c.end - c.start]  # type: ignore[attr-defined]

    def events(self, events: Iterable[Event]) -> list[Event]:
        """Events whose sentence is body text and whose actors are not in a non-body region."""
        out = []
        for e in events:
            s0, s1 = e.sentence_start, e.sentence_end
            if 2 * self.covered(s0, s1) >= s1 - s0 > 0:
                continue
            if any(
                a is not None and a.start is not None and a.end is not None and self.region_at(a.start, a.end)
                for a in (e.source, e.target)
            ):
                continue
            out.append(e)
        return out


def masked(text: str, markers: Sequence[tuple[int, int]]) -> str:
    """``text`` with each (start, end) marker span replaced by spaces of the same length,
    so "Kazakh13" reads "Kazakh" and every offset still indexes ``text``."""
    if not markers:
        return text
    parts: list[str] = []
    pos = 0
    for s, e in sorted(markers):
        parts.append(text[pos:s])
        parts.append(" " * (e - s))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def glued_markers(text: str, notes: NoteLayout) -> tuple[tuple[int, int], ...]:
    """Spans of the note markers glued to words: the citation stage's markers of its note
    lists; in a text without a note list (a copy whose notes were cut off), numbers glued
    to a capitalised word that ends in two lower-case letters ("Kazakh13", "Kyrgyzstan14")."""
    if notes.lists:
        return notes.markers
    return tuple((m.start(1), m.end(1)) for m in _LOOSE_MARKER.finditer(text))


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # first non-space character
    end: int  # after the last non-space character
    para: int  # index of its paragraph (lines separated by blank lines)


def find_layout(
    text: str,
    pack: Pack,
    dates: Sequence[DateMention] = (),
    is_place: Callable[[str], bool] | None = None,
    notes: NoteLayout | None = None,
) -> Layout:
    """The non-body regions of ``text`` and its note markers.

    ``dates`` are the date stage's mentions (date lines and datelines are found
    with them); ``is_place`` says whether a name is a known place (a
    dateline without a date or news agency needs one); ``notes`` is
    :func:`citations.note_layout` of ``text`` when the caller has it already.
    """
    if not text.strip():
        return Layout()
    cues = load_cues(pack)
    notes = note_layout(text) if notes is None else notes
    regions: list[Region] = [Region(s, e, "notes") for s, e in notes.lists]
    lines = _lines(text)
    date_spans = sorted((d.start, d.end) for d in dates)
    paragraphs = _paragraphs(lines)
    regions.extend(_reference_blocks(text, lines, cues))
    regions.extend(_tables(text, lines))
    # Left-over tags are a line of their own even inside a paragraph ("...\n<!--more-->").
    regions.extend(Region(ln.start, ln.end, "markup") for ln in lines if text[ln.start] == "<" and _MARKUP.fullmatch(text, ln.start, ln.end))
    taken = _Taken(regions)
    for i, para in enumerate(paragraphs):
        first, last = para[0], para[-1]
        if taken.overlaps(first.start, last.end):
            continue
        kind = None
        if len(para) == 1:
            kind = _short_line_kind(text, first, cues, date_spans, lines[0].start)
        elif all(_words(text, ln) <= SHORT_LINE for ln in para) and not _wrapped(text, para):
            # A block of short lines ("PUBLISHED : ..." over "UPDATED : ..."): each line on its own.
            for ln in para:
                if text[ln.start].islower():
                    continue  # "by Chinese Premier Li ..." goes on a sentence
                line_kind = _short_line_kind(text, ln, cues, date_spans, lines[0].start)
                if line_kind is not None:
                    taken.add(Region(ln.start, ln.end, line_kind))
            continue
        if kind is None:
            kind = _paragraph_kind(text, first.start, last.end, cues)
        if kind is None and len(para) == 1 and _signature(text, paragraphs, i, cues):
            kind = "byline"
            for nxt in paragraphs[i + 1 : i + 4]:
                if len(nxt) == 1 and _words(text, nxt[0]) <= SIGNATURE_LINE and not _ends_sentence(text, nxt[0]):
                    taken.add(Region(nxt[0].start, nxt[0].end, "byline"))
                else:
                    break
        if kind is not None:
            taken.add(Region(first.start, last.end, kind))
            continue
        dateline = _dateline(text, first.start, last.end, date_spans, is_place)
        if dateline is not None:
            taken.add(Region(first.start, dateline, "dateline"))
    for r in _preambles(text, paragraphs, taken, cues):
        taken.add(r)
    body_markers = tuple(m for m in glued_markers(text, notes) if not taken.overlaps(*m))
    return Layout(tuple(taken.sorted()), body_markers)


class _Taken:
    """Regions found so far, kept sorted and non-overlapping (the first found wins)."""

    def __init__(self, regions: Iterable[Region]) -> None:
        self._regions: list[Region] = []
        self._starts: list[int] = []
        for r in sorted(regions, key=lambda r: (r.start, -r.end)):
            self.add(r)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and self._regions[i].end > start:
            return True
        return i + 1 < len(self._regions) and self._regions[i + 1].start < end

    def kind_at(self, pos: int) -> str | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        return self._regions[i].kind if i >= 0 and self._regions[i].end > pos else None

    def add(self, r: Region) -> None:
        if r.end <= r.start or self.overlaps(r.start, r.end):
            return
        i = bisect.bisect_left(self._starts, r.start)
        self._regions.insert(i, r)
        self._starts.insert(i, r.start)

    def sorted(self) -> list[Region]:
        return list(self._regions)


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, trimmed, with the index of their blank-line-separated paragraph."""
    out: list[_Line] = []
    para = 0
    blank = False
    pos = 0
    n = len(text)
    while pos <= n:
        eol = text.find("\n", pos)
        if eol < 0:
            eol = n
        s, e = pos, eol
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            blank = True
        else:
            if blank and out:
                para += 1
            blank = False
            out.append(_Line(s, e, para))
        pos = eol + 1
    return out


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    out: list[list[_Line]] = []
    for line in lines:
        if out and out[-1][-1].para == line.para:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _wrapped(text: str, para: list[_Line]) -> bool:
    """Hard-wrapped prose (a PDF's lines): half the lines or more go on in lower case."""
    return 2 * sum(text[ln.start].islower() for ln in para[1:]) >= len(para) - 1 > 0


def _words(text: str, line: _Line) -> int:
    return len(_WORD.findall(text, line.start, line.end))


def _ends_sentence(text: str, line: _Line) -> bool:
    return text[line.end - 1] in ".!?…" and not re.search(r"(?:^|\s)[A-Z]\.$", text[max(line.start, line.end - 3) : line.end])


def _starts_with(folded: str, phrases: Iterable[str]) -> str | None:
    """The phrase ``folded`` starts with as whole words (longest first), if any."""
    for p in phrases:
        if folded.startswith(p) and (len(folded) == len(p) or not folded[len(p)].isalnum() or not p[-1].isalnum()):
            return p
    return None


# -- short lines ------------------------------------------------------------------------


def _short_line_kind(
    text: str, line: _Line, cues: Cues, date_spans: list[tuple[int, int]], first_line: int
) -> str | None:
    """The kind of a short line, if it is not body text; ``first_line`` is where the
    document's first line (its title) starts."""
    s = text[line.start : line.end]
    n_words = len(_WORD.findall(s))
    if n_words > SHORT_LINE:
        return None
    if _is_filename(s):
        return "filename"
    if _MARKUP.fullmatch(s):
        return "markup"
    if _is_date_line(text, line, cues, date_spans):
        return "date_line"
    folded = _fold(s)
    if _is_byline(text, line, cues, date_spans):
        return "byline"
    nav = _starts_with(folded, cues.navigation)
    # A one-word cue needs a short line or a colon: "Share this", "Tags: China", but not
    # the headline "Share of Chinese loans in Kyrgyz debt rises".
    if nav is not None and (" " in nav or n_words <= NAV_WORDS or folded[len(nav) :].lstrip().startswith(":")):
        return "navigation"
    items = _MENU_SEP.split(s)
    if len(items) >= 3 and all(0 < len(_WORD.findall(item)) <= MENU_ITEM_WORDS for item in items):
        return "navigation"
    if n_words <= CAPTION_WORDS and line.start > first_line and _PARTICIPLE_CAPTION.fullmatch(s):
        return "caption"  # not the document's first line, which is its title
    cue = _starts_with(folded, cues.caption_cues)
    if cue is not None:
        rest = folded[len(cue) :].lstrip()
        # "Photo: ...", "Figure 3 ...", "Source: ...", "Photo by ...": a cue then a colon, number or "by".
        if re.match(r"(?:\d+[.:]?\s|[:|/–—-]|\(|by\s|credit)", rest) or not rest:
            return "caption"
    return None


def _is_filename(s: str) -> bool:
    """One or two tokens, one shaped like a file name: "russia-sco_nem589_51321653", "SCO-400x267", "x.jpg"."""
    toks = s.split()
    if not toks or len(toks) > 2:
        return False
    for t in toks:
        if _FILE_EXT.search(t) or _DIMENSIONS.search(t):
            return True
        if "_" in t and any(c.isalnum() for c in t):
            return True
        if len(toks) == 1 and re.fullmatch(r"[A-Za-z]+[-_][A-Za-z0-9-_]*\d{3,}[A-Za-z0-9-_]*", t):
            return True
    return False


def _outside_dates(text: str, line: _Line, date_spans: list[tuple[int, int]]) -> tuple[str, bool]:
    """The line's text with its date mentions blanked, and whether it had any."""
    chars = list(text[line.start : line.end])
    found = False
    i = bisect.bisect_left(date_spans, (line.start, -1))
    if i > 0 and date_spans[i - 1][1] > line.start:
        i -= 1
    for s, e in date_spans[i:]:
        if s >= line.end:
            break
        found = True
        for k in range(max(s, line.start), min(e, line.end)):
            chars[k - line.start] = " "
    return "".join(chars), found


def _is_date_line(text: str, line: _Line, cues: Cues, date_spans: list[tuple[int, int]]) -> bool:
    """A line that is only a date, its label and a time: "PUBLISHED : Monday, 18 June, 2018, 8:45am"."""
    rest, found = _outside_dates(text, line, date_spans)
    if not found:
        return False
    for w in re.findall(r"[^\s,;:|()\[\]–—-]+", rest):
        f = w.casefold().rstrip(".")
        if f in cues.date_labels or _TIME.match(f) or not any(c.isalnum() for c in f):
            continue
        return False
    return True


def _is_byline(text: str, line: _Line, cues: Cues, date_spans: list[tuple[int, int]]) -> bool:
    """"By Jane Doe", "By Jane Doe and John Roe for The Outlet", "29th November 2019 by Jane Doe"."""
    rest, _ = _outside_dates(text, line, date_spans)
    rest = rest.strip(" ,;:|–—-")
    cue = _starts_with(_fold(rest), cues.byline_cues)
    if cue is None:
        return False
    after = rest[len(cue) :].lstrip().lstrip(":").lstrip()
    # A name follows (two capitalised words); "By 2020, China had ..." or "By Beijing's count" do not.
    if not re.match(r"[A-Z][\w'’.-]*\s+[A-Z]", after) or re.match(r"[A-Z][\w.-]*['’]s\b", after):
        return False
    return not _ends_sentence(text, line) or len(_WORD.findall(after)) <= 4


def _signature(text: str, paragraphs: list[list[_Line]], i: int, cues: Cues) -> bool:
    """A name line, then a short line naming a role: "Heather Hutchings" / "Strategy Development Manager"."""
    line = paragraphs[i][0]
    s = text[line.start : line.end]
    if not _NAME.fullmatch(s) or len(s.split()) > 4 or i + 1 >= len(paragraphs):
        return False
    nxt = paragraphs[i + 1]
    if len(nxt) != 1 or _words(text, nxt[0]) > SIGNATURE_LINE or _ends_sentence(text, nxt[0]):
        return False
    role = _fold(text[nxt[0].start : nxt[0].end])
    return _has_role(role, cues)


# -- paragraphs -------------------------------------------------------------------------


def _paragraph_kind(text: str, start: int, end: int, cues: Cues) -> str | None:
    s = text[start:end]
    folded = _fold(s[:200])
    n_sent = len(_SENTENCE_END.findall(s)) + 1
    if n_sent <= 2 and len(s) <= 600 and _starts_with(folded, cues.publication_notes):
        return "publication_note"
    if _is_bio(s, cues, n_sent):
        return "bio"
    if len(s) <= 1500 and "cookie" in s.casefold() and _starts_with(folded, cues.navigation):
        return "navigation"
    return None


def _is_bio(s: str, cues: Cues, n_sent: int) -> bool:
    """"Jane Doe is a senior fellow at ...", "Jane Doe and John Roe are ...": at most three sentences."""
    if n_sent > BIO_MAX_SENTENCES or len(_WORD.findall(s)) > BIO_MAX_WORDS:
        return False
    m = _NAME.match(s)
    if m is None:
        return False
    pos = m.end()
    joined = re.match(r"\s+and\s+", s[pos:])
    if joined:
        m2 = _NAME.match(s, pos + joined.end())
        if m2 is None:
            return False
        pos = m2.end()
    verb = _BIO_VERB.match(s, pos)
    if verb is None:
        return False
    first = _SENTENCE_END.search(s, verb.end())
    sentence = _fold(s[verb.end() : first.start() if first else len(s)])
    return _has_role(" ".join(sentence.split()[:BIO_ROLE_WINDOW]), cues)


def _has_role(folded: str, cues: Cues) -> bool:
    """Whether ``folded`` holds a role noun of author bios (or its plural: "researchers")."""
    return cues.role_pattern.search(folded) is not None


def _dateline(
    text: str, start: int, end: int, date_spans: list[tuple[int, int]], is_place: Callable[[str], bool] | None
) -> int | None:
    """End of a dateline opening the paragraph: "DJIBOUTI, 10 March 2022 – ", "BEIJING (Reuters) - "."""
    window = text[start : min(end, start + DATELINE_PREFIX)]
    dash = _DASH.search(window)
    if dash is None:
        return None
    # The story goes on after the dash in prose (on the same line or the next paragraph, as
    # wire copy has it), not in capitals (a heading "SOUTH – SOUTH ...").
    after = start + dash.end()
    story = _WORD.findall(text, after, min(end, after + 200) if text[after:end].strip() else after + 200)
    if len(story) < 3 or not any(w[:1].islower() for w in story):
        return None
    prefix = window[: dash.start()]
    head = re.match(r"[^,(]+", prefix)
    if head is None:
        return None
    place = head.group(0).strip()
    letters = [c for c in place if c.isalpha()]
    # The place is in capitals ("DJIBOUTI", "ST. LOUIS", "WASHINGTON/BEIJING"), three letters or more.
    if len(letters) < 3 or any(c.islower() for c in letters) or len(place.split()) > 4:
        return None
    rest = prefix[head.end() :]
    has_date = any(s < start + dash.start() and e > start + head.end() for s, e in date_spans)
    agency = re.search(r"\([^()]{2,40}\)", rest)
    # Whatever follows the place is names, a date, a news agency: no lower-case words outside dates/brackets.
    cleaned = re.sub(r"\([^()]*\)", " ", rest)
    if has_date:
        spans = [(max(s - start, 0), e - start) for s, e in date_spans if start <= s < start + dash.start()]
        chars = list(prefix)
        for s, e in spans:
            for k in range(s, min(e, len(chars))):
                chars[k] = " "
        cleaned = re.sub(r"\([^()]*\)", " ", "".join(chars)[head.end() :])
    if any(w[:1].islower() for w in _WORD.findall(cleaned)):
        return None
    if not (has_date or agency or (is_place is not None and is_place(place.title()))):
        return None
    return start + dash.end()


# -- line runs --------------------------------------------------------------------------


def _reference_score(s: str, cues: Cues) -> tuple[float, bool]:
    """(how much a line reads like a reference, whether it has a strong sign: URL or author start)."""
    if len(s) > MAX_REFERENCE_LINE:
        return 0.0, False
    strong = bool(_URL.search(s) or _AUTHOR_INITIALS.match(s) or _AUTHOR_YEAR.match(s))
    score = 2.0 if strong else 0.0
    if _YEAR.search(s):
        score += 1
    if _QUOTED.search(s):
        score += 1
    folded = s.casefold()
    if cues.reference_pattern.search(folded):
        score += 1
    if _NUMBERED.match(s) and score:
        score += 0.5
    return score, strong


def _reference_blocks(text: str, lines: list[_Line], cues: Cues) -> Iterable[Region]:
    """A heading ("References", "Notes", "Литература") and the reference lines after it;
    and runs of at least MIN_REFERENCE_RUN lines that read like references without one."""
    scores = [_reference_score(text[ln.start : ln.end], cues) for ln in lines]
    i = 0
    while i < len(lines):
        ln = lines[i]
        if _is_heading(text, ln, cues):
            j = i + 1
            # After a heading a line with any sign of a reference counts; a long
            # plain paragraph (the next section's prose) ends the block.
            while j < len(lines) and (scores[j][0] >= 1 or (_words(text, lines[j]) <= SHORT_LINE and j + 1 < len(lines) and scores[j + 1][0] >= 1)):
                j += 1
            if j > i + 1:
                yield Region(ln.start, lines[j - 1].end, "references")
                i = j
                continue
            i += 1
            continue
        j = i
        while j < len(lines) and scores[j][0] >= 2:
            j += 1
        run = scores[i:j]
        if len(run) >= MIN_REFERENCE_RUN and 2 * sum(strong for _, strong in run) >= len(run):
            yield Region(ln.start, lines[j - 1].end, "references")
        i = max(j, i + 1)


def _is_heading(text: str, line: _Line, cues: Cues) -> bool:
    s = text[line.start : line.end]
    if len(s) > 60:
        return False
    s = re.sub(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|#+)\s*", "", s).strip().rstrip(":").strip("*_ ")
    return _fold(s) in cues.reference_headings


def _tables(text: str, lines: list[_Line]) -> Iterable[Region]:
    """Runs of at least two lines with two or more cell separators each (|, tab, wide gaps)."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(_CELL_SEP.findall(text, lines[j].start, lines[j].end)) >= 2:
            j += 1
        if j - i >= 2:
            yield Region(lines[i].start, lines[j - 1].end, "table")
        i = max(j, i + 1)


# -- preambles --------------------------------------------------------------------------

_ENDS_PIECE = frozenset({"bio", "publication_note", "byline"})


def _preambles(text: str, paragraphs: list[list[_Line]], taken: _Taken, cues: Cues) -> Iterable[Region]:
    """A blog that reposts pieces puts a note before each: "A new piece for The Diplomat
    looking at ...", then the piece's title. Prose paragraphs that open the document or
    follow the end of the previous piece (its author bio, print note or signature), come
    right before a title line, and speak of the piece (``preamble_cues``) are not body."""
    starts = [0] + [
        i + 1
        for i, para in enumerate(paragraphs[:-1])
        if (r := _region_of(taken, para)) is not None and r in _ENDS_PIECE
    ]
    for i in starts:
        j = i
        while j < len(paragraphs) and j - i < PREAMBLE_PARAGRAPHS and not _is_title(text, paragraphs[j], taken):
            if not _is_prose(text, paragraphs[j], taken):
                break
            j += 1
        if j == i or j >= len(paragraphs) or not _is_title(text, paragraphs[j], taken):
            continue
        block = _fold(text[paragraphs[i][0].start : paragraphs[j - 1][-1].end])
        if cues.preamble_pattern.search(block):
            yield Region(paragraphs[i][0].start, paragraphs[j - 1][-1].end, "preamble")


def _region_of(taken: _Taken, para: list[_Line]) -> str | None:
    return taken.kind_at(para[0].start)


def _is_prose(text: str, para: list[_Line], taken: _Taken) -> bool:
    first, last = para[0], para[-1]
    return not taken.overlaps(first.start, last.end) and (len(para) > 1 or _words(text, first) > SHORT_LINE)


def _is_title(text: str, para: list[_Line], taken: _Taken) -> bool:
    line = para[0]
    return len(para) == 1 and not taken.overlaps(line.start, line.end) and _words(text, line) <= TITLE_WORDS and text[line.end - 1] not in ".…"


# --------------------------------------------------------------------------- records


def restore_text(items: Sequence[T], text: str, markers: Sequence[tuple[int, int]] = ()) -> list[T]:
    """Records with their ``text`` (and nested actors', places' and dates' ``text``) read
    again from the original ``text``: the analysis ran on the masked copy. A span that
    runs over a note marker ("Kazakh2 hospitals" read as "Kazakh  hospitals") ends
    before it: a marker is never part of a name."""
    starts = [m[0] for m in markers]
    return [_restore(x, text, markers, starts) for x in items]


def _restore(x: Any, text: str, markers: Sequence[tuple[int, int]], starts: list[int]) -> Any:
    if x is None or not dataclasses.is_dataclass(x):
        return x
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(x):
        v = getattr(x, f.name)
        if dataclasses.is_dataclass(v):
            nv = _restore(v, text, markers, starts)
            if nv is not v:
                changes[f.name] = nv
    start, end = getattr(x, "start", None), getattr(x, "end", None)
    if isinstance(start, int) and isinstance(end, int) and isinstance(getattr(x, "text", None), str):
        k = bisect.bisect_right(starts, start)
        if k < len(starts) and starts[k] < end:
            cut = starts[k]
            while cut > start and not text[cut - 1].isalnum():
                cut -= 1
            if cut > start:
                changes["end"] = end = cut
        original = text[start:end]
        if original != x.text:
            changes["text"] = original
    return dataclasses.replace(x, **changes) if changes else x
