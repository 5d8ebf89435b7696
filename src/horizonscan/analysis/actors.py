"""Actor mentions: spaCy entities and pack aliases, merged and resolved to canonical actors.

``find_actors`` combines two cheap sources over the first spaCy pass:

1. exact alias matches of the topic pack (countries in many languages,
   demonyms, metonyms, IGOs, NGOs, companies, ministries, leaders);
2. spaCy's PERSON/ORG/GPE/LOC/FAC/NORP entities, with boundaries tidied
   (no leading "the", no trailing possessive, no leading title).

Dictionary matches correct spaCy's labels and boundaries; spaCy entities the
dictionary does not know are kept with what can be inferred (country from a
contained country name or demonym, sector from agent nouns). Demonyms grow
over a following agent noun ("Kyrgyz officials"). See docs/actors.md.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from ..packs import Pack, load_pack
from ..records import EventActor, Mention
from . import countries
from .actor_dictionary import SECTOR_KIND, Alias, Dictionary, Match, fold, load_dictionary, match, tokens

if TYPE_CHECKING:
    from .nlp import Chunk

NER_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC", "NORP": "NORP"}
ORG_KINDS = frozenset({"government", "military", "igo", "ngo", "company", "group"})
# Words dropped from the edges of spaCy entities.
_LEADING = frozenset({"the", "a", "an", "our", "their", "his", "her", "its", "my", "your", '"', "'", "(", "[", "“", "‘"})
_TRAILING = frozenset({'"', "”", ",", ".", ";", ":", ")", "]", "-", "!", "?", "/", "&", "|"})
# Possessives end people and places ("Xi's"), but belong to some business names ("McDonald's").
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_TITLES = frozenset(
    "president vice prime minister premier chairman chairwoman general gen. gen secretary mr mr. mrs mrs. ms ms. dr dr. "
    "sir madam ambassador senator governor mayor foreign deputy comrade".split()
)
# Tokens a demonym may run over before its agent noun: stop at function words.
_STOP = frozenset(
    "and or of the a an in on at to for with from by as that which who whom whose is are was were be been has have had "
    "said says say will would could should may might not no than then this these those its their his her".split()
)
_JOINERS = frozenset({",", "and", "&", "/", "or"})
FUZZY_CUTOFF = 90.0


@dataclass(frozen=True, slots=True)
class _Ent:
    start: int
    end: int
    label: str


def find_actors(text: str, chunks: list["Chunk"], pack: Pack, language: str | None) -> list[Mention]:
    """Named actors in ``text``: sorted, non-overlapping, offsets exact into ``text``."""
    if not text:
        return []
    d = load_dictionary(pack)
    matches = match(text, d, language)
    ents = [e for e in _spacy_ents(text, chunks)]
    mentions = _merge(text, matches, ents, d, english=language in (None, "en"))
    mentions = _national_institutions(text, mentions, d)
    mentions = _resolve_unknown(text, mentions, d, language)
    mentions = _extend_demonyms(text, mentions, d)
    return sorted(mentions, key=lambda m: (m.start, m.end))


# --------------------------------------------------------------------------- spaCy entities


def _spacy_ents(text: str, chunks: list["Chunk"]) -> Iterable[_Ent]:
    for chunk in chunks:
        for ent in chunk.doc.ents:
            label = NER_LABELS.get(ent.label_)
            if label is None:
                continue
            toks = [(chunk.start + t.idx, chunk.start + t.idx + len(t.text), t.text) for t in ent]
            # A capital "The" inside a sentence belongs to the name (The New York Times).
            keep_the = toks[0][2] == "The" and not ent[0].is_sent_start
            span = _tidy(toks, label, keep_the)
            if span is not None:
                yield _Ent(span[0], span[1], label)


def _tidy(toks: list[tuple[int, int, str]], label: str, keep_the: bool = False) -> tuple[int, int] | None:
    """Trim determiners, quotes, possessives, titles and (for people) trailing numbers."""
    i, j = 0, len(toks)
    while i < j and toks[i][2].lower() in _LEADING and not (keep_the and i == 0):
        i += 1
    # "Shanghai Cooperation Organisation (SCO", "... Organization: Not Quite": a name ends before an
    # opening bracket or a colon; the abbreviation or title after it is not part of it.
    cut = next((k for k in range(i + 1, j) if toks[k][2] in ("(", "[", ":")), j)
    j = cut
    while j > i and (
        toks[j - 1][2] in _TRAILING
        or (toks[j - 1][2] in _POSSESSIVE and label not in ("ORG", "FAC"))
        or (label == "PER" and toks[j - 1][2].isdigit())
    ):
        j -= 1
    if label == "PER":
        k = i
        while k < j - 1 and toks[k][2].lower() in _TITLES:
            k += 1
        if k < j and toks[k][2][:1].isupper():
            i = k
    if i >= j or not any(ch.isalnum() for _, _, w in toks[i:j] for ch in w):
        return None
    return toks[i][0], toks[j - 1][1]


# --------------------------------------------------------------------------- merging


def _from_match(text: str, m: Match, start: int | None = None, end: int | None = None,
                label: str | None = None, confidence: float = 1.0) -> Mention:
    a = m.alias.actor
    s = m.start if start is None else start
    e = m.end if end is None else end
    return Mention(s, e, text[s:e], label or a.label, a.id, a.country, a.kind, a.sector, a.name, confidence)


def _overlapping(matches: list[Match], starts: list[int], ent: _Ent) -> list[Match]:
    lo = bisect.bisect_left(starts, ent.start)
    # one match before may still reach into the entity
    if lo > 0 and matches[lo - 1].end > ent.start:
        lo -= 1
    out = []
    for m in matches[lo:]:
        if m.start >= ent.end:
            break
        if m.end > ent.start:
            out.append(m)
    return out


def _gaps_are_joiners(text: str, ent: _Ent, inside: list[Match]) -> bool:
    """"Kazakhstan and Kyrgyzstan" tagged as one entity: the gaps hold only joiners."""
    pos = ent.start
    for m in inside:
        gap = text[pos : m.start]
        if any(fold(t) not in _JOINERS for _, _, t in tokens(gap)):
            return False
        pos = m.end
    return not tokens(text[pos : ent.end])


def _merge(text: str, matches: list[Match], ents: list[_Ent], d: Dictionary, english: bool) -> list[Mention]:
    starts = [m.start for m in matches]
    used: set[int] = set()  # indices of matches consumed by an entity decision
    out: list[Mention] = []
    index_of = {id(m): i for i, m in enumerate(matches)}
    for ent in ents:
        over = _overlapping(matches, starts, ent)
        if not over:
            surface = text[ent.start : ent.end]
            label = "GPE" if ent.label in ("PER", "ORG") and surface in countries.big_cities() else ent.label
            out.append(Mention(ent.start, ent.end, surface, label, confidence=0.6))
            continue
        for m in over:
            used.add(index_of[id(m)])
        out.extend(_decide(text, ent, over, d))
    for i, m in enumerate(matches):
        if i in used:
            continue
        if m.alias.ambiguous and english:
            continue  # "Chad", "Turkey", "Washington": only where NER saw an entity
        out.append(_from_match(text, m, confidence=0.9))
    return _non_overlapping(out)


def _decide(text: str, ent: _Ent, over: list[Match], d: Dictionary | None = None) -> list[Mention]:
    """One spaCy entity against the dictionary matches it overlaps."""
    if len(over) == 1:
        m = over[0]
        a = m.alias.actor
        if m.alias.ambiguous and ent.label == "PER" and a.kind != "person":
            return [Mention(ent.start, ent.end, text[ent.start : ent.end], "PER", confidence=0.6)]
        if m.start <= ent.start and m.end >= ent.end:
            return [_from_match(text, m)]  # dictionary span covers spaCy's: take it
        if ent.start <= m.start and m.end <= ent.end:
            return [_contained(text, ent, m, d=d)]
        return [_from_match(text, m, confidence=0.9)]  # crossing: trust the dictionary
    inside = [m for m in over if ent.start <= m.start and m.end <= ent.end]
    if len(inside) == len(over) and _gaps_are_joiners(text, ent, inside):
        return [_from_match(text, m) for m in inside]
    if len(inside) == len(over):
        # Several names inside one longer entity ("Bank of China Hong Kong"): keep
        # spaCy's span; its country comes from the first unambiguous country name.
        return [_contained(text, ent, inside[0], inside)]
    return [_from_match(text, m, confidence=0.9) for m in over]


def _other_body(text: str, ent: _Ent, m: Match, d: Dictionary | None) -> bool:
    """Do the words spaCy's entity adds around the name make it another body? "Asian Development
    Bank Institute" is an institute (EDU), not the bank: an added agent noun of another sector
    than the actor's. Added words of its own sector ("Huawei Technologies Corporation") do not."""
    if d is None or m.alias.actor.kind == "person":
        return False
    extra = [fold(t) for _, _, t in tokens(text[ent.start : m.start] + " " + text[m.end : ent.end])]
    own = m.alias.actor.sector
    for word in extra:
        sector = d.agents.get((word,))
        if sector is not None and sector != own and (word,) not in d.generic_agents:
            return True
    return False


