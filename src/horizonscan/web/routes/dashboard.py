"""The dashboard: what is new, top actors, events by type over time, a world map."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...query import corpus_end, count_events, new_since, top_actors
from ..app import API, page
from ..authz import require
from .common import cached, ctx, document_count, latest_day

router = APIRouter()


def _figures(store: Any, scope: frozenset[str] | None) -> dict[str, Any]:
    latest = latest_day(store, scope)
    # "The last month of the corpus" ends where documents are dense, so one stray date
    # (a reprint dated the day it was printed) cannot stretch it over years.
    end = corpus_end(store, scope=scope)
    since = end - dt.timedelta(days=30) if end else None
    return {
        "documents": document_count(store, scope),
        "events": count_events(store, None, scope=scope),
        "actors": top_actors(store, None, basis="events", top=10, scope=scope),
        "fresh": new_since(store, since.isoformat(), until=end.isoformat(), scope=scope, min_count=1, limit=15) if since and end else None,
        "latest": latest,
    }


@router.get("/", dependencies=[require("read")], include_in_schema=False)
def dashboard(request: Request) -> Response:
    store, who, scope = ctx(request)
    figures = cached(request, "dashboard", lambda: _figures(store, scope))
    return page(request, "dashboard.html", figures)


@router.get(f"{API}/status", dependencies=[require("read")], tags=["dashboard"])
def api_status(request: Request) -> dict[str, Any]:
    """Counts of documents and events you can see; admins also get failed inputs and how many
    documents an older analyser version produced (`stale`: run `horizonscan reanalyse`)."""
    store, who, scope = ctx(request)
    out: dict[str, Any] = {"documents": document_count(store, scope), "events": count_events(store, None, scope=scope)}
    if who.is_admin:
        status = store.status()
        out.update(failed=status["failed"], unanalysed=status["unanalysed"], duplicates=status["duplicates"],
                   stale=status.get("stale", 0))
    return out


@router.get(f"{API}/new-since", dependencies=[require("read")], tags=["dashboard"])
def api_new_since(
    request: Request,
    since: str = Query(..., max_length=32, description="first day of the new window, e.g. 2020-03-01"),
    until: str | None = Query(None, max_length=32),
    min_count: int = Query(3, ge=1, le=1_000_000),
    limit: int = Query(50, ge=1, le=1000),
) -> dict[str, Any]:
    """Actors, places and event types that appear or rise sharply since a date (docs/query.md)."""
    store, _, scope = ctx(request)
    return new_since(store, since, until=until, min_count=min_count, limit=limit, scope=scope).to_dict()
