"""``horizonscan search`` and ``horizonscan show``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Optional

import typer

from .app import app
from .common import console, fail, open_store_or_exit

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


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def show(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix of at least 6 characters)."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show one document with its metadata, provenance and analysis.

    Example: horizonscan show 3fa9c2e1b0d4a7c8
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
    if doc.mentions:
        t = Table(title=f"actors ({len(doc.mentions)})")
        for col in ("text", "label", "actor_id", "country"):
            t.add_column(col)
        for m in doc.mentions[:200]:
            t.add_row(_esc(m["text"]), m["label"], m["actor_id"] or "", m["country"] or "")
        console.print(t)
    if doc.places:
        t = Table(title=f"places ({len(doc.places)})")
        for col in ("text", "country", "lat", "lon", "feature"):
            t.add_column(col)
        for p in doc.places[:200]:
            t.add_row(_esc(p["text"]), p["country"] or "", f"{p['lat']:.3f}" if p["lat"] is not None else "", f"{p['lon']:.3f}" if p["lon"] is not None else "", p["feature"] or "")
        console.print(t)
    if doc.dates:
        t = Table(title=f"dates ({len(doc.dates)})")
        for col in ("text", "value", "precision"):
            t.add_column(col)
        for d in doc.dates[:200]:
            t.add_row(_esc(d["text"]), d["value"], d["precision"])
        console.print(t)
    if doc.events:
        t = Table(title=f"events ({len(doc.events)})")
        for col in ("type", "mode", "source", "target", "date", "sentence"):
            t.add_column(col, overflow="fold")
        for e in doc.events[:200]:
            t.add_row(e["type"], e["mode"] or "", _esc(e["source_text"] or ""), _esc(e["target_text"] or ""), e["date_value"] or "", _esc(doc.text[e["sentence_start"]:e["sentence_end"]][:160]))
        console.print(t)
