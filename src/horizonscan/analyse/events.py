"""PLOVER event coding: who did what to whom, where and when.

Two passes keep the cost low. The first pass (NER + sentences, already run by
the analyser) is scanned for sentences that hold a trigger word from the pack's
dictionaries and an actor; only those sentences get the dependency parse, in
one batch. Each parsed sentence is then coded by :mod:`.event_syntax`: trigger
-> PLOVER type and mode, subject -> source, object/dative/preposition ->
target, with negation, modality, reported speech, coordination and
appositions. Method and dictionary format: docs/events.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..records import DateMention, Event, EventDate, EventPlace, Mention, PlaceMention
from .event_lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span

    from ..packs import Pack
    from .nlp import Chunk

CODER_VERSION = "events.v1"
# Longer sentences are not parsed: they cost most and are coded least reliably.
MAX_SENTENCE_WORDS = 60
# NER labels that count as a possible actor when selecting sentences to parse.
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "PER", "FAC", "ACTOR", "AGENT"})


def lexicon_for(pack: "Pack") -> Lexicon:
    """The event lexicon of a topic pack (built once per pack folder)."""
    return load_lexicon(Path(pack.path) / "events")


def select_sentences(
    chunks: Sequence["Chunk"], mentions: Sequence[Mention], lexicon: Lexicon
) -> list[tuple[int, int]]:
    """Spans of the sentences worth a dependency parse.

    A sentence qualifies when it holds a trigger (with the words its pattern
    needs) and enough actors for an event: two (source and target), or one for
    types whose target is optional; at least one must name a country or actor.
    """
    starts = [m.start for m in mentions]
    selected: list[tuple[int, int]] = []
    for chunk in chunks:
        for sent in chunk.doc.sents:
            if len(sent) > MAX_SENTENCE_WORDS * 1.3:
                continue
            words = {t.lower_ for t in sent}
            needed = lexicon.actors_needed(words)
            if not needed:
                continue
            s0, s1 = chunk.start + sent.start_char, chunk.start + sent.end_char
            named, agents = _actor_count(s0, s1, mentions, starts, sent, lexicon)
            if named >= 1 and named + agents >= needed:
                selected.append((s0, s1))
    return selected


def _actor_count(
    s0: int, s1: int, mentions: Sequence[Mention], starts: list[int], sent: "Span", lexicon: Lexicon
) -> tuple[int, int]:
    """(mentions naming a country or actor, agent nouns outside them) in a sentence."""
    named = 0
    covered: list[tuple[int, int]] = []
    for i in range(bisect.bisect_left(starts, s0), bisect.bisect_left(starts, s1)):
        m = mentions[i]
        if m.end <= s1 and (m.actor_id or m.country):
            named += 1
            covered.append((m.start, m.end))
    agents = 0
    base = s0 - sent.start_char
    for t in sent:
        if t.lower_ in lexicon.agents:
            pos = base + t.idx
            if not any(a <= pos < b for a, b in covered):
                agents += 1
    return named, agents


def code_events(
    text: str,
    chunks: list["Chunk"],
    mentions: list[Mention],
    places: list[PlaceMention],
    dates: list[DateMention],
    pack: "Pack",
    anchor: dt.date | None,
) -> list[Event]:
    """Code PLOVER events in ``text``; sorted by sentence start, then trigger position.

    ``anchor`` (the document date) is not needed here: dates arrive already
    normalised from the date stage; it is kept in the signature for stages to come.
    """
    if not chunks:
        return []
    from . import event_syntax
    from .nlp import parse_sentences

    lexicon = lexicon_for(pack)
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    spans = select_sentences(chunks, ordered, lexicon)
    if not spans:
        return []
    docs = parse_sentences([text[s0:s1] for s0, s1 in spans])
    coded: list[tuple[int, Event]] = []
    for (s0, s1), doc in zip(spans, docs):
        sentence = event_syntax.SentenceInput(
            text=text,
            start=s0,
            end=s1,
            doc=doc,
            mentions=tuple(m for m in ordered if m.start >= s0 and m.end <= s1),
            places=tuple(p for p in places if p.start >= s0 and p.end <= s1),
            dates=tuple(d for d in dates if d.start >= s0 and d.end <= s1),
        )
        coded.extend(event_syntax.code_sentence(sentence, lexicon, pack))
    return dedupe(coded)


def dedupe(coded: list[tuple[int, Event]]) -> list[Event]:
    """Sort by (sentence, trigger position) and drop exact repeats, deterministically."""

    def key(item: tuple[int, Event]) -> tuple[object, ...]:
        pos, e = item
        return (
            e.sentence_start,
            pos,
            e.type,
            e.source.text if e.source else "",
            e.source.start if e.source and e.source.start is not None else -1,
            (e.source.actor_id or e.source.country or "") if e.source else "",
            e.target.text if e.target else "",
            e.target.start if e.target and e.target.start is not None else -1,
            (e.target.actor_id or e.target.country or "") if e.target else "",
        )

    out: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for item in sorted(coded, key=key):
        k = key(item)
        if k in seen:
            continue
        seen.add(k)
        out.append(item[1])
    return out


def to_event_place(p: PlaceMention) -> EventPlace:
    return EventPlace(text=p.text, lat=p.lat, lon=p.lon, country=p.country, geonames_id=p.geonames_id)


def to_event_date(d: DateMention) -> EventDate:
    return EventDate(value=d.value, precision=d.precision, text=d.text)
