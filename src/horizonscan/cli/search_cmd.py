"""``horizonscan search`` and ``horizonscan show``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Optional

import typer

from .app import app
from .common import console, fail, open_store_or_exit, print_table

def styled_snippet(snippet: str) -> str:
    from rich.markup import escape

    from ..store.search import HL_END, HL_START

    return escape(snippet).replace(HL_START, "[bold yellow]").replace(HL_END, "[/]")


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "exact phrases", OR, and -excluded words.'),
    date_from: Optional[str] = typer.Option(None, "--from", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Published on or before."),
    language: Optional[str] = typer.Option(None, "--language", "-l", help="ISO 639-1 code, e.g. en."),
    source: Optional[str] = typer.Option(None, "--source", "-s", help="Part of the source, URL or path."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
    duplicates: bool = typer.Option(False, "--duplicates", help="Include near-duplicate copies."),
) -> None:
    """Full-text search with ranked snippets.

    Example: horizonscan search "Amity Foundation" --from 2019 --language en
    """
    from .. import query as q
    from ..errors import HorizonscanError

    if format not in ("table", "json"):
        raise typer.BadParameter("choose table or json", param_hint="--format")
    try:
        f = q.make_filter(date_from=date_from, date_to=date_to, language=language, source=source, include_duplicates=duplicates)
    except q.ValidationError as exc:
        raise typer.BadParameter(str(exc)) from exc
    store = open_store_or_exit()
    try:
        hits = q.search(store, query, f, limit=limit).items
    except q.ValidationError as exc:
        fail(str(exc), 2)
    except HorizonscanError as exc:
        fail(str(exc), 3)
    finally:
        store.close()
    if format == "json":
        typer.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return
    if not hits:
        console.print("no matches")
        return
    for h in hits:
        console.print(f"[bold cyan]{h.id}[/]  [bold]{_esc(h.title or '(untitled)')}[/]  [dim]{h.published or ''} {h.language or ''}[/]", highlight=False)
        console.print("   " + styled_snippet(h.snippet.replace("\n", " ")), highlight=False)


def _forms(texts: list[str], most: int = 4) -> str:
    """The distinct written forms, most frequent first."""
    counts: dict[str, int] = {}
    for t in texts:
        t = " ".join(t.split())
        counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return ", ".join(ranked[:most]) + (f" (+{len(ranked) - most})" if len(ranked) > most else "")


def _ranked(groups: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for g in groups.values():
        g["forms"] = _forms(g.pop("texts"))
        out.append(g)
    return sorted(out, key=lambda g: (-g["count"], str(g["key"])))


def group_mentions(mentions: list[dict[str, Any]], include_unresolved: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Actor mentions grouped by resolved actor (else country), most mentioned first, and
    how many unresolved mentions were left out (grouped by their text when included)."""
    groups: dict[Any, dict[str, Any]] = {}
    hidden = 0
    for m in mentions:
        if m.get("actor_id"):
            key = m["actor_id"]
        elif m.get("country"):
            key = m["country"]
        elif include_unresolved:
            key = f"? {' '.join(m['text'].split())} ({m['label']})"
        else:
            hidden += 1
            continue
        g = groups.setdefault(key, {"key": key, "name": None, "kind": m.get("kind"), "country": m.get("country"), "count": 0, "texts": []})
        g["count"] += 1
        g["texts"].append(m["text"])
        g["name"] = g["name"] or m.get("name")
    return _ranked(groups), hidden


