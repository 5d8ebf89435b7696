"""Who is asking, and may they use this route?

Every route declares one policy with ``Depends(require(POLICY))``; ``policy_of(route)``
reads it back, so tests can check that no route was added without one. Policies say
*who* may call a route; *which* documents they see is the principal's scope, passed to
every query function (and to ``Accounts.readable`` for single documents).

- ``public``: anyone (login page, health check, OpenAPI schema);
- ``read``: any signed-in user (data limited to their collections);
- ``upload``: scanners, editors, admins (and write access to the target collection);
- ``admin``: admins only.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from ..accounts import Principal
from .security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, same

POLICIES = ("public", "read", "upload", "admin")


class AuthError(Exception):
    """401 (not signed in) or 403 (signed in, not allowed); rendered by the app's handlers."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after  # seconds, sent as Retry-After (429)


def principal(request: Request) -> Principal | None:
    """The signed-in user of this request (bearer token or session cookie), cached on the request."""
    if hasattr(request.state, "principal"):
        return request.state.principal  # type: ignore[no-any-return]
    accounts = request.app.state.accounts
    who: Principal | None = None
    csrf: str | None = None
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(401, "E521", "malformed Authorization header; use: Bearer <token>")
        who = accounts.token(token.strip())
        if who is None:
            raise AuthError(401, "E522", "invalid or revoked API token")
    else:
        found = accounts.session(request.cookies.get(SESSION_COOKIE, ""))
        if found is not None:
            who, csrf = found
    request.state.principal = who
    request.state.csrf = csrf
    return who


class Require:
    """Dependency enforcing one policy; its ``policy`` attribute is read by ``policy_of``."""

    def __init__(self, policy: str) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy}")
        self.policy = policy

    async def __call__(self, request: Request) -> Principal | None:
        who = principal(request)
        if self.policy == "public":
            return who
        if who is None:
            raise AuthError(401, "E520", "sign in first")
        if request.method not in ("GET", "HEAD", "OPTIONS") and who.via == "session":
            check_csrf(request, await _form_token(request))
        if self.policy == "upload" and not who.can_upload:
            if _deletes(request):  # deleting needs the upload roles too; say what was refused
                raise AuthError(403, "E531", "your role may not delete documents (editors and admins may)")
            raise AuthError(403, "E523", "your role may not upload")
        if self.policy == "admin" and not who.is_admin:
            raise AuthError(403, "E524", "administrators only")
        return who


def _deletes(request: Request) -> bool:
    """A request to delete a document (the API's DELETE, the page's POST .../delete)."""
    path = request.url.path
    return path.startswith(("/documents/", "/api/v1/documents/")) and (
        request.method == "DELETE" or (request.method == "POST" and path.endswith("/delete")))


async def _form_token(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def check_csrf(request: Request, token: str | None) -> None:
    if not same(token, getattr(request.state, "csrf", None)):
        raise AuthError(403, "E525", "form expired or forged (CSRF check failed); reload the page")


_cache: dict[str, Callable[..., Any]] = {}


def require(policy: str) -> Any:
    """``Depends`` object for a policy (one instance per policy, so routes share it)."""
    if policy not in _cache:
        _cache[policy] = Depends(Require(policy))
    return _cache[policy]


def policy_of(route: APIRoute) -> str | None:
    for dep in route.dependant.dependencies:
        call = dep.call
        if isinstance(call, Require):
            return call.policy
    return None


def user(request: Request) -> Principal:
    """The principal of a route whose policy already required one."""
    who = principal(request)
    if who is None:  # a route without a signed-in policy asked for a user
        raise AuthError(401, "E520", "sign in first")
    return who
