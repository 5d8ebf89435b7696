"""The actor dictionary of a topic pack and a fast exact alias matcher.

Built once per pack (``functools.lru_cache`` on the frozen ``Pack``) from:

- ``actors/*.yaml`` files with an ``actors:`` list (IGOs, NGOs, companies,
  ministries, armed forces, people, metonyms);
- ``countries:`` extras (abbreviations, words that need NER support) and
  ``demonyms:`` extras, plus every country name and demonym from maintained
  data (``countries.py``);
- ``agents:`` common nouns ("officials", "troops", "residents") by sector.

Matching works on word tokens: each token is folded (case, diacritics,
apostrophes; Cyrillic endings) and n-grams are looked up in a dict keyed by
folded token tuples, so the cost is a few dict lookups per token. Case rules
are checked on the original tokens afterwards. Chinese/Japanese/Korean aliases
(no spaces) go through one compiled alternation instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..errors import HorizonscanError
from ..packs import Pack
from . import countries

TOKEN = re.compile(r"\w+|[^\w\s]")
_HYPHENS = frozenset("-‐‑‒–—")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYR_ENDING = re.compile(r"[аяоеёиыуюйьъ]+$")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

KINDS = frozenset({"state", "government", "military", "igo", "ngo", "company", "person", "group"})
# NER label a dictionary entry gets, by kind, unless the entry sets ``label``.
KIND_LABEL = {
    "state": "GPE",
    "person": "PER",
    "government": "ORG",
    "military": "ORG",
    "igo": "ORG",
    "ngo": "ORG",
    "company": "ORG",
    "group": "ORG",
}
# Kind of an unknown actor, inferred from its sector.
SECTOR_KIND = {"GOV": "government", "COP": "government", "MIL": "military", "BUS": "company", "NGO": "ngo", "IGO": "igo"}


@dataclass(frozen=True, slots=True)
class Actor:
    """What an alias resolves to. ``source``: pack, country, demonym or metonym."""

    id: str | None
    kind: str | None
    name: str
    country: str | None
    sector: str | None
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class Alias:
    actor: Actor
    text: str
    tokens: tuple[str, ...]  # original tokens (hyphens dropped), for the case check
    exact: bool  # case-sensitive: acronyms and very short words
    ambiguous: bool  # in English text, only with NER support (Chad, Jordan, Turkey)
    language: str  # "" (any), "en", "fr", ...
    priority: int


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    alias: Alias


@dataclass(frozen=True)
class Dictionary:
    index: dict[tuple[str, ...], tuple[Alias, ...]]
    first: dict[str, int]  # first folded token -> longest alias length in tokens
    cjk: dict[str, tuple[Alias, ...]]
    cjk_pattern: re.Pattern[str] | None
    fuzzy: dict[str, Alias]  # folded alias key -> alias (people), for near matches
    agents: dict[tuple[str, ...], str]  # folded agent noun -> sector
    generic_agents: frozenset[tuple[str, ...]]  # person nouns that take a modifier's sector
    agent_plurals: frozenset[tuple[str, ...]] = frozenset()
    agent_first: dict[str, int] = field(default_factory=dict)


def fold(token: str) -> str:
    """Case-, diacritic- and apostrophe-insensitive form of one token."""
    if token.isascii():
        return token.lower().replace("`", "'")
    t = token.translate(_APOSTROPHES).casefold()
    if not t.isascii():
        t = "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch))
        t = unicodedata.normalize("NFC", t)
        if len(t) > 4 and _CYRILLIC.search(t):
            ending = _CYR_ENDING.search(t)  # Russian case endings: Китай/Китая/Китае
            if ending:
                t = t[: max(ending.start(), 4)]
    return t


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word/punctuation tokens (start, end, surface) with hyphens dropped."""
    return [(m.start(), m.end(), g) for m in TOKEN.finditer(text) if (g := m.group()) not in _HYPHENS]


