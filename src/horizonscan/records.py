"""Plain typed records that cross every boundary of the flow (DESIGN §2, §3).

ORM objects never leave the store; these frozen dataclasses do. Each has
``to_dict()`` giving the JSON shape used by ``horizonscan analyse --format jsonl``
and the REST API, so one definition serves the CLI, the store and the web.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def _plain(value: Any) -> Any:
    """Turn nested dataclasses/tuples into JSON-ready dicts/lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Record:
    """Mixin: ``to_dict`` for every record."""

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class Found(Record):
    """A metadata value and how it was found (e.g. ``html:meta``, ``feed:entry``, ``text:first-line``)."""

    value: str | None
    how: str | None = None


@dataclass(frozen=True, slots=True)
class Document(Record):
    """One document as read from a source, before analysis.

    ``id`` is the content hash of the normalised text (see ``ingest.normalise``),
    so the same text from any path or URL is the same document.
    """

    id: str
    text: str
    title: Found = field(default_factory=lambda: Found(None))
    published: Found = field(default_factory=lambda: Found(None))  # ISO date or datetime
    language: Found = field(default_factory=lambda: Found(None))  # ISO 639-1 code
    author: Found = field(default_factory=lambda: Found(None))
    url: str | None = None
    path: str | None = None
    source: str | None = None  # feed URL, folder, host or person the document came from
    media_type: str = "text/plain"
    reader: str = ""  # registered reader name and version, e.g. "html.v1"
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- analyse


@dataclass(frozen=True, slots=True)
class Sentence(Record):
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention(Record):
    """A span naming an actor (or an unresolved named entity).

    ``label``: PER, ORG, LOC, GPE, NORP, FAC, ... (spaCy-style NER label after
    correction by the dictionary). ``actor_id`` is a canonical id (``CHN``,
    ``igo:sco``, ``person:xi-jinping``) or None when unknown.
    """

    start: int
    end: int
    text: str
    label: str
    actor_id: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3 of affiliation
    kind: str | None = None  # state, government, military, igo, ngo, company, person, group
    sector: str | None = None  # GOV, MIL, CVL, BUS, NGO, IGO, MED, EDU, REL, ...
    name: str | None = None  # canonical display name
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class PlaceMention(Record):
    start: int
    end: int
    text: str
    name: str | None = None  # canonical gazetteer name
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO-3
    geonames_id: int | None = None
    feature: str | None = None  # country, admin1, city, continent, region, site
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class DateMention(Record):
    """A time expression normalised TIMEX3-style.

    ``value``: ``2020-03-30``, ``2020-03``, ``2020``, ``2020-W12``, ``2019/2020``
    (range), ``P2Y`` (duration), ``PRESENT_REF`` ...; ``precision``: day, month,
    year, decade, century, week, quarter, season, range, duration, time, unknown.
    ``mod``: TIMEX3 modifier such as ``START``, ``MID``, ``END``, ``APPROX``.
    """

    start: int
    end: int
    text: str
    value: str
    precision: str
    type: str = "DATE"  # DATE, TIME, DURATION, SET
    mod: str | None = None
    anchored: bool = False  # resolved against the document date


@dataclass(frozen=True, slots=True)
class Theme(Record):
    """A paragraph tagged with a human-security dimension or STEEP category."""

    scheme: str  # "human-security" or "steep"
    label: str  # e.g. "health", "economic"; STEEP: social, technological, economic, environmental, political
    start: int  # paragraph span
    end: int
    evidence: tuple[str, ...] = ()
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Citation(Record):
    """A note or reference and the sentence that cites it."""

    marker: str  # "1", "16", "[3]"
    start: int  # span of the note text
    end: int
    text: str
    outlet: str | None = None
    title: str | None = None
    date: str | None = None  # ISO
    url: str | None = None
    cited_start: int | None = None  # span of the citing sentence
    cited_end: int | None = None


@dataclass(frozen=True, slots=True)
class EventActor(Record):
    text: str
    actor_id: str | None = None
    country: str | None = None
    sector: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class EventPlace(Record):
    text: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    geonames_id: int | None = None


@dataclass(frozen=True, slots=True)
class EventDate(Record):
    """When the event happened: ``text`` is the expression it came from.

    ``reported`` is True when the sentence gives no date of its own and the document's
    publication date stands in (``text`` is then None): the event was reported by then.
    """

    value: str
    precision: str
    text: str | None = None
    reported: bool = False


@dataclass(frozen=True, slots=True)
class Event(Record):
    """Who did what to whom, where and when (PLOVER)."""

    type: str  # PLOVER category, e.g. AID
    mode: str | None
    source: EventActor | None
    target: EventActor | None
    sentence_start: int
    sentence_end: int
    trigger: str = ""  # the verb/noun phrase that triggered it
    place: EventPlace | None = None
    date: EventDate | None = None
    negated: bool = False
    hypothetical: bool = False
    speaker: EventActor | None = None  # for reported speech
    confidence: float = 0.5
    cameo: str | None = None
    score: float = 0.0  # cooperation–conflict, -10..+10
    # Money and counted things of the event's clause (analysis/amounts.py): amount in
    # ``currency`` (ISO 4217), ``amount_usd`` only when that currency is USD (no conversion).
    amount: float | None = None
    currency: str | None = None
    amount_usd: float | None = None
    quantity: float | None = None
    unit: str | None = None  # the pack's unit name: "doses", "masks", "tonnes", "troops"


@dataclass(frozen=True, slots=True)
class Analysis(Record):
    """Everything the analyser found in one text (DESIGN §2 ``Document -> Analysis``)."""

    language: str | None
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    themes: tuple[Theme, ...] = ()
    citations: tuple[Citation, ...] = ()
    events: tuple[Event, ...] = ()
    analyser: str = ""  # name and version of the analyser that produced it
