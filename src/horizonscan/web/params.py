"""Query-string parameters shared by pages and API: the event/document filter, paging.

The URL is the state of every view: the same parameters drive the events table, the
map, the timeline and the network, so a view can be shared or bookmarked.
"""

from __future__ import annotations

import difflib
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


# ------------------------------------------------------------------ unknown parameters

_allowed: dict[int, frozenset[str]] = {}


def allowed_parameters(route: Any) -> frozenset[str]:
    """Query-string names a route takes (its own and its dependencies'), computed once per route."""
    key = id(route)
    if key not in _allowed:
        names: set[str] = set()
        pending = [route.dependant]
        while pending:
            dependant = pending.pop()
            names.update(p.alias for p in dependant.query_params)
            pending.extend(dependant.dependencies)
        _allowed[key] = frozenset(names)
    return _allowed[key]


async def known_parameters(request: Request) -> None:
    """Every route's guard against parameters it does not take (an app-wide dependency).

    A misspelt filter (``sourcecountry=CHN``) used to be ignored, so the answer looked
    filtered and was not; now it is a 422 (E411) naming the parameter and its near miss.
    The route's access policy answers first: an anonymous caller is asked to sign in.
    """
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    allowed = allowed_parameters(route)
    unknown = sorted({k for k in request.query_params.keys() if k not in allowed})
    if not unknown:
        return
    from ..query.errors import UnknownParameter
    from .authz import Require, policy_of

    policy = policy_of(route)
    if policy:
        await Require(policy)(request)
    name = unknown[0]
    close = difflib.get_close_matches(name.lower(), sorted(allowed), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    shown = name[:40] + ("…" if len(name) > 40 else "")
    takes = ", ".join(sorted(allowed)) or "none"
    more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
    err = UnknownParameter(f"E411 unknown parameter {shown!r}{more}{hint} (this page takes: {takes})")
    err.field = name
    raise err
