"""The httpx transport of guarded fetches: a connection goes only to an address that was checked.

Kept apart from ``fetch.py`` so that importing the ingest package does not load httpx.
"""

from __future__ import annotations

from typing import Any, Iterable
from urllib.request import getproxies, proxy_bypass

import httpcore
import httpx

from .fetch import Resolver, public_addresses

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class PinnedBackend(httpcore.SyncBackend):
    """Resolves a host once, refuses it unless every address is public, and connects to one of those addresses.

    Checking a name and then letting the connection look it up again leaves a gap: a
    name server can answer a public address to the check and a private one to the
    connection (DNS rebinding). httpcore asks its network backend for a TCP connection
    to the URL's host name, so doing both here closes the gap. TLS still runs over the
    returned stream with the host name from the URL (SNI and certificate checks as usual).
    """

    def __init__(self, resolver: Resolver | None = None) -> None:
        self.resolver = resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in public_addresses(host, self.resolver):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the name's next address, as a browser would
        assert failure is not None  # public_addresses never returns an empty list
        raise failure


def pinned_http_transport(resolver: Resolver | None = None) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose connections are made by ``PinnedBackend``."""
    transport = httpx.HTTPTransport()
    # httpx takes no network backend itself; its connection pool (httpcore) does.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                              network_backend=PinnedBackend(resolver))
    return transport


class PinnedTransport(httpx.BaseTransport):
    """Direct connections pinned to checked addresses; proxied ones through the environment's proxy.

    Giving httpx a transport turns off its own reading of HTTP_PROXY / HTTPS_PROXY /
    ALL_PROXY / NO_PROXY, so they are read here (same variables, via the standard
    library). Behind a proxy the target's name is still checked before the request, but
    the proxy does its own lookup: it must refuse private addresses itself (docs/security.md).
    """

    def __init__(self, resolver: Resolver | None = None) -> None:
        self.direct = pinned_http_transport(resolver)
        found = getproxies()
        self.proxies = {scheme: httpx.HTTPTransport(proxy=found.get(scheme) or found["all"])
                        for scheme in ("http", "https") if found.get(scheme) or found.get("all")}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = self.proxies.get(request.url.scheme)
        host = request.url.host
        if proxy is None or host in _LOOPBACK_HOSTS or proxy_bypass(host):
            return self.direct.handle_request(request)
        return proxy.handle_request(request)

    def close(self) -> None:
        for transport in (self.direct, *self.proxies.values()):
            transport.close()
