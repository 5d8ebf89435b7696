"""SQL for accounts: users, sessions, API tokens, collections, grants and the audit log.

Only hashes of secrets are stored (argon2 for passwords, SHA-256 for session ids and
API tokens, which are long random strings). ``scope_clause`` is the access-control
condition the query layer adds to every read: a document is visible when it is in a
collection of the scope; a document in no collection is in ``default``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from . import summary
from .schema import api_tokens, audit_log, collection_documents, collection_grants, collections, documents, sessions, users

DEFAULT_COLLECTION = "default"
Scope = frozenset[str] | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; everything is written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- access control


def scope_clause(doc_id: Any, scope: Scope) -> ColumnElement[bool] | None:
    """Condition on a document id column: None (no condition) for an unrestricted scope.

    Written with uncorrelated subqueries, evaluated once per statement rather than once
    per row: most documents are in no collection (so in ``default``), and the list of
    documents hidden from a scope is short.
    """
    if scope is None:
        return None
    if not scope:
        return sa.false()
    cd = collection_documents.c
    in_scope = sa.select(cd.document_id).where(cd.collection_id.in_(sorted(scope)))
    if DEFAULT_COLLECTION not in scope:
        return doc_id.in_(in_scope)  # type: ignore[no-any-return]
    # visible = unlisted (so in default) or listed in the scope = not (listed elsewhere only)
    hidden = sa.except_(sa.select(cd.document_id).where(cd.collection_id.not_in(sorted(scope))), in_scope)
    return doc_id.not_in(hidden)  # type: ignore[no-any-return]


def readable(engine: Engine, doc_ids: Sequence[str], scope: Scope) -> set[str]:
    """The ids among ``doc_ids`` that exist and that ``scope`` may read."""
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    out: set[str] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            q = sa.select(documents.c.id).where(documents.c.id.in_(ids[i : i + 500]))
            sc = scope_clause(documents.c.id, scope)
            if sc is not None:
                q = q.where(sc)
            out.update(r.id for r in conn.execute(q))
    return out


def document_collections(engine: Engine, doc_id: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(collection_documents.c.collection_id)
            .where(collection_documents.c.document_id == doc_id)
            .order_by(collection_documents.c.collection_id)
        ).scalars().all()
    return list(rows) or [DEFAULT_COLLECTION]


def add_documents(engine: Engine, collection_id: str, doc_ids: Iterable[str], existing: Iterable[str] = ()) -> None:
    """Put documents in a collection. ``existing``: ids that were stored before this upload;
    if they were in no collection (so in ``default``) they stay in ``default`` too."""
    cd = collection_documents.c
    keep_default = set(existing)
    with engine.begin() as conn:
        for doc_id in sorted(set(doc_ids)):
            listed = set(conn.execute(sa.select(cd.collection_id).where(cd.document_id == doc_id)).scalars())
            wanted = {collection_id}
            if not listed and doc_id in keep_default:
                wanted.add(DEFAULT_COLLECTION)
            if not wanted - listed:
                continue
            summary.remove_document(conn, doc_id)  # its counts move to its new visibility signature
            for c in sorted(wanted - listed):
                conn.execute(collection_documents.insert().values(collection_id=c, document_id=doc_id))
            summary.add_document(conn, doc_id)


# ---------------------------------------------------------------- users


def _user(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.id, "name": row.name, "role": row.role, "active": row.active,
                                     "password_hash": row.password_hash}


def create_user(engine: Engine, name: str, password_hash: str, role: str) -> int:
    with engine.begin() as conn:
        res = conn.execute(users.insert().values(name=name, password_hash=password_hash, role=role, active=True, created_at=_now()))
        return int(res.inserted_primary_key[0])  # type: ignore[index]


def update_user(engine: Engine, user_id: int, **values: Any) -> None:
    allowed = {k: v for k, v in values.items() if k in ("password_hash", "role", "active")}
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(**allowed))
        if values.get("active") is False or "password_hash" in values:
            conn.execute(sessions.delete().where(sessions.c.user_id == user_id))
        if "password_hash" in values:  # a new password also ends what the old one let anyone create
            t = api_tokens.c
            conn.execute(api_tokens.update().where(t.user_id == user_id, t.revoked_at.is_(None)).values(revoked_at=_now()))


def user_by_name(engine: Engine, name: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        return _user(conn.execute(sa.select(users).where(users.c.name == name)).first())


def user_by_id(engine: Engine, user_id: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        return _user(conn.execute(sa.select(users).where(users.c.id == user_id)).first())


def list_users(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
    return [{k: v for k, v in (_user(r) or {}).items() if k != "password_hash"} for r in rows]


# ---------------------------------------------------------------- sessions and tokens


def create_session(engine: Engine, sid_hash: str, user_id: int, csrf: str, ttl: dt.timedelta) -> None:
    now = _now()
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.expires_at < now))  # sweep expired ones
        conn.execute(sessions.insert().values(id=sid_hash, user_id=user_id, csrf=csrf, created_at=now, expires_at=now + ttl))


def session_user(engine: Engine, sid_hash: str) -> tuple[dict[str, Any], str] | None:
    """(user, csrf token) of a live session of an active user."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(users, sessions.c.csrf, sessions.c.expires_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.id == sid_hash, users.c.active.is_(True))
        ).first()
    if row is None or _aware(row.expires_at) < _now():
        return None
    return _user(row), row.csrf  # type: ignore[return-value]


