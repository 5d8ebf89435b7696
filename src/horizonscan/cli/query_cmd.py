"""``horizonscan timeline | network | actors | places | new-since | groups`` and ``db copy``.

Commands only parse options and format records: every read goes through
``horizonscan.query`` (validation, limits, time bounds); exports live in ``present/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import typer

from .app import app
from .common import console, fail, open_store_or_exit, print_table
from .db_cmd import db_app
from .filter_options import ALL, DOCUMENT, with_filter

OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output (required for parquet).")
TIMEOUT = typer.Option(10_000, "--timeout-ms", help="Stop the query after this many milliseconds.")
# Top actors and places take no actor-on-a-side or event-flag filters.
ACTOR_FIELDS = ("type", "mode", "actor", "country", "source_country", "target_country", "region",
                "date_from", "date_to", "date_rule", "language", "source", "theme", "include_duplicates")
PLACE_FIELDS = ACTOR_FIELDS + ("near", "bbox")


def _run(call: Callable[[], Any]) -> Any:
    """Run a query; validation errors exit 2, time-outs exit 3, both with the error line."""
    from ..query import QueryError, QueryTimeout

    try:
        return call()
    except QueryTimeout as exc:
        fail(str(exc), 3)
    except QueryError as exc:
        fail(str(exc), 2)


def _check_format(format: str, allowed: Sequence[str], output: Optional[Path]) -> None:
    if format not in allowed:
        raise typer.BadParameter(f"choose one of {', '.join(allowed)}", param_hint="--format")
    if format == "parquet" and output is None:
        raise typer.BadParameter("parquet needs --output FILE", param_hint="--output")


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)


def _tabular(rows: list[dict[str, Any]], columns: Sequence[str], format: str, output: Optional[Path], title: str, whole: Any = None) -> None:
    """table / csv / json / parquet of ``rows`` (json prints ``whole`` when given)."""
    from ..present.graph import to_csv, to_json, write_parquet

    if format == "csv":
        _emit(to_csv(rows, columns), output)
    elif format == "json":
        _emit(to_json(whole if whole is not None else rows), output)
    elif format == "parquet":
        assert output is not None
        n = write_parquet(rows, output, columns)
        console.print(f"wrote {n} rows to {output}", highlight=False)
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=title)
        for col in columns:
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(*(escape("" if r.get(c) is None else f"{r[c]:g}" if isinstance(r[c], float) else str(r[c])) for c in columns))
        print_table(table, "csv or json")


TABULAR = ("table", "csv", "json", "parquet")


@app.command()
@with_filter(*ALL)
def timeline(
    granularity: str = typer.Option("month", "--granularity", "-g", help="day, week, month, quarter or year."),
    by: Optional[str] = typer.Option(None, "--by", help="Split by a facet: type, mode, source_actor, target_actor, source_country, target_country, place_country, precision, year, language, source."),
    top_keys: int = typer.Option(10, "--top-keys", help="Values of --by shown; the rest are '(other)'."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = OUTPUT,
    timeout_ms: int = TIMEOUT,
    filter: Any = None,
) -> None:
    """Count events per day, week, month, quarter or year, optionally split by a facet.

    An event dated only "2020" is not put in a month: it is reported as coarser.

    Example: horizonscan timeline --type AID --source-country CHN --target-country central-asia --from 2020 --to 2020 --by target_country
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    store = open_store_or_exit()
    try:
        tl = _run(lambda: q.timeline(store, filter, granularity=granularity, by=by, top_keys=top_keys, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [p.to_dict() for p in tl.points]
    cols = ["period", "key", "count"] if by else ["period", "count"]
    _tabular(rows, cols, format, output, f"events per {tl.granularity}" + (f" by {by}" if by else ""), tl.to_dict())
    if format == "table" and (tl.coarser or tl.undated):
        console.print(f"[dim]not shown: {tl.coarser} events dated more coarsely than a {tl.granularity}, {tl.undated} undated[/]")


@app.command()
@with_filter(*ALL)
def network(
    kind: str = typer.Option("events", "--kind", "-k", help="events (who did what to whom, directed) or co-occurrence (actors mentioned together)."),
    level: str = typer.Option("actor", "--level", help="events: actor or country; co-occurrence: document or sentence."),
    top: int = typer.Option(100, "--top", "-n", help="Heaviest edges kept (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, parquet (edges) or graphml."),
    output: Optional[Path] = OUTPUT,
    timeout_ms: int = TIMEOUT,
    filter: Any = None,
) -> None:
    """Source→target network of events (weights and mean cooperation–conflict score), or actor co-occurrence.

    Example: horizonscan network --source-country CHN --from 2020 --format graphml -o china-2020.graphml
    """
    from .. import query as q
    from ..present.graph import network_graphml

    _check_format(format, TABULAR + ("graphml",), output)
    if kind not in ("events", "co-occurrence"):
        raise typer.BadParameter("choose events or co-occurrence", param_hint="--kind")

    store = open_store_or_exit()
    try:
        if kind == "events":
            net = _run(lambda: q.network(store, filter, level=level, top=top, timeout_ms=timeout_ms))
        else:
            unit = "document" if level == "actor" else level
            net = _run(lambda: q.cooccurrence(store, filter, unit=unit, top=top, timeout_ms=timeout_ms))
    finally:
        store.close()
    if format == "graphml":
        _emit(network_graphml(net), output)
        return
    rows = [e.to_dict() for e in net.edges]
    cols = ["source", "target", "weight", "mean_score", "first", "last"] if kind == "events" else ["source", "target", "weight"]
    _tabular(rows, cols, format, output, f"{net.kind} network ({len(net.nodes)} nodes, {len(net.edges)} edges)", net.to_dict())
    if format == "table" and net.truncated:
        console.print(f"[dim]more edges matched; showing the {top} heaviest (--top)[/]")


@app.command()
@with_filter(*ACTOR_FIELDS)
def actors(
    basis: str = typer.Option("mentions", "--basis", "-b", help="mentions (documents naming the actor) or events (as source or target)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="Only actors of this kind, e.g. ngo, company, igo."),
    top: int = typer.Option(20, "--top", "-n", help="How many actors (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = OUTPUT,
    timeout_ms: int = TIMEOUT,
    filter: Any = None,
) -> None:
    """Most frequent actors, with how often they act (source) and are acted upon (target).

    With --basis mentions only document filters apply (--from/--to on the published date).

    Example: horizonscan actors --basis events --kind company --region central-asia --from 2019
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    store = open_store_or_exit()
    try:
        found = _run(lambda: q.top_actors(store, filter, basis=basis, kind=kind, top=top, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [a.to_dict() for a in found]
    _tabular(rows, ["id", "name", "kind", "country", "count", "as_source", "as_target"], format, output, f"actors by {basis}")


@app.command()
@with_filter(*PLACE_FIELDS)
def places(
    basis: str = typer.Option("events", "--basis", "-b", help="events (where events happened) or mentions (places named in documents)."),
    top: int = typer.Option(50, "--top", "-n", help="How many places (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, parquet or geojson."),
    output: Optional[Path] = OUTPUT,
    timeout_ms: int = TIMEOUT,
    filter: Any = None,
) -> None:
    """Places with counts and coordinates, for maps (GeoJSON).

    Example: horizonscan places --type PROTEST --target-actor company:cnpc --format geojson -o protests.geojson
    """
    from .. import query as q
    from ..present.geo import dumps, places_geojson

    _check_format(format, TABULAR + ("geojson",), output)
    store = open_store_or_exit()
    try:
        found = _run(lambda: q.top_places(store, filter, basis=basis, top=top, timeout_ms=timeout_ms))
    finally:
        store.close()
    if format == "geojson":
        _emit(dumps(places_geojson(found)), output)
        return
    rows = [p.to_dict() for p in found]
    _tabular(rows, ["name", "country", "lat", "lon", "geonames_id", "count"], format, output, f"places by {basis}")


@app.command("new-since")
@with_filter(*DOCUMENT)
def new_since(
    since: str = typer.Argument(..., help="Start of the new window (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="End of the new window (default: the latest published date)."),
    baseline_days: Optional[int] = typer.Option(None, "--baseline-days", help="Length of the baseline window before SINCE (default: six times the new window)."),
    kinds: str = typer.Option("actor,place,event_type", "--kinds", help="Comma-separated: actor, place, event_type."),
    min_count: int = typer.Option(3, "--min-count", help="Items need at least this count in the new window."),
    min_ratio: float = typer.Option(3.0, "--min-ratio", help="Smoothed rise over the baseline rate needed to be 'rising'."),
    limit: int = typer.Option(50, "--limit", "-n", help="How many items (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = OUTPUT,
    timeout_ms: int = TIMEOUT,
    filter: Any = None,
) -> None:
    """Actors, places and event types that are new, or rising sharply, since DATE compared with a baseline window.

    Example: horizonscan new-since 2021-06-01 --until 2021-06-30 --kinds actor,event_type
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    store = open_store_or_exit()
    try:
        res = _run(lambda: q.new_since(store, since, until=until, baseline_days=baseline_days,
                                       kinds=[k.strip() for k in kinds.split(",") if k.strip()], filter=filter,
                                       min_count=min_count, min_ratio=min_ratio, limit=limit, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [i.to_dict() for i in res.items]
    title = f"new since {res.since} (to {res.until}; baseline {res.baseline_from} to {res.baseline_to})"
    _tabular(rows, ["kind", "key", "label", "status", "recent", "baseline", "expected", "ratio"], format, output, title, res.to_dict())
    if res.note and format == "table":
        console.print(f"nothing new: {res.note}", highlight=False, soft_wrap=True)


@app.command()
def groups(format: str = typer.Option("table", "--format", "-f", help="table or json.")) -> None:
    """List the country groups usable wherever a country is asked (UN M49 regions and memberships).

    Example: horizonscan groups --format json
    """
    from ..present.graph import to_json
    from ..query.groups import all_groups

    if format not in ("table", "json"):
        raise typer.BadParameter("choose table or json", param_hint="--format")
    rows = [{"group": g.slug, "m49": g.code, "name": g.name, "members": " ".join(g.members), "source": g.source}
            for g in sorted(all_groups().values(), key=lambda g: g.slug)]
    _tabular(rows, ["group", "m49", "name", "members", "source"], format, None, "country groups")


@db_app.command("copy")
def copy(
    src: str = typer.Option(..., "--from", help="Source database URL or SQLite file."),
    dst: str = typer.Option(..., "--to", help="Target database URL or SQLite file (migrated first)."),
    append: bool = typer.Option(False, "--append", help="Add to a non-empty target: skip documents it already has."),
    batch: int = typer.Option(2000, "--batch", help="Documents read at a time (the whole copy is one transaction)."),
) -> None:
    """Copy a whole store to another database, losslessly (e.g. SQLite to PostgreSQL), all or nothing.

    Example: horizonscan db copy --from sqlite:///horizonscan.db --to postgresql+psycopg://hs@127.0.0.1/hs
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from ..errors import StoreError
    from ..store.copy import copy_store

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("copying")
        counts: dict[str, int] = {}

        def progress(table: str, n: int) -> None:
            counts[table] = counts.get(table, 0) + n
            bar.update(task, description=f"copying {table}: {counts[table]} rows")

        try:
            report = copy_store(src, dst, append=append, batch=batch, progress=progress)
        except StoreError as exc:
            fail(str(exc), 2)
    copied = ", ".join(f"{t} {n}" for t, n in report.copied.items() if n)
    skipped = ", ".join(f"{t} {n}" for t, n in report.skipped.items() if n)
    console.print(f"copied in {report.seconds:.1f} s: {copied or 'nothing'}" + (f"; skipped: {skipped}" if skipped else ""), highlight=False)
