"""``horizonscan ingest`` and ``horizonscan status``."""

from __future__ import annotations

import json
from typing import List, Optional

import typer

from .app import app
from .common import console, open_store_or_exit


@app.command()
def ingest(
    inputs: List[str] = typer.Argument(..., help="Files, folders (recursive), globs, URLs or feed URLs."),
    analyse: bool = typer.Option(True, "--analyse/--no-analyse", help="Run the analyser (actors, places, dates, events)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table; exit code only."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Processes that read and analyse (default: every usable core, HORIZONSCAN_WORKERS); 1 = in this process."),
) -> None:
    """Read documents into the store: same content twice adds nothing.

    Exit code 0 when every input was stored or already present, 1 when some
    failed (the others are still stored), 2 on a usage error.

    Example: horizonscan ingest ../shared/corpus report.pdf "notes/**/*.md" https://example.org/feed.xml
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..ingest.run import ingest as run_ingest
    from ..ingest.sources import expand
    from ..settings import get_settings
    from ..workers import Limits, Pool, warm_analyser

    store = open_store_or_exit()
    settings = get_settings()
    total = sum(1 for _ in expand(inputs))
    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, disable=quiet, transient=True,
    ) as progress:
        task = progress.add_task("", total=total)
        seen: set[str] = set()

        def tick(outcome: object) -> None:
            name = getattr(outcome, "input", "")
            progress.update(task, description=str(name)[-60:])
            # feeds give several outcomes per input; advance once per input
            if name not in seen:
                seen.add(name)
                progress.update(task, completed=min(total, len(seen)))

        with Pool(workers or settings.workers, Limits.from_settings(settings), warm=warm_analyser if analyse else None) as pool:
            report = run_ingest(inputs, store, settings, analyse=analyse, on_item=tick, pool=pool)
    if not quiet:
        _print_report(report)
    store.close()
    raise typer.Exit(1 if report.failed else 0)


def _print_report(report: object) -> None:
    from rich.table import Table

    from ..ingest.run import SUMMARY

    outcomes = getattr(report, "outcomes")
    counts = report.summary()  # type: ignore[attr-defined]
    summary = Table(title="ingest summary", show_header=True)
    for key, _ in SUMMARY:  # the same words as the web upload page and the API
        summary.add_column(key.replace("_", "-"), justify="right")
    summary.add_row(*(str(counts[key]) for key, _ in SUMMARY))
    console.print(summary)
    skipped = [o for o in outcomes if o.status == "skipped"]
    if skipped:
        table = Table(title="failed inputs", show_lines=False)
        table.add_column("input", overflow="fold")
        table.add_column("reason", overflow="fold")
        for o in skipped:
            table.add_row(o.input, o.reason or "")
        console.print(table)


@app.command()
def status(
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Counts of documents, duplicates and events, stale analyses, and every failed input with its reason.

    Stale documents were analysed by an older analyser version or not at all
    (horizonscan reanalyse brings them up to date). Example: horizonscan status --format json
    """
    from rich.table import Table

    if format not in ("table", "json"):
        raise typer.BadParameter("choose table or json", param_hint="--format")
    store = open_store_or_exit()
    st = store.status()
    store.close()
    if format == "json":
        typer.echo(json.dumps(st, ensure_ascii=False, sort_keys=False))
        return
    table = Table(title="store", show_header=False)
    for key in ("documents", "duplicates", "inputs", "events", "unanalysed", "stale"):
        table.add_row(key, str(st[key]))
    table.add_row("failed", str(len(st["failed"])))
    console.print(table)
    if st["stale"]:
        console.print(f"{st['stale']} stale document(s): analysed before {st['analyser']}, or not at all.\n"
                      "To bring them up to date: [bold]horizonscan reanalyse[/]", highlight=False)
    if st["failed"]:
        failed = Table(title="failed inputs")
        failed.add_column("input", overflow="fold")
        failed.add_column("stage")
        failed.add_column("reason", overflow="fold")
        for f in st["failed"]:
            failed.add_row(f["input"], f["stage"], f["reason"])
        console.print(failed)
