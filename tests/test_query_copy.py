"""``db copy``: SQLite → PostgreSQL → SQLite keeps every row of every table, FTS included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from horizonscan.errors import StoreError
from horizonscan.store import open_store
from horizonscan.store.copy import copy_store
from horizonscan.store.schema import metadata

from test_query import fill_store
from test_query_inputs import fingerprint


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in key order, timestamps as UTC, plus the FTS rows on SQLite."""
    engine = sa.create_engine(url)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET TIME ZONE 'UTC'"))
        for t in metadata.sorted_tables:
            rows = conn.execute(sa.select(t).order_by(*t.primary_key.columns))
            out[t.name] = [
                tuple(v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in r) for r in rows
            ]
        if engine.dialect.name == "sqlite":
            out["fts"] = list(conn.execute(sa.text("SELECT document_id, title, text FROM documents_fts ORDER BY document_id")))
    engine.dispose()
    return out


def test_copy_sqlite_postgresql_sqlite(tmp_path: Path, pg_store_url: str) -> None:
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    fill_store(a)
    store = open_store(a)
    store.record_failure("bad.pdf", "E120 encrypted PDF", "read")
    store.close()
    original = dump(a)
    assert len(original["events"]) == 14 and len(original["fts"]) == 10

    to_pg = copy_store(a, pg_store_url, batch=3)  # small batches: several transactions
    assert to_pg.copied["documents"] == 10 and to_pg.copied["events"] == 14
    in_pg = dump(pg_store_url)
    assert {k: v for k, v in in_pg.items()} == {k: v for k, v in original.items() if k != "fts"}

    back = copy_store(pg_store_url, b, batch=4)
    assert back.fts_rows == 10
    assert dump(b) == original

    # the copies answer queries like the original: full text and ids continue after the copied ones
    pg = open_store(pg_store_url)
    assert [h.title for h in pg.search("Aktobe")] == ["Title d3"]
    with pg.engine.begin() as conn:
        new_id = conn.execute(sa.text("INSERT INTO failures(input, reason, stage, attempts, at) VALUES ('x', 'r', 'read', 1, now())"))
        conn.execute(sa.text("INSERT INTO document_inputs(document_id, input, seen_at) SELECT id, 'again', now() FROM documents LIMIT 1"))
        assert new_id.rowcount == 1
    pg.close()


def test_copy_refuses_non_empty_target_and_append_is_idempotent(tmp_path: Path) -> None:
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    fill_store(a)
    copy_store(a, b)
    with pytest.raises(StoreError, match="^E304"):
        copy_store(a, b)
    before = fingerprint(open_store(b))
    again = copy_store(a, b, append=True)
    assert again.copied["documents"] == 0 and again.skipped["documents"] == 10
    assert fingerprint(open_store(b)) == before


def test_append_merges_two_stores(tmp_path: Path) -> None:
    from horizonscan.ingest.normalise import clean_text, content_id
    from horizonscan.records import Analysis, Document, Event, EventActor, EventDate, Found

    a, c = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'c.db'}"
    fill_store(a)
    other = open_store(c)
    text = clean_text("Kazakhstan asked China for help with water on 3 March 2022.")
    ev = Event("REQUEST", None, EventActor("Kazakhstan", "KAZ", "KAZ"), EventActor("China", "CHN", "CHN"), 0, len(text),
               date=EventDate("2022-03-03", "day"), confidence=0.7, score=-1.0)
    other.write(Document(content_id(text), text, Found("Water"), Found("2022-03-04")), Analysis("en", events=(ev,), analyser="t"), "w.txt")
    other.close()
    report = copy_store(a, c, append=True, batch=4)
    assert report.copied["documents"] == 10 and report.copied["events"] == 14
    merged = open_store(c)
    assert merged.status()["documents"] == 11 and merged.status()["events"] == 15
    with merged.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM events ORDER BY id"))]
        clusters = {r[0] for r in conn.execute(sa.text("SELECT cluster_id FROM events"))}
    assert ids == list(range(1, 16))  # copied events continue after the target's own
    assert "ev1" in clusters and "ev2" in clusters  # the target's event and the first copied one (1 + 1)
    assert [h.title for h in merged.search("Aktobe")] == ["Title d3"]
    merged.close()


def _hostile(url: str) -> str:
    """The fixture store plus a row PostgreSQL cannot hold (a NUL in an upload's input, as
    uploads wrote before names were cleaned), on the document copied last; its id."""
    ids = fill_store(url)
    last = max(ids.values())
    store = open_store(url)
    store.add_input(last, "/srv/uploads/00-re\x00port.txt")
    store.close()
    return last


def test_a_failed_copy_leaves_the_target_as_it_was(tmp_path: Path, pg_store_url: str) -> None:
    """Issue 14: a NUL byte aborted a copy to PostgreSQL after its first batches had committed."""
    a = f"sqlite:///{tmp_path / 'a.db'}"
    last = _hostile(a)
    open_store(pg_store_url).close()  # migrated and empty
    empty = dump(pg_store_url)
    seen: list[str] = []
    with pytest.raises(StoreError, match=r"^E309 .*document_inputs.*NUL") as caught:
        copy_store(a, pg_store_url, batch=3, progress=lambda table, n: seen.append(table))
    assert "target is unchanged" in str(caught.value)
    assert seen.count("documents") >= 3  # batches before the bad row were written, then rolled back
    assert dump(pg_store_url) == empty
    from typer.testing import CliRunner

    from horizonscan.cli.app import app

    res = CliRunner().invoke(app, ["db", "copy", "--from", a, "--to", pg_store_url, "--batch", "3"])
    assert res.exit_code == 2 and "E309" in res.output and "NUL" in res.output, res.output  # one clear line, no traceback
    assert dump(pg_store_url) == empty

    # append into a store with a document of its own: the same, nothing changes
    from horizonscan.ingest.normalise import clean_text, content_id
    from horizonscan.records import Document, Found

    own = open_store(pg_store_url)
    text = clean_text("Kazakhstan asked China for help with water on 3 March 2022.")
    own.write(Document(content_id(text), text, Found("Water"), Found("2022-03-04")), None, "w.txt")
    own.close()
    before = dump(pg_store_url)
    with pytest.raises(StoreError, match="^E309"):
        copy_store(a, pg_store_url, append=True, batch=2)
    assert dump(pg_store_url) == before

    # fixed in the source, the same copy goes through
    with open_store(a).engine.begin() as conn:
        conn.execute(sa.text("UPDATE document_inputs SET input = :clean WHERE document_id = :id AND input LIKE '/srv/%'"),
                     {"clean": "/srv/uploads/00-report.txt", "id": last})
    assert copy_store(a, pg_store_url, append=True).copied["documents"] == 10
    store = open_store(pg_store_url)
    assert store.document(last).inputs[-1] == "/srv/uploads/00-report.txt"  # type: ignore[union-attr]
    store.close()


def test_an_interrupted_copy_writes_nothing(tmp_path: Path) -> None:
    """Killed or failing half-way (here: the progress callback raises), the target keeps no half copy."""
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    fill_store(a)
    open_store(b).close()
    empty = dump(b)

    def stop(table: str, n: int) -> None:
        if table == "documents" and n:
            stop.calls += 1  # type: ignore[attr-defined]
            if stop.calls == 2:  # type: ignore[attr-defined]
                raise KeyboardInterrupt

    stop.calls = 0  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        copy_store(a, b, batch=3, progress=stop)
    assert dump(b) == empty
    assert copy_store(a, b).copied["documents"] == 10  # and the copy can simply be run again
    assert dump(b) == dump(a)
