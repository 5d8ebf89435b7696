"""The web workspace in real headless Chromium (Debian's, driven by Playwright for Python).

One served app on 127.0.0.1 over the real demo corpus (demo/notes, ingested with analysis
by the real ``ingest`` into a temporary store); the walk goes through the main pages as a
user would: sign in, search, read a document, follow a highlighted actor, filter the
events explorer (the map's and the timeline's series data must change with the filter),
upload a file and watch its background job finish, delete a document. Screenshots are
written to test-artifacts/web/ (ignored by git).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "web"
VENDOR = ROOT / "src/horizonscan/web/static/vendor/echarts.min.js"
DEMO = ROOT / "demo" / "notes"
PASSWORD = "a-long-test-password"

from test_web_helpers import serve_app

pytestmark = [pytest.mark.slow]


@dataclass
class Served:
    base: str
    app: Any
    notes: int  # demo notes stored


def _demo_store(tmp: Path) -> tuple[str, int]:
    """The demo corpus through the real ingest (read, analyse, store), and two users."""
    from horizonscan.accounts import Accounts
    from horizonscan.ingest.run import ingest
    from horizonscan.settings import Settings
    from horizonscan.store import open_store

    url = f"sqlite:///{tmp / 'demo.db'}"
    store = open_store(url)
    report = ingest([str(DEMO)], store, Settings(db_url=url), analyse=True)
    assert report.count("added") == len(list(DEMO.glob("*.md"))) >= 40, [o.reason for o in report.failed]
    accounts = Accounts(store.engine)
    accounts.add_collection("team", "Team")
    accounts.add_user("editor", PASSWORD, "editor")  # may delete CLI-ingested ("default") documents
    accounts.grant("default", "editor", "write")
    accounts.grant("team", "editor", "write")
    store.close()
    return url, report.count("added")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from horizonscan.web.app import WebConfig, create_app

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (make system-deps)")
    if not VENDOR.exists():
        pytest.skip("front-end packages not built (make web-assets)")
    tmp = tmp_path_factory.mktemp("browser")
    url, notes = _demo_store(tmp)
    app = create_app(url, WebConfig(upload_dir=tmp / "uploads", analyse_uploads=True, anonymous_per_minute=0, job_poll_s=0.5))
    with serve_app(app) as base:  # lifespan: upload worker
        yield Served(base, app, notes)


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
            // data items are numbers, or {name, value: [x, y(, size)]}; a timeline's filled
            // empty periods ([time, 0]) are not items
            const shown = (v) => {
                const x = v && typeof v === 'object' && !Array.isArray(v) ? v.value : v;
                return Array.isArray(x) ? x.length > 2 || x[1] !== 0 : x !== 0;
            };
            const items = series.reduce((n, s) => n + (s.data || []).filter(shown).length, 0);
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


def _series(page: Any, chart_id: str) -> str:
    """The chart's series data as JSON (what the filters must change)."""
    return json.dumps(page.evaluate("(id) => window.hsCharts[id].getOption().series.map((s) => s.data)", chart_id))


