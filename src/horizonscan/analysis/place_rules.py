"""Word lists of the place analyser and their loader.

The defaults here (metonym verbs, locative words, stop names, abbreviations,
generic words, AP-style US state abbreviations) are read by recognition
(:mod:`horizonscan.analysis.place_spans`) and resolution
(:mod:`horizonscan.analysis.places`); ``_rules`` extends them with a topic
pack's optional ``places.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

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
    visited visiting toured touring reached reaching entered entering fled fleeing
    regional coastal remote
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
    centre center
    """.split()
)


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
