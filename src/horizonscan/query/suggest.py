"""Autocomplete: actors matching what a user has typed so far, within their scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import Record
from ..store.suggest import actor_suggestions
from .api import DEFAULT_TIMEOUT_MS, HasEngine, _bounded, _int, _scope
from .errors import BAD_VALUE, invalid

MAX_TYPED = 80
MAX_SUGGESTIONS = 50


@dataclass(frozen=True, slots=True)
class ActorSuggestion(Record):
    id: str
    name: str | None
    kind: str | None
    country: str | None


def suggest_actors(
    store: HasEngine, typed: Any, *, limit: int = 10, scope: Any = None, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> list[ActorSuggestion]:
    """Actors whose name (or a word of it) or id starts with ``typed``, shortest names first.

    Only actors named in a document the scope can read are offered. ``typed`` is
    matched literally (``%`` and ``_`` are not wildcards), case-insensitively.
    """
    if not isinstance(typed, str):
        raise invalid(BAD_VALUE, "q must be text")
    typed = " ".join(typed.split())
    if not typed:
        return []
    if len(typed) > MAX_TYPED or any(ord(c) < 32 for c in typed):
        raise invalid(BAD_VALUE, f"q must be at most {MAX_TYPED} printable characters")
    limit = _int("limit", limit, 1, MAX_SUGGESTIONS)
    with _bounded(store, timeout_ms) as conn:
        rows = actor_suggestions(conn, typed, _scope(scope), limit)
    return [ActorSuggestion(**r) for r in rows]
