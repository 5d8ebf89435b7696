"""Place analyser: find toponyms and resolve them to gazetteer entries.

Recognition has two sources, both cheap on top of the first spaCy pass:

1. spaCy ``GPE``/``LOC``/``FAC`` entities;
2. a gazetteer matcher for names spaCy missed or folded into an organisation
   ("U.S. Food and Drug Administration", "University of Nairobi"), over runs of
   capitalised words, with guards against common words and small places.

Demonyms ("Chinese", "Kyrgyz", any ``NORP`` mention) are not places, and
neither are metonyms used as actors: a toponym directly followed (allowing an
auxiliary or adverb) by a speech or action verb ("Beijing said", "Moscow has
signed") is left to the actor analyser. "in Beijing" stays a place.

Resolution ranks the gazetteer candidates of each name by feature kind,
population and agreement with the countries and regions found elsewhere in
the same document, plus local cues: "state"/"city" words, the container after
"Town, ", the kind shared by the members of an enumeration, and one sense per
document for a name resolved on such a cue (see docs/places.md). Everything is a pure function of the
input text, its parse and the read-only gazetteer.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..records import Mention, PlaceMention
from .gazetteer import Gazetteer, Place, distance_km, load_gazetteer, name_key

if TYPE_CHECKING:
    from ..packs import Pack
    from .nlp import Chunk

VERSION = "places.v1"

# --------------------------------------------------------------------------- word lists
# Defaults; a topic pack may extend them in ``places.yaml`` (keys of the same names).

METONYM_VERBS = frozenset(
    """
    said says say saying told tells announced announces announce warned warns warn signed signs sign
    pledged pledges agreed agrees urged urges accused accuses condemned condemns rejected rejects
    denied denies claimed claims insisted insists stated states declared declares threatened
    threatens demanded demands protested protests vowed vows promised promises criticised
    criticized criticises criticizes responded responds retaliated retaliates refused refuses
    wants wanted hopes hoped believes believed argued argues offered offers proposed proposes
    approved approves ordered orders imposed imposes sanctioned sanctions pressed presses
    welcomed welcomes praised praises blamed blames expelled expels recalled recalls vetoed
    vetoes objected objects lodged lodges summoned summons negotiated negotiates pledged
    """.split()
)
# Words that may stand between the toponym and the verb: "Moscow has already signed".
METONYM_BRIDGE = frozenset(
    """
    has have had will would could may might should must is was also already has
    reportedly publicly officially quickly recently strongly later then again swiftly
    formally firmly repeatedly further previously immediately not never
    """.split()
)
LOCATIVE = frozenset(
    """
    in at near from to outside inside around across throughout between towards toward via into
    within beyond through along off onto across neighbouring neighboring northern southern eastern
    western central north south east west northeast northwest southeast southwest rural downtown
    """.split()
)
# Capitalised words that are also common English words, titles or calendar names:
# never taken from the gazetteer alone (spaCy may still tag them as places).
STOP_NAMES = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    president minister governor mayor king queen prince general police army government
    university hospital college school church centre center city state province district county
    north south east west central northern southern eastern western
    new old great little upper lower mount saint
    will can mobile reading bath nice split sale mission union victory liberty independence
    hope faith grace joy unity progress commerce industry enterprise paradise eden
    man woman god lord jesus christ allah
    """.split()
)
# Nouns that turn a preceding toponym into part of another name ("West Nile virus").
NAME_HEADS = frozenset(
    """
    virus viruses ebolavirus fever flu influenza strain strains disease syndrome encephalitis
    """.split()
)
# Words that make an organisation a public body of the place it is named after.
PUBLIC_BODIES = frozenset(
    """
    department ministry ministries government centers centres center centre army navy military
    health food agency office embassy consulate police forces parliament state
    """.split()
)
# Country abbreviations written in capitals in news text; maintained names come from the gazetteer.
ABBREVIATIONS = {"EU": "European Union", "US": "USA", "U.S.": "USA", "USA": "USA", "U.S.A.": "USA", "UK": "GBR", "U.K.": "GBR",
                 "UAE": "ARE", "U.A.E.": "ARE", "DRC": "COD", "PRC": "CHN", "ROK": "KOR", "DPRK": "PRK",
                 "D.C.": "District of Columbia"}

