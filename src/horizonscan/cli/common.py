"""Helpers shared by commands: console, store opening, error exits."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from ..store import Store

console = Console()
err_console = Console(stderr=True)


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
