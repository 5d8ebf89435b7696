"""Store: atomic idempotent writes, near-duplicates, search, failures, events — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from horizonscan import query as q
from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.records import (
    Analysis,
    DateMention,
    Document,
    Event,
    EventActor,
    EventDate,
    EventPlace,
    Found,
    Mention,
    PlaceMention,
    Theme,
)
from horizonscan.store import open_store
from horizonscan.store.search import HL_START, fts5_query
from horizonscan.store.writer import iso_start

STORY = (
    "The Amity Foundation delivered relief supplies to Kathmandu after the earthquake. "
    "Volunteers from several Chinese NGOs joined the response and worked with local groups "
    "to distribute tents, water purification kits and food to families in the hills around the valley. "
    "The foundation said it would keep a team in Nepal for reconstruction work over the coming year. "
    "Engineers assessed damaged schools in three districts and reported that most classrooms needed new roofs. "
    "Donors in several provinces pledged further money for shelters, and the group published a list of its "
    "partners, its spending so far and the villages it had reached by the end of the first month. "
    "Local officials welcomed the help and asked for more attention to remote areas where roads were still blocked by landslides."
)


def make_doc(text: str, title: str = "A title", published: str | None = "2015-05-01", **kw: object) -> Document:
    text = clean_text(text)
    return Document(
        id=content_id(text), text=text, title=Found(title, "test"), published=Found(published, "test"),
        language=Found("en", "test"), reader="test.v1", **kw,  # type: ignore[arg-type]
    )


def make_analysis(text: str) -> Analysis:
    i = text.index("Amity Foundation")
    k = text.index("Kathmandu")
    ev = Event(
        type="AID", mode="humanitarian",
        source=EventActor("Amity Foundation", "ngo:amity-foundation", "CHN", "NGO"),
        target=EventActor("Kathmandu", "NPL", "NPL", None),
        sentence_start=0, sentence_end=text.index(".") + 1, trigger="delivered",
        place=EventPlace("Kathmandu", 27.7, 85.3, "NPL", 1283240), date=EventDate("2015-05", "month", "May 2015"),
        confidence=0.8, cameo="073", score=7.0,
    )
    return Analysis(
        language="en",
        mentions=(Mention(i, i + 16, "Amity Foundation", "ORG", "ngo:amity-foundation", "CHN", "ngo", "NGO", "Amity Foundation"),),
        places=(PlaceMention(k, k + 9, "Kathmandu", "Kathmandu", 27.7, 85.3, "NPL", 1283240, "city"),),
        dates=(DateMention(0, 4, "The ", "2015", "year"),),
        themes=(Theme("human-security", "environmental", 0, len(text), ("earthquake",), 0.5),),
        events=(ev,),
        analyser="test",
    )


def test_write_is_atomic_and_idempotent(store_url: str) -> None:
    store = open_store(store_url)
    doc = make_doc(STORY)
    first = store.write(doc, make_analysis(doc.text), "a.txt")
    again = store.write(doc, make_analysis(doc.text), "elsewhere/b.txt")
    assert (first.status, again.status) == ("added", "duplicate")
    st = store.status()
    assert st["documents"] == 1 and st["inputs"] == 2 and st["events"] == 1
    stored = store.document(doc.id)
    assert stored is not None and stored.inputs == ["a.txt", "elsewhere/b.txt"]
    assert stored.mentions[0]["actor_id"] == "ngo:amity-foundation"
    assert stored.places[0]["geonames_id"] == 1283240
    assert stored.themes[0]["evidence"] == ["earthquake"]
    assert store.document(doc.id[:8]) is not None  # unique prefix
    assert store.has_input("elsewhere/b.txt") and not store.has_input("never.txt")
    store.close()


def test_failed_write_leaves_nothing(store_url: str) -> None:
    """A write that fails half-way (bad event row) rolls back the document too."""
    store = open_store(store_url)
    doc = make_doc(STORY)
    bad = Analysis(language="en", events=(Event("AID", None, None, None, 0, 5, confidence=None),), analyser="t")  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError):
        store.write(doc, bad, "x.txt")
    assert store.status()["documents"] == 0
    assert not store.search("Amity")
    store.close()


def test_near_duplicate_linked_to_original(store_url: str) -> None:
    store = open_store(store_url)
    original = make_doc(STORY, title="Original")
    copy = make_doc(STORY.replace("The foundation said", "A spokesperson said") + " (Syndicated.)", title="Copy")
    other = make_doc("An entirely different story about trade talks between ministers in Astana " * 5, title="Other")
    store.write(original, None, "o")
    res = store.write(copy, None, "c")
    res_other = store.write(other, None, "x")
    assert res.status == "added" and res.near_duplicate_of == original.id
    assert res_other.near_duplicate_of is None
    assert store.status()["duplicates"] == 1
    # search hides copies unless asked
    assert [h.id for h in store.search("Volunteers")] == [original.id]
    assert {h.id for h in store.search("Volunteers", include_duplicates=True)} == {original.id, copy.id}
    store.close()


def test_near_duplicate_never_dated_after_its_original(store_url: str) -> None:
    """A reprint dated the day it was printed takes its original's date; an earlier or
    same date on a copy, and any date on an unrelated document, are kept."""
    store = open_store(store_url)
    original = make_doc(STORY, title="Original", published="2021-05-15")
    store.write(original, None, "o")
    printed = make_doc(STORY + " (Printed.)", title="Printed today", published="2026-12-07T09:30:00+00:00")
    undated = make_doc(STORY + " (Undated copy.)", title="Undated", published=None)
    earlier = make_doc(STORY + " (Wire copy.)", title="Wire", published="2021-05-14")
    for doc in (printed, undated, earlier):
        assert store.write(doc, None, doc.title.value or "").near_duplicate_of == original.id
    got = {d.id: (d.published, d.provenance.get("published")) for d in (store.document(x.id) for x in (printed, undated, earlier)) if d}
    assert got[printed.id] == ("2021-05-15", f"near-duplicate:{original.id}")
    assert got[undated.id] == ("2021-05-15", f"near-duplicate:{original.id}")
    assert got[earlier.id] == ("2021-05-14", "test")
    # the latest published day of the store is the original's, not the reprint's
    assert q.find_documents(store, None, sort="-date", limit=1, ).items[0].published_start == "2021-05-15"
    store.close()


def test_corpus_end_ignores_a_stray_late_date(store_url: str) -> None:
    """The dashboard's "last month of the corpus" ends where documents are dense, not at a
    lone late date; an empty new-since answer says why it is empty."""
    from datetime import date

    store = open_store(store_url)
    topics = ["a rail link in Kazakhstan", "a loan to Kyrgyzstan", "a power plant in Uzbekistan", "a port in Sri Lanka",
              "a hospital in Nepal"]
    days = ["2021-04-20", "2021-05-02", "2021-05-15", "2026-11-30", "2031-01-01"]
    for n, (topic, day) in enumerate(zip(topics, days)):
        text = f"Report {n} on {topic}. " + " ".join(f"Paragraph {n}.{k} discusses {topic} in its own words." for k in range(12))
        store.write(make_doc(text, title=f"Report {n}", published=day), None, f"r{n}")
    assert q.corpus_end(store, today=date(2026, 12, 8)) == date(2021, 5, 15)
    assert q.corpus_end(store, today=date(2026, 12, 8), window_days=3000) == date(2026, 11, 30)
    empty = q.new_since(store, "2022-01-01", until="2022-12-31")
    assert not empty.items and empty.note and "no documents published from 2022-01-01 to 2022-12-31" in empty.note
    assert "2031-01-01" in empty.note  # the newest date, so the user sees what the store holds
    quiet = q.new_since(store, "2021-05-01", until="2021-05-31", min_count=50)
    assert not quiet.items and quiet.note and quiet.note.startswith("2 document(s) from 2021-05-01 to 2021-05-31 and 1 in the baseline")
    assert "--min-count" in quiet.note
    store.close()


def test_search_ranking_snippets_and_filters(store_url: str) -> None:
    store = open_store(store_url)
    a = make_doc(STORY, title="Amity in Nepal", published="2015-05-01")
    b = make_doc("Copper at Mes Aynak remains unmined; the Amity group is not involved. " * 3, title="Mes Aynak", published="2018-06-18")
    store.write(a, None, "a")
    store.write(b, None, "b")
    hits = store.search("Mes Aynak")
    assert [h.id for h in hits] == [b.id]
    assert HL_START in hits[0].snippet
    assert [h.id for h in store.search('"relief supplies"')] == [a.id]
    assert store.search("Amity", date_from="2016-01-01")[0].id == b.id
    assert [h.id for h in store.search("Amity", date_to="2015-12-31")] == [a.id]
    assert store.search("Amity", language="fr") == []
    assert store.search("Amity -copper")[0].id == a.id
    # hostile queries are inert
    for q in ['"', "NEAR(", "a AND OR", "'; DROP TABLE documents; --", "*", "title:x", "Amity\x00"]:
        store.search(q)
    assert store.status()["documents"] == 2
    store.close()


def test_failures_recorded_and_cleared(store_url: str) -> None:
    store = open_store(store_url)
    store.record_failure("bad.pdf", "E120 encrypted PDF", "read")
    store.record_failure("bad.pdf", "E120 encrypted PDF", "read")
    st = store.status()
    assert st["failed"] == [{"input": "bad.pdf", "reason": "E120 encrypted PDF", "stage": "read", "attempts": 2}]
    store.clear_failure("bad.pdf")
    assert store.status()["failed"] == []
    store.close()


def test_events_filters_and_clusters(store_url: str) -> None:
    store = open_store(store_url)
    d1 = make_doc(STORY)
    d2 = make_doc(STORY + " Reported again by another outlet with more detail about the tents and the valley.")
    store.write(d1, make_analysis(d1.text), "1")
    store.write(d2, make_analysis(d2.text), "2")
    def events(**kw: object) -> list:
        # d2 is a near-copy of d1; the query layer hides copies unless asked
        return list(q.find_events(store, q.make_filter(include_duplicates=True, **kw)).items)

    rows = events(type="aid", country="NPL")
    assert len(rows) == 2 and rows[0].sentence.startswith("The Amity Foundation delivered")
    assert rows[0].source_sector == "NGO"
    assert len({r.cluster_id for r in rows}) == 1  # same real-world event, two documents
    assert q.count_events(store, q.make_filter(type="AID", include_duplicates=True), unit="clusters") == 1
    assert events(type="PROTEST") == []
    assert events(date_from="2016-01-01") == []
    assert len(events(actor="ngo:amity-foundation", min_confidence=0.5)) == 2
    store.close()


def test_fts5_query_quotes_everything() -> None:
    assert fts5_query("Amity Foundation") == '"Amity" "Foundation"'
    assert fts5_query('"Mes Aynak" -copper') == '"Mes Aynak" NOT "copper"'
    assert fts5_query("a OR b") == '"a" OR "b"'
    assert fts5_query("-only") == ""


@pytest.mark.parametrize(
    "value,expected",
    [("2020", "2020-01-01"), ("2020-03", "2020-03-01"), ("2020-03-30", "2020-03-30"), ("2020-Q2", "2020-04-01"),
     ("2020-03-30T08:45:00", "2020-03-30"), ("PAST_REF", None), (None, None), ("19", None)],
)
def test_iso_start(value: str | None, expected: str | None) -> None:
    assert iso_start(value) == expected


def test_search_ranks_broad_queries_among_the_newest_matches(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer matches than the bound: ranked exactly as unbounded. More: only the newest
    RANK_AMONG readable matches are ranked, the same on both backends; scope and
    duplicates are applied before the bound; paging walks the bounded ranking."""
    from horizonscan.store import search as fts
    from horizonscan.store.accounts import create_collection

    store = open_store(store_url)
    create_collection(store.engine, "private", "Private")
    docs = []
    for i in range(8):  # "harbour" 1..8 times: bm25 / ts_rank differ, the oldest are the best
        text = f"Story {i}: " + "The harbour at Gwadar was expanded. " * (8 - i) + f"Filler words number {i} about ports and shipping. " * 6
        docs.append(make_doc(text, title=f"Doc {i}", published=f"2020-01-0{i + 1}"))
    for i, doc in enumerate(docs):
        store.write(doc, None, f"in{i}", collections=["private"] if i == 6 else ())
    ids = [d.id for d in docs]
    default = frozenset({"default"})

    def ranked(**kw: object) -> list[tuple[str, float]]:
        return [(h.id, round(h.rank, 9)) for h in store.search("harbour", limit=50, **kw)]  # type: ignore[arg-type]

    monkeypatch.setattr(fts, "RANK_AMONG", None)
    unbounded, unbounded_scoped = ranked(), ranked(scope=default)
    assert [i for i, _ in unbounded] == ids and [i for i, _ in unbounded_scoped] == ids[:6] + ids[7:]
    for n in (8, 9, 1000):  # at least as many candidates as matches: exactly as before
        monkeypatch.setattr(fts, "RANK_AMONG", n)
        assert ranked() == unbounded
        assert ranked(scope=default) == unbounded_scoped
    monkeypatch.setattr(fts, "RANK_AMONG", 3)
    assert [i for i, _ in ranked()] == [ids[5], ids[6], ids[7]]  # the newest three, ranked
    assert ranked() == [r for r in unbounded if r[0] in ids[5:]]  # with the same ranks as unbounded
    assert [i for i, _ in ranked(scope=default)] == [ids[4], ids[5], ids[7]]  # the hidden one is no candidate
    assert [i for i, _ in ranked(date_to="2020-01-05")] == [ids[2], ids[3], ids[4]]  # filters before the bound
    pages = [h.id for o in (0, 1, 2, 3) for h in store.search("harbour", limit=1, offset=o)]
    assert pages == [ids[5], ids[6], ids[7]]
    store.close()
