"""Rate limits against spoofing (issue 14, finding 5): forwarding headers only from trusted proxies,
no skipping the anonymous limit with made-up credentials, sign-in throttling instead of lockout."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2 for its test client
    from fastapi.testclient import TestClient

from test_web_helpers import PASSWORD, WebFixture, build, make_app, session_for

SPRAY = ["admin", "reader", "scanner", "editor", "insider", "nogrant", "alice", "bob", "carol", "dave"]


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build(tmp_path_factory.mktemp("limits") / "web.db")


def _login(c: Any, user: str, password: str, **headers: str) -> Any:
    if "hs_csrf" not in c.cookies:
        c.get("/login", headers=headers)
    return c.post("/login", data={"username": user, "password": password, "csrf_token": c.cookies["hs_csrf"]},
                  headers=headers)


def _client(app: Any, address: str = "203.0.113.9") -> TestClient:
    return TestClient(app, follow_redirects=False, raise_server_exceptions=False, client=(address, 40000))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- forwarding headers


def test_forwarding_headers_from_an_untrusted_peer_are_ignored(fx: WebFixture, tmp_path: Path) -> None:
    """A password spray that rotates X-Forwarded-For (and Forwarded) is still one address: stopped."""
    app = make_app(fx, tmp_path)  # default limits: 10 failed sign-ins per address per 15 minutes
    c = _client(app)
    codes, retry = [], []
    for i in range(30):
        spoof = {"x-forwarded-for": f"198.51.100.{i}", "forwarded": f"for=198.51.100.{i}"}
        r = _login(c, SPRAY[i % len(SPRAY)], "Winter2024!", **spoof)
        codes.append(r.status_code)
        retry.append(r.headers.get("retry-after"))
    assert codes == [401] * 10 + [429] * 20
    assert all(r is not None and 0 < int(r) <= 15 * 60 for r in retry[10:])
    log = app.state.accounts.audit_log(10)  # newest first: this test's failures
    assert {r["ip"] for r in log if r["action"] == "login-failed"} == {"203.0.113.9"}


def test_a_trusted_proxy_names_the_client(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, trusted_proxies="10.0.0.0/8, 192.0.2.7", failed_logins=2)
    proxy = _client(app, "10.1.2.3")
    # clients behind the proxy are told apart: each has its own failures
    for i in range(3):
        for _ in range(2):
            assert _login(proxy, SPRAY[i], "wrong-password", **{"x-forwarded-for": f"198.51.100.{i}"}).status_code == 401
        assert _login(proxy, SPRAY[i], "wrong-password", **{"x-forwarded-for": f"198.51.100.{i}"}).status_code == 429
    log = app.state.accounts.audit_log(6)  # newest first: this test's failures
    assert {r["ip"] for r in log if r["action"] == "login-failed"} == {"198.51.100.0", "198.51.100.1", "198.51.100.2"}
    # what the client wrote itself, left of the proxy's own entry, is not believed
    spoofed = _login(_client(app, "10.1.2.3"), "insider", "wrong-password", **{"x-forwarded-for": "1.2.3.4, 198.51.100.50"})
    assert spoofed.status_code == 401
    assert app.state.accounts.audit_log(1)[0]["ip"] == "198.51.100.50"
    # a peer outside the list gets nothing believed
    outside = _login(_client(app, "203.0.113.80"), "nogrant", "wrong-password", **{"x-forwarded-for": "198.51.100.60"})
    assert outside.status_code == 401 and app.state.accounts.audit_log(1)[0]["ip"] == "203.0.113.80"


@pytest.mark.parametrize(("peer", "headers", "expected"), [
    ("10.0.0.1", {"x-forwarded-for": "198.51.100.1"}, ("198.51.100.1", None)),
    ("10.0.0.1", {"x-forwarded-for": "198.51.100.1, 10.0.0.2", "x-forwarded-proto": "https"}, ("198.51.100.1", "https")),
    ("10.0.0.1", {"x-forwarded-for": "6.6.6.6, 198.51.100.1"}, ("198.51.100.1", None)),
    ("10.0.0.1", {"x-forwarded-for": "10.0.0.3, 10.0.0.2"}, ("10.0.0.3", None)),  # only proxies: the farthest one
    ("10.0.0.1", {"x-forwarded-for": "198.51.100.1, garbage"}, ("10.0.0.1", None)),  # unreadable: the proxy itself
    ("10.0.0.1", {"forwarded": 'for=198.51.100.1;proto=https, for="[2001:db8::5]:4711"'}, ("2001:db8::5", None)),
    ("10.0.0.1", {"forwarded": 'for="198.51.100.1:5000";proto=https;by=10.0.0.1'}, ("198.51.100.1", "https")),
    ("10.0.0.1", {"forwarded": "for=198.51.100.1", "x-forwarded-for": "6.6.6.6"}, ("198.51.100.1", None)),
    ("::ffff:10.0.0.1", {"x-forwarded-for": "198.51.100.1"}, ("198.51.100.1", None)),
    ("10.0.0.1", {}, None),
    ("203.0.113.1", {"x-forwarded-for": "198.51.100.1"}, None),
    ("testclient", {"x-forwarded-for": "198.51.100.1"}, None),
])
def test_the_forwarding_chain_is_read_from_the_right(peer: str, headers: dict[str, str], expected: Any) -> None:
    from horizonscan.web.security import forwarded_for, parse_networks

    scope = {"client": (peer, 1), "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    assert forwarded_for(scope, parse_networks("10.0.0.0/8")) == expected


def test_a_bad_trusted_proxies_setting_stops_the_start(fx: WebFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.web.app import WebConfig

    monkeypatch.setenv("HORIZONSCAN_TRUSTED_PROXIES", "10.0.0.1 ,fd00::/8")
    assert WebConfig().trusted_proxies == "10.0.0.1 ,fd00::/8"
    with pytest.raises(ValueError, match=r"^HORIZONSCAN_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network"):
        make_app(fx, tmp_path, trusted_proxies="10.0.0.1, proxy.local")


# ---------------------------------------------------------------- the anonymous limit


def test_made_up_credentials_do_not_skip_the_anonymous_limit(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, anonymous_per_minute=4)
    c = _client(app)
    fakes = [{"cookie": "hs_session=made-up"}, {"authorization": "Bearer hs_made-up-token"},
             {"authorization": "Basic eDp5"}, {"cookie": f"hs_session={'x' * 200}"}, {"cookie": "hs_session=again"}]
    codes = [c.get("/api/v1/events", headers=h).status_code for h in fakes]
    assert codes == [401, 401, 401, 401, 429]
    # a valid session and a valid token still pass, from the same address
    sid, _ = session_for(app, "reader")
    assert c.get("/api/v1/events", headers={"cookie": f"hs_session={sid}"}).status_code == 200
    assert c.get("/api/v1/events", headers={"authorization": f"Bearer {fx.tokens['reader']}"}).status_code == 200
    # the revoked token is made up as far as the limit is concerned
    assert c.get("/api/v1/events", headers={"authorization": f"Bearer {fx.revoked_token}"}).status_code == 429


def test_the_anonymous_limit_is_keyed_on_the_peer_not_on_its_headers(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, anonymous_per_minute=3)
    c = _client(app)
    codes = [c.get("/api/v1/events", headers={"x-forwarded-for": f"198.51.100.{i}"}).status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert _client(app, "203.0.113.10").get("/api/v1/events").status_code == 401  # another peer has its own count


# ---------------------------------------------------------------- sign-in throttling, not lockout


def test_failures_by_others_never_lock_the_owner_out(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, failed_logins=5)
    clock = Clock()
    app.state.login_throttle.clock = clock
    owner = _client(app, "198.51.100.20")
    assert _login(owner, "editor", PASSWORD).status_code == 303  # the owner's usual address
    # attackers on many addresses fail 40 times against the account
    codes = []
    for i in range(40):
        codes.append(_login(_client(app, f"203.0.113.{i}"), "editor", "guess-%d" % i).status_code)
        clock.now += 0.5
    assert codes[:5] == [401] * 5 and 429 in codes[5:]  # the account slows strangers down
    # the owner still signs in at once from their usual address, though the attack goes on
    assert _login(_client(app, "198.51.100.20"), "editor", PASSWORD).status_code == 303
    # from a new address they wait a growing delay (told how long), then get in
    new = _client(app, "198.51.100.99")
    r = _login(new, "editor", PASSWORD)
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 15 * 60
    clock.now += int(r.headers["retry-after"])
    assert _login(new, "editor", PASSWORD).status_code == 303


def test_the_account_delay_grows_and_is_capped() -> None:
    from horizonscan.web.security import LoginThrottle

    clock = Clock()
    throttle = LoginThrottle(per_address=100, per_account=3, clock=clock)
    throttle.succeeded("198.51.100.1", "editor")  # the owner's usual address
    waits = []
    for i in range(14):
        waits.append(throttle.wait(f"203.0.113.{i}", "Editor"))
        throttle.failed(f"203.0.113.{i}", "editor")
    assert waits[:7] == [0.0, 0.0, 0.0, 1.0, 2.0, 4.0, 8.0]  # doubling after the third failure
    assert throttle.wait("198.51.100.2", "editor") == 15 * 60  # capped
    assert throttle.wait("198.51.100.1", "EDITOR") == 0.0  # the usual address is not delayed
    clock.now += 60
    assert throttle.wait("198.51.100.2", "editor") == 14 * 60  # counted from the latest failure
    clock.now += 15 * 60  # the failures leave the window: no delay any more
    assert throttle.wait("198.51.100.2", "editor") == 0.0


def test_a_spray_from_one_address_is_stopped_and_its_own_success_does_not_reset_it(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, failed_logins=4)
    c = _client(app, "203.0.113.50")
    codes = [_login(c, user, "Spring2024!").status_code for user in SPRAY[:3]]
    assert _login(c, "nogrant", PASSWORD).status_code == 303  # the sprayer's own account
    c.cookies.delete("hs_session")
    codes += [_login(c, user, "Spring2024!").status_code for user in SPRAY[3:7]]
    assert codes == [401, 401, 401, 401, 429, 429, 429]


# ---------------------------------------------------------------- a real `horizonscan serve`


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_does_not_believe_forwarding_headers_from_local_clients(fx: WebFixture, tmp_path: Path) -> None:
    """Through uvicorn as `serve` runs it: a local client rotating X-Forwarded-For is one address."""
    import httpx

    port = _free_port()
    env = {**os.environ, "HORIZONSCAN_UPLOAD_DIR": str(tmp_path / "uploads"), "PYTHONUNBUFFERED": "1"}
    env.pop("HORIZONSCAN_TRUSTED_PROXIES", None)
    proc = subprocess.Popen([sys.executable, "-m", "horizonscan", "--db", fx.url, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        codes = []
        with httpx.Client(base_url=base, timeout=30) as c:
            for i in range(30):
                spoof = {"x-forwarded-for": f"198.51.100.{i}"}
                csrf = c.get("/login", headers=spoof).cookies.get("hs_csrf") or c.cookies.get("hs_csrf")
                r = c.post("/login", headers=spoof, data={"username": SPRAY[i % len(SPRAY)], "password": "Winter2024!",
                                                          "csrf_token": csrf})
                codes.append(r.status_code)
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
