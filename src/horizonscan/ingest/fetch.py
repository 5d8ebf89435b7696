"""Download one URL safely: http(s) only, timeouts, bounded redirects, bounded size.

Every failure is a ``FetchError`` with a one-line message starting with its
code, so the ingest driver can record it as the reason the input was skipped.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from ..errors import FetchError
from ..settings import Settings

# A server that keeps sending a trickle of bytes never trips the per-read
# timeout; the whole download is therefore also bounded by this many timeouts.
TOTAL_TIMEOUTS = 3
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf,application/rss+xml,*/*;q=0.8"
# Loopback addresses never go through a proxy from the environment.
_LOOPBACK = ("all://127.0.0.1", "all://localhost", "all://[::1]")


@dataclass(frozen=True)
class Fetched:
    """What a URL returned: where it ended up after redirects, its declared type and its bytes."""

    url: str
    final_url: str
    status: int
    media_type: str | None
    data: bytes


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(f"E124 invalid URL ({url[:80]})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"E105 unsupported URL scheme '{parts.scheme or 'none'}' (only http and https)")
    if not parts.hostname:
        raise FetchError("E124 invalid URL (no host)")


Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    """The addresses ``host`` resolves to (IP literals resolve to themselves)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def is_public(address: str) -> bool:
    """True for a globally routable address; False for anything local, private or reserved.

    An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, the NAT64 prefix) is
    judged by the IPv4 address inside, since that is what the packets finally reach.
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped.is_global
        inner = ip.sixtofour or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if inner is not None:
            return ip.is_global and inner.is_global
    return ip.is_global


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def public_addresses(host: str, resolver: Resolver | None = None) -> list[str]:
    """Resolve ``host`` once and return its addresses, or refuse (fail closed).

    A shared server must not let its users reach its own network through uploads of
    URLs (server-side request forgery). A failed lookup refuses the URL rather than
    letting a later, separate lookup decide where the connection goes.
    """
    try:
        addresses = (resolver or system_resolver)(host)
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"E124 cannot look up host {host[:80]} ({_short(exc)})") from None
    if not addresses:
        raise FetchError(f"E124 cannot look up host {host[:80]} (no addresses)")
    for address in addresses:
        try:
            public = is_public(address)
        except ValueError:
            public = False
        if not public:
            raise FetchError(f"E125 refusing to fetch a local or private address ({host[:80]})")
    return addresses


def check_public(host: str, resolver: Resolver | None = None) -> None:
    """Refuse hosts that resolve to loopback, private, link-local or other non-global addresses."""
    public_addresses(host, resolver)


def fetch(url: str, settings: Settings | None = None, resolver: Resolver | None = None) -> Fetched:
    """GET ``url`` and return its body, or raise ``FetchError`` (E105, E108, E121-E125).

    ``resolver`` (host name → addresses) replaces the system's DNS lookup; tests use it
    to play a rebinding name server.
    """
    settings = settings or Settings()
    check_url(url)
    import httpx

    timeout = settings.fetch_timeout
    deadline = time.monotonic() + TOTAL_TIMEOUTS * timeout
    limit = settings.max_bytes
    if settings.fetch_private:
        client = httpx.Client(
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
            mounts={pattern: None for pattern in _LOOPBACK},
        )
    else:
        # Every hop's name is checked before the request (fail closed), and a direct
        # connection goes only to the addresses its own single lookup checked.
        from .pinned import PinnedTransport

        client = httpx.Client(
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
            transport=PinnedTransport(resolver),
            event_hooks={"request": [lambda request: check_public(request.url.host, resolver)]},
        )
    try:
        with client, client.stream("GET", url) as response:
            status = response.status_code
            if status >= 300:
                reason = response.reason_phrase or ""
                raise FetchError(f"E122 HTTP {status} {reason}".rstrip())
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"E108 download too large ({int(declared):,} bytes; limit {limit:,})")
            body = bytearray()
            # iter_bytes undoes gzip/deflate, so the limit applies to what we would store (no gzip bombs).
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"E108 download too large (more than {limit:,} bytes)")
                if time.monotonic() > deadline:
                    raise FetchError(f"E121 timed out after {TOTAL_TIMEOUTS * timeout:g} s (download too slow)")
            return Fetched(url, str(response.url), status, response.headers.get("content-type"), bytes(body))
    except FetchError:
        raise
    except httpx.TooManyRedirects:
        raise FetchError(f"E123 too many redirects (more than {settings.max_redirects})") from None
    except httpx.TimeoutException:
        raise FetchError(f"E121 timed out after {timeout:g} s") from None
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"E105 unsupported URL scheme in redirect ({exc})") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"E124 invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"E124 connection failed ({type(exc).__name__}: {_short(exc)})") from None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:100] or "no detail"