def group_places(places: list[dict[str, Any]], include_unresolved: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Place mentions grouped by the place they resolve to (GeoNames id, else name and
    country), and how many unresolved ones were left out."""
    groups: dict[Any, dict[str, Any]] = {}
    hidden = 0
    for p in places:
        resolved = p.get("geonames_id") is not None or p.get("lat") is not None
        if not resolved and not include_unresolved:
            hidden += 1
            continue
        key = p.get("geonames_id") or (p.get("name") or " ".join(p["text"].split()), p.get("country"), resolved)
        g = groups.setdefault(key, {"key": key, "name": p.get("name") or (p["text"] if resolved else f"? {p['text']}"),
                                    "country": p.get("country"), "lat": p.get("lat"), "lon": p.get("lon"),
                                    "feature": p.get("feature"), "count": 0, "texts": []})
        g["count"] += 1
        g["texts"].append(p["text"])
    return _ranked(groups), hidden


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def show(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix of at least 6 characters)."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
    all_mentions: bool = typer.Option(False, "--all-mentions", help="Also list names not resolved to a known actor or place."),
) -> None:
    """Show one document with its metadata, provenance and analysis.

    Actors and places are grouped by what they resolve to, with counts and the forms
    written; names resolved to nothing are hidden unless --all-mentions is given
    (--format json always has every mention).

    Example: horizonscan show 3fa9c2e1b0d4a7c8

    Example: horizonscan show 3fa9c2 --all-mentions
    """
    from rich.panel import Panel
    from rich.table import Table

    from ..errors import HorizonscanError

    store = open_store_or_exit()
    try:
        doc = store.document(doc_id)
    except HorizonscanError as exc:
        fail(str(exc), 2)
    finally:
        store.close()
    if doc is None:
        fail(f"no document with id {doc_id!r}", 1)
    if format == "json":
        typer.echo(json.dumps(asdict(doc), ensure_ascii=False, default=str))
        return
    meta = Table(show_header=False, box=None)
    for key in ("id", "title", "published", "language", "url", "path", "source", "media_type", "reader", "analyser", "duplicate_of"):
        value = getattr(doc, key)
        how = doc.provenance.get(key)
        meta.add_row(f"[bold]{key}[/]", _esc(f"{value}" + (f"  ({how})" if how and value else "")) if value is not None else "[dim]-[/]")
    console.print(meta)
    text = doc.text if len(doc.text) < 4000 else doc.text[:4000] + "…"
    console.print(Panel(_esc(text), title="text"))
    # Mentions grouped by what they resolve to, so a document naming China forty times
    # shows one row with a count; unresolved names (often extraction noise) only on request.
    actors_seen, hidden_actors = group_mentions(doc.mentions, all_mentions)
    if actors_seen:
        t = Table(title=f"actors ({len(actors_seen)} from {len(doc.mentions) - hidden_actors} mentions)")
        for col in ("actor", "name", "kind", "country", "mentions", "as written"):
            t.add_column(col, overflow="fold")
        for g in actors_seen[:200]:
            t.add_row(_esc(g["key"]), _esc(g["name"] or ""), g["kind"] or "", g["country"] or "", str(g["count"]), _esc(g["forms"]))
        print_table(t, "json")
    places_seen, hidden_places = group_places(doc.places, all_mentions)
    if places_seen:
        t = Table(title=f"places ({len(places_seen)} from {len(doc.places) - hidden_places} mentions)")
        for col in ("place", "country", "lat", "lon", "feature", "mentions", "as written"):
            t.add_column(col, overflow="fold")
        for g in places_seen[:200]:
            t.add_row(_esc(g["name"] or ""), g["country"] or "", f"{g['lat']:.3f}" if g["lat"] is not None else "",
                      f"{g['lon']:.3f}" if g["lon"] is not None else "", g["feature"] or "", str(g["count"]), _esc(g["forms"]))
        print_table(t, "json")
    if hidden_actors or hidden_places:
        console.print(f"[dim]{hidden_actors} actor and {hidden_places} place mentions not resolved to a known actor or place "
                      "are hidden (--all-mentions shows them)[/]", highlight=False, soft_wrap=True)
    if doc.dates:
        t = Table(title=f"dates ({len(doc.dates)})")
        for col in ("text", "value", "precision"):
            t.add_column(col)
        for d in doc.dates[:200]:
            t.add_row(_esc(d["text"]), d["value"], d["precision"])
        print_table(t, "json")
    if doc.events:
        t = Table(title=f"events ({len(doc.events)})")
        for col in ("type", "mode", "source", "target", "date", "sentence"):
            t.add_column(col, overflow="fold")
        for e in doc.events[:200]:
            t.add_row(e["type"], e["mode"] or "", _esc(e["source_text"] or ""), _esc(e["target_text"] or ""), e["date_value"] or "", _esc(doc.text[e["sentence_start"]:e["sentence_end"]][:160]))
        print_table(t, "json")
