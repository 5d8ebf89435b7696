"""Hand-built mentions for event-coder tests (no actor analyser needed)."""

from __future__ import annotations

import re
from typing import Any

from horizonscan.records import DateMention, Mention, PlaceMention

# name -> (actor_id, country, kind, sector, label)
ACTORS: dict[str, tuple[Any, ...]] = {
    "China": ("CHN", "CHN", "state", "GOV", "GPE"),
    "Beijing": ("CHN", "CHN", "state", "GOV", "GPE"),
    "Chinese": (None, "CHN", None, None, "NORP"),
    "Russia": ("RUS", "RUS", "state", "GOV", "GPE"),
    "Russian": (None, "RUS", None, None, "NORP"),
    "Nepal": ("NPL", "NPL", "state", "GOV", "GPE"),
    "Australia": ("AUS", "AUS", "state", "GOV", "GPE"),
    "Australian": (None, "AUS", None, None, "NORP"),
    "Kazakhstan": ("KAZ", "KAZ", "state", "GOV", "GPE"),
    "Kazakh": (None, "KAZ", None, None, "NORP"),
    "Kyrgyzstan": ("KGZ", "KGZ", "state", "GOV", "GPE"),
    "Kyrgyz": (None, "KGZ", None, None, "NORP"),
    "Pakistan": ("PAK", "PAK", "state", "GOV", "GPE"),
    "Pakistani": (None, "PAK", None, None, "NORP"),
    "India": ("IND", "IND", "state", "GOV", "GPE"),
    "Indian": (None, "IND", None, None, "NORP"),
    "Kenya": ("KEN", "KEN", "state", "GOV", "GPE"),
    "Kenyan": (None, "KEN", None, None, "NORP"),
    "Zambia": ("ZMB", "ZMB", "state", "GOV", "GPE"),
    "Zambian": (None, "ZMB", None, None, "NORP"),
    "Sri Lanka": ("LKA", "LKA", "state", "GOV", "GPE"),
    "Tajikistan": ("TJK", "TJK", "state", "GOV", "GPE"),
    "Uzbekistan": ("UZB", "UZB", "state", "GOV", "GPE"),
    "Myanmar": ("MMR", "MMR", "state", "GOV", "GPE"),
    "Philippines": ("PHL", "PHL", "state", "GOV", "GPE"),
    "Philippine": (None, "PHL", None, None, "NORP"),
    "Vietnam": ("VNM", "VNM", "state", "GOV", "GPE"),
    "Laos": ("LAO", "LAO", "state", "GOV", "GPE"),
    "Ecuador": ("ECU", "ECU", "state", "GOV", "GPE"),
    "Argentina": ("ARG", "ARG", "state", "GOV", "GPE"),
    "Ethiopia": ("ETH", "ETH", "state", "GOV", "GPE"),
    "Serbia": ("SRB", "SRB", "state", "GOV", "GPE"),
    "Italy": ("ITA", "ITA", "state", "GOV", "GPE"),
    "Cambodia": ("KHM", "KHM", "state", "GOV", "GPE"),
    "Afghanistan": ("AFG", "AFG", "state", "GOV", "GPE"),
    "Taliban": ("group:taliban", "AFG", "group", "REB", "ORG"),
    "United States": ("USA", "USA", "state", "GOV", "GPE"),
    "Washington": ("USA", "USA", "state", "GOV", "GPE"),
    "Taiwan": ("TWN", "TWN", "state", "GOV", "GPE"),
    "Japan": ("JPN", "JPN", "state", "GOV", "GPE"),
    "Xi Jinping": ("person:xi-jinping", "CHN", "person", "GOV", "PERSON"),
    "Wang Yi": ("person:wang-yi", "CHN", "person", "GOV", "PERSON"),
    "Vladimir Putin": ("person:vladimir-putin", "RUS", "person", "GOV", "PERSON"),
    "Putin": ("person:vladimir-putin", "RUS", "person", "GOV", "PERSON"),
    "Shehbaz Sharif": ("person:shehbaz-sharif", "PAK", "person", "GOV", "PERSON"),
    "Shanghai Cooperation Organisation": ("igo:sco", None, "igo", "IGO", "ORG"),
    "SCO": ("igo:sco", None, "igo", "IGO", "ORG"),
    "United Nations": ("igo:un", None, "igo", "IGO", "ORG"),
    "Export-Import Bank of China": ("company:china-exim-bank", "CHN", "company", "BUS", "ORG"),
    "China Exim Bank": ("company:china-exim-bank", "CHN", "company", "BUS", "ORG"),
    "Huawei": ("company:huawei", "CHN", "company", "BUS", "ORG"),
    "Amnesty International": ("ngo:amnesty-international", None, "ngo", "NGO", "ORG"),
    "Red Cross": ("ngo:red-cross", None, "ngo", "NGO", "ORG"),
    "People's Liberation Army": ("CHN-MIL", "CHN", "military", "MIL", "ORG"),
    "PLA": ("CHN-MIL", "CHN", "military", "MIL", "ORG"),
}
PLACES = {
    "Astana": "KAZ", "Bishkek": "KGZ", "Gwadar": "PAK", "Kathmandu": "NPL", "Mombasa": "KEN",
    "Lusaka": "ZMB", "Hambantota": "LKA", "Naryn": "KGZ", "Balochistan": "PAK", "Colombo": "LKA",
    "Dushanbe": "TJK", "Galwan Valley": "IND", "Islamabad": "PAK", "Nairobi": "KEN",
}
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def _find(text: str, names: dict[str, Any]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w])", text):
            if taken & set(range(m.start(), m.end())):
                continue
            taken |= set(range(m.start(), m.end()))
            found.append((m.start(), m.end(), name))
    return sorted(found)


def mentions_for(text: str) -> list[Mention]:
    out = []
    for a, b, name in _find(text, ACTORS):
        actor_id, country, kind, sector, label = ACTORS[name]
        out.append(Mention(a, b, text[a:b], label, actor_id, country, kind, sector, name))
    for a, b, name in _find(text, PLACES):
        out.append(Mention(a, b, text[a:b], "GPE", None, PLACES[name], None, None, name))
    return sorted(out, key=lambda m: (m.start, m.end))


def places_for(text: str) -> list[PlaceMention]:
    names = {**PLACES, **{k: v[1] for k, v in ACTORS.items() if v[4] == "GPE"}}
    return [PlaceMention(a, b, text[a:b], name=name, country=names[name]) for a, b, name in _find(text, names)]


def dates_for(text: str) -> list[DateMention]:
    return [DateMention(m.start(), m.end(), m.group(), m.group(), "year") for m in _YEAR.finditer(text)]


def code(text: str) -> list[Any]:
    from horizonscan.analysis.events import code_events
    from horizonscan.analysis.nlp import parse
    from horizonscan.packs import load_pack

    return code_events(text, parse(text), mentions_for(text), places_for(text), dates_for(text), load_pack("china_abroad"), None)


def brief(e: Any) -> tuple[Any, ...]:
    """(type, source, target) with actors as actor id, else country, else "-"."""

    def who(a: Any) -> Any:
        if a is None:
            return None
        return a.actor_id or a.country or "-"

    return (e.type, who(e.source), who(e.target))
