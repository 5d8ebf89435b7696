"""The interactive API documentation: Swagger UI (npm ``swagger-ui-dist``, built into
static/vendor by ``make web-assets``) over the app's own OpenAPI schema, never a CDN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..app import API, page
from ..authz import require

router = APIRouter()


@router.get(API, dependencies=[require("public")], include_in_schema=False)
@router.get(f"{API}/", dependencies=[require("public")], include_in_schema=False)
def api_root() -> Response:
    """``/api/v1`` itself: to the documentation of what it offers."""
    return RedirectResponse(f"{API}/docs", status_code=307)


@router.get(f"{API}/docs", dependencies=[require("public")], include_in_schema=False)
def api_docs(request: Request) -> Response:
    """Public like the schema it shows: the API's shape is no secret, its data is."""
    return page(request, "api_docs.html", {"schema": request.app.openapi_url})
