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
    import numpy as np
    from spacy.tokens import Span

    from ..packs import Pack
    from .nlp import Chunk

CODER_VERSION = "events.v1"
# Longer sentences are not parsed: they cost most and are coded least reliably.
MAX_SENTENCE_TOKENS = 50
# A trigger form counts only with a mention naming a country or actor within
# ACTOR_WINDOW tokens of it (and its pattern's required word nearby:
# event_lexicon.requirement).
ACTOR_WINDOW = 12
# NER labels that count as a possible actor when selecting sentences to parse.
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "PER", "FAC", "ACTOR", "AGENT"})


def lexicon_for(pack: "Pack") -> Lexicon:
    """The event lexicon of a topic pack (built once per pack folder)."""
    return load_lexicon(Path(pack.path) / "events")


def _trigger_ids(lexicon: Lexicon) -> "np.ndarray":
    """spaCy hash ids of every trigger word form (cached per lexicon)."""
    key = id(lexicon)
    ids = _TRIGGER_IDS.get(key)
    if ids is None:
        import numpy as np
        from spacy.strings import get_string_id

        ids = np.array(sorted(get_string_id(w) for w in lexicon.trigger_words), dtype="uint64")
        _TRIGGER_IDS[key] = ids
    return ids


_TRIGGER_IDS: dict[int, "np.ndarray"] = {}


def select_sentences(
    chunks: Sequence["Chunk"], mentions: Sequence[Mention], lexicon: Lexicon
) -> list[tuple[int, int]]:
    """Spans of the sentences worth a dependency parse.

    The parse is the dearest step of the analyser, so the test is strict but
    cheap (no tags, only word forms and the actor mentions): a sentence of at
    most MAX_SENTENCE_TOKENS tokens qualifies when one of its words is a trigger
    form whose pattern's required word occurs where the pattern needs it ("aid"
    after "send", "with" right after "talks"), a mention naming a country or actor lies within
    ACTOR_WINDOW tokens of it, and the sentence holds enough actors for the
    event: two (source and target; mentions or agent nouns such as "residents"),
    one of them after the trigger (the target, or the agent of a passive) unless
    coordinated subjects of a symmetric type precede it; one for types whose
    target is optional.
    """
    import numpy as np
    from spacy.attrs import IDX, LOWER, SENT_START

    ids = _trigger_ids(lexicon)
    if not ids.size:
        return []
    starts = [m.start for m in mentions]
    selected: list[tuple[int, int]] = []
    for chunk in chunks:
        doc = chunk.doc
        arr = doc.to_array([LOWER, IDX, SENT_START])
        # Membership by binary search in the sorted ids: np.isin hashes both arrays per call.
        lower = arr[:, 0]
        pos = np.searchsorted(ids, lower)
        pos[pos == len(ids)] = 0
        hits = np.flatnonzero(ids[pos] == lower)
        if not hits.size:
            continue
        # Cheap test first, on arrays: a named actor within ACTOR_WINDOW tokens of the trigger.
        idx = arr[:, 1].astype("int64")
        lo_m = bisect.bisect_left(starts, chunk.start)
        hi_m = bisect.bisect_left(starts, chunk.end)
        named = [m.start - chunk.start for m in mentions[lo_m:hi_m] if m.actor_id or m.country]
        if not named:
            continue
        named_tok = np.searchsorted(idx, np.array(named, dtype="int64"), side="right") - 1
        named_tok.sort()
        left = np.searchsorted(named_tok, hits - ACTOR_WINDOW, side="left")
        right = np.searchsorted(named_tok, hits + ACTOR_WINDOW, side="right")
        hits = hits[right > left]
        if not hits.size:
            continue
        sent_starts = np.flatnonzero(arr[:, 2].astype("int64") == 1)
        if not sent_starts.size or sent_starts[0] != 0:
            sent_starts = np.concatenate([np.array([0], dtype=sent_starts.dtype), sent_starts])
        bounds = np.append(sent_starts, len(doc))
        which = np.searchsorted(sent_starts, hits, side="right") - 1
        for k in sorted(set(which.tolist())):
            b0, b1 = int(bounds[k]), int(bounds[k + 1])
            if b1 - b0 > MAX_SENTENCE_TOKENS:
                continue
            sent = doc[b0:b1]
            s0, s1 = chunk.start + sent.start_char, chunk.start + sent.end_char
            sent_hits = hits[which == k].tolist()
            if _sentence_qualifies(sent, sent_hits, s0, s1, mentions, starts, lexicon):
                selected.append((s0, s1))
    return selected


def _sentence_qualifies(
    sent: "Span", hits: list[int], s0: int, s1: int, mentions: Sequence[Mention], starts: list[int], lexicon: Lexicon
) -> bool:
    base = sent.start
    words = [t.lower_ for t in sent]
    offsets = [t.idx for t in sent]
    shift = s0 - offsets[0]  # document offset of a token = shift + token.idx
    named: list[int] = []  # token positions of mentions naming a country or actor
    covered: list[tuple[int, int]] = []
    for k in range(bisect.bisect_left(starts, s0), bisect.bisect_left(starts, s1)):
        m = mentions[k]
        if m.end <= s1 and (m.actor_id or m.country):
            named.append(max(0, bisect.bisect_right(offsets, m.start - shift) - 1))
            covered.append((m.start, m.end))
    if not named:
        return False
    items = list(named)  # token positions of every actor-like item: mentions and agent nouns
    for j, w in enumerate(words):
        if w in lexicon.agents:
            pos = shift + offsets[j]
            if not any(a <= pos < b for a, b in covered):
                items.append(j)
    for h in hits:
        i = h - base
        if not any(abs(i - j) <= ACTOR_WINDOW for j in named):
            continue
        after = any(0 < j - i <= ACTOR_WINDOW for j in items)
        before = sum(1 for j in items if 0 < i - j <= ACTOR_WINDOW)
        for needed, lo, hi, n_actors, symmetric in lexicon.form_requirements.get(words[i], ()):
            if n_actors == 2 and not (after or (symmetric and before >= 2)):
                continue  # the target (or the passive's agent) follows the trigger
            if len(items) < n_actors:
                continue
            if not needed or any(w in needed for w in words[max(0, i + lo) : max(0, i + hi + 1)]):
                return True
    return False


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
    spans = select_sentences(chunks, ordered, lexicon)
    if not spans:
        return []
    docs = parse_sentences([text[s0:s1] for s0, s1 in spans])
    money = amounts.vocab_for(pack)
    entities = amounts.entity_spans(chunks)
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
        found = event_syntax.code_sentence(sentence, lexicon, pack)
        # Money and counts of each event's clause (analysis/amounts.py).
        coded.extend(amounts.attach_amounts(found, doc, s0, amounts.find_amounts(text[s0:s1], money, s0, entities), money))
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
