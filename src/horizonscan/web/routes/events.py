"""The events explorer: table, map and timeline driven by the same URL filters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...query import Filter, count_events, facets, find_events, timeline
from ...present.graph import rows_of, to_csv
from ...query.filters import ACTOR_KINDS, PLOVER_TYPES
from ..app import API, page
from ..authz import require
from ..params import event_filter, filter_args, qs
from ..security import client_ip
from .common import cached, ctx, page_json

router = APIRouter()
Cursor = Annotated[str | None, Query(max_length=2048)]
CSV_COLUMNS = ("id", "document_id", "type", "mode", "source_actor_id", "source_country", "target_actor_id", "target_country",
               "place_text", "place_country", "place_lat", "place_lon", "date_value", "date_precision", "confidence", "score",
               "sentence", "date_reported", "amount", "currency", "amount_usd", "quantity", "unit", "link")


@router.get("/events", dependencies=[require("read")], include_in_schema=False)
def explorer(request: Request, f: Filter = Depends(event_filter), cursor: Cursor = None,
             sort: Annotated[str, Query(pattern=r"^-?(date|id)$")] = "date") -> Response:
    store, _, scope = ctx(request)
    args = filter_args(request)
    result = find_events(store, f, sort=sort, limit=50, cursor=cursor, scope=scope)
    return page(request, "events.html", {
        "args": args, "qs": qs(args), "page": result, "total": count_events(store, f, scope=scope),
        "next_qs": qs(args, cursor=result.next_cursor, sort=sort) if result.next_cursor else None,
        "types": PLOVER_TYPES, "kinds": ACTOR_KINDS,
        "type_facet": facets(store, f, fields=("type",), top=20, scope=scope)[0],
    })


def _explorer_with_error(request: Request, field: str | None, message: str, status: int) -> Response:
    """The explorer's form again, as the user filled it in, with the bad field marked: a bad
    filter is something to correct, not a dead end."""
    return page(request, "events.html", {
        "args": filter_args(request), "qs": "", "page": None, "total": 0, "next_qs": None,
        "types": PLOVER_TYPES, "kinds": ACTOR_KINDS, "type_facet": None,
        "error": {"field": field, "message": message},
    }, status)


explorer.on_bad_filter = _explorer_with_error  # type: ignore[attr-defined]


@router.get(f"{API}/events", dependencies=[require("read")], tags=["events"])
def api_events(request: Request, f: Filter = Depends(event_filter), cursor: Cursor = None,
               sort: Annotated[str, Query(pattern=r"^-?(date|id)$")] = "date",
               limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """Events (who did what to whom, where, when) matching the filter; paged by cursor."""
    store, _, scope = ctx(request)
    return page_json(find_events(store, f, sort=sort, limit=limit, cursor=cursor, scope=scope))


@router.get(f"{API}/events.csv", dependencies=[require("read")], tags=["events"], response_class=Response)
def api_events_csv(request: Request, f: Filter = Depends(event_filter),
                   limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> Response:
    """The first ``limit`` matching events as CSV (an export: recorded in the audit log)."""
    store, who, scope = ctx(request)
    rows = find_events(store, f, limit=limit, scope=scope).items
    text = to_csv(rows_of(rows), CSV_COLUMNS)  # present/ writes every CSV (formula cells made inert there)
    request.app.state.accounts.audit("export", who, target="events.csv", detail={"rows": len(rows), "filter": filter_args(request)},
                                     ip=client_ip(request.scope))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="events.csv"'})


@router.get(f"{API}/events/count", dependencies=[require("read")], tags=["events"])
def api_count(request: Request, f: Filter = Depends(event_filter),
              unit: Annotated[str, Query(pattern=r"^(events|clusters)$")] = "events") -> dict[str, int]:
    """How many events match (``unit=clusters``: real-world events, each counted once)."""
    store, _, scope = ctx(request)
    return {"count": count_events(store, f, unit=unit, scope=scope)}


@router.get(f"{API}/timeline", dependencies=[require("read")], tags=["events"])
def api_timeline(request: Request, f: Filter = Depends(event_filter),
                 granularity: Annotated[str, Query(pattern=r"^(day|week|month|quarter|year)$")] = "month",
                 by: Annotated[str | None, Query(max_length=32)] = None,
                 top_keys: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Event counts per period, optionally split by a facet (type, source_country, ...)."""
    store, _, scope = ctx(request)
    return cached(request, ("timeline", str(request.url.query)),
                  lambda: timeline(store, f, granularity=granularity, by=by or None, top_keys=top_keys, scope=scope).to_dict())


@router.get(f"{API}/facets", dependencies=[require("read")], tags=["events"])
def api_facets(request: Request, f: Filter = Depends(event_filter),
               fields: Annotated[str, Query(max_length=200, description="comma-separated facet names")] = "type",
               top: Annotated[int, Query(ge=1, le=1000)] = 10) -> dict[str, Any]:
    """Top values with counts of each facet among matching events."""
    store, _, scope = ctx(request)
    names = tuple(x.strip() for x in fields.split(",") if x.strip())
    return {"facets": [x.to_dict() for x in facets(store, f, fields=names, top=top, scope=scope)]}