def _is_exact(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    if len(letters) <= 3:
        return True
    return not any(ch.islower() for ch in letters) and len(letters) <= 6 and not _CJK.search(alias)


def _make_alias(actor: Actor, text: str, priority: int, language: str = "", ambiguous: bool = False,
                exact: bool | None = None) -> Alias:
    text = re.sub(r"^[Tt]he\s+", "", text.strip())  # the matcher never includes a leading "the"
    toks = tuple(t for _, _, t in tokens(text))
    return Alias(actor, text, toks, _is_exact(text) if exact is None else exact, ambiguous, language, priority)


def case_ok(alias: Alias, surface: list[str]) -> bool:
    """Does the text's casing fit the alias? Acronyms exactly; names need their capitals."""
    if len(surface) != len(alias.tokens):
        return False
    if alias.exact:
        return all(a.translate(_APOSTROPHES) == s.translate(_APOSTROPHES) for a, s in zip(alias.tokens, surface))
    return all(not a[:1].isupper() or s[:1].isupper() for a, s in zip(alias.tokens, surface))


def language_ok(alias: Alias, language: str | None) -> bool:
    """In English text, Latin-script names from other languages (fr "Maurice") are skipped."""
    if alias.language in ("", "en") or language not in (None, "en"):
        return True
    return not _LATIN.search(alias.text)


# --------------------------------------------------------------------------- loading


def _entries(pack: Pack) -> Iterator[tuple[str, dict[str, Any]]]:
    for stem, data in pack.yaml_dir("actors"):
        if isinstance(data, dict):
            yield stem, data


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _pack_actor(stem: str, item: dict[str, Any]) -> tuple[Actor, list[str], dict[str, Any]]:
    try:
        ident, kind, name = str(item["id"]), str(item["kind"]), str(item["name"])
    except KeyError as exc:
        raise HorizonscanError(f"E202 actor entry in actors/{stem}.yaml lacks {exc.args[0]!r}: {item!r}") from exc
    if kind not in KINDS:
        raise HorizonscanError(f"E203 actor {ident!r} in actors/{stem}.yaml has unknown kind {kind!r}")
    country = item.get("country")
    actor = Actor(
        id=ident,
        kind=kind,
        name=name,
        country=str(country) if country else None,
        sector=str(item["sector"]) if item.get("sector") else None,
        label=str(item.get("label") or KIND_LABEL[kind]),
        source="metonym" if stem == "metonyms" or item.get("metonym") else "pack",
    )
    names = _as_list(item.get("aliases"))
    # A metonym's name is the state it stands for ("China"), not a way of writing it.
    return actor, names if actor.source == "metonym" else [name, *names], item


@functools.lru_cache(maxsize=8)
def load_dictionary(pack: Pack) -> Dictionary:
    """Build the alias index of ``pack`` once per process (read-only afterwards)."""
    aliases: list[Alias] = []
    ambiguous_countries: set[str] = set()
    country_extras: dict[str, list[str]] = {}
    demonym_extras: dict[str, list[str]] = {}
    agents: dict[str, list[str]] = {}
    generic: list[str] = []
    for stem, data in _entries(pack):
        for item in data.get("actors") or []:
            actor, names, raw = _pack_actor(stem, item)
            exact_aliases = set(_as_list(raw.get("exact")))
            amb = bool(raw.get("ambiguous"))
            for i, alias in enumerate(names):
                aliases.append(_make_alias(actor, alias, 0 if i == 0 else 1, ambiguous=amb,
                                           exact=True if alias in exact_aliases else None))
        for iso, extra in (data.get("countries") or {}).items():
            country_extras.setdefault(str(iso), []).extend(_as_list(extra))
        ambiguous_countries.update(_as_list(data.get("ambiguous")))
        for iso, extra in (data.get("demonyms") or {}).items():
            demonym_extras.setdefault(str(iso), []).extend(_as_list(extra))
        for sector, nouns in (data.get("agents") or {}).items():
            agents.setdefault(str(sector), []).extend(_as_list(nouns))
        generic.extend(_as_list(data.get("generic_agents")))

    aliases.extend(_country_aliases(country_extras, ambiguous_countries))
    aliases.extend(_demonym_aliases(demonym_extras))
    return _index(aliases, agents, generic)


def _state(iso3: str) -> Actor:
    return Actor(iso3, "state", countries.country_name(iso3), iso3, None, "GPE", "country")


def _country_aliases(extras: dict[str, list[str]], ambiguous: set[str]) -> list[Alias]:
    out: list[Alias] = []
    demonym_words = {d for d, _ in countries.demonyms()}
    for n in countries.country_names():
        if n.alias in demonym_words:
            continue  # "Thai" is an adjective, not the country
        lang = "" if not _LATIN.search(n.alias) else n.language
        out.append(_make_alias(_state(n.iso3), n.alias, 10 + n.priority, lang, ambiguous=n.alias in ambiguous))
    for iso3, names in sorted(extras.items()):
        for name in names:
            out.append(_make_alias(_state(iso3), name, 10, "", ambiguous=name in ambiguous))
    return out


def _demonym_aliases(extras: dict[str, list[str]]) -> list[Alias]:
    pairs = set(countries.demonyms())
    pairs.update((d, iso3) for iso3, names in extras.items() for d in names)
    out: list[Alias] = []
    for word, iso3 in sorted(pairs):
        actor = Actor(None, None, countries.country_name(iso3), iso3, None, "NORP", "demonym")
        priority = 20 if iso3 in extras else 21  # pack extras win ties (e.g. "Kyrgyz")
        for form in dict.fromkeys((word, countries.plural(word))):
            out.append(_make_alias(actor, form, priority, "en" if _LATIN.search(form) else ""))
    return out


def _rank(alias: Alias) -> tuple[int, int, str, str]:
    # Lower priority first; then the more populous country ("Congo", "Chinese"); then stable order.
    pop = countries.population(alias.actor.country) if alias.actor.source in ("country", "demonym") and alias.actor.country else 0
    return (alias.priority, -pop, alias.actor.id or alias.actor.country or "", alias.text)


def _index(aliases: list[Alias], agents: dict[str, list[str]], generic: list[str]) -> Dictionary:
    index: dict[tuple[str, ...], list[Alias]] = {}
    cjk: dict[str, list[Alias]] = {}
    fuzzy: dict[str, Alias] = {}
    for alias in aliases:
        if not alias.tokens:
            continue
        if _CJK.search(alias.text):
            cjk.setdefault(alias.text, []).append(alias)
            continue
        key = tuple(fold(t) for t in alias.tokens)
        index.setdefault(key, []).append(alias)
        if alias.actor.kind == "person" and len(alias.text) >= 6 and not alias.exact:
            fuzzy.setdefault(" ".join(key), alias)
    first: dict[str, int] = {}
    for key in index:
        first[key[0]] = max(first.get(key[0], 0), len(key))
    pattern = None
    if cjk:
        pattern = re.compile("|".join(re.escape(k) for k in sorted(cjk, key=lambda k: (-len(k), k))))
    agent_index: dict[tuple[str, ...], str] = {}
    plurals: set[tuple[str, ...]] = set()
    for sector, nouns in sorted(agents.items()):
        for noun in nouns:
            agent_index.setdefault(_key(noun), sector)
            if _plural_phrase(noun) != noun:
                agent_index.setdefault(_key(_plural_phrase(noun)), sector)
                plurals.add(_key(_plural_phrase(noun)))
    generic_keys = frozenset(_key(form) for g in generic for form in (g, _plural_phrase(g)))
    plurals.update(_key(_plural_phrase(g)) for g in generic if _plural_phrase(g) != g)
    plurals.update(_key(p) for p in ("people", "police", "staff", "personnel", "troops", "authorities"))
    agent_first: dict[str, int] = {}
    for key in list(agent_index) + list(generic_keys):
        agent_first[key[0]] = max(agent_first.get(key[0], 0), len(key))
    return Dictionary(
        index={k: tuple(sorted(v, key=_rank)) for k, v in index.items()},
        first=first,
        cjk={k: tuple(sorted(v, key=_rank)) for k, v in cjk.items()},
        cjk_pattern=pattern,
        fuzzy=dict(sorted(fuzzy.items())),
        agents=agent_index,
        generic_agents=generic_keys,
        agent_plurals=frozenset(plurals),
        agent_first=agent_first,
    )


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(t) for _, _, t in tokens(phrase))


