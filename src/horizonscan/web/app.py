"""The web workspace and REST API: ``create_app(db_url)`` gives an ASGI application.

Pages are rendered on the server (Jinja); charts fetch JSON from ``/api/v1`` with the
page's own query string. Every read goes through ``horizonscan.query`` with the
signed-in user's scope; errors are JSON under ``/api`` and a plain page elsewhere,
never with a stack trace or the request's input.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..accounts import Accounts, AccountError
from ..errors import HorizonscanError
from ..query import QueryError
from ..settings import Settings
from ..store import open_store
from ..store.db import limit_statements
from .authz import AuthError, principal
from .security import CSRF_COOKIE, GuardMiddleware, LoginThrottle, RateLimiter, new_token, parse_networks

HERE = Path(__file__).parent
API = "/api/v1"
log = logging.getLogger("horizonscan.web")

# Short, fixed texts per status: error pages never repeat what the request contained.
STATUS_TEXT = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "You are not allowed to do this.",
    404: "Nothing here, or nothing you may see.",
    405: "This method is not allowed here.",
    413: "The upload is too large.",
    422: "Some parameters are not valid.",
    429: "Too many requests; wait a minute and try again.",
    500: "Something went wrong on the server. The error has been logged.",
}


@dataclass
class WebConfig:
    """Settings of one app instance (tests lower limits and turn analysis off)."""

    # The spool of upload jobs; None: HORIZONSCAN_UPLOAD_DIR, else "uploads" beside a SQLite store (else in the cwd).
    upload_dir: Path | None = None
    max_upload: int = field(default_factory=lambda: int(os.environ.get("HORIZONSCAN_MAX_UPLOAD", 50 * 1024 * 1024)))
    max_body: int = 64 * 1024  # every request that is not an upload
    anonymous_per_minute: int = 120
    failed_logins: int = 10  # per client address, and per account before its delays start, per 15 minutes
    # Reverse proxies whose X-Forwarded-For / Forwarded headers are believed (addresses or
    # networks, comma-separated); from any other peer they are ignored (docs/security.md).
    trusted_proxies: str = field(default_factory=lambda: os.environ.get("HORIZONSCAN_TRUSTED_PROXIES", ""))
    analyse_uploads: bool = True
    fetch_urls: bool = field(default_factory=lambda: os.environ.get("HORIZONSCAN_WEB_FETCH", "1") != "0")
    secure_cookies: bool | None = None  # None: when the request came over https
    # `serve --workers N` runs N processes with their own in-memory limiters: each enforces
    # limit / N, so all of them together never allow more than the limit (docs/web.md).
    workers: int = field(default_factory=lambda: max(1, int(os.environ.get("HORIZONSCAN_WEB_WORKERS", "1") or 1)))
    job_poll_s: float = 2.0  # how often an idle upload worker looks for jobs
    job_stale_s: float = 60.0  # a running job without a heartbeat for this long is resumed by another worker
    # Every statement of the app (requests and upload workers) stops after this long (E415;
    # docs/security.md, "Bounded requests"); queries keep their own, shorter limit.
    statement_timeout_ms: int = field(default_factory=lambda: int(os.environ.get("HORIZONSCAN_STATEMENT_TIMEOUT_MS", 30_000)))


def default_upload_dir(db_url: str) -> Path:
    """HORIZONSCAN_UPLOAD_DIR, else ``uploads/`` beside a SQLite file, else ``uploads/`` in the working folder."""
    if os.environ.get("HORIZONSCAN_UPLOAD_DIR"):
        return Path(os.environ["HORIZONSCAN_UPLOAD_DIR"])
    from ..store.db import normalise_url

    url = normalise_url(db_url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).resolve().parent / "uploads"
    return Path("uploads")


def per_worker(limit: int, workers: int) -> int:
    """This process's share of a limit shared by ``workers`` processes (at least 1)."""
    return max(1, limit // max(1, workers)) if limit else 0


def create_app(db_url: str, config: WebConfig | None = None, settings: Settings | None = None) -> FastAPI:
    config = config or WebConfig()
    store = open_store(db_url)
    if config.statement_timeout_ms:
        limit_statements(store.engine, config.statement_timeout_ms)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.jobs.start(persistent=True)  # resume uploads a killed server left unfinished
        yield
        app.state.jobs.stop()

    from .params import known_parameters

    app = FastAPI(
        lifespan=lifespan,
        dependencies=[Depends(known_parameters)],  # no route ignores a parameter it does not take
        title="horizonscan API",
        version="1",
        description="Read the knowledge base (documents, events, actors, places, networks) and upload documents. "
        "Authenticate with `Authorization: Bearer <token>` (create tokens on /account or with `horizonscan token create`).",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # the bundled Swagger UI loads from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.store = store
    app.state.accounts = Accounts(store.engine)
    # Uploaded URLs must not reach the server's own network unless the admin allows it.
    app.state.settings = settings or Settings(db_url=db_url, fetch_private=os.environ.get("HORIZONSCAN_FETCH_PRIVATE") == "1")
    if config.upload_dir is None:
        config.upload_dir = default_upload_dir(db_url)
    app.state.config = config
    trusted_proxies = parse_networks(config.trusted_proxies)  # a typo stops the start-up, not the limits
    failed_logins = per_worker(config.failed_logins, config.workers)
    app.state.login_throttle = LoginThrottle(failed_logins, failed_logins)
    from .jobs import JobRunner

    app.state.jobs = JobRunner(app.state, poll_s=config.job_poll_s, stale_s=config.job_stale_s)
    app.state.templates = _templates()

    from .routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handlers(app)
    anonymous_limit = per_worker(config.anonymous_per_minute, config.workers)
    anonymous = RateLimiter(anonymous_limit, 60) if anonymous_limit else None
    app.add_middleware(GuardMiddleware, max_body=config.max_body, max_upload=config.max_upload,
                       upload_paths=("/upload", f"{API}/uploads"), anonymous=anonymous,
                       trusted_proxies=trusted_proxies, signed_in=_signed_in)
    return app


def _signed_in(scope: dict[str, Any]) -> bool:
    """Whether a request's session cookie or token is valid (the answer is kept for the route)."""
    try:
        return principal(Request(scope)) is not None
    except AuthError:
        return False


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    from . import render

    templates.env.filters.update(render.FILTERS)
    templates.env.globals.update(render.GLOBALS)
    return templates


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a template with the signed-in user and a CSRF token for its forms."""
    try:
        who = principal(request)
    except AuthError:
        who = None
    csrf = getattr(request.state, "csrf", None)
    set_cookie = None
    if who is None:
        csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        set_cookie = csrf if CSRF_COOKIE not in request.cookies else None
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, name, {"who": who, "csrf": csrf, **context}, status_code=status)
    if set_cookie:
        response.set_cookie(CSRF_COOKIE, set_cookie, httponly=True, samesite="strict", secure=secure(request), path="/")
    return response


def secure(request: Request) -> bool:
    forced = request.app.state.config.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    if status == 401 and request.method == "GET":
        return RedirectResponse("/login?next=" + _safe_next(request), status_code=303)
    return page(request, "error.html", {"status": status, "code": code, "text": STATUS_TEXT.get(status, STATUS_TEXT[400])}, status)


def _safe_next(request: Request) -> str:
    from urllib.parse import quote

    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return quote(path, safe="")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthError)
    async def _auth(request: Request, exc: AuthError) -> Response:
        response = error_response(request, exc.status, exc.code, exc.message)
        if exc.retry_after is not None:
            response.headers["retry-after"] = str(exc.retry_after)
        return response

    @app.exception_handler(QueryError)
    async def _query(request: Request, exc: QueryError) -> Response:
        code = getattr(exc, "code", "E410")
        status = getattr(exc, "status", None) or (503 if code == "E415" else 400)
        message = str(exc).removeprefix(code).strip()
        form = _form_page(request)
        if form is not None and not _is_api(request):
            # a page with a filter form shows it again, the field marked and the message beside it
            return form(request, getattr(exc, "field", None), f"{message} ({code})", status)
        if status == 422 and not _is_api(request):  # which parameter, on pages without a filter form too
            return page(request, "error.html", {"status": status, "code": code, "text": STATUS_TEXT[422], "detail": message}, status)
        return error_response(request, status, code, message)

    @app.exception_handler(AccountError)
    async def _account(request: Request, exc: AccountError) -> Response:
        code, _, message = str(exc).partition(" ")
        return error_response(request, 400, code, message)

    @app.exception_handler(HorizonscanError)
    async def _other(request: Request, exc: HorizonscanError) -> Response:
        text = str(exc)
        code = text[:4] if text[:1] == "E" and text[1:4].isdigit() else "E400"
        return error_response(request, 400, code, text[4:].strip() if code != "E400" else "bad request")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # Name the parameters, never echo their values.
        where = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in exc.errors()})
        return error_response(request, 422, "E422", "invalid parameter(s): " + ", ".join(where)[:300])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "E404", 405: "E405", 413: "E513"}.get(exc.status_code, f"E{exc.status_code}")
        return error_response(request, exc.status_code, code, STATUS_TEXT.get(exc.status_code, "error"))

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> Response:
        from ..store.queries import is_timeout

        if is_timeout(exc):  # a statement ran into the app's statement limit
            return error_response(request, 503, "E415", "the request took longer than its time limit")
        log.exception("database error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "E500", "internal error")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "E500", "internal error")


def _form_page(request: Request) -> Any:
    """The matched page's re-render with a form error (``on_bad_filter``), if it has one."""
    route = request.scope.get("route")
    return getattr(getattr(route, "endpoint", None), "on_bad_filter", None)


def not_found() -> StarletteHTTPException:
    return StarletteHTTPException(404)