def _contained(text: str, ent: _Ent, m: Match, inside: list[Match] | None = None,
               d: Dictionary | None = None) -> Mention:
    """spaCy's entity is longer than the dictionary match inside it."""
    a = m.alias.actor
    surface = text[ent.start : ent.end]
    compatible = (ent.label == "PER" and a.kind == "person") or (ent.label == "ORG" and a.kind in ORG_KINDS)
    if inside is None and compatible and (m.end - m.start) * 10 >= (ent.end - ent.start) * 6 \
            and not _other_body(text, ent, m, d):
        return Mention(ent.start, ent.end, surface, ent.label, a.id, a.country, a.kind, a.sector, a.name, 0.8)
    if ent.label in ("ORG", "NORP"):
        country = next(
            (x.alias.actor.country for x in (inside or [m]) if x.alias.actor.country and not x.alias.ambiguous), None
        )
        return Mention(ent.start, ent.end, surface, ent.label, country=country, confidence=0.6)
    return Mention(ent.start, ent.end, surface, ent.label, confidence=0.6)


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    """Keep the earliest, then longest, then most confident; drop what overlaps it."""
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), -m.confidence, m.label))
    out: list[Mention] = []
    for m in ordered:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# --------------------------------------------------------------------------- national institutions

# What may stand between a nationality and the institution it qualifies: "Kyrgyz Security
# Council", "Kyrgyzstan's Security Council", "Kyrgyzstan’s".
_NATIONAL_JOIN = re.compile(r"\s*(?:['’]s\s+)?|\s*-\s*")
_OF_STATE = re.compile(r"\s+of\s+(?:the\s+)?")


