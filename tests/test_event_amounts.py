"""Events dated (reported publication dates), amounts on events, and links to the event's sentence.

Issue #12 items 5, 6 and 7: the pure parts (amount reading, date fallback, citation dates)
without spaCy; the analyser end to end on a few sentences; the store, API, exports and web
page on a store written from a hand-made analysis.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from horizonscan.analysis import amounts, event_dates
from horizonscan.errors import HorizonscanError
from horizonscan.packs import load_pack
from horizonscan.records import (
    Analysis, Citation, DateMention, Document, Event, EventActor, EventDate, EventPlace, Found,
)


@pytest.fixture(scope="module")
def vocab() -> amounts.AmountVocab:
    return amounts.vocab_for(load_pack())


# ------------------------------------------------------------------ reading amounts


@pytest.mark.parametrize("text, amount, currency", [
    ("a $500 m loan", 500_000_000, "USD"),
    ("pledged US$41 billion", 41_000_000_000, "USD"),
    ("RMB 2 billion in aid", 2_000_000_000, "CNY"),
    ("2 bn yuan", 2_000_000_000, "CNY"),
    ("a grant of 500 million dollars", 500_000_000, "USD"),
    ("€3.5m for schools", 3_500_000, "EUR"),
    ("KES 1,200,000", 1_200_000, "KES"),  # an ISO code from CLDR, no pack entry
    ("45 million Swiss francs", 45_000_000, "CHF"),  # a CLDR plural name
])
def test_money_is_normalised(vocab: amounts.AmountVocab, text: str, amount: float, currency: str) -> None:
    found = [a for a in amounts.find_amounts(text, vocab) if a.currency]
    assert [(a.amount, a.currency) for a in found] == [(amount, currency)]


@pytest.mark.parametrize("text, quantity, unit", [
    ("donated 100,000 masks", 100_000, "masks"),
    ("1.2 million doses of vaccine", 1_200_000, "doses"),
    ("2,000 tonnes of rice", 2_000, "tonnes"),
    ("deployed 300 troops", 300, "troops"),
    ("50,000 surgical masks", 50_000, "masks"),
])
def test_quantities_keep_their_unit(vocab: amounts.AmountVocab, text: str, quantity: float, unit: str) -> None:
    found = [a for a in amounts.find_amounts(text, vocab) if a.unit]
    assert [(a.quantity, a.unit) for a in found] == [(quantity, unit)]


def test_years_and_dates_are_no_amounts(vocab: amounts.AmountVocab) -> None:
    # A bare year before a unit word is no count unless spaCy read it as a number...
    assert amounts.find_amounts("In 2020 masks were scarce", vocab) == []
    # ...and a number inside a DATE entity never is, even before a currency word.
    text = "On 5 May 2019 dollars flowed"
    assert amounts.find_amounts(text, vocab, entities=[(3, 13, "DATE")]) == []
    assert amounts.find_amounts("2020 masks", vocab, entities=[(0, 4, "CARDINAL")])[0].quantity == 2020


def test_offsets_point_into_the_text(vocab: amounts.AmountVocab) -> None:
    text = "China gave RMB 2 billion."
    (a,) = amounts.find_amounts(text[6:], vocab, offset=6)
    assert text[a.start : a.end] == "RMB 2 billion" == a.text


def test_a_bad_amounts_file_is_refused_with_its_code(tmp_path: Path) -> None:
    bad = tmp_path / "amounts.yaml"
    bad.write_text("multipliers:\n  million: lots\n", encoding="utf-8")
    with pytest.raises(HorizonscanError, match="^E236 .*multipliers.million"):
        amounts.load_vocab(bad)


# ------------------------------------------------------------------ dates of events


def _event(date: EventDate | None = None) -> Event:
    return Event("AID", None, EventActor("China", "CHN", "CHN"), EventActor("Kenya", None, "KEN"), 0, 10, date=date)


def test_undated_events_take_the_publication_date_marked_reported() -> None:
    own = EventDate("2014-03", "month", "March 2014")
    out = event_dates.with_reported_dates([_event(), _event(own)], "2020-05-04")
    assert out[0].date == EventDate("2020-05-04", "day", None, reported=True)
    assert out[1].date == own and not own.reported
    # the precision is the publication date's own
    assert event_dates.reported_date("2020-05").precision == "month"
    assert event_dates.reported_date("2020").precision == "year"
    assert event_dates.reported_date("2020-05-04T10:30:00Z").value == "2020-05-04"


def test_without_a_publication_date_events_stay_undated() -> None:
    assert event_dates.with_reported_dates([_event()], None)[0].date is None
    assert event_dates.reported_date("") is None and event_dates.reported_date("sometime") is None


def test_dates_of_a_citation_never_reach_the_coder() -> None:
    body = DateMention(10, 20, "March 2020", "2020-03", "month")
    in_note = DateMention(110, 122, "1 April 2019", "2019-04-01", "day")
    note = Citation("1", 100, 160, "1 Reuters, 'China sends aid', 1 April 2019.", date="2019-04-01")
    assert event_dates.body_dates([body, in_note], [note]) == [body]


# ------------------------------------------------------------------ the analyser end to end


def test_analyser_puts_amounts_and_reported_dates_on_events() -> None:
    from horizonscan.analysis.pipeline import analyse

    a = analyse("China's Exim Bank signed a $500 m loan agreement with Kenya.", published="2020-05-04", language="en", timeout=0)
    (loan,) = [e for e in a.events if e.target and e.target.country == "KEN"]
    assert (loan.amount, loan.currency, loan.amount_usd) == (500_000_000, "USD", 500_000_000)
    assert loan.date == EventDate("2020-05-04", "day", None, reported=True)

    b = analyse("Beijing provided RMB 2 billion in aid to Cambodia in March 2014.", published="2020-05-04", language="en", timeout=0)
    (aid,) = [e for e in b.events if e.type == "AID"]
    assert (aid.amount, aid.currency, aid.amount_usd) == (2_000_000_000, "CNY", None)  # no conversion
    assert aid.date is not None and aid.date.value == "2014-03" and not aid.date.reported

    c = analyse("China donated 100,000 masks to Kyrgyzstan.", language="en", timeout=0)
    (gift,) = [e for e in c.events if e.type == "AID"]
    assert (gift.quantity, gift.unit, gift.amount) == (100_000, "masks", None)
    assert gift.date is None  # no date in the sentence and none published
    assert json.loads(json.dumps(c.to_dict()))["events"][0]["unit"] == "masks"


def test_an_amount_of_another_clause_is_not_taken() -> None:
    from horizonscan.analysis.pipeline import analyse

    a = analyse("China signed a loan agreement with Kenya, which had spent $40 m on roads.", language="en", timeout=0)
    loans = [e for e in a.events if e.target and e.target.country == "KEN"]
    assert loans and all(e.amount is None for e in loans)


# ------------------------------------------------------------------ store, API, exports, web


TEXT = "Intro line.\n\nChina gave Kenya a $500 m loan for a railway.\n\nMore text follows."


def _store(tmp_path: Path) -> tuple[Any, str, tuple[int, int]]:
    from horizonscan.ingest.normalise import content_id
    from horizonscan.store import open_store

    s0 = TEXT.index("China")
    s1 = TEXT.index("railway.") + len("railway.")
    ev = Event("COOPERATE", "economic", EventActor("China", "CHN", "CHN", None, s0, s0 + 5),
               EventActor("Kenya", None, "KEN", None, s0 + 11, s0 + 16), s0, s1, "gave loan",
               EventPlace("Nairobi", -1.28, 36.82, "KEN"), EventDate("2021-06-01", "day", None, reported=True),
               amount=500_000_000, currency="USD", amount_usd=500_000_000, quantity=None, unit=None)
    store = open_store(f"sqlite:///{tmp_path / 'ev.db'}")
    doc = Document(content_id(TEXT), TEXT, Found("Loan", "test"), Found("2021-06-01", "test"), Found("en", "test"))
    store.write(doc, Analysis("en", events=(ev,), analyser="test"), "loan.txt")
    return store, doc.id, (s0, s1)


def test_store_api_and_exports_carry_amounts_reported_dates_and_links(tmp_path: Path) -> None:
    from horizonscan.present.exports import events_csv, events_json, events_tsv
    from horizonscan.present.geo import events_geojson
    from horizonscan.query import find_events

    store, doc_id, (s0, s1) = _store(tmp_path)
    (e,) = find_events(store).items
    assert (e.amount, e.currency, e.amount_usd, e.date_reported, e.date_value) == (500_000_000, "USD", 500_000_000, True, "2021-06-01")
    assert e.link == f"/documents/{doc_id}?hl={s0}-{s1}#s-{s0}-{s1}"
    tsv = next(csv.DictReader(io.StringIO(events_tsv([e])), delimiter="\t"))
    assert (tsv["amount"], tsv["currency"], tsv["amount_usd"], tsv["date_reported"]) == ("500000000", "USD", "500000000", "1")
    row = next(csv.DictReader(io.StringIO(events_csv([e]))))
    assert row["currency"] == "USD" and row["link"] == e.link
    assert json.loads(events_json([e]))[0]["amount"] == 500_000_000
    props = events_geojson([e])["features"][0]["properties"]
    assert (props["amount"], props["currency"], props["date_reported"], props["link"]) == (500_000_000, "USD", True, e.link)
    store.close()


def test_the_document_page_highlights_the_linked_sentence(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from horizonscan.accounts import Accounts
    from horizonscan.web.app import WebConfig, create_app
    from test_web_helpers import PASSWORD

    store, doc_id, (s0, s1) = _store(tmp_path)
    accounts = Accounts(store.engine)
    accounts.add_user("reader", PASSWORD, "reader")
    accounts.grant("default", "reader", "read")
    store.close()
    app = create_app(f"sqlite:///{tmp_path / 'ev.db'}", WebConfig(upload_dir=tmp_path / "up", analyse_uploads=False, anonymous_per_minute=0))
    from test_web_helpers import session_for

    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sid, _ = session_for(app, "reader")
    c.cookies.set("hs_session", sid)
    api = c.get("/api/v1/events").json()["items"][0]
    assert api["link"].endswith(f"?hl={s0}-{s1}#s-{s0}-{s1}") and api["amount"] == 500_000_000
    assert c.get(f"/api/v1/documents/{doc_id}").json()["events"][0]["link"] == api["link"]
    table = c.get("/events").text
    assert f'href="{api["link"]}"' in table and "500,000,000 USD" in table and ">reported<" in table
    page = c.get(api["link"].split("#")[0]).text
    marked = page.split(f'<mark class="event-sentence" id="s-{s0}-{s1}">', 1)[1].split("</mark>", 1)[0]
    assert marked == TEXT[s0:s1].replace("$", "$")  # exactly the sentence, nothing of its neighbours
    assert page.count("<mark") == 1
    plain = c.get(f"/documents/{doc_id}").text
    assert "<mark" not in plain
    assert c.get(f"/documents/{doc_id}?hl=9-2x").status_code == 422  # malformed span: a clear refusal
    beyond = c.get(f"/documents/{doc_id}?hl=5000-5100")
    assert beyond.status_code == 200 and "outside this document" in beyond.text and "<mark" not in beyond.text


def test_a_noun_rooted_title_with_an_amount_is_read_at_once() -> None:
    """A headline has no verb: climbing from a noun trigger to its clause's verb used to
    compare spaCy tokens by identity (a new object on every access) and never stopped at the
    root, so such a title ran until the analysis time limit."""
    import time

    from horizonscan.analysis.pipeline import analyse

    started = time.monotonic()
    result = analyse("China Eximbank $500 million loan to Kenya for Standard Gauge Railway", published="2014-05-11")
    assert time.monotonic() - started < 60
    assert result.events is not None
