"""Place pages and the map points of events."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from ...query import Filter, count_events, country_name, find_events, make_filter, top_actors, top_places
from ...query.errors import ValidationError
from ..app import API, not_found, page
from ..authz import require
from ..params import event_filter, qs
from .common import cached, ctx

router = APIRouter()
_ISO3 = re.compile(r"^[A-Z]{3}$")
_POINT = re.compile(r"^(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$")
NEAR_KM = 25
PlaceKey = Annotated[str, Path(max_length=40, description="ISO 3166-1 alpha-3 country code, or LAT,LON")]


def place_filter(key: str) -> tuple[Filter, dict[str, str]]:
    if _ISO3.match(key):
        # A country's page is about the country: events in it, and events it takes part
        # in as source or target wherever they happen (not only those placed in a town of it).
        args = {"involving": key}
    elif _POINT.match(key):
        args = {"near": f"{key},{NEAR_KM}"}
    else:
        raise not_found()
    try:
        return make_filter(**args), args
    except ValidationError:
        raise not_found() from None


@router.get("/places/{key}", dependencies=[require("read")], include_in_schema=False)
def place_page(request: Request, key: PlaceKey) -> Response:
    store, _, scope = ctx(request)
    f, args = place_filter(key)
    total = count_events(store, f, scope=scope)
    if total == 0:
        raise not_found()
    names = top_places(store, f, top=5, scope=scope)
    country = country_name(key) if _ISO3.match(key) else None
    if country:  # a country page is titled by the country; its towns are the places listed
        title = country
    else:
        title = names[0].name if names else key
    return page(request, "place.html", {
        "key": key, "names": names, "total": total, "qs": qs(args), "title": title, "country": country,
        "actors": top_actors(store, f, basis="events", top=15, scope=scope),
        "page": find_events(store, f, sort="-date", limit=30, scope=scope),
    })


@router.get(f"{API}/places", dependencies=[require("read")], tags=["places"])
def api_places(request: Request, f: Filter = Depends(event_filter),
               basis: Annotated[str, Query(pattern=r"^(events|mentions)$")] = "events",
               top: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Places of matching events (or places named in matching documents) with coordinates and counts: map points."""
    store, _, scope = ctx(request)
    return cached(request, ("places", str(request.url.query)),
                  lambda: {"items": [p.to_dict() for p in top_places(store, f, basis=basis, top=top, scope=scope)]})


@router.get(f"{API}/places/{{key}}", dependencies=[require("read")], tags=["places"])
def api_place(request: Request, key: PlaceKey) -> dict[str, Any]:
    """A country (ISO-3: events in it or with it as source or target; `name` is the country's) or a
    point (LAT,LON, 25 km around): names, event count, top actors."""
    store, _, scope = ctx(request)
    f, _ = place_filter(key)
    total = count_events(store, f, scope=scope)
    if total == 0:
        raise not_found()
    return {"key": key, "name": country_name(key) if _ISO3.match(key) else None, "events": total, "names": [p.to_dict() for p in top_places(store, f, top=5, scope=scope)],
            "actors": [a.to_dict() for a in top_actors(store, f, basis="events", top=15, scope=scope)]}