def _nationality(m: Mention) -> str | None:
    """The country a mention can lend to a following institution: a bare demonym or a state."""
    if m.label == "NORP" and m.actor_id is None and m.kind is None and m.country:
        return m.country
    if m.kind == "state" and m.actor_id and m.actor_id == m.country:
        return m.country
    return None


def _agent_sector(words: str, d: Dictionary) -> str | None | bool:
    """Sector when the whole of ``words`` is an agent noun ("Security Council" -> GOV), else False."""
    key = tuple(fold(t) for _, _, t in tokens(words))
    if key in d.agents:
        return d.agents[key]
    if key in d.generic_agents:
        return None
    return False


def _namesake(text: str, nat: str, m: Mention, d: Dictionary) -> tuple[str | None, str | None] | None:
    """(kind, sector) when a dictionary actor preceded by nationality ``nat`` names that country's own
    body instead. Two cases, as in the event-data agent dictionaries (country code + agent noun):

    - the actor's name is itself an agent noun ("Security Council", "National Assembly"): the
      country's body of that sector, however famous the namesake (igo:unsc);
    - the actor is another country's armed force, group or government body, named in words
      ("Pakistani Taliban", "Kenyan People's Liberation Army"): an organisation of the
      nationality's country that we do not know, with the namesake's sector.
    Acronyms ("Kazakh CNPC subsidiary"), companies, which work abroad under their own name
    ("Kenyan Huawei staff"), and people ("Russian President Putin") keep their actor."""
    if m.actor_id is None or m.kind in ("state", "person") or m.country == nat:
        return None
    sector = _agent_sector(m.text, d)
    if sector is not False:
        return SECTOR_KIND.get(sector or "", m.kind), sector or m.sector
    if m.country and m.kind in ("group", "military", "government") and not m.text.isupper():
        return m.kind, m.sector
    return None


