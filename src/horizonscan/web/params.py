"""Query-string parameters shared by pages and API: the event/document filter, paging.

The URL is the state of every view: the same parameters drive the events table, the
map, the timeline and the network, so a view can be shared or bookmarked.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request

from ..query import Filter, make_filter

FILTER_FIELDS = (
    "type", "mode", "actor", "source_actor", "target_actor", "actor_kind", "country", "source_country",
    "target_country", "place_country", "region", "near", "bbox", "date_from", "date_to", "language", "source",
    "theme", "min_confidence", "involving",
)
DOCUMENT_FILTER_FIELDS = ("actor", "date_from", "date_to", "language", "source", "theme")
Text = Annotated[str | None, Query(max_length=512)]


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def event_filter(
    type: Text = None, mode: Text = None, actor: Text = None, source_actor: Text = None, target_actor: Text = None,
    actor_kind: Text = None, country: Text = None, source_country: Text = None, target_country: Text = None,
    place_country: Text = None, region: Text = None, near: Text = None, bbox: Text = None,
    date_from: Text = None, date_to: Text = None, language: Text = None, source: Text = None, theme: Text = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    involving: Annotated[str | None, Query(max_length=512, description="country as source, target or place, e.g. KGZ")] = None,
) -> Filter:
    """Event filter from the query string (validated by the query layer, E41x)."""
    return make_filter(**_clean(dict(
        type=type, mode=mode, actor=actor, source_actor=source_actor, target_actor=target_actor,
        actor_kind=actor_kind, country=country, source_country=source_country, target_country=target_country,
        place_country=place_country, region=region, near=near, bbox=bbox, date_from=date_from, date_to=date_to,
        language=language, source=source, theme=theme, min_confidence=min_confidence, involving=involving)))


def document_filter(
    actor: Text = None, date_from: Text = None, date_to: Text = None, language: Text = None, source: Text = None,
    theme: Text = None,
) -> Filter:
    """Document filter (published date, language, source, theme, mentioned actor)."""
    return make_filter(**_clean(dict(actor=actor, date_from=date_from, date_to=date_to, language=language,
                                     source=source, theme=theme)))


def filter_args(request: Request, fields: tuple[str, ...] = FILTER_FIELDS) -> dict[str, str]:
    """The filter parameters present in this request's URL (to rebuild links)."""
    return {k: v for k, v in request.query_params.items() if k in fields and v}


def qs(args: dict[str, Any], **changes: Any) -> str:
    """Query string from ``args`` with ``changes`` applied (None removes a key)."""
    merged = {**args, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})
