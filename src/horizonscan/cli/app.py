"""Typer application, global options, and registration of every command module."""

from __future__ import annotations

import os
from typing import Optional

import typer

app = typer.Typer(
    name="horizonscan",
    help=(
        "Turn documents about China abroad into a traceable knowledge base of who did what "
        "to whom, where and when.\n\nExample: horizonscan ingest ./reports && horizonscan search \"Amity Foundation\""
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


class State:
    db: str = "sqlite:///horizonscan.db"


state = State()


@app.callback()
def _global(
    db: Optional[str] = typer.Option(
        None,
        "--db",
        envvar="HORIZONSCAN_DB",
        help="Database URL or SQLite file (default sqlite:///horizonscan.db), e.g. postgresql+psycopg://user@host/db.",
    ),
) -> None:
    if db:
        state.db = db
        os.environ["HORIZONSCAN_DB"] = db


# Registration: each module adds its commands to ``app``.
from . import analyse_cmd, batch_cmd, db_cmd, delete_cmd, documents_cmd, eval_cmd, events_cmd, ingest_cmd, query_cmd, reanalyse_cmd, search_cmd, web_cmd  # noqa: E402,F401
