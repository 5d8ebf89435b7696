"""Collections and who may read or write them; the audit log (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ..app import API, page
from ..authz import require, user
from ..security import client_ip

router = APIRouter()


class CollectionIn(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str | None = Field(None, max_length=200)


class GrantIn(BaseModel):
    user: str = Field(max_length=64)
    access: str | None = Field(None, pattern=r"^(read|write)$", description="read, write, or null to remove")


@router.get("/collections", dependencies=[require("admin")], include_in_schema=False)
def collections_page(request: Request) -> Response:
    accounts = request.app.state.accounts
    cols = [{**c, "members": accounts.members(c["id"])} for c in accounts.collections()]
    return page(request, "collections.html", {"collections": cols, "users": accounts.users(),
                                              "audit": accounts.audit_log(50)})


@router.post("/collections", dependencies=[require("admin")], include_in_schema=False)
def collections_create(request: Request, id: Annotated[str, Form(max_length=64)], name: Annotated[str, Form(max_length=200)] = "") -> Response:
    accounts = request.app.state.accounts
    accounts.add_collection(id, name or None)
    accounts.audit("collection-create", user(request), target=id, ip=client_ip(request.scope))
    return RedirectResponse("/collections", status_code=303)


@router.post("/collections/{collection_id}/grants", dependencies=[require("admin")], include_in_schema=False)
def collections_grant(request: Request, collection_id: str, username: Annotated[str, Form(max_length=64)],
                      access: Annotated[str, Form(max_length=8)] = "read") -> Response:
    _grant(request, collection_id, username, access if access in ("read", "write") else None)
    return RedirectResponse("/collections", status_code=303)


def _grant(request: Request, collection_id: str, username: str, access: str | None) -> None:
    accounts = request.app.state.accounts
    accounts.grant(collection_id, username, access)
    accounts.audit("grant" if access else "revoke", user(request), target=collection_id,
                   detail={"user": username, "access": access}, ip=client_ip(request.scope))


@router.get(f"{API}/collections", dependencies=[require("read")], tags=["collections"])
def api_collections(request: Request) -> dict[str, Any]:
    """Collections you can read, with your access to each."""
    who = user(request)
    items = request.app.state.accounts.collections(who)
    return {"items": [{**c, "access": "write" if who.can_write(c["id"]) else "read"} for c in items]}


@router.post(f"{API}/collections", dependencies=[require("admin")], tags=["collections"], status_code=201)
def api_collection_create(request: Request, body: CollectionIn) -> dict[str, Any]:
    """Create a collection (admins)."""
    accounts = request.app.state.accounts
    created = accounts.add_collection(body.id, body.name)
    accounts.audit("collection-create", user(request), target=body.id, ip=client_ip(request.scope))
    return {"id": body.id, "created": created}


@router.put(f"{API}/collections/{{collection_id}}/grants", dependencies=[require("admin")], tags=["collections"])
def api_grant(request: Request, collection_id: str, body: GrantIn) -> dict[str, Any]:
    """Give a user read or write access to a collection, or remove it (admins)."""
    _grant(request, collection_id, body.user, body.access)
    return {"collection": collection_id, "user": body.user, "access": body.access}


@router.get(f"{API}/audit", dependencies=[require("admin")], tags=["collections"])
def api_audit(request: Request, limit: Annotated[int, Query(ge=1, le=10_000)] = 200) -> dict[str, Any]:
    """The audit log, newest first: sign-ins, grants, token changes, uploads, exports (admins)."""
    rows = request.app.state.accounts.audit_log(limit)
    return {"items": [{**r, "at": str(r["at"])} for r in rows]}
