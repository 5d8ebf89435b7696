"""Full-text search with highlighted snippets and facets of the hits."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...accounts import Principal
from ...query import make_filter
from ...query.records import Page, SearchResult
from ...query import search as query_search
from ...store import Store
from ...store import search as store_search
from ..app import API, page
from ..authz import require
from ..provenance import page_for_viewer
from .common import ctx, page_json

router = APIRouter()
MAX_OFFSET = 10_000  # display position of the first hit on a page (the cursor carries the real offset)
Q = Annotated[str, Query(min_length=1, max_length=1000, description="words, \"phrases\", OR, -excluded")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]


def scoped_search(store: Store, who: Principal, text: str, *, language: str | None, date_from: str | None,
                  date_to: str | None, limit: int, cursor: str | None) -> Page[SearchResult]:
    """Ranked hits the user may read, through the query layer (scope applied in the store's search)."""
    f = make_filter(language=language or None, date_from=date_from or None, date_to=date_to or None)
    return query_search(store, text, f, limit=limit, cursor=cursor or None, scope=who.scope)


def _facets(hits: tuple[SearchResult, ...]) -> dict[str, list[tuple[str, int]]]:
    return {
        "language": Counter(h.language or "?" for h in hits).most_common(8),
        "year": sorted(Counter((h.published or "?")[:4] for h in hits).items(), reverse=True)[:10],
    }


@router.get("/search", dependencies=[require("read")], include_in_schema=False)
def search_page(
    request: Request, q: Annotated[str, Query(max_length=1000)] = "", language: Annotated[str, Query(max_length=8)] = "",
    date_from: Annotated[str, Query(max_length=32)] = "", date_to: Annotated[str, Query(max_length=32)] = "",
    cursor: Cursor = None, start: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    store, who, _ = ctx(request)
    hits: tuple[SearchResult, ...] = ()
    nxt = None
    if q.strip():
        found = page_for_viewer(scoped_search(store, who, q, language=language, date_from=date_from, date_to=date_to,
                                              limit=20, cursor=cursor), who, request)
        hits, nxt = found.items, found.next_cursor
    if not cursor:
        start = 0
    context = {"q": q, "language": language, "date_from": date_from, "date_to": date_to, "hits": hits,
               "next_cursor": nxt, "offset": start, "next_start": min(start + len(hits), MAX_OFFSET), "facets": _facets(hits),
               "rank_among": store_search.RANK_AMONG}
    name = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return page(request, name, context)


@router.get(f"{API}/search", dependencies=[require("read")], tags=["search"])
def api_search(
    request: Request, q: Q, language: Annotated[str | None, Query(max_length=8)] = None,
    date_from: Annotated[str | None, Query(max_length=32)] = None, date_to: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: Cursor = None,
) -> dict[str, Any]:
    """Ranked documents matching ``q``; snippets mark matches with ⟦ ⟧. Page with ``next_cursor``.

    A query matching more than 1,000 documents is ranked among its newest 1,000 matches
    (ingest order); fewer matches are all ranked."""
    store, who, _ = ctx(request)
    return page_json(page_for_viewer(scoped_search(store, who, q, language=language, date_from=date_from,
                                                   date_to=date_to, limit=limit, cursor=cursor), who, request))
