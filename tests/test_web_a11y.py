"""Accessibility and small screens, checked in real headless Chromium.

Every page of the workspace is audited with axe-core (the engine behind Lighthouse's
accessibility score; installed from npm by ``make web-assets`` as a development package)
for WCAG 2.1 A/AA rules: labels, names of links and buttons, contrast, landmarks, ARIA.
Serious and critical findings fail the test. The same pages are opened at a phone's
width (360 px) and must not scroll sideways, and the main actions can be reached and
used from the keyboard alone.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

from test_web_helpers import PASSWORD, WebFixture, build, make_app, serve_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VENDOR = ROOT / "src/horizonscan/web/static/vendor/echarts.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "a11y"

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebFixture]]:
    for need, why in ((CHROMIUM, "Debian chromium not installed (make system-deps)"),
                      (VENDOR, "front-end packages not built (make web-assets)"),
                      (AXE, "axe-core not installed (make web-assets)")):
        if not need.exists():
            pytest.skip(why)
    tmp = tmp_path_factory.mktemp("a11y")
    fx = build(tmp / "web.db")
    with serve_app(make_app(fx, tmp)) as base:
        yield base, fx


@pytest.fixture(scope="module")
def context(server: tuple[str, WebFixture]) -> Iterator[Any]:
    """A signed-in browser context. bypass_csp lets the test inject axe-core; the app's
    own pages still run under their CSP in every other browser test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from playwright.sync_api import sync_playwright

    base, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.close()
        yield ctx
        browser.close()


def _job(fx: WebFixture) -> str:
    """A finished upload job of the admin (one stored file, one skipped) for the job page."""
    from horizonscan.store import jobs, open_store
    from horizonscan.store.accounts import user_by_name

    store = open_store(fx.url)
    job_id = "a1" * 16  # 32 hex digits
    if jobs.get_job(store.engine, job_id) is None:
        jobs.create_job(store.engine, job_id, user_by_name(store.engine, "admin")["id"], "team", "/spool", False,  # type: ignore[index]
                        [{"kind": "file", "name": "note.txt", "input": "/spool/note.txt"},
                         {"kind": "file", "name": "empty.txt", "status": "skipped", "reason": "E101 empty file"}])
        item = jobs.pending_items(store.engine, job_id)[0]
        jobs.finish_item(store.engine, job_id, item["id"], [{"name": "note.txt", "status": "added",
                                                             "document_id": fx.ids["team"], "title": "Protest in Almaty"}])
        jobs.finish_job(store.engine, job_id)
    store.close()
    return job_id


def _pages(fx: WebFixture) -> dict[str, str]:
    doc = fx.ids["public"]
    return {
        "dashboard": "/",
        "search": "/search?q=aid",
        "document": f"/documents/{doc}",
        "events": "/events?type=AID",
        "actor": "/actors/CHN",
        "actors": "/actors",
        "place": "/places/KGZ",
        "network": "/network",
        "upload": "/upload",
        "upload-job": "/upload/jobs/" + _job(fx),
        "delete-confirm": f"/documents/{doc}/delete",
        "collections": "/collections",
        "account": "/account",
    }


def _audit(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)


@pytest.mark.parametrize("name", ["dashboard", "search", "document", "events", "actor", "actors", "place",
                                  "network", "upload", "upload-job", "delete-confirm", "collections", "account"])
def test_page_has_no_serious_accessibility_violations(server: tuple[str, WebFixture], context: Any, name: str) -> None:
    base, fx = server
    page = context.new_page()
    resp = page.goto(base + _pages(fx)[name])
    assert resp is not None and resp.status == 200
    page.wait_for_load_state("networkidle")
    found = _audit(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    page.close()
    assert serious == [], json.dumps(serious, indent=1)


def test_login_page_is_accessible_when_signed_out(server: tuple[str, WebFixture], context: Any) -> None:
    base, _ = server
    signed_out = context.browser.new_context(bypass_csp=True)
    page = signed_out.new_page()
    page.goto(f"{base}/login")
    serious = [v for v in _audit(page) if v["impact"] in ("serious", "critical")]
    signed_out.close()
    assert serious == [], serious


def test_pages_fit_a_phone_screen(server: tuple[str, WebFixture], context: Any) -> None:
    base, fx = server
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    wide = {}
    for name, path in _pages(fx).items():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 2:
            wide[name] = overflow
        if name in ("dashboard", "document", "events"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    page.close()
    assert wide == {}, f"pages scroll sideways on a 360 px screen (px too wide): {wide}"


def test_search_by_keyboard_alone(server: tuple[str, WebFixture], context: Any) -> None:
    """Tab from the top of the page to the search box, type, press Enter, then reach the
    first result with Tab and open it with Enter."""
    base, _ = server
    page = context.new_page()
    page.goto(f"{base}/search")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type("humanitarian")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit-title")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.classList.contains('hit-title')"):
            break
    else:
        pytest.fail("no search result can be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#doc-text")
    # focus is visible: the browser draws an outline (or the app its own focus style)
    page.keyboard.press("Tab")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert style[0] != "none" or style[2] != "none", style
    page.close()


def test_the_audit_catches_a_broken_page(server: tuple[str, WebFixture], context: Any) -> None:
    """The audit is not vacuous: an unlabelled field and low-contrast text are reported."""
    base, _ = server
    page = context.new_page()
    page.goto(f"{base}/search")
    page.evaluate("""() => {
        const f = document.createElement('input'); f.type = 'text'; document.querySelector('main').appendChild(f);
        const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#eeeeee'; p.style.background = '#ffffff';
        document.querySelector('main').appendChild(p);
    }""")
    ids = {v["id"] for v in _audit(page)}
    page.close()
    assert {"label", "color-contrast"} <= ids, ids


def test_actor_field_suggests_actors_as_you_type(server: tuple[str, WebFixture], context: Any) -> None:
    """The events explorer's actor field fills its datalist from /suggest/actors (HTMX, no inline script)."""
    base, _ = server
    page = context.new_page()
    page.goto(f"{base}/events")
    page.click("input[name=actor]")
    page.keyboard.type("kyrg")
    page.wait_for_selector("#actor-options option", state="attached", timeout=10_000)
    assert page.eval_on_selector_all("#actor-options option", "els => els.map(e => e.value)") == ["KGZ"]
    page.close()
