"""Full-text search with highlighted snippets and facets of the hits."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...accounts import Principal
from ...query import make_filter
from ...store import Store
from ...store.search import SearchHit
from ..app import API, page
from ..authz import require
from .common import ctx

router = APIRouter()
MAX_OFFSET = 10_000
Q = Annotated[str, Query(min_length=1, max_length=1000, description="words, \"phrases\", OR, -excluded")]


def scoped_search(store: Store, who: Principal, text: str, *, language: str | None, date_from: str | None,
                  date_to: str | None, limit: int, offset: int) -> tuple[list[SearchHit], int | None]:
    """Ranked hits the user may read, from ``offset``; access control is applied in the store's search."""
    f = make_filter(language=language or None, date_from=date_from or None, date_to=date_to or None)
    d = f.dates
    hits = store.search(
        text, limit=limit + 1, offset=offset, scope=who.scope,
        language=f.languages[0] if f.languages else None,
        date_from=d.start.isoformat() if d and d.start else None,
        date_to=d.end.isoformat() if d and d.end else None,
    )
    more = len(hits) > limit
    return hits[:limit], (offset + limit if more and offset + limit <= MAX_OFFSET else None)


def _facets(hits: list[SearchHit]) -> dict[str, list[tuple[str, int]]]:
    return {
        "language": Counter(h.language or "?" for h in hits).most_common(8),
        "year": sorted(Counter((h.published or "?")[:4] for h in hits).items(), reverse=True)[:10],
    }


@router.get("/search", dependencies=[require("read")], include_in_schema=False)
def search_page(
    request: Request, q: Annotated[str, Query(max_length=1000)] = "", language: Annotated[str, Query(max_length=8)] = "",
    date_from: Annotated[str, Query(max_length=32)] = "", date_to: Annotated[str, Query(max_length=32)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    store, who, _ = ctx(request)
    hits: list[SearchHit] = []
    nxt = None
    if q.strip():
        hits, nxt = scoped_search(store, who, q, language=language, date_from=date_from, date_to=date_to, limit=20, offset=offset)
    context = {"q": q, "language": language, "date_from": date_from, "date_to": date_to, "hits": hits,
               "next_offset": nxt, "offset": offset, "facets": _facets(hits)}
    name = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return page(request, name, context)


@router.get(f"{API}/search", dependencies=[require("read")], tags=["search"])
def api_search(
    request: Request, q: Q, language: Annotated[str | None, Query(max_length=8)] = None,
    date_from: Annotated[str | None, Query(max_length=32)] = None, date_to: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: Annotated[str | None, Query(max_length=12, pattern=r"^\d+$")] = None,
) -> dict[str, Any]:
    """Ranked documents matching ``q``; snippets mark matches with ⟦ ⟧. Page with ``next_cursor``."""
    store, who, _ = ctx(request)
    offset = min(int(cursor), MAX_OFFSET) if cursor else 0
    hits, nxt = scoped_search(store, who, q, language=language, date_from=date_from, date_to=date_to, limit=limit, offset=offset)
    return {"items": [h.__dict__ for h in hits], "next_cursor": str(nxt) if nxt is not None else None, "limit": limit}
