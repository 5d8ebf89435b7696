"""Accounts: users and roles, password hashing, sessions, API tokens, collections, audit log.

Roles say what a user may do; collection grants say on which documents:

- ``reader``: read the collections granted to them;
- ``scanner``: also upload into collections where they have write access;
- ``editor``: also upload by URL and manage grants of collections they can write;
- ``admin``: everything, every collection, users and tokens of others.

Deny by default: a user without grants sees nothing, an anonymous request sees nothing.
The SQL lives in ``store/accounts.py``; this module holds the rules.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from ..errors import HorizonscanError
from ..store import accounts as db
from ..store.accounts import DEFAULT_COLLECTION

ROLES = ("reader", "scanner", "editor", "admin")
ACCESS = ("read", "write")
SESSION_TTL = timedelta(hours=12)
TOKEN_PREFIX = "hs_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MIN_PASSWORD = 10


class AccountError(HorizonscanError):
    """A refused account operation; the message starts with its E5xx code."""


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"E501 password must have at least {MIN_PASSWORD} characters")
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# A hash to verify against when the user does not exist, so timing does not tell.
_DUMMY: list[str] = []


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (via session or token) and what they may read and write."""

    name: str
    role: str
    user_id: int
    grants: dict[str, str] = field(default_factory=dict)  # collection -> read|write
    via: str = "session"  # session, token, cli

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def scope(self) -> frozenset[str] | None:
        """Collections this principal may read, for the query layer (None: all)."""
        return None if self.is_admin else frozenset(self.grants)

    def can_read(self, collection: str) -> bool:
        return self.is_admin or collection in self.grants

    def can_write(self, collection: str) -> bool:
        if self.is_admin:
            return True
        return self.role in ("scanner", "editor") and self.grants.get(collection) == "write"

    def can_delete(self, collections: list[str]) -> bool:
        """Delete a document in ``collections``: admins; editors who may write every one of them."""
        if self.is_admin:
            return True
        return self.role == "editor" and bool(collections) and all(self.grants.get(c) == "write" for c in collections)

    @property
    def can_upload(self) -> bool:
        return self.role in ("scanner", "editor", "admin")

    @property
    def can_fetch_urls(self) -> bool:
        return self.role in ("editor", "admin")


class Accounts:
    """Account operations on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ users
    def add_user(self, name: str, password: str, role: str = "reader") -> int:
        if not _NAME.match(name or ""):
            raise AccountError("E502 user name must be 1-64 letters, digits, dots, dashes or underscores")
        if role not in ROLES:
            raise AccountError(f"E503 role must be one of {', '.join(ROLES)}")
        if db.user_by_name(self.engine, name) is not None:
            raise AccountError(f"E504 user {name} exists already")
        return db.create_user(self.engine, name, hash_password(password), role)

    def set_password(self, name: str, password: str) -> None:
        user = self._user(name)
        db.update_user(self.engine, user["id"], password_hash=hash_password(password))

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"E503 role must be one of {', '.join(ROLES)}")
        db.update_user(self.engine, self._user(name)["id"], role=role)

    def deactivate(self, name: str) -> None:
        db.update_user(self.engine, self._user(name)["id"], active=False)

    def users(self) -> list[dict[str, Any]]:
        return db.list_users(self.engine)

    def _user(self, name: str) -> dict[str, Any]:
        user = db.user_by_name(self.engine, name)
        if user is None:
            raise AccountError("E505 no such user")
        return user

    def principal(self, user: dict[str, Any], via: str) -> Principal:
        return Principal(user["name"], user["role"], user["id"], db.grants_of(self.engine, user["id"]), via)

    def uploader_scope(self, user_id: int) -> frozenset[str]:
        """What the owner of an upload job may read now (None: everything, for an admin);
        a removed or deactivated user reads nothing."""
        user = db.user_by_id(self.engine, user_id)
        if user is None or not user["active"]:
            return frozenset()
        return self.principal(user, "upload").scope  # type: ignore[return-value]

    def authenticate(self, name: str, password: str) -> Principal | None:
        user = db.user_by_name(self.engine, name) if _NAME.match(name or "") else None
        if user is None or not user["active"]:
            if not _DUMMY:
                _DUMMY.append(_hasher().hash(secrets.token_hex(8)))
            verify_password(_DUMMY[0], password)
            return None
        if not verify_password(user["password_hash"], password):
            return None
        return self.principal(user, "session")

    # ------------------------------------------------------------ sessions
    def open_session(self, who: Principal) -> tuple[str, str]:
        """A new session: (cookie value, CSRF token)."""
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        db.create_session(self.engine, _sha(sid), who.user_id, csrf, SESSION_TTL)
        return sid, csrf

    def session(self, sid: str) -> tuple[Principal, str] | None:
        if not sid or len(sid) > 128:
            return None
        found = db.session_user(self.engine, _sha(sid))
        if found is None:
            return None
        user, csrf = found
        return self.principal(user, "session"), csrf

    def close_session(self, sid: str) -> None:
        db.delete_session(self.engine, _sha(sid))

    # ------------------------------------------------------------ API tokens
    def new_token(self, name: str, label: str = "api") -> str:
        """Create an API token for user ``name``; the token is shown once and stored hashed."""
        user = self._user(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        db.create_token(self.engine, user["id"], label[:64] or "api", _sha(token), token[:10])
        return token

    def token(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
            return None
        user = db.token_user(self.engine, _sha(token))
        return None if user is None else self.principal(user, "token")

    def tokens(self, who: Principal) -> list[dict[str, Any]]:
        return db.list_tokens(self.engine, None if who.is_admin else who.user_id)

    def revoke_token(self, who: Principal, token_id: int) -> bool:
        return db.revoke_token(self.engine, token_id, None if who.is_admin else who.user_id)

    # ------------------------------------------------------------ collections
    def add_collection(self, collection_id: str, name: str | None = None) -> bool:
        if not _SLUG.match(collection_id or ""):
            raise AccountError("E506 collection id must be 1-64 lower-case letters, digits or dashes")
        return db.create_collection(self.engine, collection_id, name or collection_id)

    def collections(self, who: Principal | None = None) -> list[dict[str, Any]]:
        if who is None or who.is_admin:
            return db.list_collections(self.engine)
        return db.list_collections(self.engine, who.grants)

    def grant(self, collection_id: str, user: str, access: str | None) -> None:
        """Give ``user`` read or write access to a collection (None removes it)."""
        if access is not None and access not in ACCESS:
            raise AccountError("E507 access must be read or write")
        if not any(c["id"] == collection_id for c in db.list_collections(self.engine, [collection_id])):
            raise AccountError("E508 no such collection")
        db.grant(self.engine, collection_id, self._user(user)["id"], access)

    def members(self, collection_id: str) -> list[dict[str, Any]]:
        return db.collection_grants_list(self.engine, collection_id)

    def add_documents(self, collection_id: str, doc_ids: list[str], existing: list[str]) -> None:
        db.add_documents(self.engine, collection_id, doc_ids, existing)

    def readable(self, who: Principal, doc_ids: list[str]) -> set[str]:
        return db.readable(self.engine, doc_ids, who.scope)

    # ------------------------------------------------------------ audit
    def audit(self, action: str, who: Principal | str | None, target: str | None = None,
              detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
        name = who.name if isinstance(who, Principal) else who
        db.audit(self.engine, action, name, target, detail, ip)

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        return db.list_audit(self.engine, limit)


__all__ = ["ACCESS", "DEFAULT_COLLECTION", "ROLES", "AccountError", "Accounts", "Principal", "hash_password", "verify_password"]
