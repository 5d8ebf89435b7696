"""Place analyser: find toponyms and resolve them to gazetteer entries.

``find_places`` is the entry point. Recognition (which spans of text name
places) lives in :mod:`horizonscan.analysis.place_spans`, the word lists both
halves read in :mod:`horizonscan.analysis.place_rules`; this module resolves
each span.

Resolution ranks the gazetteer candidates of each name by feature kind,
population and agreement with the countries and regions found elsewhere in
the same document, plus local cues: "state"/"city" words, the container after
"Town, ", the kind shared by the members of an enumeration, and one sense per
document for a name resolved on such a cue (see docs/places.md). Everything is a pure function of the
input text, its parse and the read-only gazetteer.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..records import Mention, PlaceMention
from .gazetteer import Gazetteer, Place, distance_km, load_gazetteer, name_key
from .place_rules import GENERIC_WORDS, US_STATE_ABBREVIATIONS, Rules, _rules
from .place_spans import _sentence_starts, _Span, find_spans

if TYPE_CHECKING:
    from ..packs import Pack
    from .nlp import Chunk

VERSION = "places.v1"

# --------------------------------------------------------------------------- resolution

_KIND_BONUS = {"continent": 4.0, "country": 3.0, "region": 2.5, "admin1": 0.6, "admin2": 0.0, "city": 0.0, "physical": 2.5,
               "site": 0.0}
# Named regions and natural features have no population: score them as a place of ten million.
_AREA_POPULATION = 10_000_000
_DIRECTION = re.compile(
    r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|greater|inner|outer|coastal|rural)"
    r"(?:[ -](?:east|west|eastern|western))?)\s+(.+)$",
    re.IGNORECASE,
)


_GENERIC = {
    "province": ("admin1", "admin2"), "state": ("admin1",), "county": ("admin2", "admin1"),
    "region": ("admin1", "admin2", "region"), "district": ("admin2", "admin1"), "prefecture": ("admin1", "admin2"),
    "governorate": ("admin1",), "oblast": ("admin1",), "department": ("admin1", "admin2"),
    "territory": ("admin1",), "municipality": ("admin2", "city"), "city": ("city",), "town": ("city",),
    "village": ("city",), "valley": ("city", "admin2", "admin1"), "island": ("city", "admin2", "admin1"),
    "islands": ("admin1", "admin2", "country"),
}


# Last words that make a name the area or a body of the place before them ("Santa Ana City Council").
_AREA_HEADS = frozenset(
    """
    council district province region area coast county municipality city town state authority board department
    government zone territory prefecture governorate
    earthquake quake tsunami floods flood famine drought cyclone outbreak epidemic crisis conflict war
    """.split()
)


def _candidates(surface: str, gz: Gazetteer, rules: Rules) -> list[int]:
    """Gazetteer candidates; abbreviations first, then "X Province"/"Province of X" without the generic word."""
    state = US_STATE_ABBREVIATIONS.get(surface)
    if state:  # spans with such a surface only survive with their cue (place_spans.find_spans)
        return [i for i in gz.lookup(state) if gz.places[i].feature == "admin1" and gz.places[i].country == "USA"]
    abbr = dict(rules.abbreviations)
    if surface in abbr:
        target = abbr[surface]
        if target in gz.countries:
            return [gz.countries[target]]
        if gz.lookup(target):
            return list(gz.lookup(target))
    if name_key(surface) in GENERIC_WORDS:
        return []
    found = list(gz.lookup(surface)) or list(gz.lookup_code(surface))
    if found:
        return found
    words = name_key(surface).split()
    if len(words) >= 2:
        for generic, rest in ((words[-1], words[:-1]), (words[0], words[2:] if len(words) > 2 and words[1] == "of" else [])):
            kinds = _GENERIC.get(generic)
            if kinds and rest:
                sub = [i for i in gz.lookup(" ".join(rest)) if gz.places[i].feature in kinds]
                if sub:
                    return sub
        leading = _leading_place(surface, gz)
        if leading:
            return leading
        # "Eastern China", "North-Western Sydney", "rural Kenya": the part stands at the whole.
        m = _DIRECTION.match(surface)
        if m and m.group(1)[:1].isupper():
            return [i for i in _candidates(m.group(1), gz, rules) if _is_whole(gz.places[i])]
    return list(gz.lookup_minor(surface)) or list(gz.lookup_misspelt_country(surface))


def _leading_place(surface: str, gz: Gazetteer) -> list[int]:
    """"Indian Ocean coast", "Santa Ana City Council", "South Asia Earthquake": a name nothing
    resolves, ending in an area, body or event word, stands at its longest leading part that is a
    known place of some size."""
    parts = surface.split()
    if not (parts[-1].islower() or name_key(parts[-1]) in _AREA_HEADS):
        return []
    for k in range(len(parts) - 1, 0, -1):
        head = " ".join(parts[:k])
        if name_key(head) in GENERIC_WORDS:
            break
        found = [i for i in gz.lookup(head) if _is_whole(gz.places[i]) or gz.places[i].feature == "admin2"]
        if found:
            return found
    return []


def _is_whole(p: Place) -> bool:
    """A place big enough to have named parts ("eastern China", "western Sydney")."""
    return p.feature in ("continent", "region", "physical", "country", "admin1") or p.population >= 100_000


def _base_score(p: Place) -> float:
    pop = p.population or (_AREA_POPULATION if p.feature in ("region", "physical") else 0)
    return math.log10(pop + 10) + _KIND_BONUS[p.feature] + (0.5 if p.capital else 0.0)


def _prefer_city(cands: list[Place]) -> dict[int, int]:
    """Subdivisions that share their name with a large city inside them yield to the city.

    Returns ``{subdivision position: city position}``; the city then takes the
    subdivision's score if that is higher ("Gaza", "Beijing", "New York"). A
    county yields only to a city of its own state ("Marion County", Indiana,
    does not yield to Marion, Ohio).
    """
    drop: dict[int, int] = {}
    for i, sub in enumerate(cands):
        if sub.feature not in ("admin1", "admin2"):
            continue
        home = sub.admin1 if sub.feature == "admin2" else -1
        for k, city in enumerate(cands):
            if city.feature == "city" and city.country == sub.country and city.population * 4 >= sub.population and (
                home < 0 or city.admin1 < 0 or city.admin1 == home
            ):
                if i not in drop or city.population > cands[drop[i]].population:
                    drop[i] = k
    return drop


# "New York state", "Washington State", "New York Governor", "the state of Washington", "Governor of Ohio".
_ADMIN_AFTER = re.compile(r"\s(?:[Ss]tate|STATE|[Gg]overnor|[Gg]ubernatorial)\b")
_ADMIN_BEFORE = re.compile(r"\b(?:[Ss]tate|[Gg]overnor)\s+of\s+(?:the\s+)?$")
# "the city of Sao Paulo", "New York City", "Boston mayor", "the mayor of Boston".
_CITY_AFTER = re.compile(r"\s(?:[Cc]ity|[Mm]ayor)\b")
_CITY_BEFORE = re.compile(r"\b(?:[Cc]ity|[Tt]own|[Mm]ayor)\s+of\s+$")
# Gaps that join the members of an enumeration ("Ohio, Oregon, Texas and Utah").
_LIST_GAPS = frozenset({",", "and", ", and", "or", ", or", "&", ", &"})
_CUE_BONUS = 4.0  # a state cue or the container of the previous toponym
_LIST_BONUS = 5.0  # same kind and country as the other members of an enumeration
_SAME_NAME_BONUS = 5.0  # one sense per document for a name that had a cue elsewhere
_PART_OF_CITY_KM = 30.0  # "Queens, New York": the previous place lies in the city


@dataclass(slots=True)
class _Cue:
    """Context-free evidence for one toponym, applied on top of the scores."""

    bonus: dict[int, float]  # candidate index -> extra score
    keep_subdivisions: bool = False  # do not let a state yield to its namesake city
    no_near: bool = False  # an enumeration member: the next name is a sibling, not its container
    cued: bool = False  # the choice rests on local evidence: other mentions of the name follow it


def _enumerations(text: str, spans: list[_Span]) -> list[tuple[list[int], bool]]:
    """Runs of toponyms joined by commas, "and" and "or" that may be lists, with whether a word joins them.

    A run of two needs "and"/"or": "Buffalo, New York" is a place and its
    container, "New Jersey and New York" a list. A run of commas alone may
    also be a chain of containers ("Atlanta, Georgia, United States"), so its
    members must agree more (see ``_local_cues``).
    """
    groups: list[tuple[list[int], bool]] = []
    run: list[int] = []
    worded = False
    for n in range(len(spans)):
        if run and " ".join(text[spans[n - 1].end : spans[n].start].split()) in _LIST_GAPS and spans[n].start - spans[n - 1].end <= 7:
            worded = worded or text[spans[n - 1].end : spans[n].start].strip(" ,") != ""
            run.append(n)
            continue
        if len(run) >= 3 or (len(run) == 2 and worded):
            groups.append((run, worded))
        run, worded = [n], False
    if len(run) >= 3 or (len(run) == 2 and worded):
        groups.append((run, worded))
    return groups


def _local_cues(
    text: str, spans: list[_Span], cand_lists: list[list[int]], first: list[int], gz: Gazetteer
) -> list[_Cue]:
    """Evidence around each toponym: state cues, containers and enumerations.

    * "New York state", "the state of Washington", "Governor of Ohio": the
      first-level unit, not its namesake city; "the city of Sao Paulo", "the
      mayor of Boston": the city;
    * "Buffalo, New York", "Blakely, Georgia": after "Town, " a name is the
      unit containing the town (the state, not New York City or the Caucasus
      country), unless the town lies within the city of that name ("Queens,
      New York" is New York City);
    * "Ohio, Oregon, Washington and Wyoming", "Egypt and Niger": a member of an
      enumeration takes the kind (and, for subdivisions, the country) that half
      the other members share (two at least in a run of commas alone, which may
      be a chain of containers: "Atlanta, Georgia, United States").
    """
    cues = [_Cue({}) for _ in spans]
    for n, (span, ci) in enumerate(zip(spans, cand_lists)):
        if not ci:
            continue
        if _ADMIN_AFTER.match(text, span.end) or _ADMIN_BEFORE.search(text[max(0, span.start - 30) : span.start]):
            for idx in ci:
                if gz.places[idx].feature == "admin1":
                    cues[n].bonus[idx] = _CUE_BONUS
                    cues[n].keep_subdivisions = cues[n].cued = True
        elif _CITY_AFTER.match(text, span.end) or _CITY_BEFORE.search(text[max(0, span.start - 30) : span.start]):
            for idx in ci:
                if gz.places[idx].feature == "city":
                    cues[n].bonus[idx] = _CUE_BONUS
                    cues[n].cued = True
    for group, worded in _enumerations(text, spans):
        for n in group:
            ci = cand_lists[n]
            if not ci:
                continue
            sibs = [gz.places[first[m]] for m in group if m != n and first[m] >= 0]
            if not sibs:
                continue
            # Half the other members; two at least when only commas join them (not a chain of containers).
            need = max(1 if worded else 2, (len(sibs) + 1) // 2)
            admins: dict[str, int] = {}
            for q in sibs:
                if q.feature == "admin1" and q.country:
                    admins[q.country] = admins.get(q.country, 0) + 1
            n_countries = sum(1 for q in sibs if q.feature == "country")
            cue = cues[n]
            for idx in ci:
                p = gz.places[idx]
                if p.feature == "admin1" and admins.get(p.country or "", 0) >= need:
                    cue.bonus[idx] = cue.bonus.get(idx, 0.0) + _LIST_BONUS
                    cue.keep_subdivisions = cue.no_near = cue.cued = True
                elif p.feature == "country" and n_countries >= need:
                    cue.bonus[idx] = cue.bonus.get(idx, 0.0) + _LIST_BONUS
                    cue.no_near = cue.cued = True
    for n in range(1, len(spans)):
        ci, prev = cand_lists[n], first[n - 1]
        if not ci or prev < 0 or cues[n].no_near or text[spans[n - 1].end : spans[n].start] != ", ":
            continue
        pp = gz.places[prev]
        if pp.feature not in ("city", "admin2", "physical", "site"):
            continue
        cue = cues[n]
        part = [idx for idx in ci if gz.places[idx].feature == "city" and idx != prev
                and distance_km(gz.places[idx].lat, gz.places[idx].lon, pp.lat, pp.lon) <= _PART_OF_CITY_KM]
        if part:
            for idx in part:
                cue.bonus[idx] = cue.bonus.get(idx, 0.0) + _CUE_BONUS
            cue.cued = True
            continue
        prev_admins = {gz.places[j].admin1 for j in cand_lists[n - 1]} - {-1}
        prev_countries = {gz.places[j].country for j in cand_lists[n - 1]} - {None}
        for idx in ci:
            p = gz.places[idx]
            if (p.feature == "admin1" and idx in prev_admins) or (p.feature == "country" and p.country in prev_countries):
                cue.bonus[idx] = cue.bonus.get(idx, 0.0) + _CUE_BONUS
                cue.keep_subdivisions = cue.keep_subdivisions or p.feature == "admin1"
                cue.cued = True
    return cues


def _neighbour_units(
    spans: list[_Span], cand_lists: list[list[int]], first: list[int], sent: list[int], cues: list[_Cue], gz: Gazetteer
) -> None:
    """"California has 13 cases, Texas three and Ohio one. New York has 28.": a name that is
    both a first-level unit and a city reads as the unit when two or more other units of that
    country are named in its sentence or the ones beside it (an enumeration across sentences)."""
    units: dict[int, list[tuple[int, str]]] = {}  # sentence -> (span, country) of units chosen there
    for n, idx in enumerate(first):
        if idx >= 0 and gz.places[idx].feature == "admin1" and gz.places[idx].country:
            units.setdefault(sent[n], []).append((n, gz.places[idx].country or ""))
    if not units:
        return
    for n, ci in enumerate(cand_lists):
        cue = cues[n]
        if not ci or cue.cued or first[n] < 0 or gz.places[first[n]].feature == "admin1":
            continue
        near = [c for k in (sent[n] - 1, sent[n], sent[n] + 1) for m, c in units.get(k, ()) if m != n]
        for idx in ci:
            p = gz.places[idx]
            if p.feature == "admin1" and near.count(p.country or "") >= 2:
                cue.bonus[idx] = cue.bonus.get(idx, 0.0) + _LIST_BONUS
                cue.keep_subdivisions = cue.cued = True


def _resolve(
    text: str,
    spans: list[_Span],
    mentions: Sequence[Mention],
    gz: Gazetteer,
    rules: Rules,
    sentences: Sequence[int] = (0,),
) -> list[PlaceMention]:
    """Choose a candidate for every span; ``sentences`` are the start offsets of the sentences."""
    cand_lists = [_candidates(s.name or text[s.start : s.end], gz, rules) for s in spans]
    sent = [bisect.bisect_right(sentences, s.start) - 1 for s in spans]

    def choose(
        ci: list[int], countries: dict[str, float], admins: dict[int, float], inside: dict[int, float],
        near: tuple[str, int] | None, cue: _Cue | None = None,
    ) -> tuple[int, float]:
        cands = [gz.places[i] for i in ci]
        drop = {} if cue is not None and cue.keep_subdivisions else _prefer_city(cands)
        bonus = cue.bonus if cue is not None else {}
        inherited: dict[int, float] = {}
        for sub, city in drop.items():
            inherited[city] = max(inherited.get(city, -1e9), _base_score(cands[sub]))
        best, best_score, second = -1, -1e9, -1e9
        for k, (idx, p) in enumerate(zip(ci, cands)):
            if k in drop:
                continue
            score = max(_base_score(p), inherited.get(k, -1e9)) + bonus.get(idx, 0.0)
            if p.country:
                # Other toponyms (and actors) of the same country vouch for it.
                score += min(countries.get(p.country, 0.0), 3.0)
            if p.feature != "country" and p.admin1 >= 0:
                score += min(admins.get(p.admin1, 0.0), 1.0) * 2.5
            if p.feature == "admin1":  # places of the document that lie inside it
                score += min(inside.get(idx, 0.0), 1.0) * 2.5
            if near is not None and p.feature != "country" and (
                p.country == near[0] or p.admin1 == near[1] or (near[1] >= 0 and _within_city(p, gz.places[near[1]]))
            ):
                score += 4.0
            if score > best_score:
                best, best_score, second = idx, score, best_score
            elif score > second:
                second = score
        return best, (best_score - second if second > -1e9 else 5.0)

    # Pass 1: context-free choice, to learn which countries and regions the document is about;
    # then again with the local cues (state words, containers, enumerations) read off that choice.
    first = [choose(ci, {}, {}, {}, None)[0] if ci else -1 for ci in cand_lists]
    cues = _local_cues(text, spans, cand_lists, first, gz)
    _neighbour_units(spans, cand_lists, first, sent, cues, gz)
    first = [choose(ci, {}, {}, {}, None, cue)[0] if ci and cue.bonus else f for ci, cue, f in zip(cand_lists, cues, first)]
    country_ctx: dict[str, float] = {}
    admin_ctx: dict[int, float] = {}  # first-level unit index -> half weight per mention in the document ...
    admin_near: dict[int, dict[int, float]] = {}  # ... and the other half in its sentence and the two beside it
    inside_ctx: dict[int, float] = {}  # admin1 index -> places of the document inside it
    for m in mentions:
        if m.country:
            country_ctx[m.country] = country_ctx.get(m.country, 0.0) + 0.5
    for n, idx in enumerate(first):
        if idx < 0:
            continue
        p = gz.places[idx]
        if p.country:
            country_ctx[p.country] = country_ctx.get(p.country, 0.0) + 1.0
        if p.feature == "admin1":
            # A state named far away in the text is weaker evidence than one named beside the town:
            # it must not carry "Boston" to a village of New York State, or "Santiago" to Brazil.
            admin_ctx[idx] = admin_ctx.get(idx, 0.0) + 0.5
            for k in (sent[n] - 1, sent[n], sent[n] + 1):
                near_here = admin_near.setdefault(k, {})
                near_here[idx] = near_here.get(idx, 0.0) + 0.5
        elif p.admin1 >= 0:
            inside_ctx[p.admin1] = inside_ctx.get(p.admin1, 0.0) + 1.0

    def contextual(n: int, cue: _Cue) -> tuple[int, float]:
        own = gz.places[first[n]]
        ctx = dict(country_ctx)
        if own.country:  # a name is not its own context
            ctx[own.country] = ctx.get(own.country, 0.0) - 1.0
        adm = dict(admin_ctx)
        for k, v in admin_near.get(sent[n], {}).items():
            adm[k] = adm.get(k, 0.0) + v
        if own.feature == "admin1":
            adm[first[n]] = adm.get(first[n], 0.0) - 1.0
        ins = dict(inside_ctx)
        if own.feature != "admin1" and own.admin1 >= 0:
            ins[own.admin1] = ins.get(own.admin1, 0.0) - 1.0
        near = None if cue.no_near else _following_place(n, spans, first, text, gz)
        if near is not None:
            cue.cued = True  # "Brooklyn, New York": later bare mentions of "Brooklyn" follow it
        return choose(cand_lists[n], ctx, adm, ins, near, cue)

    chosen: list[tuple[int, float]] = [contextual(n, cue) if ci else (-1, 0.0) for n, (ci, cue) in enumerate(zip(cand_lists, cues))]
    # One sense per document: a name resolved on local evidence ("Buffalo, New York", "New York
    # state") lends that reading to its other, uncued mentions ("in New York since April").
    keys = [name_key(text[s.start : s.end]) for s in spans]
    sense: dict[str, int] = {}
    for n, cue in enumerate(cues):
        if cue.cued and chosen[n][0] >= 0:
            sense[keys[n]] = chosen[n][0] if sense.get(keys[n], chosen[n][0]) == chosen[n][0] else -1
    for n, cue in enumerate(cues):
        idx = sense.get(keys[n], -1)
        if not cue.cued and idx >= 0 and idx != chosen[n][0] and idx in cand_lists[n]:
            lent = _Cue({idx: _SAME_NAME_BONUS}, keep_subdivisions=gz.places[idx].feature == "admin1")
            chosen[n] = contextual(n, lent)

    out: list[PlaceMention] = []
    for n, (span, ci, (idx, margin)) in enumerate(zip(spans, cand_lists, chosen)):
        surface = text[span.start : span.end]
        if not ci:
            out.append(PlaceMention(span.start, span.end, surface, feature="site" if span.label == "FAC" else None, confidence=0.3))
            continue
        p = gz.places[idx]
        container = _stated_country(n, spans, first, text, gz, cues[n])
        if container and p.feature not in ("continent", "region", "country") and not any(
            gz.places[i].country == container for i in ci
        ):
            # "Charlevoix, Canada" with no Canadian Charlevoix in the gazetteer: the text says which
            # country, so no namesake elsewhere (Michigan's) is put on the map.
            out.append(PlaceMention(span.start, span.end, surface, country=container, confidence=0.3))
            continue
        conf = round(min(0.99, 0.5 + margin / 6.0), 3)
        out.append(
            PlaceMention(span.start, span.end, surface, name=p.name, lat=p.lat, lon=p.lon, country=p.country,
                         geonames_id=p.geonames_id, feature=p.feature, confidence=conf)
        )
    return out


def _stated_country(n: int, spans: list[_Span], first: list[int], text: str, gz: Gazetteer, cue: _Cue) -> str | None:
    """The country written right after a toponym as its container ("Charlevoix, Canada"), if any."""
    if cue.no_near:  # a member of a list of countries, not a town and its country
        return None
    near = _following_place(n, spans, first, text, gz)
    if near is None or near[1] != -2:
        return None
    # Inside a longer list ("the Zaire, Bundibugyo, Côte d'Ivoire and Sudan strains") the next
    # name is a sibling, not the container.
    def joined(a: int, b: int) -> bool:
        return 0 <= a and b < len(spans) and " ".join(text[spans[a].end : spans[b].start].split()) in _LIST_GAPS
    if joined(n - 1, n) or joined(n + 1, n + 2):
        return None
    return near[0]


def _within_city(p: Place, city: Place) -> bool:
    return city.feature == "city" and distance_km(p.lat, p.lon, city.lat, city.lon) <= _PART_OF_CITY_KM


def _following_place(n: int, spans: list[_Span], first: list[int], text: str, gz: Gazetteer) -> tuple[str, int] | None:
    """"Santa Ana, California": the next toponym after a comma is the container (country, admin1 or city index)."""
    if n + 1 >= len(spans) or first[n + 1] < 0:
        return None
    nxt = spans[n + 1]
    gap = text[spans[n].end : nxt.start]
    if gap.strip() not in (",", "(") or len(gap) > 3:
        return None
    p = gz.places[first[n + 1]]
    if p.feature == "country" and p.country:
        return (p.country, -2)
    if p.feature in ("admin1", "city"):  # a city: "Brooklyn, New York" names a part of it
        return ("", first[n + 1])
    return None


# --------------------------------------------------------------------------- entry point


def find_places(text: str, chunks: list["Chunk"], mentions: list[Mention], pack: "Pack | None" = None) -> list[PlaceMention]:
    """Toponyms in ``text`` with exact offsets, resolved against the offline gazetteer.

    ``chunks`` is the first spaCy pass (``nlp.parse``); ``mentions`` are the actor
    mentions (NORP ones mark demonyms). Output is sorted, non-overlapping and a
    pure function of the inputs.
    """
    if not text or not chunks:
        return []
    gz = load_gazetteer()
    rules = _rules(str(pack.path) if pack is not None else "")
    starts = _sentence_starts(chunks)
    spans = find_spans(text, chunks, mentions, gz, rules, starts)
    return _drop_unplaceable(_resolve(text, spans, mentions, gz, rules, sorted(starts)), mentions)


# Actor kinds that name no place: an unresolved "place" on one of them is a misread name.
_NOT_PLACES = frozenset({"igo", "ngo", "company", "person", "group"})


def _drop_unplaceable(found: list[PlaceMention], mentions: Sequence[Mention]) -> list[PlaceMention]:
    """Leave out toponyms that are misreadings: kept, they would show on maps' side lists and in
    what is new as places.

    * unresolved ones that are a bare compass or generic word ("the West", "the South"), end in a
      joining word ("Belt and" of "Belt and Road"), or overlap an actor the dictionary knows to be
      an organisation or a person ("South China Morning Post", "BRICS", "Oxfam Hong Kong", "Modi");
    * resolved ones whose text is exactly such an actor, unless they resolved to a country or a
      larger area: "SCO" is the Shanghai Cooperation Organisation, not South Cotabato's code,
      while "the EU" still stands on the map.
    """
    named = sorted((m.start, m.end) for m in mentions if m.actor_id and m.kind in _NOT_PLACES)
    starts = [a for a, _ in named]
    exact = set(named)
    out = []
    for p in found:
        if p.lat is None:
            if name_key(p.text) in GENERIC_WORDS or p.text.rsplit(" ", 1)[-1] in _JOINING_WORDS:
                continue
            k = bisect.bisect_left(starts, p.end)
            if any(b > p.start for _, b in named[max(0, k - 3) : k]):
                continue
        elif (p.start, p.end) in exact and p.feature not in ("continent", "region", "country", "physical"):
            continue
        out.append(p)
    return out


_JOINING_WORDS = frozenset({"and", "or", "of", "the", "&", "de", "for"})