# US states as news agencies abbreviate them after a town ("Paris, Ky.", "Albany, N.Y."; AP style).
# Keys are the surfaces left after trimming a final period; only read after "Town, " (see _ap_state_cue),
# since several are also words or titles ("Miss.", "Mass.", "Ind.").
US_STATE_ABBREVIATIONS = {
    "Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California", "Colo": "Colorado",
    "Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida", "Ga": "Georgia", "Ill": "Illinois",
    "Ind": "Indiana", "Kan": "Kansas", "Kans": "Kansas", "Ky": "Kentucky", "La": "Louisiana", "Md": "Maryland",
    "Mass": "Massachusetts", "Mich": "Michigan", "Minn": "Minnesota", "Miss": "Mississippi", "Mo": "Missouri",
    "Mont": "Montana", "Neb": "Nebraska", "Nebr": "Nebraska", "Nev": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla": "Oklahoma", "Ore": "Oregon", "Pa": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn": "Tennessee", "Tex": "Texas", "Vt": "Vermont",
    "Va": "Virginia", "Wash": "Washington", "W.Va": "West Virginia", "W. Va": "West Virginia",
    "Wis": "Wisconsin", "Wisc": "Wisconsin", "Wyo": "Wyoming",
}  # fmt: skip

# Generic geographic words and bare compass words: alone they are pieces of longer names ("Plum Island",
# "Rift Valley", "Danube Delta", "the American South"), never resolved by themselves ("Island" is
# also Iceland's own name for itself).
GENERIC_WORDS = frozenset(
    """
    island islands isle valley delta river lake gulf bay sea ocean coast peninsula strait channel canal desert
    mountain mountains hills plain plains basin republic kingdom empire federation union
    north south east west northern southern eastern western central northeast northwest southeast southwest
    """.split()
)

_SPACY_PLACE = frozenset({"GPE", "LOC", "FAC"})
_CONNECTORS = frozenset({"of", "de", "la", "le", "el", "del", "du", "des", "da", "do", "dos", "das", "upon", "on", "am",
                         "al", "and", "y", "e", "di", "van", "von", "der", "den", "bin", "ibn"})
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*", re.UNICODE)
_TRAILING = re.compile(r"(?:'s|’s|['’\-]+|(?<![A-Z]\.[A-Z])\.)$")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


@dataclass(frozen=True, slots=True)
class Rules:
    metonym_verbs: frozenset[str]
    bridge: frozenset[str]
    locative: frozenset[str]
    stop_names: frozenset[str]
    abbreviations: tuple[tuple[str, str], ...]
    name_heads: frozenset[str]
    public_bodies: frozenset[str]


@functools.lru_cache(maxsize=16)
def _rules(pack_path: str) -> Rules:
    """Default word lists extended by the pack's optional ``places.yaml``."""
    from pathlib import Path

    from ..packs import Pack

    data: dict[str, Any] = {}
    if pack_path:
        pk = Pack(name=Path(pack_path).name, path=Path(pack_path))
        data = pk.yaml("places.yaml") or {}

    def words(key: str, default: frozenset[str]) -> frozenset[str]:
        extra = data.get(key) or []
        return default | frozenset(str(w).lower() for w in extra)

    abbr = dict(ABBREVIATIONS)
    abbr.update({str(k): str(v) for k, v in (data.get("abbreviations") or {}).items()})
    return Rules(
        metonym_verbs=words("metonym_verbs", METONYM_VERBS),
        bridge=words("metonym_bridge", METONYM_BRIDGE),
        locative=words("locative", LOCATIVE),
        stop_names=words("stop_names", STOP_NAMES),
        abbreviations=tuple(sorted(abbr.items())),
        name_heads=words("name_heads", NAME_HEADS),
        public_bodies=words("public_bodies", PUBLIC_BODIES),
    )


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    source: str  # "ner" or "gaz"
    label: str  # spaCy label of the entity it came from ("" for plain text)
    name: str = ""  # the name to look up when it is not the text ("Central" of "Central and South America")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article and a trailing possessive or punctuation."""
    m = _ARTICLE.match(text[start:end])
    if m:
        start += m.end()
    m2 = _TRAILING.search(text[start:end])
    if m2 and m2.start() > 0:
        end = start + m2.start()
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end


