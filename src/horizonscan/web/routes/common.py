"""Small helpers shared by route modules."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any, Callable, TypeVar

from fastapi import Request

from ...accounts import Principal
from ...query import Filter, facets, find_documents
from ...store import Store
from ..authz import user

T = TypeVar("T")


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


CACHE_SECONDS = 30.0
_guard = threading.Lock()


def cached(request: Request, key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, kept for CACHE_SECONDS per app under ``key`` and the user's scope
    (added here, so nothing computed for one set of collections is served to another).

    Many readers opening the same page within seconds share one computation; concurrent
    misses wait for the first one instead of repeating it. The key also holds the store's
    generation (bumped by every write, upload, move or deletion in the same transaction),
    so a write is visible at the next request, not after the time limit.
    """
    state = request.app.state
    key = (key, scope_key(user(request).scope), state.store.generation())
    with _guard:
        if not hasattr(state, "cache"):
            state.cache, state.cache_locks = {}, {}
        lock = state.cache_locks.setdefault(key, threading.Lock())
    with lock:
        hit = state.cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with _guard:
            if len(state.cache) > 1024:
                state.cache.clear()
                state.cache_locks = {key: lock}
            state.cache[key] = (time.monotonic(), value)
        return value


def scope_key(scope: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if scope is None else tuple(sorted(scope))
