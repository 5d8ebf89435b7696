"""``horizonscan events``: list, filter and export coded events."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app
from .common import console, open_store_or_exit
from .search_cmd import iso_option

FORMATS = ("table", "csv", "json", "tsv")


@app.command()
def events(
    type: Optional[str] = typer.Option(None, "--type", "-t", help="PLOVER type, e.g. AID, PROTEST."),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="Actor id as source or target, e.g. igo:sco."),
    country: Optional[str] = typer.Option(None, "--country", "-c", help="ISO-3 country as source or target, e.g. KGZ."),
    place: Optional[str] = typer.Option(None, "--place", "-p", help="ISO-3 country of the place, or the place name."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Event date on or after (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Event date on or before."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0),
    negated: bool = typer.Option(False, "--include-negated", help="Also list negated events (did not send ...)."),
    limit: int = typer.Option(200, "--limit", "-n", min=1, max=10000),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or tsv (GDELT/PHOENIX-style)."),
) -> None:
    """List coded events (who did what to whom, where and when).

    Example: horizonscan events --type AID --country CHN --from 2015 --format tsv > aid.tsv
    """
    from rich.markup import escape
    from rich.table import Table

    from ..present.exports import events_csv, events_json, events_tsv

    if format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    store = open_store_or_exit()
    rows = store.events(
        type=type, actor=actor, country=country, place=place,
        date_from=iso_option(date_from, "--from"), date_to=iso_option(date_to, "--to", end=True),
        min_confidence=min_confidence, include_negated=negated, limit=limit,
    )
    store.close()
    if format == "csv":
        typer.echo(events_csv(rows), nl=False)
    elif format == "json":
        typer.echo(events_json(rows))
    elif format == "tsv":
        typer.echo(events_tsv(rows), nl=False)
    else:
        table = Table(title=f"events ({len(rows)})")
        for col in ("date", "type", "mode", "source", "target", "place", "conf", "sentence"):
            table.add_column(col, overflow="fold")
        for e in rows:
            src = f"{e.source_text or ''} [dim]{e.source_actor_id or e.source_country or ''}[/]"
            tgt = f"{e.target_text or ''} [dim]{e.target_actor_id or e.target_country or ''}[/]"
            table.add_row(e.date_value or "", e.type, e.mode or "", src, tgt, escape(e.place_text or ""), f"{e.confidence:.2f}", escape(e.sentence[:200]))
        console.print(table)
