"""``horizonscan delete``: remove documents and everything derived from them (audited)."""

from __future__ import annotations

import getpass

import typer

from .app import app
from .common import console, fail, open_store_or_exit


@app.command()
def delete(
    doc_ids: list[str] = typer.Argument(..., help="Document ids (or unique prefixes of at least 6 characters)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete documents with their mentions, places, dates, themes, citations and events.

    Near-duplicate copies of a deleted original get a new original; every deletion is
    written to the audit log. Example: horizonscan delete 3fa9c2e1b0d4a7c8 --yes
    """
    from rich.markup import escape

    from ..errors import HorizonscanError
    from ..store.delete import delete_documents

    store = open_store_or_exit()
    try:
        found = []
        for doc_id in doc_ids:
            try:
                doc = store.document(doc_id)
            except HorizonscanError as exc:
                fail(str(exc), 2)
            if doc is None:
                fail(f"E306 no document with id {doc_id!r}; nothing was deleted", 2)
            found.append(doc)
        found = list({d.id: d for d in found}.values())
        for d in found:
            console.print(f"[bold cyan]{d.id}[/]  {escape(d.title or '(untitled)')}  [dim]{d.published or ''}[/]", highlight=False)
        if not yes and not typer.confirm(f"Delete {len(found)} document(s) and everything found in them?", default=False):
            raise typer.Exit(1)
        user = f"cli:{getpass.getuser()}"[:64]
        results = delete_documents(store.engine, [d.id for d in found], user_name=user, via="cli")
    finally:
        store.close()
    for r in results:
        if r is not None:
            extra = f"; {r.new_root} is now the original of its copies" if r.new_root else ""
            console.print(f"deleted {r.id} ({sum(r.rows.values())} rows){extra}", highlight=False)
