"""Transport-level protections: security headers, request size limits, rate limits, CSRF.

One plain ASGI middleware (no per-request task switching) takes the client's address
from a trusted reverse proxy's forwarding headers (and from no one else), adds the
headers, refuses bodies over the limit (declared or streamed) and throttles requests
that carry no valid credentials. ``LoginThrottle`` slows down failed sign-ins.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import threading
import time
from collections import OrderedDict, deque
from typing import Any, Awaitable, Callable, Union

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
    """The client's address: the peer's, or the one a trusted proxy reported (``GuardMiddleware``)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


# ---------------------------------------------------------------- reverse proxies

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_networks(text: str, setting: str = "HORIZONSCAN_TRUSTED_PROXIES") -> tuple[Network, ...]:
    """Comma- or space-separated addresses and networks (``10.0.0.5, 172.16.0.0/12, ::1``)."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{setting}: '{item[:60]}' is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)") from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in proxies)


def _forwarded_node(value: str) -> str:
    """An RFC 7239 node (``192.0.2.1``, ``"192.0.2.1:80"``, ``"[2001:db8::1]:80"``) → its address, else ''."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value if _ip(value) is not None else ""


def _header_list(scope: Scope, name: bytes) -> list[str]:
    """Every comma-separated item of every instance of a header, in order."""
    items: list[str] = []
    for key, value in scope.get("headers", []):
        if key == name:
            items.extend(part.strip() for part in value.decode("latin-1").split(","))
    return items


def forwarded_for(scope: Scope, proxies: tuple[Network, ...]) -> tuple[str, str | None] | None:
    """(client address, scheme) reported by trusted proxies, or None to keep the peer's own.

    Only a peer in ``proxies`` is believed. Each proxy appends the address it received
    the request from, so the chain is read from the right: the first address that is not
    a trusted proxy is the client; anything to its left was written by the client itself
    and is ignored. ``Forwarded`` (RFC 7239) is read when present, else ``X-Forwarded-For``
    with ``X-Forwarded-Proto``.
    """
    peer = client_ip(scope)
    if not proxies or not _trusted(peer, proxies):
        return None
    hops: list[tuple[str, str | None]] = []
    elements = _header_list(scope, b"forwarded")
    if elements:
        for element in elements:
            pairs: dict[str, str] = {}
            for part in element.split(";"):
                key, _, value = part.partition("=")
                pairs[key.strip().lower()] = value.strip()
            hops.append((_forwarded_node(pairs.get("for", "")), pairs.get("proto", "").strip('"').lower() or None))
    else:
        protos = [p.lower() for p in _header_list(scope, b"x-forwarded-proto") if p]
        hops = [(_forwarded_node(a), None) for a in _header_list(scope, b"x-forwarded-for")]
        if hops and protos:
            hops[-1] = (hops[-1][0], protos[-1])  # the nearest proxy's word on how the request came in
    if not hops:
        return None
    client, scheme = peer, None
    for address, proto in reversed(hops):
        if not address:
            break  # a hop a trusted proxy could not name: keep the last address known for sure
        client, scheme = address, proto or scheme
        if not _trusted(address, proxies):
            break
    return client, scheme if scheme in ("http", "https") else None


# ---------------------------------------------------------------- sign-in throttling


class LoginThrottle:
    """Failed sign-ins slow down the address they come from and, for strangers, the account they aim at.

    - per address: ``per_address`` failures within ``window_s`` and that address waits
      until the oldest one is out of the window (a password spray from one place stops);
    - per account: after ``per_account`` failures within the window, an attempt from an
      address that has not signed in to that account before waits a delay that doubles
      with every further failure (capped at ``max_delay_s``) after the latest one.

    An account is never locked: its owner signs in from an address they used before (or
    after the delay from a new one), so failures by others cannot keep them out. In
    memory, per process (``per_worker`` shares the limits out among processes).
    """

    def __init__(self, per_address: int, per_account: int, window_s: float = 15 * 60, max_delay_s: float = 15 * 60,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_address, self.per_account = per_address, per_account
        self.window, self.max_delay, self.clock = window_s, max_delay_s, clock
        self._addresses: dict[str, deque[float]] = {}
        self._accounts: dict[str, deque[float]] = {}
        self._known: OrderedDict[tuple[str, str], None] = OrderedDict()  # (account, address) that signed in
        self._lock = threading.Lock()

    def _recent(self, table: dict[str, deque[float]], key: str, now: float) -> deque[float]:
        q = table.get(key) or deque()
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def wait(self, address: str, account: str) -> float:
        """Seconds before an attempt from ``address`` on ``account`` may be tried (0: now)."""
        account = account.casefold()
        now = self.clock()
        with self._lock:
            waits = [0.0]
            failures = self._recent(self._addresses, address, now)
            if self.per_address and len(failures) >= self.per_address:
                waits.append(failures[-self.per_address] + self.window - now)
            failures = self._recent(self._accounts, account, now)
            excess = len(failures) - self.per_account
            if self.per_account and excess >= 0 and (account, address) not in self._known:
                waits.append(failures[-1] + min(self.max_delay, 2.0 ** excess) - now)
            return max(waits)

    def failed(self, address: str, account: str) -> None:
        now = self.clock()
        with self._lock:
            for table, key in ((self._addresses, address), (self._accounts, account.casefold())):
                q = self._recent(table, key, now)
                q.append(now)
                table[key] = q
                if len(table) > 100_000:  # forget idle keys rather than grow without bound
                    for stale in [k for k, v in table.items() if not v or v[-1] <= now - self.window]:
                        del table[stale]

    def succeeded(self, address: str, account: str) -> None:
        """Remember that ``address`` signed in to ``account``: it skips the account's delay from now on."""
        with self._lock:
            key = (account.casefold(), address)
            self._known[key] = None
            self._known.move_to_end(key)
            while len(self._known) > 100_000:
                self._known.popitem(last=False)


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
    """Client address from trusted proxies, headers on every response, body limits, and a rate limit for anonymous clients.

    ``signed_in(scope)`` says whether the request carries valid credentials; only those
    skip the anonymous limit (a made-up session cookie or token is anonymous).
    """

    def __init__(self, app: Any, *, max_body: int, max_upload: int, upload_paths: tuple[str, ...],
                 anonymous: RateLimiter | None, trusted_proxies: tuple[Network, ...] = (),
                 signed_in: Callable[[Scope], bool] | None = None) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload
        self.upload_paths, self.anonymous = upload_paths, anonymous
        self.trusted_proxies, self.signed_in = trusted_proxies, signed_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        forwarded = forwarded_for(scope, self.trusted_proxies)
        if forwarded is not None:
            client, scheme = forwarded
            scope["client"] = (client, 0)
            if scheme:
                scope["scheme"] = scheme
        path = scope.get("path", "")
        if self.anonymous is not None and not path.startswith("/static/") and not self._signed_in(scope):
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

    def _signed_in(self, scope: Scope) -> bool:
        if not _has_credentials(scope):
            return False
        return self.signed_in(scope) if self.signed_in is not None else True


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))