def _words_before(text: str, start: int, n: int = 2) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[max(0, start - 40) : start])[-n:]]


def _is_metonym(text: str, start: int, end: int, rules: Rules) -> bool:
    """A toponym directly followed by a speech/action verb (maybe after auxiliaries) is an actor.

    Not when a preposition governs it ("officials in Texas have urged", "a man
    from Tyler said"): then the verb's subject is someone else.
    """
    before = _words_before(text, start, 1)
    if before and (before[-1] in rules.locative or before[-1] in ("of", "for", "by", "with")):
        return False
    tail = text[end : end + 60]
    if tail[:1] not in (" ",):
        return False
    for word in _WORD.findall(tail)[:4]:
        w = word.lower()
        if w in rules.metonym_verbs:
            return True
        if w not in rules.bridge:
            return False
    return False


def _currency(text: str, start: int, end: int) -> bool:
    """"US$10", "$US 15": a country code inside a currency, not a place."""
    return text[end : end + 1] in "$€£¥" and end < len(text) or text[max(0, start - 2) : start].strip().endswith(("$", "€", "£"))


def _is_modifier(text: str, end: int, rules: Rules) -> bool:
    """"West Nile virus", "Marburg fever": a place name inside the name of a pathogen or disease."""
    words = _WORD.findall(text[end : end + 30])
    return bool(words) and text[end : end + 1] == " " and words[0].lower() in rules.name_heads


def _ner_spans(text: str, chunks: Sequence["Chunk"]) -> tuple[list[_Span], list[_Span]]:
    """spaCy place entities, and every other entity (used to guard the gazetteer matcher)."""
    places: list[_Span] = []
    others: list[_Span] = []
    for chunk in chunks:
        for ent in chunk.doc.ents:
            s, e = chunk.start + ent.start_char, chunk.start + ent.end_char
            s, e = _trim(text, s, e)
            if e <= s:
                continue
            (places if ent.label_ in _SPACY_PLACE else others).append(_Span(s, e, "ner", ent.label_))
    return places, others


def _capital_runs(text: str, start: int, end: int) -> Iterable[list[re.Match[str]]]:
    """Runs of capitalised words (joined by spaces and lowercase connectors) inside [start, end)."""
    run: list[re.Match[str]] = []
    pending: list[re.Match[str]] = []
    for m in _WORD.finditer(text, start, end):
        word = m.group()
        gap = text[(pending[-1] if pending else run[-1]).end() : m.start()] if run else ""
        if run and (gap.strip() or "\n" in gap):
            yield run
            run, pending = [], []
        if word[0].isupper():
            run.extend(pending)
            pending = []
            run.append(m)
        elif run and word in _CONNECTORS and len(pending) < 2:
            pending.append(m)
        elif run:
            yield run
            run, pending = [], []
    if run:
        yield run


def _sentence_starts(chunks: Sequence["Chunk"]) -> set[int]:
    return {c.start + s.start_char for c in chunks for s in c.doc.sents}


