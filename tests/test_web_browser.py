"""The web workspace in real headless Chromium (Debian's, driven by Playwright for Python).

One served app on 127.0.0.1 with the hand-built fixture store; the walk goes through
the main pages as a user would and checks that charts hold data and paint pixels.
Screenshots are written to test-artifacts/web/.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

from test_web_helpers import PASSWORD, WebFixture, build, make_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"
VENDOR = Path(__file__).resolve().parents[1] / "src/horizonscan/web/static/vendor/echarts.min.js"

pytestmark = [pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebFixture]]:
    import uvicorn

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (make system-deps)")
    if not VENDOR.exists():
        pytest.skip("front-end packages not built (make web-assets)")
    tmp = tmp_path_factory.mktemp("browser")
    fx = build(tmp / "web.db")
    app = make_app(fx, tmp)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", fx
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _chart(page: Any, chart_id: str) -> dict[str, Any]:
    """Wait for a chart, then report how many data items its first series holds and
    how many of its canvas pixels are painted (not transparent, not white)."""
    page.wait_for_selector(f"#{chart_id}[data-state=ready]", timeout=15_000)
    page.wait_for_timeout(700)  # let the first animation frame paint
    return page.evaluate(
        """(id) => {
            const chart = window.hsCharts[id];
            const series = chart.getOption().series;
            const items = series.reduce((n, s) => n + (s.data || []).filter((v) => v !== 0).length, 0);
            const canvas = document.querySelector('#' + id + ' canvas');
            const ctx = canvas.getContext('2d');
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 0; i < px.length; i += 4) {
                if (px[i + 3] > 0 && !(px[i] > 245 && px[i + 1] > 245 && px[i + 2] > 245)) painted++;
            }
            return {items, painted};
        }""",
        chart_id,
    )


def test_walk_through_the_workspace(server: tuple[str, WebFixture], browser: Any, tmp_path: Path) -> None:
    base, fx = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # sign in
    page.goto(f"{base}/events")
    assert "/login" in page.url
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/events")

    # dashboard: the map and the timeline hold data and paint it
    page.goto(f"{base}/")
    world = _chart(page, "dash-map")
    assert world["items"] >= 2 and world["painted"] > 1000, world
    years = _chart(page, "dash-timeline")
    assert years["items"] >= 2 and years["painted"] > 200, years
    _shot(page, "01-dashboard")

    # search with highlighted snippets, then open the document
    page.goto(f"{base}/search")
    page.fill("#q", "humanitarian")
    page.press("#q", "Enter")
    page.wait_for_selector(".hit mark")
    assert page.inner_text(".hit mark").lower() == "humanitarian"
    _shot(page, "02-search")
    page.click(".hit-title")
    page.wait_for_selector("#doc-text")
    assert page.locator(".events-side .event").count() == 2
    _shot(page, "03-document")

    # click a highlighted actor → its page
    page.click("#doc-text a.m.actor[href='/actors/KGZ']")
    page.wait_for_url(f"{base}/actors/KGZ")
    assert page.inner_text("h1") in ("Kyrgyzstan", "KGZ")
    _shot(page, "04-actor")

    # events explorer: filter by type; the URL keeps the state; map, timeline and table follow
    page.goto(f"{base}/events")
    all_rows = page.locator(".events-table tbody tr").count()
    page.select_option("select[name=type]", "PROTEST")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**type=PROTEST**")
    rows = page.locator(".events-table tbody tr").count()
    assert 0 < rows < all_rows
    m = _chart(page, "events-map")
    t = _chart(page, "events-timeline")
    assert m["items"] == 1 and m["painted"] > 500, m  # both protests are in Almaty
    assert t["items"] == 1 and t["painted"] > 100, t
    _shot(page, "05-events-protest")

    # network: nodes and coloured edges
    page.goto(f"{base}/network")
    net = _chart(page, "network")
    assert net["items"] >= 4 and net["painted"] > 500, net
    _shot(page, "06-network")

    # upload a file into the team collection
    note = tmp_path / "bishkek-note.txt"
    note.write_text("Kyrgyzstan and China agreed on a new road project in Bishkek in 2021.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    page.goto(f"{base}/upload")
    page.select_option("#collection", "team")
    page.set_input_files("#files", [str(note), str(empty)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".upload-results")
    text = page.inner_text(".upload-results")
    assert "added" in text and "skipped" in text
    _shot(page, "07-upload")

    assert errors == [], errors  # no script errors, no CSP violations
