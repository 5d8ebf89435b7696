"""Signing in and out, the account page, API tokens."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ...accounts import Principal
from ..app import API, page, secure
from ..authz import AuthError, require, user
from ..security import CSRF_COOKIE, SESSION_COOKIE, client_ip, same

router = APIRouter()
# Ids are database integers: a longer number is refused (422) rather than overflowing the driver.
TokenId = Annotated[int, PathParam(ge=1, le=2**62, description="token id")]


def _next(raw: str | None) -> str:
    """Only local paths: never redirect off-site after signing in."""
    target = unquote(raw or "/")
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/login", dependencies=[require("public")], include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", {"next": _next(next), "failed": False})


@router.post("/login", dependencies=[require("public")], include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    if not same(csrf_token, request.cookies.get(CSRF_COOKIE)):
        raise AuthError(403, "E525", "form expired or forged (CSRF check failed); reload the page")
    throttle = request.app.state.login_throttle
    ip = client_ip(request.scope)
    wait = throttle.wait(ip, username)
    if wait > 0:  # checked before the password, so a throttled guess reveals nothing
        seconds = math.ceil(wait)
        raise AuthError(429, "E529", f"too many failed sign-ins; try again in {seconds} s", retry_after=seconds)
    accounts = request.app.state.accounts
    who = accounts.authenticate(username, password)
    if who is None:
        throttle.failed(ip, username)
        accounts.audit("login-failed", None, target=username[:64], ip=ip)
        return page(request, "login.html", {"next": _next(next), "failed": True}, status=401)
    throttle.succeeded(ip, username)
    sid, _csrf = accounts.open_session(who)
    accounts.audit("login", who, ip=ip)
    response = RedirectResponse(_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=secure(request), path="/",
                        max_age=12 * 3600)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[require("read")], include_in_schema=False)
def logout(request: Request) -> Response:
    accounts = request.app.state.accounts
    accounts.close_session(request.cookies.get(SESSION_COOKIE, ""))
    accounts.audit("logout", user(request), ip=client_ip(request.scope))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", dependencies=[require("read")], include_in_schema=False)
def account(request: Request) -> Response:
    who = user(request)
    accounts = request.app.state.accounts
    return page(request, "account.html", {"tokens": accounts.tokens(who), "collections": accounts.collections(who),
                                          "new_token": None})


@router.post("/account/tokens", dependencies=[require("read")], include_in_schema=False)
def account_new_token(request: Request, label: Annotated[str, Form(max_length=64)] = "api") -> Response:
    who = user(request)
    accounts = request.app.state.accounts
    token = accounts.new_token(who.name, label)
    accounts.audit("token-create", who, target=label, ip=client_ip(request.scope))
    return page(request, "account.html", {"tokens": accounts.tokens(who), "collections": accounts.collections(who),
                                          "new_token": token})


@router.post("/account/tokens/{token_id}/revoke", dependencies=[require("read")], include_in_schema=False)
def account_revoke(request: Request, token_id: TokenId) -> Response:
    _revoke(request, user(request), token_id)
    return RedirectResponse("/account", status_code=303)


def _revoke(request: Request, who: Principal, token_id: int) -> None:
    accounts = request.app.state.accounts
    if not accounts.revoke_token(who, token_id):
        raise AuthError(404, "E404", "no such token")
    accounts.audit("token-revoke", who, target=str(token_id), ip=client_ip(request.scope))


# ---------------------------------------------------------------- API


class Me(BaseModel):
    name: str
    role: str
    collections: dict[str, str] = Field(description="collection id → read or write (admins: all)")


class TokenIn(BaseModel):
    label: str = Field("api", max_length=64)


@router.get(f"{API}/me", dependencies=[require("read")], tags=["account"], response_model=Me)
def api_me(request: Request) -> dict[str, Any]:
    """The signed-in user, their role and collections."""
    who = user(request)
    grants = {c["id"]: "write" for c in request.app.state.accounts.collections(who)} if who.is_admin else who.grants
    return {"name": who.name, "role": who.role, "collections": grants}


@router.get(f"{API}/tokens", dependencies=[require("read")], tags=["account"])
def api_tokens(request: Request) -> dict[str, Any]:
    """Your API tokens (admins: everyone's), without their secret."""
    rows = request.app.state.accounts.tokens(user(request))
    return {"items": [{**r, "created_at": str(r["created_at"]), "revoked_at": r["revoked_at"] and str(r["revoked_at"]),
                       "last_used_at": r["last_used_at"] and str(r["last_used_at"])} for r in rows]}


@router.post(f"{API}/tokens", dependencies=[require("read")], tags=["account"], status_code=201)
def api_new_token(request: Request, body: TokenIn) -> dict[str, str]:
    """Create an API token; the token is shown only in this response."""
    who = user(request)
    accounts = request.app.state.accounts
    token = accounts.new_token(who.name, body.label)
    accounts.audit("token-create", who, target=body.label, ip=client_ip(request.scope))
    return {"token": token}


@router.delete(f"{API}/tokens/{{token_id}}", dependencies=[require("read")], tags=["account"], status_code=204)
def api_revoke(request: Request, token_id: TokenId) -> Response:
    """Revoke one of your tokens (admins: any token)."""
    _revoke(request, user(request), token_id)
    return Response(status_code=204)


@router.get("/healthz", dependencies=[require("public")], include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}
