"""Autocomplete for actor fields: JSON for API clients, <option>s for the pages' datalists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape

from ...query.suggest import MAX_TYPED, suggest_actors
from ..app import API
from ..authz import require
from .common import ctx

router = APIRouter()
Typed = Annotated[str, Query(max_length=MAX_TYPED, description="what the user has typed so far")]


@router.get(f"{API}/suggest/actors", dependencies=[require("read")], tags=["actors"])
def api_suggest_actors(request: Request, q: Typed = "",
                       limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Actors whose name (or a word of it) or id starts with ``q``, among those named in
    documents you can read; shortest names first."""
    store, _, scope = ctx(request)
    return {"items": [s.to_dict() for s in suggest_actors(store, q, limit=limit, scope=scope)]}


@router.get("/suggest/actors", dependencies=[require("read")], include_in_schema=False)
def suggest_actor_options(request: Request, actor: Typed = "") -> Response:
    """<option> elements for the actor field's datalist (HTMX swaps them in as the user types).

    The field holds a comma-separated list; only the part after the last comma is completed,
    and each option repeats the parts before it so that choosing one keeps them.
    """
    store, _, scope = ctx(request)
    head, _, last = actor.rpartition(",")
    keep = ",".join(p.strip() for p in head.split(",") if p.strip())
    found = suggest_actors(store, last, limit=10, scope=scope) if len(last.strip()) >= 2 else []
    opts = "".join(
        f'<option value="{escape((keep + "," if keep else "") + s.id)}">{escape(s.name or s.id)}'
        f'{escape(" · " + s.kind) if s.kind else ""}{escape(" · " + s.country) if s.country else ""}</option>'
        for s in found
    )
    return HTMLResponse(opts)
