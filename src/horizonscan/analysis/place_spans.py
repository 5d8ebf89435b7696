"""Place recognition: the spans of text that name places, before any is resolved.

Two sources, both cheap on top of the first spaCy pass:

1. spaCy ``GPE``/``LOC``/``FAC`` entities, repaired where NER cut or joined a
   name ("Democratic Republic" + "of the Congo", "Kansas and Missouri");
2. a gazetteer matcher for names spaCy missed or folded into an organisation
   ("U.S. Food and Drug Administration", "University of Nairobi"), over runs of
   capitalised words, with guards against common words and small places.

Demonyms ("Chinese", "Kyrgyz", any ``NORP`` mention) are not places, and
neither are metonyms used as actors: a toponym directly followed (allowing an
auxiliary or adverb) by a speech or action verb ("Beijing said", "Moscow has
signed") is left to the actor analyser. "in Beijing" stays a place.

``find_spans`` returns the final spans of a text; :mod:`horizonscan.analysis.places`
resolves them. Word lists live in :mod:`horizonscan.analysis.place_rules`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from ..records import Mention
from .gazetteer import Gazetteer, Place, name_key
from .place_rules import GENERIC_WORDS, US_STATE_ABBREVIATIONS, Rules

if TYPE_CHECKING:
    from .nlp import Chunk

# --------------------------------------------------------------------------- recognition

_SPACY_PLACE = frozenset({"GPE", "LOC", "FAC"})
_CONNECTORS = frozenset({"of", "de", "la", "le", "el", "del", "du", "des", "da", "do", "dos", "das", "upon", "on", "am",
                         "al", "and", "y", "e", "di", "van", "von", "der", "den", "bin", "ibn"})
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*", re.UNICODE)
_TRAILING = re.compile(r"(?:'s|’s|['’\-]+|(?<![A-Z]\.[A-Z])\.)$")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


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


def _governor(text: str, start: int) -> str | None:
    """The word that governs a name, past an article: "in the Netherlands" -> "in"."""
    words = _words_before(text, start, 2)
    if words and words[-1] in ("the", "a", "an") and len(words) == 2:
        return words[0]
    return words[-1] if words else None


def _is_metonym(text: str, start: int, end: int, rules: Rules) -> bool:
    """A toponym directly followed by a speech/action verb (maybe after auxiliaries) is an actor,
    and so is the first of two coordinated ones ("Kyrgyzstan and Kazakhstan signed").

    Not when a preposition governs it ("officials in Texas have urged", "a man
    from Tyler said"): then the verb's subject is someone else.
    """
    gov = _governor(text, start)  # "officials in the Netherlands said": the place, not the speaker
    if gov is not None and (gov in rules.locative or gov in ("of", "for", "by", "with")):
        return False
    tail = text[end : end + 80]
    if tail[:1] not in (" ",):
        return False
    words = _WORD.findall(tail)
    # "Kyrgyzstan and Kazakhstan signed": a coordinated subject speaks too; skip the other name.
    if words[:1] in (["and"], ["or"]) and len(words) > 1 and words[1][:1].isupper():
        k = 1
        while k < len(words) and k < 5 and words[k][:1].isupper():
            k += 1
        words = words[k:]
    for word in words[:4]:
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
    starts: set[int],
) -> list[_Span]:
    """Names spaCy missed (or folded into a larger entity), found by longest gazetteer match;
    ``starts`` are the sentence start offsets."""
    abbr = dict(rules.abbreviations)
    out: list[_Span] = []
    occupied = sorted((s.start, s.end) for s in taken)
    bounds = ({sp.end for sp in taken}, {sp.start for sp in taken})
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
                    # "Human Rights", "Oxford Street": the next capitalised word makes a longer name
                    # (a generic one such as "Province" or "Port" only says what kind of place it is).
                    head_of_name = j < len(run) and run[j].group()[0].isupper() and (
                        name_key(run[j].group()) not in GENERIC_WORDS and name_key(run[j].group()) not in _PLACE_KINDS)
                    if (
                        surface in abbr
                        or (surface in US_STATE_ABBREVIATIONS and _ap_state_cue(text, s, e))
                        or (lookup(surface) and _plausible(text, s, e, surface, gz, rules, starts, bounds, head_of_name))
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
                if other is not None and not (
                    _embedded_ok(text, s, e, other, rules, gz) or _listed_person(text, s, e, other, bounds)
                ):
                    continue
                out.append(_Span(s, e, "gaz", other.label if other else ""))
                bounds[0].add(e)  # a list goes on from a name found here ("Cairo, Giza, and Al-Minya")
                bounds[1].add(s)
    return out


def _best_kind(cands: Sequence[Place]) -> tuple[str, int]:
    kinds = {p.feature for p in cands}
    if "physical" in kinds:
        kinds.add("region")
    for k in ("continent", "country", "region", "admin1"):
        if k in kinds:
            return k, max(p.population for p in cands)
    return ("city" if "city" in kinds else "admin2"), max(p.population for p in cands)


_JOINERS = (", and ", ", or ", ", ", " and ", " or ")
_PLACE_NOUNS = frozenset(
    "town city village province region district state island county capital port area municipality suburb "
    "outskirts".split()
)
_NUMERIC = frozenset({"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "around"})
_BULLETS = " \t-*•–—>#.)0123456789"
# Capitalised words that name a kind of place: after a town they do not make it part of another name.
_PLACE_KINDS = frozenset(
    "province county district region state city town village port airport harbour harbor municipality "
    "prefecture governorate oblast division department parish borough".split()
)


def _beside_place(text: str, s: int, e: int, bounds: tuple[set[int], set[int]]) -> bool:
    """"Cox's Bazar and Teknaf", "Teknaf, Ukhia": joined to a place spaCy found, a name is listed with it."""
    ends, starts = bounds
    return any(
        (text.startswith(j, e) and e + len(j) in starts) or (text.endswith(j, 0, s) and s - len(j) in ends)
        for j in _JOINERS
    )


def _plausible(
    text: str, s: int, e: int, surface: str, gz: Gazetteer, rules: Rules, sentence_starts: set[int],
    bounds: tuple[set[int], set[int]] = (set(), set()), head_of_name: bool = False,
) -> bool:
    """Guards for gazetteer-only matches: common words, sentence starts, small places.

    ``bounds`` are the ends and starts of the places spaCy found, for names listed beside them;
    ``head_of_name``: a capitalised word that is no kind of place follows the match.
    """
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
    gov = _governor(text, s)  # "in the Bulacan farm"
    locative = (gov is not None and gov in rules.locative) or _place_noun_of(text, s)
    # A single word heading a sentence is capitalised anyway: ask for more evidence.
    line = text[text.rfind("\n", 0, s) + 1 : s]  # a list item's first word ("- Over the past year")
    initial = len(words) == 1 and (
        s in sentence_starts or text[max(0, s - 2) : s].strip() in ('"', "“", "'", "(") or not line.strip(_BULLETS)
    )
    if kind in ("continent", "country", "region", "admin1"):
        return not initial or locative or pop >= 1_000_000
    if head_of_name:  # a town's name heading another name is that name's ("Human Rights", "Oxford Street")
        return False
    if locative or _comma_context(text, e, gz) or _beside_place(text, s, e, bounds):
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


def _listed_person(text: str, s: int, e: int, other: _Span, bounds: tuple[set[int], set[int]]) -> bool:
    """"Ghana, Guinea, Niger, and Senegal": a name spaCy calls a person, listed with places it found."""
    return other.label in ("PERSON", "NORP") and (other.start, other.end) == (s, e) and _beside_place(text, s, e, bounds)


def _place_noun_of(text: str, s: int) -> bool:
    """"the town of Toruń", "the island of Java", "the area of Esperance": a name after "<place noun> of"."""
    before = _WORD.findall(text[max(0, s - 30) : s])[-2:]
    return len(before) == 2 and before[1] == "of" and before[0].lower() in _PLACE_NOUNS


def _container_after(text: str, e: int, gz: Gazetteer) -> bool:
    """"Warwick in Queensland", "Pandi, Bulacan": a larger known place follows the name."""
    if _comma_context(text, e, gz):
        return True
    m = re.match(r" in ((?:[A-Z][\w'’.\-]*\s?){1,3})", text[e : e + 40])
    return m is not None and any(
        gz.places[i].feature in ("country", "admin1") for i in gz.lookup(m.group(1).strip()))


def _embedded_ok(text: str, s: int, e: int, other: _Span, rules: Rules, gz: Gazetteer | None = None) -> bool:
    """A place name inside another entity counts only in a few clear shapes.

    * the whole entity is the name (spaCy labelled "Harare" or "DRC" an ORG);
    * it heads a public body of that place ("U.S. Food and Drug Administration",
      "California Department of Public Health");
    * it follows "of" in a public body ("Ministry of Health of Angola").

    Newspapers, universities, companies and events ("New York Times", "University
    of Georgia", "Beijing Olympic Games") do not make their names places.
    """
    if other.label in ("PERSON", "NORP") and (other.start, other.end) == (s, e):
        # "embassy in Colombo", "the town of Toruń", "Warwick in Queensland": spaCy's small model
        # calls some places people or peoples; with a cue of place around it the name is the place
        # ("talked to Jordan" stays a person; known demonyms never get here).
        before = _WORD.findall(text[max(0, s - 12) : s])[-1:]
        return (bool(before) and before[0].lower() in _PLACE_PREPS) or _place_noun_of(text, s) or (
            gz is not None and _container_after(text, e, gz))
    if (other.start, other.end) == (s, e) and other.label in _NUMERIC and not any(ch.isdigit() for ch in text[s:e]):
        return True  # "in regional NSW" read as a number: a name without digits is no number
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


# --------------------------------------------------------------------------- span repairs and final spans


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
    """Spans repaired with the countries the actor stage read (its mentions do not overlap):

    * one read whole replaces the pieces the place finders cut it into ("Guinea-Bissau", not
      "Guinea"; "Democratic Republic of the Congo", not "Democratic Republic of the" + "Congo");
    * a span that is exactly a country known by a name the gazetteer lacks ("Kirghizia",
      "Tadjikistan") looks up that country;
    * a country no place finder took (spaCy called "Botswana" a person) is added.
    """
    spans = sorted(kept, key=lambda sp: (sp.start, sp.end))
    starts = [sp.start for sp in spans]
    reach = list(itertools.accumulate((sp.end for sp in spans), max))  # furthest end so far
    removed: set[int] = set()
    added: list[_Span] = []
    for m in mentions:
        if m.kind != "state" or not m.country or m.country not in gz.countries:
            continue
        # Spans overlapping the mention: those starting before its end and reaching past its start.
        hi = bisect.bisect_left(starts, m.end)
        lo = hi
        while lo > 0 and reach[lo - 1] > m.start:
            lo -= 1
        near = [k for k in range(lo, hi) if spans[k].end > m.start]
        country = gz.countries[m.country]
        named = country in gz.lookup(text[m.start : m.end])
        if not near:
            if named:
                added.append(_Span(m.start, m.end, "ner", "GPE"))
            continue
        exact = [k for k in near if (spans[k].start, spans[k].end) == (m.start, m.end)]
        if exact:
            sp = spans[exact[0]]
            if not sp.name and not gz.lookup(text[m.start : m.end]):
                removed.add(exact[0])
                added.append(_Span(sp.start, sp.end, sp.source, sp.label, gz.places[country].name))
            continue
        if named and all(m.start <= spans[k].start and spans[k].end <= m.end for k in near):
            removed.update(near)  # "Villages Sudan" (not the country's name) or a crossing span stays
            added.append(_Span(m.start, m.end, spans[near[0]].source, "GPE"))
    return [sp for k, sp in enumerate(spans) if k not in removed] + added


def _norp_spans(mentions: Sequence[Mention], others: list[_Span]) -> list[tuple[int, int]]:
    spans = [(m.start, m.end) for m in mentions if m.label == "NORP"]
    spans += [(o.start, o.end) for o in others if o.label == "NORP"]
    return spans


def find_spans(
    text: str, chunks: list["Chunk"], mentions: list[Mention], gz: Gazetteer, rules: Rules, sentence_starts: set[int]
) -> list[_Span]:
    """The toponym spans of ``text`` (see ``find_places``): sorted and non-overlapping, without
    demonyms, metonyms used as actors, names inside pathogen names and currency codes.
    ``sentence_starts``: ``_sentence_starts(chunks)``, which resolution reads too."""
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
    kept += _gazetteer_spans(text, chunks, gz, rules, kept, others, sentence_starts)
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
    return spans
