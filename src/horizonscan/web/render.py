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


def annotate(doc: Any, highlight: tuple[int, int] | None = None) -> list[Markup]:
    """The document text as escaped paragraphs with <a>/<span> around mentions.

    ``highlight`` (a char span, e.g. an event's sentence) is wrapped in ``<mark>``, the first
    piece with ``id="s-START-END"`` so a link ending in that fragment scrolls to it. A
    mention that overlaps the span is marked whole; a paragraph break inside the span closes
    the mark and opens it again in the next paragraph.
    """
    text: str = doc.text
    hs, he = highlight if highlight else (-1, -1)
    paragraphs: list[Markup] = []
    parts: list[str] = []
    pos = 0
    state = {"open": False, "first": True}

    def set_mark(inside: bool) -> None:
        if inside and not state["open"]:
            anchor = f' id="s-{hs}-{he}"' if state["first"] else ""
            parts.append(f'<mark class="event-sentence"{anchor}>')
            state["open"], state["first"] = True, False
        elif not inside and state["open"]:
            parts.append("</mark>")
            state["open"] = False

    def flush_text(a: int, b: int) -> None:
        cuts = sorted({a, b} | {c for c in (hs, he) if a < c < b})
        for x, y in zip(cuts, cuts[1:]):
            set_mark(hs <= x < he)
            for i, piece in enumerate(text[x:y].split("\n\n")):
                if i:
                    was = state["open"]
                    set_mark(False)
                    paragraphs.append(Markup("".join(parts)))
                    parts.clear()
                    set_mark(was)
                parts.append(str(escape(piece)).replace("\n", "<br>"))

    for s in spans(doc):
        flush_text(pos, s.start)
        set_mark(s.start < he and s.end > hs)
        label = str(escape(text[s.start : s.end]))
        title = str(escape(s.title))
        if s.href:
            parts.append(f'<a class="m {s.css}" href="{escape(s.href)}" title="{title}">{label}</a>')
        else:
            parts.append(f'<span class="m {s.css}" title="{title}">{label}</span>')
        pos = s.end
    flush_text(pos, len(text))
    set_mark(False)
    paragraphs.append(Markup("".join(parts)))
    return [p for p in paragraphs if str(p).strip()]


def amount_label(amount: float | None, currency: str | None, quantity: float | None, unit: str | None) -> str:
    """An event's amounts as shown: "500,000,000 USD · 100,000 masks" ("" when it has neither)."""

    def num(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"

    parts = []
    if amount is not None:
        parts.append(f"{num(amount)} {currency or ''}".strip())
    if quantity is not None:
        parts.append(f"{num(quantity)} {unit or ''}".strip())
    return " · ".join(parts)


def score_class(score: float | None) -> str:
    if score is None:
        return "neutral"
    return "coop" if score > 0.5 else "conflict" if score < -0.5 else "neutral"


def actor_label(text: str | None, actor_id: str | None, country: str | None) -> str:
    return text or actor_id or country or "—"


FILTERS = {"snippet": snippet, "actor_href": actor_href, "score_class": score_class}
GLOBALS = {"place_href": place_href, "actor_label": actor_label, "amount_label": amount_label}
