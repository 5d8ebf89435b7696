"""Small helpers shared by route modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request

from ...accounts import Principal
from ...query import Filter, facets, find_documents
from ...store import Store
from ..authz import user


def ctx(request: Request) -> tuple[Store, Principal, frozenset[str] | None]:
    """(store, signed-in user, their scope) of a request."""
    who = user(request)
    return request.app.state.store, who, who.scope


def page_json(page: Any) -> dict[str, Any]:
    return {"items": [i.to_dict() for i in page.items], "next_cursor": page.next_cursor, "limit": page.limit}


def document_count(store: Store, scope: frozenset[str] | None, f: Filter | None = None) -> int:
    """Documents visible in ``scope`` (the total of a document facet)."""
    return int(facets(store, f, fields=("language",), top=1, target="documents", scope=scope)[0].total)


def latest_day(store: Store, scope: frozenset[str] | None) -> dt.date | None:
    """Publication day of the newest visible document."""
    items = find_documents(store, None, sort="-date", limit=1, scope=scope).items
    day = items[0].published_start if items else None
    return dt.date.fromisoformat(day) if day else None
