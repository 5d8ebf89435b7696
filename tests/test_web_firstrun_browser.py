"""A first-time user's view in real headless Chromium: the interactive API documentation
renders every operation under the CSP, and a bad filter gives the form back with the field
marked. Screenshots go to test-artifacts/web/ (ignored by git)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

from test_web_helpers import build, make_app, serve_app, session_for

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "web"
SWAGGER = ROOT / "src/horizonscan/web/static/vendor/swagger-ui-bundle.js"

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (make system-deps)")
    if not SWAGGER.exists():
        pytest.skip("front-end packages not built (make web-assets)")
    tmp = tmp_path_factory.mktemp("firstrun")
    app = make_app(build(tmp / "web.db"), tmp)
    with serve_app(app) as base:
        yield base, app


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


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_api_docs_render_every_operation(served: tuple[str, Any], browser: Any) -> None:
    base, app = served
    schema = app.openapi()
    operations = sum(1 for methods in schema["paths"].values() for m in methods if m in ("get", "post", "put", "delete"))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    page.goto(f"{base}/api/v1")  # the API's root leads to its documentation
    assert page.url == f"{base}/api/v1/docs"
    page.wait_for_selector(".opblock", timeout=20_000)
    shown = page.locator(".opblock").count()
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.getAttribute('data-path'))")
    _shot(page, "api-docs")
    assert shown == operations, (shown, operations)
    assert "/api/v1/events/count" in paths and "/api/v1/uploads" in paths
    # the CSP (script-src 'self') let it run: no violation, no blocked script, nothing fetched from elsewhere
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert outside == []
    # an operation opens with its parameters, the filters among them
    page.click("#operations-events-api_count_api_v1_events_count_get .opblock-summary")
    page.wait_for_selector("#operations-events-api_count_api_v1_events_count_get .parameters", timeout=10_000)
    assert page.locator("#operations-events-api_count_api_v1_events_count_get tr[data-param-name=source_country]").count() == 1
    page.close()


def test_bad_filter_gives_the_form_back_with_the_field_marked(served: tuple[str, Any], browser: Any) -> None:
    base, app = served
    sid, _ = session_for(app, "admin")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "hs_session", "value": sid, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/events")
    page.fill("input[name=date_from]", "2020-13")
    page.fill("input[name=actor]", "China")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#error-date_from")
    field = page.locator("input[name=date_from]")
    assert field.get_attribute("aria-invalid") == "true"
    assert "calendar date" in page.locator("#error-date_from").inner_text()
    assert field.input_value() == "2020-13" and page.locator("input[name=actor]").input_value() == "China"  # nothing typed is lost
    _shot(page, "bad-filter-form")
    # corrected, the same form answers: the actor's name resolved to its id
    field.fill("2020")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector(".events-table")
    assert page.locator("[aria-invalid=true]").count() == 0
    assert "4 events" in page.locator(".events-table caption").inner_text()  # CHN as source or target, admin sees all
    # a misspelt parameter in a shared link is named above the form, with its near miss
    page.goto(f"{base}/events?sourcecountry=CHN")
    assert "did you mean source_country" in page.locator("#form-error").inner_text()
    _shot(page, "unknown-parameter-form")
    context.close()
