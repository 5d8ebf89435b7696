"""Actor pages: profile, timeline, partners and adversaries, documents."""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from ...query import Filter, find_documents, make_filter, network, timeline, top_actors
from ...query.filters import ACTOR_KINDS
from ..app import API, not_found, page
from ..authz import require
from ..params import event_filter
from ..provenance import for_viewer
from .common import cached, ctx

router = APIRouter()
ActorId = Annotated[str, Path(min_length=1, max_length=120, description="actor id, e.g. CHN, igo:sco, person:xi-jinping")]


def profile(request: Request, actor_id: str) -> dict[str, Any]:
    """What the user's collections say about an actor; 404 when they say nothing."""
    store, who, scope = ctx(request)
    if any(ord(c) < 32 for c in actor_id):
        raise not_found()
    # upload paths as the user may see them (provenance.py); the cache is per scope, and only admins have none
    found = cached(request, ("actor", actor_id), lambda: _profile(store, scope, actor_id, lambda d: for_viewer(d, who, request)))
    if found is None:
        raise not_found()
    return found


def _profile(store: Any, scope: frozenset[str] | None, actor_id: str, shown: Callable[[Any], Any]) -> dict[str, Any] | None:
    f = make_filter(actor=actor_id)
    net = network(store, f, level="actor", top=60, scope=scope)
    docs = find_documents(store, f, sort="-date", limit=20, scope=scope)
    node = next((n for n in net.nodes if n.id == actor_id), None)
    if node is None and not docs.items:
        return None
    partners = sorted((e for e in net.edges if (e.mean_score or 0) > 0), key=lambda e: -e.weight)[:10]
    adversaries = sorted((e for e in net.edges if (e.mean_score or 0) < 0), key=lambda e: -e.weight)[:10]
    labels = {n.id: n.label for n in net.nodes}
    return {
        "id": actor_id,
        "name": node.label if node else actor_id,
        "kind": node.kind if node else None,
        "country": node.country if node else None,
        "events": node.weight if node else 0,
        "labels": labels,
        "partners": [e.to_dict() for e in partners],
        "adversaries": [e.to_dict() for e in adversaries],
        "documents": [shown(d).to_dict() for d in docs.items],
    }


@router.get("/actors", dependencies=[require("read")], include_in_schema=False)
def actors_page(request: Request, f: Filter = Depends(event_filter),
                kind: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    store, _, scope = ctx(request)
    rows = top_actors(store, f, basis="events", kind=kind or None, top=100, scope=scope)
    return page(request, "actors.html", {"actors": rows, "kinds": ACTOR_KINDS, "kind": kind})


@router.get("/actors/{actor_id}", dependencies=[require("read")], include_in_schema=False)
def actor_page(request: Request, actor_id: ActorId) -> Response:
    return page(request, "actor.html", {"a": profile(request, actor_id)})


@router.get(f"{API}/actors", dependencies=[require("read")], tags=["actors"])
def api_actors(request: Request, f: Filter = Depends(event_filter),
               basis: Annotated[str, Query(pattern=r"^(events|mentions)$")] = "events",
               kind: Annotated[str | None, Query(max_length=20)] = None,
               top: Annotated[int, Query(ge=1, le=1000)] = 20) -> dict[str, Any]:
    """Most frequent actors among matching events (or documents mentioning them)."""
    store, _, scope = ctx(request)
    return cached(request, ("actors", str(request.url.query)),
                  lambda: {"items": [a.to_dict() for a in top_actors(store, f, basis=basis, kind=kind or None, top=top, scope=scope)]})


@router.get(f"{API}/actors/{{actor_id}}", dependencies=[require("read")], tags=["actors"])
def api_actor(request: Request, actor_id: ActorId) -> dict[str, Any]:
    """An actor's profile, partners (cooperative edges), adversaries (conflictual edges) and documents."""
    out = profile(request, actor_id)
    store, _, scope = ctx(request)
    out["timeline"] = timeline(store, make_filter(actor=actor_id), granularity="year", scope=scope).to_dict()
    return out
