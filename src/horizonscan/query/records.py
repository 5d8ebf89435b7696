"""Plain records returned by the query functions (JSON-ready through ``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ..records import Record
from ..store.search import SearchHit

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Record, Generic[T]):
    """One page of results; pass ``next_cursor`` back to get the next (None: last page)."""

    items: tuple[T, ...]
    next_cursor: str | None
    limit: int


@dataclass(frozen=True, slots=True)
class EventRecord(Record):
    id: int
    document_id: str
    type: str
    mode: str | None
    source_text: str | None
    source_actor_id: str | None
    source_country: str | None
    source_sector: str | None
    target_text: str | None
    target_actor_id: str | None
    target_country: str | None
    target_sector: str | None
    place_text: str | None
    place_lat: float | None
    place_lon: float | None
    place_country: str | None
    date_value: str | None
    date_precision: str | None
    date_start: str | None
    negated: bool
    hypothetical: bool
    confidence: float
    score: float
    cameo: str | None
    cluster_id: str | None
    sentence: str
    document_title: str | None
    # Added with migration 0007; NULL for events stored before it.
    date_reported: bool | None = None  # the publication date stands in for the event's date
    amount: float | None = None
    currency: str | None = None
    amount_usd: float | None = None
    quantity: float | None = None
    unit: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    link: str | None = None  # the document page scrolled to and highlighting the sentence


def sentence_link(document_id: str, start: int | None, end: int | None) -> str:
    """URL of the document page that highlights and scrolls to the char span ``start``-``end``."""
    if start is None or end is None:
        return f"/documents/{document_id}"
    return f"/documents/{document_id}?hl={start}-{end}#s-{start}-{end}"


@dataclass(frozen=True, slots=True)
class DocumentRecord(Record):
    id: str
    title: str | None
    published: str | None
    published_start: str | None
    language: str | None
    source: str | None
    url: str | None
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class FacetValue(Record):
    value: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Facet(Record):
    field: str
    values: tuple[FacetValue, ...]
    other: int  # count outside the top values shown
    total: int


@dataclass(frozen=True, slots=True)
class TimelinePoint(Record):
    period: str  # 2020, 2020-03, 2020-W12 (ISO week), 2020-03-30, 2020-Q1
    key: str | None  # value of the split facet (None when not split; "(other)" for the rest)
    count: int


@dataclass(frozen=True, slots=True)
class Timeline(Record):
    granularity: str
    by: str | None
    points: tuple[TimelinePoint, ...]  # sorted by period then key; empty periods between the first and last are 0 (unless fill=False)
    keys: tuple[str | None, ...]  # split values in order of total count
    coarser: int  # matching events whose date is coarser than the granularity (not in points)
    undated: int  # matching events without a date


@dataclass(frozen=True, slots=True)
class Node(Record):
    id: str
    label: str
    kind: str | None
    country: str | None
    weight: int  # events (or co-mentions) touching the node


@dataclass(frozen=True, slots=True)
class Edge(Record):
    source: str
    target: str
    weight: int
    mean_score: float | None  # cooperation (+10) … conflict (-10); None for co-occurrence
    first: str | None  # first and last date_start (events) of the edge
    last: str | None


@dataclass(frozen=True, slots=True)
class Network(Record):
    kind: str  # "events" (directed source→target) or "co-occurrence" (undirected)
    level: str  # actor, country, document, sentence
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool  # more edges matched than were returned


@dataclass(frozen=True, slots=True)
class ActorCount(Record):
    id: str
    name: str | None
    kind: str | None
    country: str | None
    count: int  # documents mentioning it (basis "mentions") or events with it (basis "events")
    as_source: int
    as_target: int


@dataclass(frozen=True, slots=True)
class PlaceCount(Record):
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    count: int  # documents (basis "mentions") or events (basis "events") at the place


@dataclass(frozen=True, slots=True)
class NewItem(Record):
    kind: str  # actor, place, event_type
    key: str
    label: str
    recent: int  # count in the new window
    baseline: int  # count in the baseline window
    expected: float  # baseline count scaled to the new window's length
    ratio: float  # (recent + α) / (expected + α)
    status: str  # "new" (absent from the baseline) or "rising"


@dataclass(frozen=True, slots=True)
class NewSince(Record):
    since: str
    until: str
    baseline_from: str
    baseline_to: str
    items: tuple[NewItem, ...]
    note: str | None = None  # why nothing was found, when items is empty


# A ranked full-text hit: the store's record, re-exported (one definition, no copying).
SearchResult = SearchHit
