"""One validated filter for events and documents, built from user input.

:func:`make_filter` is the only way in from the outside: it checks every value
(shapes, ranges, known names) and raises :class:`ValidationError` (E41x) before
anything reaches the database. Free-text values (actor ids, sources, themes,
modes) are kept as typed; the store sends them as bound parameters only.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any, Iterable, Iterator

from . import groups
from .dates import DateRange, date_range
from .errors import BAD_GEO, BAD_VALUE, UNKNOWN_ACTOR, UNKNOWN_FIELD, ValidationError, invalid

# PLOVER categories (DESIGN §4), plus DEMAND and FIGHT used by newer data.
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "DEMAND", "FIGHT",
)
ACTOR_KINDS = ("state", "government", "military", "igo", "ngo", "company", "person", "group")
MAX_VALUES = 200  # values per filter field
MAX_TEXT = 256  # characters per free-text value


@dataclass(frozen=True, slots=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class BBox:
    """South, west, north, east in degrees; west > east means the box crosses 180°."""

    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True)
class Filter:
    """Validated filter. Empty tuples and None mean "no condition"."""

    types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # as source or target (events); mentioned (documents)
    source_actors: tuple[str, ...] = ()
    target_actors: tuple[str, ...] = ()
    actor_kinds: tuple[str, ...] = ()  # kind of the source or target actor
    countries: tuple[str, ...] = ()  # ISO-3, source or target country (groups expanded)
    source_countries: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    place_countries: tuple[str, ...] = ()  # country (or region, expanded) of the event's place
    involving: tuple[str, ...] = ()  # ISO-3 as source, target or place country (a country's page)
    near: Circle | None = None
    bbox: BBox | None = None
    dates: DateRange | None = None  # event date (events) or published date (documents)
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # documents.source, exact
    themes: tuple[str, ...] = ()
    min_confidence: float = 0.0
    include_negated: bool = False
    include_hypothetical: bool = False
    include_duplicates: bool = False  # events/documents of near-duplicate copies
    documents: tuple[str, ...] = ()  # events of these documents only (ids); copies included when named

    def used(self) -> set[str]:
        """Names of the fields that differ from the default."""
        return {f.name for f in fields(self) if getattr(self, f.name) != f.default}

    def key(self) -> str:
        """A stable text form (cursors check they belong to the same filter)."""
        return repr(tuple(getattr(self, f.name) for f in fields(self)))


# Fields that make sense for documents (published date, language, source, theme, mentioned actors).
DOCUMENT_FIELDS = frozenset({"actors", "dates", "languages", "sources", "themes", "include_duplicates"})

_ISO3 = re.compile(r"^[A-Z]{3}$")
_LANG = re.compile(r"^[a-z]{2,3}$")


def _values(name: str, raw: Any) -> tuple[str, ...]:
    """A string, a comma-separated string or a sequence of strings → clean tuple (order kept, no repeats)."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        items: Iterable[Any] = raw.split(",")
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = raw
    else:
        raise invalid(BAD_VALUE, f"{name} must be a string or a list of strings")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise invalid(BAD_VALUE, f"{name} values must be strings")
        if any(ord(c) < 32 for c in item):
            raise invalid(BAD_VALUE, f"{name} values must not contain control characters")
        value = item.strip()
        if len(value) > MAX_TEXT:
            raise invalid(BAD_VALUE, f"{name} value longer than {MAX_TEXT} characters")
        if value and value not in out:
            out.append(value)
    if len(out) > MAX_VALUES:
        raise invalid(BAD_VALUE, f"{name}: at most {MAX_VALUES} values")
    return tuple(out)


