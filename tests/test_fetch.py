"""fetch(): a local HTTP server on 127.0.0.1 plays every kind of bad web source."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from horizonscan.errors import FetchError, ReadError
from horizonscan.ingest.fetch import Fetched, fetch
from horizonscan.settings import Settings
from helpers import respond, serve

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


# ---------------------------------------------------------------- DNS rebinding (issue 14, finding 4)


class Rebinding:
    """A stub name server: answers ``answers`` in turn (the last one repeats); an exception is raised."""

    def __init__(self, *answers: list[str] | Exception) -> None:
        self.answers, self.asked = list(answers), 0

    def __call__(self, host: str) -> list[str]:
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        if isinstance(answer, Exception):
            raise answer
        return answer


def _recording_server() -> tuple[Any, list[str]]:
    """A loopback server that records the Host header of every request it gets."""
    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.headers.get("Host", ""))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, seen


GUARDED = Settings(fetch_private=False, fetch_timeout=2)


def test_a_name_that_rebinds_to_a_private_address_is_never_connected_to() -> None:
    """The check sees a public address, the connection would see loopback: refused, nothing sent."""
    httpd, seen = _recording_server()
    port = httpd.server_address[1]
    try:
        resolver = Rebinding(["93.184.215.14"], ["127.0.0.1"])
        with pytest.raises(FetchError, match=r"^E125 refusing to fetch a local or private address \(rebind\.test\)$"):
            fetch(f"http://rebind.test:{port}/", GUARDED, resolver=resolver)
        assert seen == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_redirect_to_a_rebinding_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import horizonscan.ingest.fetch as fetch_module

    httpd, seen = _recording_server()
    port = httpd.server_address[1]
    monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1")  # plays a public server
    names = {"start.test": Rebinding(["127.0.0.1"]), "evil.test": Rebinding(["127.0.0.1"], ["127.0.0.2"])}
    with serve({"/": respond(302, b"", headers={"Location": f"http://evil.test:{port}/"})}) as base:
        start = f"http://start.test:{base.rsplit(':', 1)[1]}/"
        try:
            with pytest.raises(FetchError, match=r"^E125 .*\(evil\.test\)$"):
                fetch(start, GUARDED, resolver=lambda host: names[host](host))
            assert seen == []
        finally:
            httpd.shutdown()
            httpd.server_close()


def test_a_failed_lookup_refuses_the_url() -> None:
    """Fail closed: a lookup that fails is not followed by another one that decides where to connect."""
    import socket

    httpd, seen = _recording_server()
    port = httpd.server_address[1]
    try:
        resolver = Rebinding(socket.gaierror(-3, "Temporary failure in name resolution"), ["127.0.0.1"])
        with pytest.raises(FetchError, match=r"^E124 cannot look up host flaky\.test \("):
            fetch(f"http://flaky.test:{port}/", GUARDED, resolver=resolver)
        assert seen == [] and resolver.asked == 1
        with pytest.raises(FetchError, match=r"^E124 cannot look up host empty\.test \(no addresses\)$"):
            fetch(f"http://empty.test:{port}/", GUARDED, resolver=Rebinding([]))
        assert seen == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_connection_goes_to_the_checked_address_under_the_same_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The name is looked up by our resolver only (the system has never heard of it) and sent as Host."""
    import horizonscan.ingest.fetch as fetch_module

    httpd, seen = _recording_server()
    port = httpd.server_address[1]
    # let this loopback server play a public one
    monkeypatch.setattr(fetch_module, "is_public", lambda address: address in ("127.0.0.1", "127.0.0.2", "93.184.215.14"))
    try:
        # several addresses: the first one refuses connections, the next one answers
        resolver = Rebinding(["127.0.0.2", "127.0.0.1"])
        got = fetch(f"http://pinned.test:{port}/", GUARDED, resolver=resolver)
        assert got.data == b"ok" and seen == [f"pinned.test:{port}"]
        with pytest.raises(FetchError, match="^E125"):  # one private address among public ones is enough to refuse
            fetch(f"http://mixed.test:{port}/", GUARDED, resolver=Rebinding(["93.184.215.14", "10.0.0.7"]))
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("::1", False), ("fe80::1", False), ("fd00::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:93.184.215.14", True),  # IPv4-mapped: judged by the IPv4 inside
    ("2002:7f00:1::", False), ("64:ff9b::a00:1", False),  # 6to4 and NAT64 wrapping private IPv4
])
def test_which_addresses_count_as_public(address: str, public: bool) -> None:
    from horizonscan.ingest.fetch import is_public

    assert is_public(address) is public


def test_tls_still_checks_the_host_name_when_the_address_is_pinned(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SNI and certificate verification use the URL's name, not the pinned address."""
    import ssl

    import horizonscan.ingest.fetch as fetch_module

    cert, key, ca = _self_signed(tmp_path, "pinned.test")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1")
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,misc,return-value]
    httpd, seen = _recording_server()
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    try:
        got = fetch(f"https://pinned.test:{port}/", GUARDED, resolver=Rebinding(["127.0.0.1"]))
        assert got.data == b"ok" and names == ["pinned.test"]
        # a name the certificate does not cover fails verification, though the address is the same
        with pytest.raises(FetchError, match=r"^E124 connection failed \(ConnectError: .*certificate"):
            fetch(f"https://other.test:{port}/", GUARDED, resolver=Rebinding(["127.0.0.1"]))
    finally:
        httpd.shutdown()
        httpd.server_close()


def _self_signed(folder: Any, name: str) -> tuple[Any, Any, Any]:
    """A certificate for ``name`` signed by a throwaway CA: (cert, key, CA cert) files."""
    import datetime

    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject: str, key: Any, issuer: str, signer: Any, ca: bool) -> Any:
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
             .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            b = b.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                              key_encipherment=False, data_encipherment=False, key_agreement=False,
                                              encipher_only=False, decipher_only=False), critical=True)
            b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        else:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
        return b.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = build("horizonscan test CA", ca_key, "horizonscan test CA", ca_key, True)
    cert = build(name, key, "horizonscan test CA", ca_key, False)
    paths = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    paths[0].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    paths[2].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return paths
