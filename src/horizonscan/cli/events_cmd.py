"""``horizonscan events``: list, filter and export coded events (through the query layer)."""

from __future__ import annotations

from typing import Any

import typer

from .app import app
from .common import fail, open_store_or_exit, print_table
from .filter_options import ALL, with_filter

FORMATS = ("table", "csv", "json", "tsv", "geojson")


@app.command()
@with_filter(*ALL)
def events(
    limit: int = typer.Option(200, "--limit", "-n", min=1, max=1000),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, tsv (GDELT/PHOENIX-style) or geojson."),
    filter: Any = None,
) -> None:
    """List coded events (who did what to whom, where and when).

    Example: horizonscan events --type AID --source-country CHN --target-country central-asia --from 2015 --format tsv > aid.tsv

    Example: horizonscan events --document 3fa9c2e1b0d4a7c8 (the events coded in one document, copies included)
    """
    from rich.markup import escape
    from rich.table import Table

    from .. import query as q
    from ..present.exports import events_csv, events_json, events_tsv
    from ..present.geo import dumps, events_geojson

    if format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    store = open_store_or_exit()
    try:
        rows = q.find_events(store, filter, limit=limit).items
    except q.QueryError as exc:
        fail(str(exc), 3)
    finally:
        store.close()
    if format == "csv":
        typer.echo(events_csv(rows), nl=False)
    elif format == "json":
        typer.echo(events_json(rows))
    elif format == "tsv":
        typer.echo(events_tsv(rows), nl=False)
    elif format == "geojson":
        typer.echo(dumps(events_geojson(rows)))
    else:
        table = Table(title=f"events ({len(rows)})", expand=True)
        for col, ratio in (("date", 1), ("type", 1), ("source", 2), ("target", 2), ("place", 1), ("sentence", 5)):
            table.add_column(col, overflow="fold", ratio=ratio)
        for e in rows:
            kind = e.type + (f"/{e.mode}" if e.mode else "")
            src = f"{escape(e.source_text or '')} [dim]{e.source_actor_id or e.source_country or ''}[/]"
            tgt = f"{escape(e.target_text or '')} [dim]{e.target_actor_id or e.target_country or ''}[/]"
            sentence = " ".join(e.sentence.split())
            table.add_row(e.date_value or "", kind, src, tgt, escape(e.place_text or ""), escape(sentence[:160] + ("…" if len(sentence) > 160 else "")))
        print_table(table, "tsv, csv or json")
