"""``horizonscan analyse-batch``: analysis on a Dask cluster, results as Parquet, then the store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from .app import app
from .common import console, fail, open_store_or_exit

if TYPE_CHECKING:
    from ..batch import BatchReport


@app.command("analyse-batch")
def analyse_batch(
    inputs: List[str] = typer.Argument(..., help="Files, folders (recursive), globs or URLs."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."
    ),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Worker processes of the local cluster (1 thread each)."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Folder for run folders of Parquet partitions (default .horizonscan-batch beside the database)."
    ),
    retries: int = typer.Option(2, "--retries", min=0, help="Retries of a failing input before it is quarantined."),
    partition_size: int = typer.Option(100, "--partition-size", min=1, help="Documents per Parquet partition."),
    chunk: int = typer.Option(
        8, "--chunk", min=1, help="Most inputs per Dask task (small inputs travel together; 1 = one input per task)."
    ),
    analyse_fn: Optional[str] = typer.Option(
        None, "--analyse-fn", help="Analyser as module:function (Document, Settings) -> Analysis; default the built-in one."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table; exit code only."),
) -> None:
    """Analyse many inputs on a Dask cluster and load the results into the store.

    Each worker loads the models once; results are committed as Parquet
    partitions, then loaded into the store (loading twice changes nothing).
    Re-running the same command after a crash resumes where it stopped. An
    input that fails every time is quarantined after --retries retries and
    listed by `horizonscan status`.

    Exit code 0 when every input was stored, 1 when some failed or were
    quarantined (the others are stored), 2 when the cluster or store is unusable.

    Example: horizonscan --db postgresql+psycopg://hs@db/hs analyse-batch ./corpus --scheduler tcp://10.0.0.5:8786
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..batch import DEFAULT_ANALYSE_FN, run_batch
    from ..errors import HorizonscanError
    from ..settings import get_settings

    if not quiet:
        # A killed or restarted worker is handled and reported here; Dask's own log lines would only alarm.
        logging.getLogger("distributed").setLevel(logging.ERROR)
    store = open_store_or_exit()
    settings = get_settings()
    with Progress(
        TextColumn("[bold]analyse-batch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, disable=quiet, transient=True,
    ) as progress:
        task = progress.add_task("starting the cluster", total=None)

        def tick(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=name[-60:])

        try:
            report = run_batch(
                inputs, store, settings, scheduler=scheduler, workers=workers, out=out, retries=retries,
                analyse_fn=analyse_fn or DEFAULT_ANALYSE_FN, partition_size=partition_size, chunk=chunk,
                on_progress=tick,
            )
        except HorizonscanError as exc:
            store.close()
            fail(str(exc), 2)
    store.close()
    if not quiet:
        _print(report)
    raise typer.Exit(0 if report.ok else 1)


def _print(r: "BatchReport") -> None:
    from rich.table import Table

    summary = Table(title=f"analyse-batch {r.run_id}", show_header=False)
    for key in ("inputs", "resumed", "in_store", "submitted", "tasks", "added", "near_duplicates", "duplicates", "analysis_failed"):
        summary.add_row(key.replace("_", " "), str(getattr(r, key)))
    summary.add_row("failed", str(len(r.failed)))
    summary.add_row("quarantined", str(len(r.quarantined)))
    summary.add_row("partitions", f"{r.partitions} in {r.folder}")
    summary.add_row("seconds", f"{r.seconds:.1f}")
    console.print(summary)
    problems = list(r.failed) + [(i, "quarantined", why) for i, why in r.quarantined]
    if problems:
        table = Table(title="not stored")
        table.add_column("input", overflow="fold")
        table.add_column("stage")
        table.add_column("reason", overflow="fold")
        for row in problems:
            table.add_row(*row)
        console.print(table)
