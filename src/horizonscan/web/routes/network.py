"""The network view: source→target graph coloured by cooperation–conflict."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...query import Filter, cooccurrence, network
from ...query.filters import PLOVER_TYPES
from ..app import API, page
from ..authz import require
from ..params import document_filter, event_filter, filter_args, qs
from .common import cached, ctx

router = APIRouter()


@router.get("/network", dependencies=[require("read")], include_in_schema=False)
def network_page(request: Request, f: Filter = Depends(event_filter),
                 level: Annotated[str, Query(pattern=r"^(actor|country)$")] = "actor") -> Response:
    args = filter_args(request)
    return page(request, "network.html", {"args": args, "qs": qs(args, level=level),
                                          "types": PLOVER_TYPES, "level": level})


def _network_with_error(request: Request, field: str | None, message: str, status: int) -> Response:
    """The network form again with the bad field marked (no graph is drawn for a bad filter)."""
    level = request.query_params.get("level", "actor")
    return page(request, "network.html", {"args": filter_args(request), "qs": "", "types": PLOVER_TYPES,
                                          "level": level if level in ("actor", "country") else "actor",
                                          "error": {"field": field, "message": message}}, status)


network_page.on_bad_filter = _network_with_error  # type: ignore[attr-defined]


@router.get(f"{API}/network", dependencies=[require("read")], tags=["network"])
def api_network(request: Request, f: Filter = Depends(event_filter),
                level: Annotated[str, Query(pattern=r"^(actor|country)$")] = "actor",
                top: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Directed source→target network of matching events; edges carry weight and mean cooperation–conflict score."""
    store, _, scope = ctx(request)
    return cached(request, ("network", str(request.url.query)),
                  lambda: network(store, f, level=level, top=top, scope=scope).to_dict())


@router.get(f"{API}/cooccurrence", dependencies=[require("read")], tags=["network"])
def api_cooccurrence(request: Request, f: Filter = Depends(document_filter),
                     unit: Annotated[str, Query(pattern=r"^(document|sentence)$")] = "document",
                     top: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Undirected network of actors mentioned together in documents (or coded sentences)."""
    store, _, scope = ctx(request)
    return cooccurrence(store, f, unit=unit, top=top, scope=scope).to_dict()