def _gazetteer_spans(
    text: str,
    chunks: Sequence["Chunk"],
    gz: Gazetteer,
    rules: Rules,
    taken: list[_Span],
    others: list[_Span],
) -> list[_Span]:
    """Names spaCy missed (or folded into a larger entity), found by longest gazetteer match."""
    starts = _sentence_starts(chunks)
    abbr = dict(rules.abbreviations)
    out: list[_Span] = []
    occupied = sorted((s.start, s.end) for s in taken)
    occ_starts = [a for a, _ in occupied]
    ents = sorted(others, key=lambda o: (o.start, o.end))
    ent_starts = [o.start for o in ents]

    def overlaps_taken(s: int, e: int) -> bool:
        k = bisect.bisect_left(occ_starts, e)  # spans starting before e; spaCy's do not overlap
        return k > 0 and occupied[k - 1][1] > s

    def inside_other(s: int, e: int) -> _Span | None:
        k = bisect.bisect_left(ent_starts, e)
        if k > 0 and ents[k - 1].end > s:
            return ents[k - 1]
        return None

    looked: dict[str, tuple[int, ...]] = {}  # per call: names repeat within a document

    def lookup(surface: str) -> tuple[int, ...]:
        found = looked.get(surface)
        if found is None:
            found = looked[surface] = gz.lookup(surface)
        return found

    regions = [(c.start, c.end) for c in chunks] or [(0, len(text))]
    for rs, re_ in regions:
        for run in _capital_runs(text, rs, re_):
            i = 0
            while i < len(run):
                found = None
                for j in range(min(len(run), i + gz.max_words), i, -1):
                    if not run[j - 1].group()[0].isupper():
                        continue
                    s, e = _trim(text, run[i].start(), run[j - 1].end())
                    if e <= s:
                        continue
                    surface = text[s:e]
                    if (
                        surface in abbr
                        or (surface in US_STATE_ABBREVIATIONS and _ap_state_cue(text, s, e))
                        or (lookup(surface) and _plausible(text, s, e, surface, gz, rules, starts))
                        or (gz.lookup_code(surface) and _code_cue(text, s, rules))
                    ):
                        found = (s, e, j)
                        break
                if found is None:
                    i += 1
                    continue
                s, e, j = found
                i = j
                if overlaps_taken(s, e) or _currency(text, s, e):
                    continue
                other = inside_other(s, e)
                if other is not None and not _embedded_ok(text, s, e, other, rules):
                    continue
                out.append(_Span(s, e, "gaz", other.label if other else ""))
    return out


def _best_kind(cands: Sequence[Place]) -> tuple[str, int]:
    kinds = {p.feature for p in cands}
    if "physical" in kinds:
        kinds.add("region")
    for k in ("continent", "country", "region", "admin1"):
        if k in kinds:
            return k, max(p.population for p in cands)
    return ("city" if "city" in kinds else "admin2"), max(p.population for p in cands)


def _plausible(
    text: str, s: int, e: int, surface: str, gz: Gazetteer, rules: Rules, sentence_starts: set[int]
) -> bool:
    """Guards for gazetteer-only matches: common words, sentence starts, small places."""
    key = name_key(surface)
    words = key.split()
    if len(words) == 1 and (key in rules.stop_names or key in GENERIC_WORDS or len(key) < 3):
        return False
    if surface.isupper() and len(surface) <= 4:  # acronyms only through the abbreviation list
        return False
    if key in gz.demonyms:
        return False
    cands = [gz.places[i] for i in gz.lookup(surface)]
    kind, pop = _best_kind(cands)
    before = _words_before(text, s, 1)
    locative = bool(before) and before[-1] in rules.locative
    # A single word heading a sentence is capitalised anyway: ask for more evidence.
    initial = len(words) == 1 and (s in sentence_starts or text[max(0, s - 2) : s].strip() in ('"', "“", "'", "("))
    if kind in ("continent", "country", "region", "admin1"):
        return not initial or locative or pop >= 1_000_000
    if locative or _comma_context(text, e, gz):
        return pop >= 1000 and not initial or pop >= 100_000
    return pop >= 500_000 and not initial and len(words) >= 1 and kind == "city" and len(key) > 3


