"""``horizonscan db``: schema migrations."""

from __future__ import annotations

import typer

from .app import app, state
from .common import console, fail

db_app = typer.Typer(help="Database schema: upgrade and inspect.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target Alembic revision.")) -> None:
    """Migrate the database to the latest schema (safe to run repeatedly).

    Example: horizonscan --db postgresql+psycopg://hs@127.0.0.1/hs db upgrade
    """
    from ..errors import StoreError
    from ..store.db import create_engine, current_revision, upgrade as do_upgrade

    try:
        engine = create_engine(state.db)
        do_upgrade(engine, revision)
        console.print(f"schema at revision {current_revision(engine)}")
        engine.dispose()
    except StoreError as exc:
        fail(str(exc), 2)
    except Exception as exc:  # connection refused, bad credentials, ...
        fail(f"E302 cannot migrate {state.db}: {str(exc).splitlines()[0]}", 2)


@db_app.command("current")
def current() -> None:
    """Print the schema revision of the database.

    Example: horizonscan db current
    """
    from ..store.db import create_engine, current_revision

    engine = create_engine(state.db)
    console.print(current_revision(engine) or "empty (run: horizonscan db upgrade)")
    engine.dispose()


@db_app.command("rebuild-summary")
def rebuild_summary() -> None:
    """Recount the event summary tables from the stored events (after a bulk load or repair).

    Ingest, uploads and collection changes keep the summary up to date by themselves.
    Example: horizonscan --db horizonscan.db db rebuild-summary
    """
    import time

    from ..store import summary
    from ..store.db import create_engine

    engine = create_engine(state.db)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        counts = summary.rebuild(conn)
    engine.dispose()
    rows = ", ".join(f"{name.removeprefix('summary_')} {n:,}" for name, n in counts.items())
    console.print(f"summary rebuilt in {time.perf_counter() - t0:.1f} s: {rows}")