def _plural_phrase(noun: str) -> str:
    """Plural of the last word of an agent noun phrase ("prime minister" -> "prime ministers")."""
    head, _, last = noun.rpartition(" ")
    irregular = {"person": "people", "staff": "staff", "police": "police", "personnel": "personnel",
                 "people": "people", "media": "media", "military": "military", "clergy": "clergy",
                 "government": "governments", "leadership": "leadership", "public": "public"}
    pl = irregular.get(last.lower()) or countries.plural(last)
    return f"{head} {pl}".strip()


# --------------------------------------------------------------------------- matching


def match(text: str, dictionary: Dictionary, language: str | None) -> list[Match]:
    """Longest alias matches, left to right, non-overlapping, sorted by start."""
    toks = tokens(text)
    words = [t for _, _, t in toks]
    memo = {t: fold(t) for t in set(words)}  # per call: documents repeat their words
    folded = [memo[t] for t in words]
    first = dictionary.first
    found: list[Match] = []
    n = len(toks)
    free = 0  # first token not inside an earlier match
    # Only tokens that begin some alias can start a match.
    for i in [k for k, f in enumerate(folded) if f in first]:
        if i < free:
            continue
        longest = first[folded[i]]
        if not longest:
            continue
        hit: Match | None = None
        for size in range(min(longest, n - i), 0, -1):
            candidates = dictionary.index.get(tuple(folded[i : i + size]))
            if not candidates:
                continue
            surface = [t for _, _, t in toks[i : i + size]]
            for alias in candidates:
                if case_ok(alias, surface) and language_ok(alias, language):
                    hit = Match(toks[i][0], toks[i + size - 1][1], alias)
                    break
            if hit:
                free = i + size
                break
        if hit is not None:
            found.append(hit)
    if dictionary.cjk_pattern is not None and _CJK.search(text):
        found = _merge_cjk(found, text, dictionary)
    return found


def _merge_cjk(found: list[Match], text: str, dictionary: Dictionary) -> list[Match]:
    assert dictionary.cjk_pattern is not None
    taken = [(m.start, m.end) for m in found]
    extra = [
        Match(m.start(), m.end(), dictionary.cjk[m.group()][0])
        for m in dictionary.cjk_pattern.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    return sorted(found + extra, key=lambda m: (m.start, m.end))