def countries(name: str, raw: Any) -> tuple[str, ...]:
    """ISO-3 codes and group names → sorted ISO-3 codes."""
    import pycountry

    out: set[str] = set()
    for value in _values(name, raw):
        # "KAZ" is a country; "sco" or "Central Asia" a group; "kaz" a country unless a group has that name
        is_code = bool(_ISO3.match(value.upper())) and (value.isupper() or value.casefold() not in groups.all_groups())
        if is_code:
            code = value.upper()
            if pycountry.countries.get(alpha_3=code) is None and code != "XKX":
                raise invalid(BAD_VALUE, f"{name}: {value!r} is not an ISO 3166-1 alpha-3 country code")
            out.add(code)
        else:
            out.update(groups.find(value).members)
    return tuple(sorted(out))


def _float(name: str, raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise invalid(BAD_VALUE, f"{name} must be a number") from None
    if not math.isfinite(value):
        raise invalid(BAD_VALUE, f"{name} must be a finite number")
    return value


def circle(raw: Any) -> Circle | None:
    """``(lat, lon, radius_km)`` or ``"lat,lon,km"``."""
    if raw is None:
        return None
    parts = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
    if parts is None or len(parts) != 3:
        raise invalid(BAD_GEO, "near must be LAT,LON,RADIUS_KM")
    lat, lon, km = (_float("near", p) for p in parts)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20_000):
        raise invalid(BAD_GEO, "near: latitude in [-90, 90], longitude in [-180, 180], radius in (0, 20000] km")
    return Circle(lat, lon, km)


def bbox(raw: Any) -> BBox | None:
    """``(south, west, north, east)`` or ``"S,W,N,E"``."""
    if raw is None:
        return None
    parts = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
    if parts is None or len(parts) != 4:
        raise invalid(BAD_GEO, "bbox must be SOUTH,WEST,NORTH,EAST")
    s, w, n, e = (_float("bbox", p) for p in parts)
    if not (-90 <= s <= n <= 90 and -180 <= w <= 180 and -180 <= e <= 180):
        raise invalid(BAD_GEO, "bbox: -90 ≤ south ≤ north ≤ 90, west and east in [-180, 180]")
    return BBox(s, w, n, e)


KNOWN = (
    "type", "mode", "actor", "source_actor", "target_actor", "actor_kind", "country", "source_country",
    "target_country", "place_country", "region", "near", "bbox", "date_from", "date_to", "date_rule",
    "language", "source", "theme", "min_confidence", "include_negated", "include_hypothetical",
    "include_duplicates", "document", "involving",
)
_DOC_ID = re.compile(r"^[0-9a-f]{16}$")