def delete_session(engine: Engine, sid_hash: str) -> None:
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.id == sid_hash))


def create_token(engine: Engine, user_id: int, name: str, token_hash: str, prefix: str) -> int:
    with engine.begin() as conn:
        res = conn.execute(api_tokens.insert().values(user_id=user_id, name=name, token_hash=token_hash, prefix=prefix, created_at=_now()))
        return int(res.inserted_primary_key[0])  # type: ignore[index]


def token_user(engine: Engine, token_hash: str) -> dict[str, Any] | None:
    """The active user of a token that is not revoked; marks the token as used."""
    t = api_tokens.c
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(users, t.id.label("token_id"), t.last_used_at).join(api_tokens, t.user_id == users.c.id)
            .where(t.token_hash == token_hash, t.revoked_at.is_(None), users.c.active.is_(True))
        ).first()
        if row is None:
            return None
        now = _now()
        if row.last_used_at is None or _aware(row.last_used_at) < now - dt.timedelta(minutes=1):  # few writes
            conn.execute(api_tokens.update().where(t.id == row.token_id).values(last_used_at=now))
    return _user(row)


def list_tokens(engine: Engine, user_id: int | None = None) -> list[dict[str, Any]]:
    t = api_tokens.c
    q = sa.select(t.id, t.name, t.prefix, t.created_at, t.revoked_at, t.last_used_at, users.c.name.label("user")).join(
        users, users.c.id == t.user_id).order_by(t.id)
    if user_id is not None:
        q = q.where(t.user_id == user_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def revoke_token(engine: Engine, token_id: int, user_id: int | None = None) -> bool:
    """Revoke a token (of ``user_id`` only, unless None); False when there was nothing to revoke."""
    t = api_tokens.c
    q = api_tokens.update().where(t.id == token_id, t.revoked_at.is_(None))
    if user_id is not None:
        q = q.where(t.user_id == user_id)
    with engine.begin() as conn:
        return conn.execute(q.values(revoked_at=_now())).rowcount > 0


# ---------------------------------------------------------------- collections


def create_collection(engine: Engine, collection_id: str, name: str) -> bool:
    with engine.begin() as conn:
        if conn.execute(sa.select(collections.c.id).where(collections.c.id == collection_id)).first():
            return False
        conn.execute(collections.insert().values(id=collection_id, name=name, created_at=_now()))
        return True


def list_collections(engine: Engine, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    c = collections.c
    q = sa.select(c.id, c.name).order_by(c.id)
    if ids is not None:
        q = q.where(c.id.in_(sorted(set(ids))))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def grant(engine: Engine, collection_id: str, user_id: int, access: str | None) -> None:
    """Set a user's access to a collection (``read``, ``write``) or remove it (None)."""
    g = collection_grants.c
    with engine.begin() as conn:
        conn.execute(collection_grants.delete().where(g.collection_id == collection_id, g.user_id == user_id))
        if access is not None:
            conn.execute(collection_grants.insert().values(collection_id=collection_id, user_id=user_id, access=access))


def grants_of(engine: Engine, user_id: int) -> dict[str, str]:
    g = collection_grants.c
    with engine.connect() as conn:
        return {r.collection_id: r.access for r in conn.execute(sa.select(g.collection_id, g.access).where(g.user_id == user_id))}


def collection_grants_list(engine: Engine, collection_id: str) -> list[dict[str, Any]]:
    g = collection_grants.c
    q = sa.select(users.c.name, g.access).join(users, users.c.id == g.user_id).where(g.collection_id == collection_id).order_by(users.c.name)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


# ---------------------------------------------------------------- audit log


def audit(engine: Engine, action: str, user_name: str | None, target: str | None = None,
          detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(audit_log.insert().values(at=_now(), user_name=user_name, action=action, target=target,
                                               detail=detail or {}, ip=ip))


def list_audit(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    a = audit_log.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(a.id.desc()).limit(max(1, min(limit, 10_000))))
        return [dict(r._mapping) for r in rows]