def _national_institutions(text: str, mentions: list[Mention], d: Dictionary) -> list[Mention]:
    """"Kyrgyz Security Council" is Kyrgyzstan's council, not the UN's; "Security Council of
    Kyrgyzstan" likewise. The nationality and the institution become one unknown mention of
    that country (actor id None), with the institution's sector."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    out: list[Mention] = []
    k = 0
    while k < len(ordered):
        m = ordered[k]
        prev = out[-1] if out else None
        nat = _nationality(prev) if prev is not None else None
        if prev is not None and nat and _NATIONAL_JOIN.fullmatch(text[prev.end : m.start]):
            found = _namesake(text, nat, m, d)
            if found is not None:
                kind, sector = found
                out[-1] = Mention(prev.start, m.end, text[prev.start : m.end], "ORG", None, nat, kind, sector,
                                  None, min(prev.confidence, m.confidence, 0.8))
                k += 1
                continue
        nxt = ordered[k + 1] if k + 1 < len(ordered) else None
        nat = _nationality(nxt) if nxt is not None and nxt.kind == "state" else None
        if nxt is not None and nat and _OF_STATE.fullmatch(text[m.end : nxt.start]) \
                and _agent_sector(m.text, d) is not False and m.kind not in ("state", "person") and m.actor_id \
                and m.country != nat:
            sector = _agent_sector(m.text, d) or m.sector
            out.append(Mention(m.start, nxt.end, text[m.start : nxt.end], "ORG", None, nat,
                               SECTOR_KIND.get(sector or "", m.kind), sector, None, min(m.confidence, 0.8)))
            k += 2
            continue
        out.append(m)
        k += 1
    return out


# --------------------------------------------------------------------------- unknown actors


def _resolve_unknown(text: str, mentions: list[Mention], d: Dictionary, language: str | None) -> list[Mention]:
    """Near matches for people (transliterations); sector/kind for unknown organisations."""
    out: list[Mention] = []
    for m in mentions:
        if m.actor_id is None and m.label == "PER" and d.fuzzy:
            m = _fuzzy_person(m, d)
        if m.actor_id is None and (m.label in ("GPE", "LOC") or (m.label == "ORG" and " " not in m.text)):
            m = _misspelt_country(m, d)
        if m.actor_id is None and m.label == "ORG":
            country, sector = _classify(m.text, d, language)
            # a national body found earlier ("Pakistani Taliban") keeps the kind and sector it was given
            sector = m.sector or sector
            kind = m.kind or SECTOR_KIND.get(sector or "")
            m = Mention(m.start, m.end, m.text, m.label, None, m.country or country, kind, sector, None, m.confidence)
        out.append(m)
    return out


def _misspelt_country(m: Mention, d: Dictionary) -> Mention:
    """"Tadjikistan", "Kyrgystan": a name one edit away from exactly one country (see
    ``Gazetteer.lookup_misspelt_country``) is that state, unless it is itself a known place
    ("Columbia" is a city, not Colombia). spaCy may have called it an organisation."""
    from .gazetteer import load_gazetteer

    gz = load_gazetteer()
    if gz.lookup(m.text):
        return m
    hits = gz.lookup_misspelt_country(m.text)
    iso3 = gz.places[hits[0]].country if hits else None
    state = _state_alias(d, iso3) if iso3 else None
    if state is None:
        return m
    a = state.actor
    return Mention(m.start, m.end, m.text, "GPE", a.id, a.country, a.kind, a.sector, a.name, 0.8)


def _state_alias(d: Dictionary, iso3: str) -> Alias | None:
    """The dictionary's entry for the state ``iso3`` (found under its ISO-3 code or name)."""
    for aliases in d.index.values():
        for alias in aliases:
            if alias.actor.id == iso3 and alias.actor.kind == "state":
                return alias
    return None