def _code_cue(text: str, start: int, rules: Rules) -> bool:
    """A subdivision code ("NSW", "QLD") needs a locative word or a place and comma before it ("Sydney, NSW")."""
    before = _words_before(text, start, 1)
    if before and before[-1] in rules.locative:
        return True
    return _after_town_comma(text, start)


def _after_town_comma(text: str, start: int) -> bool:
    """A capitalised name and a comma just before ``start`` ("Sydney, ", "Paris, ")."""
    head = text[max(0, start - 30) : start]
    return head.endswith(", ") and bool(re.search(r"[A-Z][\w'’.\-]*, $", head))


def _ap_state_cue(text: str, start: int, end: int) -> bool:
    """"Paris, Ky.": an abbreviated state right after "Town, ", written with its period."""
    dotted = text[end : end + 1] == "." or text[end - 1 : end] == "."
    return dotted and _after_town_comma(text, start)


def _comma_context(text: str, end: int, gz: Gazetteer) -> bool:
    """"Pandi, Bulacan": a name followed by a comma and a larger known place."""
    tail = text[end : end + 40]
    if not tail.startswith(", "):
        return False
    m = re.match(r",\s+((?:[A-Z][\w'’.\-]*\s?){1,3})", tail)
    if not m:
        return False
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        cands = gz.lookup(" ".join(words[:n]))
        if any(gz.places[i].feature in ("country", "admin1", "admin2") for i in cands):
            return True
    return False


