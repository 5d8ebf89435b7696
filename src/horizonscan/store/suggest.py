"""SQL for autocomplete: actors whose name or id starts with what the user typed.

Only actors named in at least one document the scope may read are offered, so a
suggestion never reveals that a private collection mentions someone.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .queries import Scope, scope_clause
from .schema import actors, mentions
from .search import like_literal


def _like(text: str) -> str:
    """``text`` as a LIKE prefix, matched literally."""
    return like_literal(text) + "%"


def actor_suggestions(conn: Connection, typed: str, scope: Scope, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` actors whose name, a later word of the name, or id (with or
    without its kind prefix) starts with ``typed``; closest (shortest) names first."""
    low = typed.lower()
    a = actors.c
    name, ident = sa.func.lower(sa.func.coalesce(a.name, "")), sa.func.lower(a.id)
    starts = sa.or_(
        name.like(_like(low), escape="\\"),
        name.like("% " + _like(low), escape="\\"),
        ident.like(_like(low), escape="\\"),
        ident.like("%:" + _like(low), escape="\\"),
    )
    named = sa.select(sa.literal(1)).select_from(mentions).where(mentions.c.actor_id == a.id)
    sc = scope_clause(mentions.c.document_id, scope)
    if sc is not None:
        named = named.where(sc)
    prefix_first = sa.case((name.like(_like(low), escape="\\"), 0), (ident.like(_like(low), escape="\\"), 0), else_=1)
    q = (
        sa.select(a.id, a.name, a.kind, a.country)
        .where(starts, sa.exists(named))
        .order_by(prefix_first, sa.func.length(sa.func.coalesce(a.name, a.id)), a.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(q)]