def _fuzzy_person(m: Mention, d: Dictionary) -> Mention:
    from rapidfuzz import fuzz, process

    key = " ".join(fold(t) for _, _, t in tokens(m.text))
    if len(key) < 6:
        return m
    best = process.extractOne(key, d.fuzzy.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return m
    a = d.fuzzy[best[0]].actor
    return Mention(m.start, m.end, m.text, m.label, a.id, a.country, a.kind, a.sector, a.name, round(best[1] / 100 * 0.9, 3))


# --------------------------------------------------------------------------- agent phrases


def _agent_at(folded: list[str], i: int, d: Dictionary) -> tuple[int, tuple[str, ...]] | None:
    """Longest agent noun starting at token ``i``: (length, key)."""
    longest = d.agent_first.get(folded[i], 0)
    for size in range(min(longest, len(folded) - i), 0, -1):
        key = tuple(folded[i : i + size])
        if key in d.agents or key in d.generic_agents:
            return size, key
    return None


def _sector_of(keys: list[tuple[str, ...]], d: Dictionary, base: str | None = None) -> str | None:
    """Sector of a run of agent nouns: the last specific one wins; generic ones defer."""
    sector = base
    fallback = None
    for key in keys:
        if key in d.generic_agents:
            fallback = fallback or d.agents.get(key)
            if key in d.agents and sector is None:
                fallback = d.agents[key]
            continue
        sector = d.agents.get(key, sector)
    return sector or fallback


def _classify(words: str, d: Dictionary, language: str | None) -> tuple[str | None, str | None]:
    toks = tokens(words)
    folded = [fold(t) for _, _, t in toks]
    country: str | None = None
    base: str | None = None
    for mt in match(words, d, language):
        a = mt.alias.actor
        if mt.alias.ambiguous:
            continue
        country = country or a.country
        if a.source == "pack" and a.sector:
            base = a.sector
    keys: list[tuple[str, ...]] = []
    i = 0
    while i < len(folded):
        hit = _agent_at(folded, i, d)
        if hit is None:
            i += 1
            continue
        keys.append(hit[1])
        i += hit[0]
    return country, _sector_of(keys, d, base)


def classify_agent(words: str, pack: Pack | None = None) -> tuple[str | None, str | None]:
    """(country, sector) of a common-noun agent phrase, e.g. "Kyrgyz protesters" -> ("KGZ", "CVL").

    The country comes from a country name, demonym, metonym or known actor in
    the phrase; the sector from the agent nouns of the pack's ``agents.yaml``
    (the last specific noun wins: "NGO workers" -> NGO, "local residents" -> CVL).
    """
    d = load_dictionary(pack or load_pack("china_abroad"))
    return _classify(words, d, "en")


def _extend_demonyms(text: str, mentions: list[Mention], d: Dictionary) -> list[Mention]:
    """Grow a demonym over the agent noun it modifies: "Kyrgyz border guards", "Chinese NGOs"."""
    out: list[Mention] = []
    for idx, m in enumerate(mentions):
        if m.label != "NORP" or m.country is None:
            out.append(m)
            continue
        limit = mentions[idx + 1].start if idx + 1 < len(mentions) else len(text)
        window = text[m.end : min(limit, m.end + 80)]
        grown = _grow(window, d)
        if grown is None:
            out.append(m)
            continue
        length, sector, plural = grown
        end = m.end + length
        kind = "group" if plural else SECTOR_KIND.get(sector or "", "group")
        out.append(Mention(m.start, end, text[m.start : end], "NORP", None, m.country, kind, sector, m.name, m.confidence))
    return out


def _grow(window: str, d: Dictionary) -> tuple[int, str | None, bool] | None:
    """(chars to extend, sector, plural head) when ``window`` starts with modifiers + agent noun."""
    toks = tokens(window)
    if not toks or window[: toks[0][0]].strip(" -‐‑–"):
        return None  # the demonym must be followed directly by words ("Chinese-run" is fine)
    folded = [fold(t) for _, _, t in toks[:8]]
    keys: list[tuple[str, ...]] = []
    end = 0
    i = 0
    while i < len(folded):
        surface = toks[i][2]
        hit = _agent_at(folded, i, d)
        if hit is not None:
            keys.append(hit[1])
            i += hit[0]
            end = toks[i - 1][1]
            continue
        if keys or folded[i] in _STOP or not surface.isalpha() or not surface.islower():
            break
        if "\n" in window[toks[i - 1][1] if i else 0 : toks[i][0]]:
            break
        i += 1
    if not keys:
        return None
    return end, _sector_of(keys, d), keys[-1] in d.agent_plurals


# --------------------------------------------------------------------------- one party or two

# Sectors that speak for a state: a state's own ministers, diplomats and leaders are the state when
# it meets, thanks or agrees with someone; its protesters, firms and rebels are not.
_STATE_SECTORS = frozenset({None, "GOV"})


def same_party(a: EventActor, b: EventActor) -> bool:
    """Would an event between ``a`` and ``b`` be a self-loop? True for one span, one actor id, or
    two voices of one state ("Erdoğan" and "the Turkish President", "Beijing" and "the Chinese
    Foreign Ministry"). A state's civilians, firms, police or rebels acting on its government are
    two parties ("Kyrgyz protesters" against Kyrgyzstan)."""
    if a.start is not None and a.start == b.start and a.end == b.end and a.country == b.country:
        return True
    if a.actor_id and a.actor_id == b.actor_id:
        return True
    ca, cb = _country_of(a), _country_of(b)
    if not ca or ca != cb:
        return False
    if a.actor_id is None and b.actor_id is None and a.sector == b.sector:
        return True  # two unnamed agents of one country and sector ("Chinese officials")
    return a.sector in _STATE_SECTORS and b.sector in _STATE_SECTORS


def _country_of(a: EventActor) -> str | None:
    if a.country:
        return a.country
    ident = a.actor_id or ""
    return ident if len(ident) == 3 and ident.isalpha() and ident.isupper() else None