def test_walk_through_the_workspace(server: Served, browser: Any, tmp_path: Path) -> None:
    base = server.base
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))  # the stack names the script line

    # sign in
    page.goto(f"{base}/events")
    assert "/login" in page.url
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/events")

    # dashboard: the map and the timeline hold the corpus's events and paint them
    page.goto(f"{base}/")
    world = _chart(page, "dash-map")
    assert world["items"] >= 2 and world["painted"] > 1000, world
    years = _chart(page, "dash-timeline")
    assert years["items"] >= 2 and years["painted"] > 200, years
    _shot(page, "01-dashboard")

    # search with highlighted snippets (as you type), then open the document
    page.goto(f"{base}/search")
    page.fill("#q", "Bishkek")
    page.press("#q", "Enter")
    page.wait_for_selector(".hit mark")
    assert page.inner_text(".hit mark").lower() == "bishkek"
    _shot(page, "02-search")
    page.click(".hit-title")
    page.wait_for_selector("#doc-text")
    assert page.locator("#doc-text a.m.actor").count() >= 2  # highlighted, linked actors
    assert page.locator("#doc-text .m.place, #doc-text .m.date").count() >= 1  # places and dates marked too
    _shot(page, "03-document")

    # click a highlighted actor → its page
    actor = page.locator("#doc-text a.m.actor").first
    href = actor.get_attribute("href")
    actor.click()
    page.wait_for_url(f"{base}{href}")
    assert page.inner_text("h1").strip()
    _shot(page, "04-actor")

    # events explorer: filter by type; the URL keeps the state; table, map and timeline follow
    page.goto(f"{base}/events")
    all_rows = page.locator(".events-table tbody tr").count()
    _chart(page, "events-map")
    _chart(page, "events-timeline")
    map_all, timeline_all = _series(page, "events-map"), _series(page, "events-timeline")
    page.select_option("select[name=type]", "CONSULT")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**type=CONSULT**")
    rows = page.locator(".events-table tbody tr").count()
    assert 0 < rows < all_rows
    m = _chart(page, "events-map")
    t = _chart(page, "events-timeline")
    assert m["items"] >= 1 and m["painted"] > 300, m
    assert t["items"] >= 1 and t["painted"] > 100, t
    assert _series(page, "events-map") != map_all and _series(page, "events-timeline") != timeline_all
    # the charts show exactly what the API answers for the same filters
    api = page.evaluate("() => fetch('/api/v1/places?top=500&type=CONSULT').then((r) => r.json())")
    located = [p for p in api["items"] if p["lat"] is not None and p["lon"] is not None]  # a map shows located places
    assert m["items"] == len(located) and all(p["name"] in _series(page, "events-map") for p in located)
    _shot(page, "05-events-consult")

    # network: nodes and coloured edges
    page.goto(f"{base}/network")
    net = _chart(page, "network")
    assert net["items"] >= 4 and net["painted"] > 500, net
    _shot(page, "06-network")

    # upload two files into the team collection; the progress list polls until the job is done
    note = tmp_path / "astana-note.txt"
    note.write_text("Kazakhstan and China agreed on a new gas pipeline in Astana on 3 May 2021.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    page.goto(f"{base}/upload")
    page.select_option("#collection", "team")
    page.set_input_files("#files", [str(note), str(empty)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-job")
    page.wait_for_selector("#upload-job[data-status=done]", timeout=60_000)
    text = page.inner_text(".upload-results")
    assert "added" in text and "skipped" in text and "E101" in text
    assert page.locator("#upload-job progress").get_attribute("value") == "2"
    _shot(page, "07-upload")
    page.click(".upload-results a[href^='/documents/']")
    page.wait_for_selector("#doc-text")
    assert "Astana" in page.inner_text("#doc-text") and "team" in page.inner_text(".reader header")

    # delete a demo document as an editor: the reader's Delete link, a confirmation, then it is gone
    page.goto(f"{base}/search?q=Novib")
    page.wait_for_selector(".hit-title")
    assert page.locator(".hit").count() == 1
    page.click(".hit-title")
    page.wait_for_selector("#delete-document")
    doc_url = page.url
    page.click("#delete-document")
    page.wait_for_selector("#confirm-delete")
    _shot(page, "08-delete-confirm")
    page.click("#confirm-delete")
    page.wait_for_selector("#delete-done")
    _shot(page, "09-deleted")
    assert page.goto(doc_url).status == 404
    page.goto(f"{base}/search?q=Novib")
    assert page.locator(".hit-title").count() == 0
    log = server.app.state.accounts.audit_log(20)
    assert any(r["action"] == "delete" and r["user_name"] == "editor" and doc_url.endswith(r["target"]) for r in log)

    assert errors == [], errors  # no script errors, no CSP violations


def test_event_link_opens_the_sentence_highlighted_and_in_view(server: Served, browser: Any) -> None:
    """Clicking an event's sentence in the explorer opens its document scrolled to that
    sentence, highlighted: the <mark> holds exactly the event's sentence and is on screen."""
    base = server.base
    page = browser.new_page(viewport={"width": 1000, "height": 420})  # short: most sentences start below the fold
    page.goto(f"{base}/login")
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # the latest event of the longest documents: pick, through the API, one whose sentence lies far down
    api = page.evaluate("() => fetch('/api/v1/events?limit=50&sort=-id').then((r) => r.json())")
    far = max(api["items"], key=lambda e: e["sentence_start"])
    assert far["link"] == f"/documents/{far['document_id']}?hl={far['sentence_start']}-{far['sentence_end']}#s-{far['sentence_start']}-{far['sentence_end']}"

    page.goto(f"{base}/events?sort=-id")
    link = page.locator(f".events-table a[href='{far['link']}']").first
    assert link.count() == 1, "the explorer links the event to its sentence"
    link.click()
    page.wait_for_selector("mark.event-sentence")
    anchor = f"s-{far['sentence_start']}-{far['sentence_end']}"
    marked = " ".join(page.locator("mark.event-sentence").all_inner_texts())
    assert " ".join(marked.split()) == " ".join(far["sentence"].split())
    box = page.evaluate(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect(); return {top: r.top, page: r.top + scrollY, y: scrollY, h: innerHeight}; }",
        anchor,
    )
    assert 0 <= box["top"] < box["h"], box  # scrolled into view, not left at the top of the document
    assert box["page"] < box["h"] or box["y"] > 0, box  # below the fold: the page was scrolled to it
    _shot(page, "09-event-sentence")

    # the document's own event list links to the same highlight
    side = page.locator(".events-side a.to-sentence").first
    assert side.get_attribute("href").startswith("?hl=")


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_timeline_map_and_country_page_tell_the_truth(server: Served, browser: Any) -> None:
    """The monthly timeline keeps the demo corpus's gaps (2013-09 … 2014-05 are eight
    months apart, not neighbours) on a time axis; the world map has no shape stepping
    across the antimeridian (the horizontal stripes); /places/KGZ is Kyrgyzstan."""
    base = server.base
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _sign_in(page, base)

    page.goto(f"{base}/events")
    _chart(page, "events-timeline")
    api = page.evaluate("() => fetch('/api/v1/timeline?granularity=month').then((r) => r.json())")
    periods = [p["period"] for p in api["points"]]
    assert any(p["count"] == 0 for p in api["points"]), "the demo corpus has empty months between its events"
    from horizonscan.query.api import periods_between

    assert periods == periods_between(periods[0], periods[-1], "month")  # every month, gaps as 0
    axis = page.evaluate("() => window.hsCharts['events-timeline'].getOption().xAxis[0].type")
    assert axis == "time"
    # on screen, bars a year apart are twelve times as far apart as bars a month apart
    xs = page.evaluate(
        """(labels) => {
            const chart = window.hsCharts['events-timeline'];
            return labels.map((l) => chart.convertToPixel({xAxisIndex: 0}, Date.UTC(+l.slice(0, 4), +l.slice(5, 7) - 1, 1)));
        }""",
        [periods[0], periods[1], periods[12]],
    )
    month, year = xs[1] - xs[0], xs[2] - xs[0]
    assert month > 0 and 11 < year / month < 13, xs
    _shot(page, "10-timeline-gaps")

    page.goto(f"{base}/")
    _chart(page, "dash-map")
    stripes = page.evaluate(
        """() => {
            const out = [];
            for (const f of window.hsWorld.features) {
                const g = f.geometry;
                const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
                for (const poly of polys) for (const ring of poly) for (let i = 1; i < ring.length; i++) {
                    const [a, b] = [ring[i - 1], ring[i]];
                    if (Math.abs(a[0] - b[0]) > 180 && !(Math.abs(a[1]) >= 90 && Math.abs(b[1]) >= 90)) out.push(f.properties.name);
                }
            }
            return out;
        }"""
    )
    assert stripes == [], stripes
    names = page.evaluate("() => window.hsWorld.features.map((f) => f.properties.name)")
    assert {"Russia", "Fiji", "Antarctica"} <= set(names)  # cut, not dropped
    page.locator("#dash-map").screenshot(path=str(ARTIFACTS / "11-world-map.png"))

    page.goto(f"{base}/places/KGZ")
    assert page.inner_text("h1").strip() == "Kyrgyzstan" and page.title().startswith("Kyrgyzstan")  # not "Bishkek"
    kgz = page.evaluate("() => fetch('/api/v1/events/count?involving=KGZ').then((r) => r.json())")["count"]
    assert kgz >= 1 and f"{kgz} events in Kyrgyzstan" in page.inner_text("main")
    _chart(page, "place-map")
    _shot(page, "12-country-page")
    # China acts in most demo events, none placed in China: its page holds them all
    listed = page.evaluate("() => fetch('/api/v1/events/count?involving=CHN').then((r) => r.json())")["count"]
    placed = page.evaluate("() => fetch('/api/v1/events/count?place_country=CHN').then((r) => r.json())")["count"]
    assert listed > placed
    page.goto(f"{base}/places/CHN")
    assert page.inner_text("h1").strip() == "China" and f"{listed} events in China" in page.inner_text("main")
    assert page.locator(".events-table tbody tr").count() == min(listed, 30)
    _shot(page, "13-country-page-china")
    assert errors == [], errors


def test_charts_wait_for_a_box_and_survive_losing_it(server: Served, browser: Any) -> None:
    """A chart element without a box (not laid out yet, collapsed, or a viewport resized for a
    moment, as a full-page screenshot does) gave ECharts a zero-size view: the map's geo
    transform became singular and the page script failed with "Cannot read properties of
    null (reading '0')", now and then under CPU load (issue 13, item 8). Here the same states
    are made on purpose: the map is hidden while its data arrives, and later collapsed to
    zero width while the window reports a resize."""
    base = server.base
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))
    _sign_in(page, base)
    # hidden from the moment the parser inserts it, before any page script runs
    page.add_init_script("""new MutationObserver((_, watch) => {
        const el = document.getElementById("dash-map");
        if (el) { el.style.display = "none"; watch.disconnect(); }
    }).observe(document, {childList: true, subtree: true});""")
    with page.expect_response(lambda r: "/api/v1/places" in r.url):
        page.goto(f"{base}/")
    page.wait_for_timeout(1500)  # the data is in; the old script drew into the empty box here
    assert page.get_attribute("#dash-map", "data-state") == "loading", errors
    page.evaluate("() => { document.getElementById('dash-map').style.display = ''; }")
    world = _chart(page, "dash-map")
    assert world["items"] >= 2 and world["painted"] > 1000, world

    # collapsed while the window resizes: skipped, then redrawn at the size it comes back to
    page.evaluate("() => { document.getElementById('dash-map').style.width = '0px'; window.dispatchEvent(new Event('resize')); }")
    page.wait_for_timeout(300)
    page.evaluate("() => { document.getElementById('dash-map').style.width = '600px'; }")
    page.wait_for_function("() => window.hsCharts['dash-map'].getWidth() === 600", timeout=5_000)
    assert errors == [], errors
