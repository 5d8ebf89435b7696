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
from typing import TYPE_CHECKING, Any, Sequence

from ..records import DateMention, Event, EventDate, EventPlace, Mention, PlaceMention
from .event_lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span

    from ..packs import Pack
    from .nlp import Chunk

CODER_VERSION = "events.v2"
# Longer sentences are parsed in pieces cut at clause punctuation (a flattened table or
# a run-on list is not one clause; the parser's accuracy falls on very long inputs).
MAX_SENTENCE_TOKENS = 120
CLAUSE_PUNCT = frozenset({";", ":", ",", "–", "—", "-"})


def lexicon_for(pack: "Pack") -> Lexicon:
    """The event lexicon of a topic pack (built once per pack folder)."""
    return load_lexicon(Path(pack.path) / "events")


def select_sentences(chunks: Sequence["Chunk"]) -> list[tuple[int, int]]:
    """Spans of every sentence of the body text, each to be parsed and coded.

    Real analytical prose states events in long, nominal, passive sentences that
    no cheap word-form filter picks out, so every sentence is parsed. A sentence
    longer than MAX_SENTENCE_TOKENS (a flattened table, a run-on list) is cut
    into pieces at its last clause punctuation before the limit, so the parse
    stays linear and a 500-token "sentence" still gets coded piece by piece.
    """
    selected: list[tuple[int, int]] = []
    for chunk in chunks:
        for sent in chunk.doc.sents:
            if not any(t.is_alpha for t in sent):
                continue
            for a, b in _pieces(sent):
                selected.append((chunk.start + a, chunk.start + b))
    return selected


def _pieces(sent: "Span") -> list[tuple[int, int]]:
    """Character spans (in the chunk) of a sentence cut into parseable pieces."""
    doc = sent.doc
    out: list[tuple[int, int]] = []
    i, end = sent.start, sent.end
    while end - i > MAX_SENTENCE_TOKENS:
        cut = next(
            (k + 1 for k in range(i + MAX_SENTENCE_TOKENS - 1, i + MAX_SENTENCE_TOKENS // 2, -1)
             if doc[k].text in CLAUSE_PUNCT),
            i + MAX_SENTENCE_TOKENS,
        )
        out.append((doc[i].idx, doc[cut - 1].idx + len(doc[cut - 1].text)))
        i = cut
    if i < end:
        out.append((doc[i].idx, doc[end - 1].idx + len(doc[end - 1].text)))
    return out


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
    from . import amounts, event_syntax
    from .nlp import parse_sentences

    lexicon = lexicon_for(pack)
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    spans = select_sentences(chunks)
    if not spans:
        return []
    docs = parse_sentences([text[s0:s1] for s0, s1 in spans])
    money = amounts.vocab_for(pack)
    entities = amounts.entity_spans(chunks)
    coded: list[tuple[int, Event]] = []
    # Every sentence is coded, so each one's mentions, places and dates are found by binary
    # search in lists sorted once (a scan per sentence is quadratic on long documents).
    by_place = sorted(places, key=lambda p: p.start)
    by_date = sorted(dates, key=lambda d: d.start)
    mention_starts = [m.start for m in ordered]
    place_starts = [p.start for p in by_place]
    date_starts = [d.start for d in by_date]
    named = [m for m in ordered if m.actor_id or m.country]
    named_starts = [m.start for m in named]
    for (s0, s1), doc in zip(spans, docs):
        last_igo, last_named = antecedents(named, named_starts, s0)
        sentence = event_syntax.SentenceInput(
            text=text,
            start=s0,
            end=s1,
            doc=doc,
            mentions=_inside(ordered, mention_starts, s0, s1),
            places=_inside(by_place, place_starts, s0, s1),
            dates=_inside(by_date, date_starts, s0, s1),
            last_igo=last_igo,
            last_named=last_named,
        )
        found = event_syntax.code_sentence(sentence, lexicon, pack)
        # Money and counts of each event's clause (analysis/amounts.py).
        coded.extend(amounts.attach_amounts(found, doc, s0, amounts.find_amounts(text[s0:s1], money, s0, entities), money))
    return dedupe(coded)


# How far back a pronoun or "the bloc" may point (characters): about two sentences.
ANTECEDENT_WINDOW = 400


def _inside(items: Sequence[Any], starts: list[int], s0: int, s1: int) -> tuple[Any, ...]:
    """The items (sorted by start, ``starts`` their starts) lying wholly within [s0, s1)."""
    lo, hi = bisect.bisect_left(starts, s0), bisect.bisect_left(starts, s1)
    return tuple(x for x in items[lo:hi] if x.end <= s1)


def antecedents(named: list[Mention], starts: list[int], start: int) -> tuple[Mention | None, Mention | None]:
    """The international organisation and the actor named last before ``start`` (nearby only);
    ``starts`` are the start offsets of ``named``, which is sorted by them."""
    k = bisect.bisect_left(starts, start)
    last_named = named[k - 1] if k and start - named[k - 1].end <= ANTECEDENT_WINDOW else None
    last_igo = next((m for m in reversed(named[max(0, k - 12) : k])
                     if (m.actor_id or "").startswith("igo:") and start - m.end <= 2 * ANTECEDENT_WINDOW), None)
    return last_igo, last_named


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
