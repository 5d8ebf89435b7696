"""``analyse(text) -> Analysis``: the pure analysis function every path calls.

No database, no network, no global state but the loaded models and topic-pack
dictionaries. The same input gives byte-identical output, in any order, so
the same code runs in a process pool or on a Dask worker unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import threading
import time
from typing import Any, Iterator

from ..errors import AnalysisError
from ..packs import load_pack
from ..records import Analysis, Sentence
from ..settings import get_settings
from . import actors, citations, dates, event_dates, events, layout, places, themes
from .nlp import paragraph_spans, parse

# Stored with every analysed document and printed by `analyse` and `show`: raise it whenever the
# same text gets a different analysis, so a store tells which documents predate a change.
# v2 (2026-11): place spans repaired and former units, dates' tense and quarter readings.
# v3 (2026-12): every body sentence coded for events, body text apart from notes and captions,
# national agents, amounts and reported dates on events.
ANALYSER_VERSION = "analyse.v3"


def to_date(value: Any) -> dt.date | None:
    """Accept a date, datetime, or ISO string (``2020``, ``2020-03``, ``2020-03-30...``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    for fmt, n in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(s[:n], fmt).date()
        except ValueError:
            continue
    raise AnalysisError(f"E220 published date {value!r} is not an ISO date (YYYY-MM-DD)")


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise AnalysisError after ``seconds`` (main thread only; elsewhere no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    message = f"E221 analysis exceeded the time limit of {seconds:g} s"

    def _expired(signum: int, frame: Any) -> None:
        raise AnalysisError(message)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The alarm's exception is lost when it fires inside a finaliser or a garbage-collection
    # callback (Python only prints it); an analysis that ran past the limit still fails here.
    if time.monotonic() - started > seconds:
        raise AnalysisError(message)


def analyse(
    text: str,
    published: Any = None,
    language: str | None = None,
    pack: str | None = None,
    timeout: float | None = None,
) -> Analysis:
    """Analyse ``text``; ``language`` is an ISO 639-1 code (detected when None)."""
    settings = get_settings()
    anchor = to_date(published)
    pk = load_pack(pack or settings.pack)
    if language is None:
        from ..ingest.language import detect_language

        language = detect_language(text)
    with time_limit(settings.analyse_timeout if timeout is None else timeout):
        english = language in (None, "en")
        # Body text only (layout.py): note markers glued to words are blanked in a copy of
        # the same length ("Kazakh13" reads "Kazakh", offsets unchanged); footnote lists,
        # captions, bylines, datelines... give no actors and no events, and their dates
        # never date an event.
        notes = citations.note_layout(text)
        markers = layout.glued_markers(text, notes)
        body = layout.masked(text, markers)
        found_dates = dates.find_dates(body, anchor)
        page = layout.find_layout(text, pk, found_dates, is_place=_is_place, notes=notes)
        # The English model only runs on English (or undetermined) text; other
        # languages still get dictionary actors, dates and citations.
        chunks = parse(body) if english else []
        sentences = tuple(
            Sentence(c.start + s.start_char, c.start + s.end_char) for c in chunks for s in c.doc.sents
        )
        all_mentions = actors.find_actors(body, chunks, pk, language=language)
        all_places = places.find_places(body, chunks, all_mentions, pk)
        found_mentions = page.for_actors(all_mentions)
        found_places = page.for_places(all_places)
        found_themes = themes.tag_themes(body, paragraph_spans(body), pk)
        found_citations = citations.find_citations(text, sentences)
        # A citation's dates never date an event of the body; an event without a date of its
        # own is dated by the publication date, marked reported (analysis/event_dates.py).
        coder_dates = event_dates.body_dates(page.for_events(found_dates), found_citations)
        found_events = page.events(
            events.code_events(
                body,
                page.body_chunks(chunks),
                page.for_events(found_mentions),
                page.for_events(found_places),
                coder_dates,
                pk,
                anchor,
            )
        )
        found_events = event_dates.with_reported_dates(found_events, published)
        found_mentions, found_places, found_dates, found_events = (
            layout.restore_text(found_mentions, text, markers),
            layout.restore_text(found_places, text, markers),
            layout.restore_text(found_dates, text, markers),
            layout.restore_text(found_events, text, markers),
        )
    return Analysis(
        language=language,
        sentences=sentences,
        mentions=tuple(found_mentions),
        places=tuple(found_places),
        dates=tuple(found_dates),
        themes=tuple(found_themes),
        citations=tuple(found_citations),
        events=tuple(found_events),
        analyser=ANALYSER_VERSION,
    )


def _is_place(name: str) -> bool:
    """Whether the gazetteer knows ``name`` (a dateline's place in capitals, title-cased)."""
    from .gazetteer import load_gazetteer

    return bool(load_gazetteer().lookup(name))
