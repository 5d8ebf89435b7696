"""``horizonscan documents``: list, filter and sort stored documents (through the query layer)."""

from __future__ import annotations

from typing import Any

import typer

from .app import app
from .common import fail, open_store_or_exit, print_table
from .filter_options import DOCUMENT_LIST, with_filter

FORMATS = ("table", "csv", "json", "tsv")
COLUMNS = ("id", "published", "language", "title", "source", "duplicate_of")
SORTS = {"date": "date", "-date": "-date", "newest": "-date", "oldest": "date", "id": "id", "-id": "-id"}


@app.command()
@with_filter(*DOCUMENT_LIST)
def documents(
    sort: str = typer.Option("newest", "--sort", help="newest (default), oldest, id or -id; date / -date also work."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=1000),
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json or tsv."),
    filter: Any = None,
) -> None:
    """List stored documents: id, published date, language, title, source.

    Dates filter the published date; --actor lists documents that mention an actor.
    Near-duplicate copies are hidden unless --duplicates is given.

    Example: horizonscan documents --from 2021 --language en --actor igo:sco --sort oldest

    Example: horizonscan documents --format tsv | cut -f1 | head -3
    """
    from .. import query as q
    from ..present.graph import to_csv, to_json

    if format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if sort not in SORTS:
        raise typer.BadParameter(f"choose one of {', '.join(SORTS)}", param_hint="--sort")
    store = open_store_or_exit()
    try:
        page = q.find_documents(store, filter, sort=SORTS[sort], limit=limit)
    except q.QueryError as exc:
        fail(str(exc), 2)
    finally:
        store.close()
    rows = [{c: getattr(d, c) for c in COLUMNS} for d in page.items]
    if format == "csv":
        typer.echo(to_csv(rows, COLUMNS), nl=False)
    elif format == "json":
        typer.echo(to_json(rows))
    elif format == "tsv":
        lines = ["\t".join(COLUMNS)] + ["\t".join(_tsv_cell(r[c]) for c in COLUMNS) for r in rows]
        typer.echo("\n".join(lines))
    else:
        from rich.markup import escape
        from rich.table import Table

        more = " (more: raise --limit or narrow the filter)" if page.next_cursor else ""
        table = Table(title=f"documents ({len(rows)}){more}")
        for col in COLUMNS:
            table.add_column(col, overflow="fold", no_wrap=col == "id")
        for r in rows:
            table.add_row(*(escape("" if r[c] is None else str(r[c])) for c in COLUMNS))
        print_table(table, "tsv, csv or json")
        if not rows:
            typer.echo("no documents match" + (" these filters" if filter is not None and filter.used() else " (the store is empty: horizonscan ingest PATH)"), err=True)


def _tsv_cell(value: Any) -> str:
    # Tabs and line breaks would shift columns for cut, awk and spreadsheets.
    return "" if value is None else " ".join(str(value).split())