def make_filter(**raw: Any) -> Filter:
    """Validate user input into a :class:`Filter`.

    Keys: type, mode, actor, source_actor, target_actor, actor_kind, country,
    source_country, target_country, place_country, region (alias of
    place_country, for groups), near ("lat,lon,km"), bbox ("s,w,n,e"),
    date_from, date_to, date_rule (overlap|within), language, source, theme,
    min_confidence, include_negated, include_hypothetical, include_duplicates,
    document (document ids, for events), involving (countries or groups as
    source, target or place country: everything an event has to do with a country).
    Lists may be given as sequences or comma-separated strings. Actor fields take
    ids (``CHN``, ``igo:sco``) or the names and aliases of the topic pack's actors
    (``China``, ``Shanghai Cooperation Organisation``), resolved to ids here.
    A :class:`ValidationError` names the field at fault in its ``field``.
    """
    unknown = sorted(set(raw) - set(KNOWN))
    if unknown:
        hint = _did_you_mean(unknown[0], KNOWN)
        raise invalid(UNKNOWN_FIELD, f"unknown filter field(s) {', '.join(map(repr, unknown))}{hint}; known: {', '.join(KNOWN)}",
                      field=unknown[0])
    with _field("type"):
        types = tuple(t.upper() for t in _values("type", raw.get("type")))
        bad = [t for t in types if t not in PLOVER_TYPES]
        if bad:
            raise invalid(BAD_VALUE, f"type {bad[0][:40]!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
    with _field("actor_kind"):
        kinds = tuple(k.lower() for k in _values("actor_kind", raw.get("actor_kind")))
        bad = [k for k in kinds if k not in ACTOR_KINDS]
        if bad:
            raise invalid(BAD_VALUE, f"actor_kind {bad[0][:40]!r} is not one of {', '.join(ACTOR_KINDS)}")
    with _field("language"):
        langs = tuple(v.lower() for v in _values("language", raw.get("language")))
        bad = [v for v in langs if not _LANG.match(v)]
        if bad:
            raise invalid(BAD_VALUE, f"language {bad[0][:40]!r} is not an ISO 639 code such as en or ru")
    with _field("min_confidence"):
        conf = _float("min_confidence", raw.get("min_confidence") or 0.0)
        if not 0.0 <= conf <= 1.0:
            raise invalid(BAD_VALUE, "min_confidence must be between 0 and 1")
    flags = {}
    for name in ("include_negated", "include_hypothetical", "include_duplicates"):
        value = raw.get(name, False)
        if not isinstance(value, bool):
            raise invalid(BAD_VALUE, f"{name} must be true or false", field=name)
        flags[name] = value
    with _field("place_country"):
        place = countries("place_country", raw.get("place_country"))
    with _field("region"):
        place += countries("region", raw.get("region"))
    geo: dict[str, Any] = {}
    for name, parse in (("near", circle), ("bbox", bbox)):
        with _field(name):
            geo[name] = parse(raw.get(name))
    with _field("date_to" if raw.get("date_to") is not None and raw.get("date_from") is None else "date_from"):
        dates = _dates(raw)
    parsed: dict[str, Any] = {}
    for name in ("actor", "source_actor", "target_actor"):
        with _field(name):
            parsed[name] = actor_ids(name, raw.get(name))
    for name in ("country", "source_country", "target_country"):
        with _field(name):
            parsed[name] = countries(name, raw.get(name))
    with _field("mode"):
        modes = tuple(m.lower() for m in _values("mode", raw.get("mode")))
    with _field("source"):
        sources = _values("source", [raw["source"]] if isinstance(raw.get("source"), str) else raw.get("source"))  # URLs may hold commas
    with _field("theme"):
        themes = tuple(t.lower() for t in _values("theme", raw.get("theme")))
    with _field("document"):
        docs = tuple(d.lower() for d in _values("document", raw.get("document")))
        bad = [d for d in docs if not _DOC_ID.match(d)]
        if bad:
            raise invalid(BAD_VALUE, f"document {bad[0][:40]!r} is not a document id (16 hex digits, as `horizonscan documents` lists them)")
    with _field("involving"):
        involving = countries("involving", raw.get("involving"))
    return Filter(
        types=types,
        modes=modes,
        actors=parsed["actor"],
        source_actors=parsed["source_actor"],
        target_actors=parsed["target_actor"],
        actor_kinds=kinds,
        countries=parsed["country"],
        source_countries=parsed["source_country"],
        target_countries=parsed["target_country"],
        place_countries=tuple(sorted(set(place))),
        involving=involving,
        near=geo["near"],
        bbox=geo["bbox"],
        dates=dates,
        languages=langs,
        sources=sources,
        themes=themes,
        min_confidence=conf,
        documents=docs,
        **flags,
    )


def _dates(raw: dict[str, Any]) -> DateRange | None:
    try:
        return date_range(raw.get("date_from"), raw.get("date_to"), raw.get("date_rule") or "overlap")
    except ValidationError as err:
        # the message names "from date" or "to date": mark that field
        if err.field is None:
            text = str(err)
            err.field = "date_rule" if "date rule" in text else "date_to" if "to date" in text and "from date" not in text else "date_from"
        raise


@contextmanager
def _field(name: str) -> Iterator[None]:
    """Errors raised inside name ``name`` as the field at fault (unless they name one already)."""
    try:
        yield
    except ValidationError as err:
        if err.field is None:
            err.field = name
        raise


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    """ ``; did you mean 'source_country'?`` for a near miss, else an empty string."""
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# ------------------------------------------------------------------ actor names

_ACTOR_ID = re.compile(r"^[a-z][a-z-]*:\S+$")  # kind-prefixed slug: igo:sco, person:xi-jinping
MAX_CANDIDATES = 8


def actor_ids(name: str, raw: Any) -> tuple[str, ...]:
    """Actor ids from ids, names and aliases (``China`` → ``CHN``, ``SCO`` → ``igo:sco``).

    An id is kept as given; a name or alias of the topic pack's dictionary becomes the id it
    stands for. A name shared by several actors, or one that is no actor's, is an E418 error
    listing the candidates, never a filter that silently matches nothing.
    """
    out: list[str] = []
    for value in _values(name, raw):
        resolved = resolve_actor(name, value)
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


def resolve_actor(name: str, value: str) -> str:
    if _ACTOR_ID.match(value) or (_ISO3.match(value) and _is_country(value)):
        return value  # an id: also actors of other packs, or not in any pack (kept as typed)
    ids = _dictionary_ids(value)
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise invalid(UNKNOWN_ACTOR, f"{name} {value[:60]!r} names several actors: {', '.join(ids[:MAX_CANDIDATES])}; "
                      "give one of these ids", field=name)
    if _ISO3.match(value.upper()) and _is_country(value.upper()):
        return value.upper()  # "chn"
    close = _close_names(value)
    hint = ("; did you mean " + ", ".join(f"{n!r} ({i})" for n, i in close) + "?") if close else ""
    raise invalid(UNKNOWN_ACTOR, f"{name} {value[:60]!r} is neither an actor id (CHN, igo:sco, person:xi-jinping) "
                  f"nor the name of a known actor{hint}", field=name)


def _dictionary() -> Any:
    from ..analysis.actor_dictionary import load_dictionary
    from ..packs import load_pack
    from ..settings import Settings

    return load_dictionary(load_pack(Settings().pack))


def _dictionary_ids(value: str) -> list[str]:
    """Ids of the actors whose name or alias is ``value`` (case- and accent-insensitive), best first."""
    from ..analysis.actor_dictionary import fold, tokens

    d = _dictionary()
    key = tuple(fold(t) for _, _, t in tokens(value))
    found = list(d.index.get(key, ())) + list(d.cjk.get(value.strip(), ()))
    ids: list[str] = []
    for alias in found:
        actor_id = alias.actor.id
        if actor_id and actor_id not in ids:
            ids.append(actor_id)
    return ids


def _is_country(code: str) -> bool:
    import pycountry

    return code == "XKX" or pycountry.countries.get(alpha_3=code) is not None


@functools.lru_cache(maxsize=1)
def _name_index() -> dict[str, tuple[str, str]]:
    """Folded multi-letter names and aliases → (name as written, actor id), for near-miss suggestions."""
    d = _dictionary()
    out: dict[str, tuple[str, str]] = {}
    for key, aliases in d.index.items():
        for a in aliases:
            if a.actor.id and len(a.text) > 2:
                out.setdefault(" ".join(key), (a.text, a.actor.id))
    return out


def _close_names(value: str) -> list[tuple[str, str]]:
    from ..analysis.actor_dictionary import fold, tokens

    index = _name_index()
    typed = " ".join(fold(t) for _, _, t in tokens(value))
    return [index[n] for n in difflib.get_close_matches(typed, list(index), n=3, cutoff=0.8)]


def check_document_filter(f: Filter) -> None:
    """Document queries accept only document fields; say which others were given."""
    extra = sorted(f.used() - DOCUMENT_FIELDS)
    if extra:
        raise invalid(UNKNOWN_FIELD, f"filter field(s) {', '.join(extra)} apply to events, not documents")
