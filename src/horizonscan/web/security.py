"""Transport-level protections: security headers, request size limits, rate limits, CSRF.

One plain ASGI middleware (no per-request task switching) adds the headers, refuses
bodies over the limit (declared or streamed) and throttles anonymous clients.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from typing import Any, Awaitable, Callable

# Scripts only from our own origin; ECharts tooltips carry inline style attributes,
# so styles (not scripts) may be inline.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
SESSION_COOKIE = "hs_session"
CSRF_COOKIE = "hs_csrf"  # double-submit token for the login form (no session yet)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class RateLimiter:
    """Sliding-window counters per key (client address, user name), in memory, thread-safe."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window = limit, window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self._hits.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def hit(self, key: str) -> bool:
        """Count one request; False when the key is over its limit."""
        now = time.monotonic()
        with self._lock:
            q = self._trim(key, now)
            if len(q) >= self.limit:
                return False
            q.append(now)
            if len(self._hits) > 100_000:  # forget idle clients rather than grow without bound
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            return True

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._trim(key, time.monotonic())) >= self.limit

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _has_credentials(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE.encode() + b"=" in value:
            return True
    return False


async def _json_error(send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]] = []) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *HEADERS, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class GuardMiddleware:
    """Headers on every response, body limits, and a rate limit for anonymous clients."""

    def __init__(self, app: Any, *, max_body: int, max_upload: int, upload_paths: tuple[str, ...],
                 anonymous: RateLimiter | None) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload
        self.upload_paths, self.anonymous = upload_paths, anonymous

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if self.anonymous is not None and not path.startswith("/static/") and not _has_credentials(scope):
            if not self.anonymous.hit(client_ip(scope)):
                await _json_error(send, 429, "E529", "too many requests; try again in a minute", [(b"retry-after", b"60")])
                return
        limit = self.max_upload if path in self.upload_paths else self.max_body
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    await _json_error(send, 413, "E513", f"request body larger than {limit} bytes")
                    return
        received = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in present]
                if not path.startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _json_error(send, 413, "E513", f"request body larger than {limit} bytes")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))
