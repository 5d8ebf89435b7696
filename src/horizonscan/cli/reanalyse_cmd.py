"""``horizonscan reanalyse``: bring stored analyses up to the current analyser (docs/reanalyse.md)."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, List, Optional

import typer

from .app import app
from .common import console, fail, open_store_or_exit

if TYPE_CHECKING:
    from ..ingest.reanalyse import Report


@app.command()
def reanalyse(
    doc_ids: Optional[List[str]] = typer.Argument(None, help="Document ids (or unique prefixes of at least 6 characters); default: every stale document."),
    everything: bool = typer.Option(False, "--all", help="Every document, current ones too (e.g. after editing a topic pack)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N documents this run, oldest first; run again to go on."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0, help="Seconds per document (default HORIZONSCAN_ANALYSE_TIMEOUT; 0: no limit)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table; exit code only."),
) -> None:
    """Run the analyser again on stored documents and replace their analysis.

    By default every stale document: analysed by an older analyser version, or stored
    without analysis. Each document is replaced in its own transaction, so an interrupted
    run keeps what it finished and the next run goes on. A document whose analysis fails
    keeps its old one. Exit code 0 when every document was reanalysed, 1 when some
    failed (the others are done), 2 on a usage error.

    Example: horizonscan reanalyse --limit 500
    """
    import dataclasses

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..errors import HorizonscanError
    from ..ingest import reanalyse as run
    from ..settings import get_settings
    from ..store import reanalyse as stored
    from ..store.accounts import audit

    if doc_ids and everything:
        fail("give document ids or --all, not both", 2)
    settings = get_settings()
    if timeout is not None:
        settings = dataclasses.replace(settings, analyse_timeout=timeout)
    store = open_store_or_exit()
    try:
        ids: list[str] = []
        if doc_ids:
            try:
                ids, missing = stored.resolve(store.engine, doc_ids)
            except HorizonscanError as exc:
                fail(str(exc), 2)
            if missing:
                fail(f"E307 no document with id {missing[0]!r}; nothing was reanalysed", 2)
        todo = run.select(store, ids=ids, everything=everything, limit=limit)
        if not todo:
            if not quiet:
                console.print("nothing to reanalyse: every document is analysed by the current analyser", highlight=False)
            return
        with Progress(
            TextColumn("[bold]reanalyse"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=console, disable=quiet, transient=True,
        ) as progress:
            task = progress.add_task("", total=len(todo))

            def tick(outcome: run.Outcome) -> None:
                progress.update(task, advance=1, description=(outcome.title or outcome.document_id)[:60])

            report = run.reanalyse(store, settings, todo, on_item=tick)
        audit(store.engine, "reanalyse", f"cli:{getpass.getuser()}"[:64], report.analyser,
              {"selection": "ids" if ids else "all" if everything else "stale", "reanalysed": report.count("reanalysed"),
               "failed": [o.document_id for o in report.failed][:100], "via": "cli"})
    finally:
        store.close()
    if not quiet:
        _print_report(report)
    raise typer.Exit(1 if report.failed else 0)


def _print_report(report: "Report") -> None:
    from rich.markup import escape
    from rich.table import Table

    outcomes = report.outcomes
    statuses = ("reanalysed", "failed", "gone")
    counts = {s: report.count(s) for s in statuses}
    table = Table(title=f"reanalyse summary ({report.analyser})", show_header=True)
    for s in statuses:
        table.add_column(s, justify="right")
    table.add_row(*(str(counts[s]) for s in statuses))
    console.print(table)
    failed = [o for o in outcomes if o.status != "reanalysed"]
    if failed:
        listing = Table(title="not reanalysed (their analysis is unchanged)")
        listing.add_column("document")
        listing.add_column("title", overflow="fold")
        listing.add_column("reason", overflow="fold")
        for o in failed:
            listing.add_row(o.document_id, escape((o.title or "")[:80]), escape(o.reason or ""))
        console.print(listing)
