"""Turning records into safe HTML pieces: highlighted snippets, annotated text, labels.

Everything user- or document-supplied is escaped here before markup is added, so
templates can mark these results safe without trusting the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from ..store.search import HL_END, HL_START


def snippet(text: str | None) -> Markup:
    """Escape a search snippet and turn the store's ⟦…⟧ markers into <mark>."""
    out = str(escape(text or ""))
    return Markup(out.replace(HL_START, "<mark>").replace(HL_END, "</mark>"))


def actor_href(actor_id: str | None) -> str | None:
    return f"/actors/{quote(actor_id, safe='')}" if actor_id else None


def place_href(country: str | None, lat: float | None = None, lon: float | None = None) -> str | None:
    if lat is not None and lon is not None:
        return f"/places/{lat:.4f},{lon:.4f}"
    return f"/places/{country}" if country else None


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css: str  # mention kind: actor-state, actor-person, ..., place, date
    href: str | None
    title: str


def spans(doc: Any) -> list[Span]:
    """Non-overlapping annotation spans of a stored document (longest first on overlap)."""
    found: list[Span] = []
    for m in doc.mentions:
        kind = m.get("kind") or "other"
        title = (m.get("name") or m["text"]) + (f" · {kind}" if kind != "other" else "")
        found.append(Span(m["start"], m["end"], f"actor actor-{kind}", actor_href(m.get("actor_id")), title))
    for p in doc.places:
        title = (p.get("name") or p["text"]) + (f" · {p['country']}" if p.get("country") else "")
        found.append(Span(p["start"], p["end"], "place", place_href(p.get("country"), p.get("lat"), p.get("lon")), title))
    for d in doc.dates:
        found.append(Span(d["start"], d["end"], "date", None, f"{d['value']} ({d['precision']})"))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    end = -1
    for s in found:
        if s.start >= end and s.end > s.start:
            out.append(s)
            end = s.end
    return out


def annotate(doc: Any) -> list[Markup]:
    """The document text as escaped paragraphs with <a>/<span> around mentions."""
    text: str = doc.text
    paragraphs: list[Markup] = []
    parts: list[str] = []
    pos = 0

    def flush_text(chunk: str) -> None:
        pieces = chunk.split("\n\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append(Markup("".join(parts)))
                parts.clear()
            parts.append(str(escape(piece)).replace("\n", "<br>"))

    for s in spans(doc):
        flush_text(text[pos : s.start])
        label = str(escape(text[s.start : s.end]))
        title = str(escape(s.title))
        if s.href:
            parts.append(f'<a class="m {s.css}" href="{escape(s.href)}" title="{title}">{label}</a>')
        else:
            parts.append(f'<span class="m {s.css}" title="{title}">{label}</span>')
        pos = s.end
    flush_text(text[pos:])
    paragraphs.append(Markup("".join(parts)))
    return [p for p in paragraphs if str(p).strip()]


def score_class(score: float | None) -> str:
    if score is None:
        return "neutral"
    return "coop" if score > 0.5 else "conflict" if score < -0.5 else "neutral"


def actor_label(text: str | None, actor_id: str | None, country: str | None) -> str:
    return text or actor_id or country or "—"


FILTERS = {"snippet": snippet, "actor_href": actor_href, "score_class": score_class}
GLOBALS = {"place_href": place_href, "actor_label": actor_label}
