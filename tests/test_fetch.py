"""fetch(): a local HTTP server on 127.0.0.1 plays every kind of bad web source."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from horizonscan.errors import FetchError, ReadError
from horizonscan.ingest.fetch import Fetched, fetch
from horizonscan.settings import Settings

PAGE = b"<html><head><title>Note</title></head><body><p>China opened a clinic in Dushanbe.</p></body></html>"
STOP = threading.Event()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one branch per scenario
        path = self.path
        if path == "/page":
            self._send(200, PAGE, Content_Length=str(len(PAGE)))
        elif path == "/ua":
            self._send(200, self.headers.get("User-Agent", "").encode(), "text/plain")
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/broken":
            self._send(500, b"oops")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/page" if n <= 0 else f"/hop/{n - 1}"
            self._send(302, b"", Location=target)
        elif path == "/loop":
            self._send(302, b"", Location="/loop")
        elif path == "/to-ftp":
            self._send(302, b"", Location="ftp://127.0.0.1/file")
        elif path == "/slow":
            STOP.wait(5)
            self._send(200, PAGE)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                if STOP.wait(0.1):
                    return
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
        elif path == "/big-declared":
            self._send(200, b"x" * 2000, "text/plain", Content_Length="2000")
        elif path == "/big-stream":
            self.send_response(200)  # no Content-Length: the size is only known while reading
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"y" * 500)
        elif path == "/gzip-bomb":
            body = gzip.compress(b"z" * 50_000)
            self._send(200, body, "text/plain", Content_Encoding="gzip", Content_Length=str(len(body)))
        else:
            self._send(404, b"")

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, as it should for slow and big responses


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    STOP.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    STOP.set()
    httpd.shutdown()
    httpd.server_close()


FAST = Settings(fetch_timeout=0.5, max_redirects=3, max_bytes=1000)


def test_fetches_a_page_with_its_type(server: str) -> None:
    got = fetch(f"{server}/page", FAST)
    assert isinstance(got, Fetched)
    assert got.status == 200 and got.data == PAGE
    assert got.media_type == "text/html; charset=utf-8"
    assert got.final_url == got.url == f"{server}/page"


def test_sends_the_configured_user_agent(server: str) -> None:
    settings = Settings(fetch_timeout=2, user_agent="horizonscan-test/9")
    assert fetch(f"{server}/ua", settings).data == b"horizonscan-test/9"


def test_follows_redirects_within_the_limit(server: str) -> None:
    got = fetch(f"{server}/hop/2", FAST)
    assert got.final_url == f"{server}/page" and got.data == PAGE


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "E122 HTTP 404"),
        ("/broken", "E122 HTTP 500"),
        ("/loop", "E123 too many redirects (more than 3)"),
        ("/hop/5", "E123 too many redirects"),
        ("/big-declared", "E108 download too large (2,000 bytes"),
        ("/big-stream", "E108 download too large (more than 1,000 bytes)"),
        ("/gzip-bomb", "E108 download too large"),
        ("/to-ftp", "E105"),
    ],
)
def test_bad_responses_give_one_line_errors(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch(f"{server}{path}", FAST)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_slow_server_times_out_quickly(server: str) -> None:
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"^E121 timed out after 0.5 s$"):
        fetch(f"{server}/slow", FAST)
    assert time.monotonic() - began < 3


def test_trickling_server_hits_the_total_time_limit(server: str) -> None:
    settings = Settings(fetch_timeout=0.4, max_bytes=10_000)
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"^E121 timed out after 1.2 s"):
        fetch(f"{server}/drip", settings)
    assert time.monotonic() - began < 3.5


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)", "127.0.0.1/page", "http:///nohost"])
def test_only_http_and_https_urls(url: str) -> None:
    with pytest.raises(FetchError, match=r"^E1(05|24) "):
        fetch(url, FAST)


def test_refused_connection_is_a_fetch_error() -> None:
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=r"^E124 connection failed"):
        fetch(f"http://127.0.0.1:{port}/", FAST)


def test_fetch_error_is_a_read_error() -> None:
    # The ingest driver catches ReadError for every input, URLs included.
    assert issubclass(FetchError, ReadError)


def test_private_addresses_refused_when_not_allowed() -> None:
    """A shared server refuses URLs on its own network, also behind a redirect (SSRF)."""
    from helpers import respond, serve

    from horizonscan.errors import FetchError
    from horizonscan.ingest.fetch import fetch
    from horizonscan.settings import Settings

    closed = Settings(fetch_private=False, fetch_timeout=2)
    with serve({"/page": respond(200, b"<html><body><p>hello</p></body></html>")}) as base:
        with pytest.raises(FetchError, match="E125"):
            fetch(f"{base}/page", closed)
        assert fetch(f"{base}/page", Settings(fetch_private=True, fetch_timeout=2)).status == 200
