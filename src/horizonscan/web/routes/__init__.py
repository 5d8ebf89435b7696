"""One module per resource; each holds its pages and its ``/api/v1`` reads and writes."""

from __future__ import annotations

from fastapi import APIRouter

from . import actors, apidocs, auth, collections, dashboard, documents, events, network, places, search, suggest, upload

ROUTERS: list[APIRouter] = [
    auth.router, dashboard.router, search.router, documents.router, events.router, actors.router,
    places.router, network.router, upload.router, collections.router, suggest.router, apidocs.router,
]
