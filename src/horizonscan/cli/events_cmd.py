"""``horizonscan events``: list, filter and export coded events (through the query layer)."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app
from .common import console, fail, open_store_or_exit

FORMATS = ("table", "csv", "json", "tsv", "geojson")


@app.command()
def events(
    type: Optional[str] = typer.Option(None, "--type", "-t", help="PLOVER type(s), comma-separated, e.g. AID,PROTEST."),
    mode: Optional[str] = typer.Option(None, "--mode", help="PLOVER mode, e.g. humanitarian."),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="Actor id as source or target, e.g. igo:sco."),
    country: Optional[str] = typer.Option(None, "--country", "-c", help="ISO-3 country or group as source or target, e.g. KGZ, central-asia."),
    source_country: Optional[str] = typer.Option(None, "--source-country", help="ISO-3 country or group of the source."),
    target_country: Optional[str] = typer.Option(None, "--target-country", help="ISO-3 country or group of the target."),
    place: Optional[str] = typer.Option(None, "--place", "-p", help="ISO-3 country (or group) of the event's place."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Event date on or after (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Event date on or before."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0),
    negated: bool = typer.Option(False, "--include-negated", help="Also list negated events (did not send ...)."),
    hypothetical: bool = typer.Option(False, "--include-hypothetical", help="Also list planned or possible events."),
    limit: int = typer.Option(200, "--limit", "-n", min=1, max=1000),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, tsv (GDELT/PHOENIX-style) or geojson."),
) -> None:
    """List coded events (who did what to whom, where and when).

    Example: horizonscan events --type AID --source-country CHN --target-country central-asia --from 2015 --format tsv > aid.tsv
    """
    from rich.markup import escape
    from rich.table import Table

    from .. import query as q
    from ..present.exports import events_csv, events_json, events_tsv
    from ..present.geo import dumps, events_geojson

    if format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    try:
        f = q.make_filter(
            type=type, mode=mode, actor=actor, country=country, source_country=source_country,
            target_country=target_country, place_country=place, date_from=date_from, date_to=date_to,
            min_confidence=min_confidence, include_negated=negated, include_hypothetical=hypothetical,
        )
    except q.ValidationError as exc:
        raise typer.BadParameter(str(exc)) from exc
    store = open_store_or_exit()
    try:
        rows = q.find_events(store, f, limit=limit).items
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
        console.print(table)
