"""``horizonscan timeline | network | actors | places | new-since | groups`` and ``db copy``.

Commands only parse options and format records: every read goes through
``horizonscan.query`` (validation, limits, time bounds); exports live in ``present/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import typer

from .app import app
from .common import console, fail, open_store_or_exit
from .db_cmd import db_app

# Shared filter options (typer reads these as defaults; one definition, many commands).
TYPE = typer.Option(None, "--type", "-t", help="PLOVER type(s), comma-separated, e.g. AID,SUPPORT.")
MODE = typer.Option(None, "--mode", help="Event mode(s), e.g. humanitarian.")
ACTOR = typer.Option(None, "--actor", "-a", help="Actor id(s) as source or target (events) or mentioned (documents), e.g. igo:sco.")
SOURCE_ACTOR = typer.Option(None, "--source-actor", help="Actor id(s) as the event's source.")
TARGET_ACTOR = typer.Option(None, "--target-actor", help="Actor id(s) as the event's target.")
ACTOR_KIND = typer.Option(None, "--actor-kind", help="Kind of source or target: state, government, military, igo, ngo, company, person, group.")
COUNTRY = typer.Option(None, "--country", "-c", help="ISO-3 code(s) or group(s) as source or target country, e.g. KGZ or central-asia.")
SOURCE_COUNTRY = typer.Option(None, "--source-country", help="ISO-3 code(s) or group(s) of the source, e.g. CHN.")
TARGET_COUNTRY = typer.Option(None, "--target-country", help="ISO-3 code(s) or group(s) of the target.")
REGION = typer.Option(None, "--region", help="Country or group of the event's place, e.g. central-asia, m49:143, KAZ.")
NEAR = typer.Option(None, "--near", help="Places within a radius: LAT,LON,KM, e.g. 42.87,74.59,100.")
BBOX = typer.Option(None, "--bbox", help="Places in a box: SOUTH,WEST,NORTH,EAST.")
DATE_FROM = typer.Option(None, "--from", help="Dates on or after (YYYY, YYYY-MM, YYYY-Qn or YYYY-MM-DD).")
DATE_TO = typer.Option(None, "--to", help="Dates on or before (a period counts to its end).")
DATE_RULE = typer.Option("overlap", "--date-rule", help="overlap: the date's period touches the range; within: it lies inside.")
LANGUAGE = typer.Option(None, "--language", "-l", help="Document language(s), ISO 639-1, e.g. en,ru.")
SOURCE = typer.Option(None, "--source", "-s", help="Document source (exact), e.g. a feed URL.")
THEME = typer.Option(None, "--theme", help="Theme label(s), e.g. health, economic.")
MIN_CONF = typer.Option(0.0, "--min-confidence", help="Events with at least this confidence (0-1).")
NEGATED = typer.Option(False, "--include-negated", help="Also count negated events (did not send ...).")
HYPOTHETICAL = typer.Option(False, "--include-hypothetical", help="Also count hypothetical events (may send ...).")
DUPLICATES = typer.Option(False, "--duplicates", help="Include near-duplicate copies of documents.")
OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output (required for parquet).")
TIMEOUT = typer.Option(10_000, "--timeout-ms", help="Stop the query after this many milliseconds.")


def _filter(**raw: Any) -> Any:
    from ..query import ValidationError, make_filter

    values = {k: v for k, v in raw.items() if v not in (None, False, 0.0, "")}
    if raw.get("date_rule") == "overlap":
        values.pop("date_rule", None)
    try:
        return make_filter(**values)
    except ValidationError as exc:
        fail(str(exc), 2)


def _filters(
    type: Optional[str], mode: Optional[str], actor: Optional[str], source_actor: Optional[str], target_actor: Optional[str],
    actor_kind: Optional[str], country: Optional[str], source_country: Optional[str], target_country: Optional[str],
    region: Optional[str], near: Optional[str], bbox: Optional[str], date_from: Optional[str], date_to: Optional[str],
    date_rule: str, language: Optional[str], source: Optional[str], theme: Optional[str], min_confidence: float,
    include_negated: bool, include_hypothetical: bool, include_duplicates: bool,
) -> Any:
    return _filter(**locals())


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
        console.print(table)


TABULAR = ("table", "csv", "json", "parquet")


@app.command()
def timeline(
    granularity: str = typer.Option("month", "--granularity", "-g", help="day, week, month, quarter or year."),
    by: Optional[str] = typer.Option(None, "--by", help="Split by a facet: type, mode, source_actor, target_actor, source_country, target_country, place_country, precision, year, language, source."),
    top_keys: int = typer.Option(10, "--top-keys", help="Values of --by shown; the rest are '(other)'."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = OUTPUT,
    type: Optional[str] = TYPE, mode: Optional[str] = MODE, actor: Optional[str] = ACTOR,
    source_actor: Optional[str] = SOURCE_ACTOR, target_actor: Optional[str] = TARGET_ACTOR, actor_kind: Optional[str] = ACTOR_KIND,
    country: Optional[str] = COUNTRY, source_country: Optional[str] = SOURCE_COUNTRY, target_country: Optional[str] = TARGET_COUNTRY,
    region: Optional[str] = REGION, near: Optional[str] = NEAR, bbox: Optional[str] = BBOX,
    date_from: Optional[str] = DATE_FROM, date_to: Optional[str] = DATE_TO, date_rule: str = DATE_RULE,
    language: Optional[str] = LANGUAGE, source: Optional[str] = SOURCE, theme: Optional[str] = THEME,
    min_confidence: float = MIN_CONF, include_negated: bool = NEGATED, include_hypothetical: bool = HYPOTHETICAL,
    duplicates: bool = DUPLICATES, timeout_ms: int = TIMEOUT,
) -> None:
    """Count events per day, week, month, quarter or year, optionally split by a facet.

    An event dated only "2020" is not put in a month: it is reported as coarser.

    Example: horizonscan timeline --type AID --source-country CHN --target-country central-asia --from 2020 --to 2020 --by target_country
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    f = _filters(type, mode, actor, source_actor, target_actor, actor_kind, country, source_country, target_country, region,
                 near, bbox, date_from, date_to, date_rule, language, source, theme, min_confidence, include_negated,
                 include_hypothetical, duplicates)
    store = open_store_or_exit()
    try:
        tl = _run(lambda: q.timeline(store, f, granularity=granularity, by=by, top_keys=top_keys, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [p.to_dict() for p in tl.points]
    cols = ["period", "key", "count"] if by else ["period", "count"]
    _tabular(rows, cols, format, output, f"events per {tl.granularity}" + (f" by {by}" if by else ""), tl.to_dict())
    if format == "table" and (tl.coarser or tl.undated):
        console.print(f"[dim]not shown: {tl.coarser} events dated more coarsely than a {tl.granularity}, {tl.undated} undated[/]")


@app.command()
def network(
    kind: str = typer.Option("events", "--kind", "-k", help="events (who did what to whom, directed) or co-occurrence (actors mentioned together)."),
    level: str = typer.Option("actor", "--level", help="events: actor or country; co-occurrence: document or sentence."),
    top: int = typer.Option(100, "--top", "-n", help="Heaviest edges kept (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, parquet (edges) or graphml."),
    output: Optional[Path] = OUTPUT,
    type: Optional[str] = TYPE, mode: Optional[str] = MODE, actor: Optional[str] = ACTOR,
    source_actor: Optional[str] = SOURCE_ACTOR, target_actor: Optional[str] = TARGET_ACTOR, actor_kind: Optional[str] = ACTOR_KIND,
    country: Optional[str] = COUNTRY, source_country: Optional[str] = SOURCE_COUNTRY, target_country: Optional[str] = TARGET_COUNTRY,
    region: Optional[str] = REGION, near: Optional[str] = NEAR, bbox: Optional[str] = BBOX,
    date_from: Optional[str] = DATE_FROM, date_to: Optional[str] = DATE_TO, date_rule: str = DATE_RULE,
    language: Optional[str] = LANGUAGE, source: Optional[str] = SOURCE, theme: Optional[str] = THEME,
    min_confidence: float = MIN_CONF, include_negated: bool = NEGATED, include_hypothetical: bool = HYPOTHETICAL,
    duplicates: bool = DUPLICATES, timeout_ms: int = TIMEOUT,
) -> None:
    """Source→target network of events (weights and mean cooperation–conflict score), or actor co-occurrence.

    Example: horizonscan network --source-country CHN --from 2020 --format graphml -o china-2020.graphml
    """
    from .. import query as q
    from ..present.graph import network_graphml

    _check_format(format, TABULAR + ("graphml",), output)
    if kind not in ("events", "co-occurrence"):
        raise typer.BadParameter("choose events or co-occurrence", param_hint="--kind")
    f = _filters(type, mode, actor, source_actor, target_actor, actor_kind, country, source_country, target_country, region,
                 near, bbox, date_from, date_to, date_rule, language, source, theme, min_confidence, include_negated,
                 include_hypothetical, duplicates)
    store = open_store_or_exit()
    try:
        if kind == "events":
            net = _run(lambda: q.network(store, f, level=level, top=top, timeout_ms=timeout_ms))
        else:
            unit = "document" if level == "actor" else level
            net = _run(lambda: q.cooccurrence(store, f, unit=unit, top=top, timeout_ms=timeout_ms))
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
def actors(
    basis: str = typer.Option("mentions", "--basis", "-b", help="mentions (documents naming the actor) or events (as source or target)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="Only actors of this kind, e.g. ngo, company, igo."),
    top: int = typer.Option(20, "--top", "-n", help="How many actors (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = OUTPUT,
    type: Optional[str] = TYPE, mode: Optional[str] = MODE, actor: Optional[str] = ACTOR,
    country: Optional[str] = COUNTRY, source_country: Optional[str] = SOURCE_COUNTRY, target_country: Optional[str] = TARGET_COUNTRY,
    region: Optional[str] = REGION, date_from: Optional[str] = DATE_FROM, date_to: Optional[str] = DATE_TO, date_rule: str = DATE_RULE,
    language: Optional[str] = LANGUAGE, source: Optional[str] = SOURCE, theme: Optional[str] = THEME,
    duplicates: bool = DUPLICATES, timeout_ms: int = TIMEOUT,
) -> None:
    """Most frequent actors, with how often they act (source) and are acted upon (target).

    With --basis mentions only document filters apply (--from/--to on the published date).

    Example: horizonscan actors --basis events --kind company --region central-asia --from 2019
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    f = _filter(type=type, mode=mode, actor=actor, country=country, source_country=source_country, target_country=target_country,
                region=region, date_from=date_from, date_to=date_to, date_rule=date_rule, language=language, source=source,
                theme=theme, include_duplicates=duplicates)
    store = open_store_or_exit()
    try:
        found = _run(lambda: q.top_actors(store, f, basis=basis, kind=kind, top=top, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [a.to_dict() for a in found]
    _tabular(rows, ["id", "name", "kind", "country", "count", "as_source", "as_target"], format, output, f"actors by {basis}")


@app.command()
def places(
    basis: str = typer.Option("events", "--basis", "-b", help="events (where events happened) or mentions (places named in documents)."),
    top: int = typer.Option(50, "--top", "-n", help="How many places (at most 1000)."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json, parquet or geojson."),
    output: Optional[Path] = OUTPUT,
    type: Optional[str] = TYPE, mode: Optional[str] = MODE, actor: Optional[str] = ACTOR,
    country: Optional[str] = COUNTRY, source_country: Optional[str] = SOURCE_COUNTRY, target_country: Optional[str] = TARGET_COUNTRY,
    region: Optional[str] = REGION, near: Optional[str] = NEAR, bbox: Optional[str] = BBOX,
    date_from: Optional[str] = DATE_FROM, date_to: Optional[str] = DATE_TO, date_rule: str = DATE_RULE,
    language: Optional[str] = LANGUAGE, source: Optional[str] = SOURCE, theme: Optional[str] = THEME,
    duplicates: bool = DUPLICATES, timeout_ms: int = TIMEOUT,
) -> None:
    """Places with counts and coordinates, for maps (GeoJSON).

    Example: horizonscan places --type PROTEST --target-actor company:cnpc --format geojson -o protests.geojson
    """
    from .. import query as q
    from ..present.geo import dumps, places_geojson

    _check_format(format, TABULAR + ("geojson",), output)
    f = _filter(type=type, mode=mode, actor=actor, country=country, source_country=source_country, target_country=target_country,
                region=region, near=near, bbox=bbox, date_from=date_from, date_to=date_to, date_rule=date_rule,
                language=language, source=source, theme=theme, include_duplicates=duplicates)
    store = open_store_or_exit()
    try:
        found = _run(lambda: q.top_places(store, f, basis=basis, top=top, timeout_ms=timeout_ms))
    finally:
        store.close()
    if format == "geojson":
        _emit(dumps(places_geojson(found)), output)
        return
    rows = [p.to_dict() for p in found]
    _tabular(rows, ["name", "country", "lat", "lon", "geonames_id", "count"], format, output, f"places by {basis}")


@app.command("new-since")
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
    language: Optional[str] = LANGUAGE, source: Optional[str] = SOURCE, theme: Optional[str] = THEME,
    duplicates: bool = DUPLICATES, timeout_ms: int = TIMEOUT,
) -> None:
    """Actors, places and event types that are new, or rising sharply, since DATE compared with a baseline window.

    Example: horizonscan new-since 2021-06-01 --until 2021-06-30 --kinds actor,event_type
    """
    from .. import query as q

    _check_format(format, TABULAR, output)
    f = _filter(language=language, source=source, theme=theme, include_duplicates=duplicates)
    store = open_store_or_exit()
    try:
        res = _run(lambda: q.new_since(store, since, until=until, baseline_days=baseline_days,
                                       kinds=[k.strip() for k in kinds.split(",") if k.strip()], filter=f,
                                       min_count=min_count, min_ratio=min_ratio, limit=limit, timeout_ms=timeout_ms))
    finally:
        store.close()
    rows = [i.to_dict() for i in res.items]
    title = f"new since {res.since} (to {res.until}; baseline {res.baseline_from} to {res.baseline_to})"
    _tabular(rows, ["kind", "key", "label", "status", "recent", "baseline", "expected", "ratio"], format, output, title, res.to_dict())


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
    batch: int = typer.Option(2000, "--batch", help="Documents per transaction."),
) -> None:
    """Copy a whole store to another database, losslessly (e.g. SQLite to PostgreSQL).

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