def _embedded_ok(text: str, s: int, e: int, other: _Span, rules: Rules) -> bool:
    """A place name inside another entity counts only in a few clear shapes.

    * the whole entity is the name (spaCy labelled "Harare" or "DRC" an ORG);
    * it heads a public body of that place ("U.S. Food and Drug Administration",
      "California Department of Public Health");
    * it follows "of" in a public body ("Ministry of Health of Angola").

    Newspapers, universities, companies and events ("New York Times", "University
    of Georgia", "Beijing Olympic Games") do not make their names places.
    """
    if other.label in ("PERSON", "NORP", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LAW"):
        return False
    if other.start == s and other.end == e:
        return True
    if other.label != "ORG":
        return False
    if other.start == s:
        nxt = _WORD.findall(text[e : other.end])[:1]
        return bool(nxt) and nxt[0].lower() in rules.public_bodies
    head = _WORD.findall(text[other.start : s])[:1]
    return bool(head) and head[0].lower() in rules.public_bodies and text[max(0, s - 12) : s].rstrip().lower().endswith(("of", ","))


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
    if state:  # spans with such a surface only survive with their cue (find_places)
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
    for span, ci, (idx, margin) in zip(spans, cand_lists, chosen):
        surface = text[span.start : span.end]
        if not ci:
            out.append(PlaceMention(span.start, span.end, surface, feature="site" if span.label == "FAC" else None, confidence=0.3))
            continue
        p = gz.places[idx]
        conf = round(min(0.99, 0.5 + margin / 6.0), 3)
        out.append(
            PlaceMention(span.start, span.end, surface, name=p.name, lat=p.lat, lon=p.lon, country=p.country,
                         geonames_id=p.geonames_id, feature=p.feature, confidence=conf)
        )
    return out


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


_OF_TAIL = re.compile(r" of (?:the )?[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*){0,2}")


def _extend_of(text: str, sp: _Span, gz: Gazetteer) -> _Span:
    """"Democratic Republic" + " of the Congo": an entity cut before an "of" phrase that completes a known name."""
    m = _OF_TAIL.match(text, sp.end)
    if m is None:
        return sp
    ends = [w.end() for w in re.finditer(r"\S+", text[sp.end : m.end()]) if w.group() not in ("of", "the")]
    for end in sorted(ends, reverse=True):
        if gz.lookup(text[sp.start : sp.end + end]):
            s, e = _trim(text, sp.start, sp.end + end)
            return _Span(s, e, sp.source, sp.label)
    return sp


_WORD_BEFORE = re.compile(r"([A-Z][\w'’.\-]*) $")


# One more capitalised word, maybe after the connectors of Romance and Arabic names ("Rio Grande" + "do Sul").
_WORD_AFTER = re.compile(r" ((?:(?:do|da|dos|das|de|del|della|di|du|des|la|le|los|las|el|al) )*[A-Z][\w'’\-]*)")


def _extend_word(text: str, sp: _Span, gz: Gazetteer) -> _Span:
    """"Goz" + "Beida", "Mashonaland" + "West": an entity that lost one word of a known name.

    Only when the joined name is in the gazetteer as a place the bare one is
    not ("Beida" alone is a town in Libya), so ordinary capitalised words beside
    a place ("In Paris", "Paris Hilton") never join it.
    """
    bare = set(gz.lookup(text[sp.start : sp.end]))
    m = _WORD_BEFORE.search(text, max(0, sp.start - 40), sp.start)
    if m is not None and name_key(m.group(1)) not in GENERIC_WORDS:
        joined = gz.lookup(text[m.start(1) : sp.end])
        if set(joined) - bare:
            return _Span(m.start(1), sp.end, sp.source, sp.label)
    m = _WORD_AFTER.match(text, sp.end)
    if m is not None:
        joined = gz.lookup(text[sp.start : m.end(1)])
        if set(joined) - bare:
            return _Span(sp.start, m.end(1), sp.source, sp.label)
    return sp


_COORDINATED = re.compile(r"([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?) (?:and|or|&) ([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?) (\S.*)")


_SPACED_DASH = re.compile(r" [-–—] ")
_PAIR = re.compile(r"([A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*)*) (?:and|&) ([A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*)*)")


def _split_coordinated(text: str, sp: _Span, gz: Gazetteer) -> list[_Span]:
    """Two places NER read as one: "Kansas and Missouri", "Central Africa - Nigeria", or two
    sharing their last words ("Central and South America", "North and South Korea").

    Only when the whole is no known name ("Trinidad and Tobago" is) and both
    halves are; in the shared-words form the first half keeps its own word as
    text and looks up the full name.
    """
    surface = text[sp.start : sp.end]
    if gz.lookup(surface):
        return [sp]
    m = _COORDINATED.fullmatch(surface)
    if m is not None:
        first, second, head = m.groups()
        if gz.lookup(f"{first} {head}") and gz.lookup(f"{second} {head}"):
            return [
                _Span(sp.start, sp.start + len(first), sp.source, sp.label, f"{first} {head}"),
                _Span(sp.start + m.start(2), sp.end, sp.source, sp.label),
            ]
    pieces = _SPACED_DASH.split(surface)  # "Central Africa - Nigeria"
    if len(pieces) > 1 and all(gz.lookup(piece) for piece in pieces):
        out, pos = [], 0
        for piece in pieces:
            pos = surface.index(piece, pos)
            out.append(_Span(sp.start + pos, sp.start + pos + len(piece), sp.source, sp.label))
            pos += len(piece)
        return out
    pair = _PAIR.fullmatch(surface)  # "Mashonaland West and Midlands": two names NER read as one
    if pair is not None and all(
        gz.lookup(part) and name_key(part) not in GENERIC_WORDS for part in pair.groups()
    ):
        return [_Span(sp.start, sp.start + pair.end(1), sp.source, sp.label),
                _Span(sp.start + pair.start(2), sp.end, sp.source, sp.label)]
    return [sp]


def _country_spans(text: str, kept: list[_Span], mentions: Sequence[Mention], gz: Gazetteer) -> list[_Span]:
    """A country the actor stage read whole ("Guinea-Bissau", "Democratic Republic of the Congo")
    replaces the pieces the place finders cut it into ("Guinea", "Democratic Republic of the" + "Congo")."""
    out = list(kept)
    for m in mentions:
        if m.kind != "state" or not m.country or m.country not in gz.countries:
            continue
        inside = [sp for sp in out if m.start <= sp.start and sp.end <= m.end]
        if not inside or any((sp.start, sp.end) == (m.start, m.end) for sp in inside):
            continue
        if any(sp.start < m.end and m.start < sp.end and sp not in inside for sp in out):
            continue  # overlaps a span it does not cover: leave both as found
        if gz.countries[m.country] not in gz.lookup(text[m.start : m.end]):
            continue  # "Villages Sudan": an actor name, not the country's name
        out = [sp for sp in out if sp not in inside] + [_Span(m.start, m.end, inside[0].source, "GPE")]
    return out


def _norp_spans(mentions: Sequence[Mention], others: list[_Span]) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in mentions if m.label == "NORP"]
    spans += [(o.start, o.end) for o in others if o.label == "NORP"]
    return spans


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
    ner, others = _ner_spans(text, chunks)
    norp = _norp_spans(mentions, others)

    # Overlap with a demonym span by binary search: spans starting before the end,
    # and the furthest end among them.
    norp.sort()
    norp_starts = [a for a, _ in norp]
    norp_reach = list(itertools.accumulate((b for _, b in norp), max))
    kept: list[_Span] = []
    for sp in ner:
        surface = text[sp.start : sp.end]
        if not surface[:1].isupper() or any(ch.isdigit() for ch in surface):
            continue  # "colonies", "H5N1": not names of places
        k = bisect.bisect_left(norp_starts, sp.end)
        if name_key(surface) in gz.demonyms or (k > 0 and norp_reach[k - 1] > sp.start):
            continue
        kept += _split_coordinated(text, _extend_word(text, _extend_of(text, sp, gz), gz), gz)
    kept += _gazetteer_spans(text, chunks, gz, rules, kept, others)
    kept = _country_spans(text, kept, mentions, gz)

    spans: list[_Span] = []
    for sp in sorted(kept, key=lambda s: (s.start, -(s.end - s.start), s.source)):
        if spans and sp.start < spans[-1].end:
            continue
        if text[sp.start : sp.end] in US_STATE_ABBREVIATIONS and not _ap_state_cue(text, sp.start, sp.end):
            continue  # "Miss. Smith", "Mass. was said": a title or a word, not a state
        # "Marion, Ohio was told": the container of the place before it is no speaking actor.
        container = bool(spans) and text[spans[-1].end : sp.start] == ", "
        if (not container and _is_metonym(text, sp.start, sp.end, rules)) or _is_modifier(text, sp.end, rules) or _currency(
            text, sp.start, sp.end
        ):
            continue
        spans.append(sp)
    return _drop_unplaceable(_resolve(text, spans, mentions, gz, rules, sorted(_sentence_starts(chunks))), mentions)


# Actor kinds that name no place: an unresolved "place" on one of them is a misread name.
_NOT_PLACES = frozenset({"igo", "ngo", "company", "person", "group"})


def _drop_unplaceable(found: list[PlaceMention], mentions: Sequence[Mention]) -> list[PlaceMention]:
    """Leave out toponyms nothing resolves that are a bare compass or generic word ("the West",
    "the South") or overlap an actor the dictionary knows to be an organisation or a person
    ("South China Morning Post", "BRICS", "Oxfam Hong Kong", "Modi"): kept, they would show
    on maps' side lists and in what is new as places."""
    named = sorted((m.start, m.end) for m in mentions if m.actor_id and m.kind in _NOT_PLACES)
    starts = [a for a, _ in named]
    out = []
    for p in found:
        if p.lat is None:
            if name_key(p.text) in GENERIC_WORDS:
                continue
            k = bisect.bisect_left(starts, p.end)
            if any(b > p.start for _, b in named[max(0, k - 3) : k]):
                continue
        out.append(p)
    return out
