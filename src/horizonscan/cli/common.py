"""Helpers shared by commands: console, store opening, error exits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from ..store import Store

console = Console()
err_console = Console(stderr=True)


PIPE_MAX_WIDTH = 100_000  # a table line piped to a file or a program is never folded below this


def print_table(table: Any, formats: str = "tsv, csv or json") -> None:
    """Print a Rich table: fitted to the terminal, or at its full natural width when
    standard output is a pipe or a file, where folding cells at 80 columns would break
    words ("REQU/EST") for whoever reads or parses the result. A person piping into a
    pager from a terminal is told which ``--format`` suits programs better.
    """
    if console.is_terminal:
        console.print(table)
        return
    from rich.measure import Measurement

    table.expand = False  # expanding to PIPE_MAX_WIDTH would pad every line with spaces
    width = Measurement.get(console, console.options.update(width=PIPE_MAX_WIDTH), table).maximum
    # Console.print clamps a width to the console's own (80 off a terminal): print through
    # a console as wide as the table, on the same stream.
    wide = Console(file=console.file, width=max(80, min(width, PIPE_MAX_WIDTH)), highlight=False)
    wide.print(table, crop=False)
    if err_console.is_terminal:
        err_console.print(f"[dim]tip: for programs and spreadsheets use --format {formats}[/]", highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def open_store_or_exit() -> "Store":
    from ..errors import StoreError
    from ..store import open_store
    from .app import state

    try:
        return open_store(state.db)
    except StoreError as exc:
        fail(str(exc), 2)
