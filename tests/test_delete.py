"""Deleting a document: nothing derived from it is left in any table, shared structures
(near-duplicate roots, event clusters, actors) stay consistent, the audit row is written;
on both backends. The CLI command too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from test_web_helpers import _analysis

from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.records import Document, Found
from horizonscan.store import open_store
from horizonscan.store.delete import delete_document, delete_documents
from horizonscan.store.schema import actors, audit_log, documents, events, metadata, upload_items

AID = [("China", "CHN", "state", "CHN"), ("Kyrgyzstan", "KGZ", "state", "KGZ")]
PLACE = [("Bishkek", 42.87, 74.59, "KGZ")]
FIRST = "China sent humanitarian aid to Kyrgyzstan in Bishkek on 3 March 2020. "
FILLER = [f"w{i}x" for i in range(120)]


def _text(change: dict[int, str]) -> str:
    return FIRST + " ".join(change.get(i, w) for i, w in enumerate(FILLER)) + "."


# key: text, mentions, places, events, collection
DOCS: dict[str, tuple[str, list[Any], list[Any], list[Any], str | None]] = {
    # a root with two near-duplicate copies, all reporting the same event (one cluster)
    "root": (_text({}), AID, PLACE, [("AID", "CHN", "KGZ", "Bishkek", "2020-03-03", 7.4)], "team"),
    "copy1": (_text({50: "changedb"}), AID, PLACE, [("AID", "CHN", "KGZ", "Bishkek", "2020-03-03", 7.4)], None),
    "copy2": (_text({90: "changedc"}), AID, PLACE, [("AID", "CHN", "KGZ", "Bishkek", "2020-03-03", 7.4)], None),
    # another report of the same event, and a document with an actor nobody else mentions
    "other": ("China sent humanitarian aid to Kyrgyzstan in Bishkek on 4 March 2020. A second report.",
              AID, PLACE, [("AID", "CHN", "KGZ", "Bishkek", "2020-03-04", 7.4)], None),
    "lonely": ("The Teamlark Alliance protested against China in Almaty on 5 May 2021.",
               [("Teamlark Alliance", "group:teamlark", "group", "KAZ"), ("China", "CHN", "state", "CHN")],
               [("Almaty", 43.24, 76.89, "KAZ")], [("PROTEST", "group:teamlark", "CHN", "Almaty", "2021-05-05", -6.0)], "team"),
}


def _build(url: str, keys: list[str]) -> tuple[Any, dict[str, str]]:
    from horizonscan.accounts import Accounts

    store = open_store(url)
    accounts = Accounts(store.engine)
    accounts.add_collection("team", "Team")
    ids = {}
    for key in keys:
        raw, ments, pls, evs, coll = DOCS[key]
        text = clean_text(raw)
        doc = Document(content_id(text), text, Found(key, "test"), Found("2020-03-05", "test"), Found("en", "test"),
                       reader="test.v1")
        store.write(doc, _analysis(text, (None, None, None, None, ments, pls, evs)), f"{key}.txt")
        ids[key] = doc.id
    # into their collections after all are written: a copy is linked only to an original
    # its own readers may read (store.writer._near_duplicate), here all are in default then
    for key in keys:
        if DOCS[key][4]:
            accounts.add_documents(DOCS[key][4], [ids[key]], [])
    return store, ids


def _state(engine: sa.engine.Engine) -> dict[str, Any]:
    """The store's content without its surrogate ids: what must not depend on history."""
    e, d = events.c, documents.c
    with engine.connect() as conn:
        docs = sorted((r.id, r.duplicate_of) for r in conn.execute(sa.select(d.id, d.duplicate_of)))
        clusters: dict[str, set[tuple[str, str]]] = {}
        for r in conn.execute(sa.select(e.cluster_id, e.document_id, e.type)):
            clusters.setdefault(r.cluster_id, set()).add((r.document_id, r.type))
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in metadata.sorted_tables
                  if t.name not in ("audit_log", "users", "sessions", "api_tokens", "collections", "collection_grants",
                                    "upload_jobs", "upload_items", "failures", "visibility_signatures")}
        acts = sorted(conn.execute(sa.select(actors.c.id)).scalars())
        # write-time summary tables (when the schema has them): their content, signature ids as collection lists
        signatures: dict[Any, Any] = {}
        if "visibility_signatures" in metadata.tables:
            signatures = dict(conn.execute(sa.text("SELECT id, collections FROM visibility_signatures")).all())
        summaries = {}
        for t in metadata.sorted_tables:
            if t.name.startswith("summary_"):
                cols = [c for c in t.columns if c.name != "id"]
                summaries[t.name] = sorted((
                    tuple(signatures.get(v, v) if c.name == "signature_id" else round(v, 6) if isinstance(v, float) else v
                          for c, v in zip(cols, r)) for r in conn.execute(sa.select(*cols))), key=repr)
    return {"documents": docs, "clusters": sorted(sorted(c) for c in clusters.values()), "counts": counts, "actors": acts,
            "summaries": summaries}


def check_no_orphans(engine: sa.engine.Engine, deleted: str) -> None:
    """Every table of the schema: no row names the deleted document, every reference resolves."""
    d = documents.c
    with engine.connect() as conn:
        ids = set(conn.execute(sa.select(d.id)).scalars())
        for table in metadata.sorted_tables:
            if table.name == "audit_log":
                continue  # the deletion's own record names it
            for col in table.columns:
                if isinstance(col.type, (sa.String, sa.Text)) and not isinstance(col.type, sa.Enum):
                    n = conn.execute(sa.select(sa.func.count()).select_from(table).where(col == deleted)).scalar()
                    assert n == 0, f"{table.name}.{col.name} still names the deleted document"
            for fk in table.foreign_keys:
                if fk.column.table is documents:
                    col = fk.parent
                    n = conn.execute(sa.select(sa.func.count()).select_from(table).where(col.not_in(sa.select(d.id)))).scalar()
                    assert n == 0, f"{table.name}.{col.name} points at a missing document"
        # upload results keep their line without the link; near-duplicates point at existing roots
        for ref in conn.execute(sa.select(upload_items.c.document_id).where(upload_items.c.document_id.is_not(None))).scalars():
            assert ref in ids
        for r in conn.execute(sa.select(d.id, d.duplicate_of).where(d.duplicate_of.is_not(None))):
            assert r.duplicate_of in ids, "near-duplicate of a missing document"
            root = conn.execute(sa.select(d.duplicate_of).where(d.id == r.duplicate_of)).scalar()
            assert root is None, "near-duplicate of a copy (not of a root)"
        # every actor is still mentioned; every cluster is named after its first event
        e = events.c
        for a in conn.execute(sa.select(actors.c.id)).scalars():
            used = conn.execute(sa.select(sa.func.count()).select_from(events).where(
                sa.or_(e.source_actor_id == a, e.target_actor_id == a, e.speaker_actor_id == a))).scalar()
            used += conn.execute(sa.text("SELECT count(*) FROM mentions WHERE actor_id = :a"), {"a": a}).scalar()
            assert used, f"actor {a} is left without mentions or events"
        for cluster, first in conn.execute(sa.select(e.cluster_id, sa.func.min(e.id)).group_by(e.cluster_id)):
            assert cluster == f"ev{first}"
        if engine.dialect.name == "sqlite":
            fts = set(conn.execute(sa.text("SELECT document_id FROM documents_fts")).scalars())
            assert fts == ids


def test_delete_leaves_nothing_behind_and_matches_a_store_that_never_had_it(store_url: str, tmp_path: Path) -> None:
    from horizonscan.store import jobs
    from horizonscan.store.accounts import create_user

    keys = list(DOCS)
    store, ids = _build(store_url, keys)
    engine = store.engine
    with engine.connect() as conn:
        dup = dict(conn.execute(sa.select(documents.c.id, documents.c.duplicate_of)).all())
    assert dup[ids["copy1"]] == ids["root"] and dup[ids["copy2"]] == ids["root"]  # the fixture really has near-duplicates
    uid = create_user(engine, "up", "x", "scanner")
    jobs.create_job(engine, "a" * 32, uid, "team", "/spool", False, [{"kind": "file", "name": "root.txt", "input": "/spool/root.txt"}])
    jobs.finish_item(engine, "a" * 32, jobs.pending_items(engine, "a" * 32)[0]["id"],
                     [{"name": "root.txt", "status": "added", "document_id": ids["root"]}])

    store.record_failure("root.txt", "analysis failed (simulated)", "analyse")  # stored without analysis: goes with it
    store.record_failure("elsewhere.txt", "E107 no such file", "read")  # about another input: stays
    # the root of two copies and of an event cluster, in a collection, named by an upload
    with engine.begin() as conn:
        result = delete_document(conn, ids["root"], user_name="tester", ip="127.0.0.1")
    assert result is not None and result.new_root == ids["copy1"] and result.repointed == [ids["copy2"]]
    assert result.renamed_clusters and result.collections == ["team"]
    check_no_orphans(engine, ids["root"])
    assert "failures" in result.rows and [f["input"] for f in store.status()["failed"]] == ["elsewhere.txt"]
    # an actor only one document mentions goes with it
    assert delete_documents(engine, [ids["lonely"], "0" * 16], user_name="tester")[1] is None
    check_no_orphans(engine, ids["lonely"])
    with engine.connect() as conn:
        assert "group:teamlark" not in set(conn.execute(sa.select(actors.c.id)).scalars())
        audit = conn.execute(sa.select(audit_log).where(audit_log.c.action == "delete").order_by(audit_log.c.id)).all()
    assert [(a.user_name, a.target) for a in audit] == [("tester", ids["root"]), ("tester", ids["lonely"])]
    assert audit[0].ip == "127.0.0.1" and audit[0].detail["collections"] == ["team"]
    assert jobs.get_job(engine, "a" * 32)["items"][0]["document_id"] is None  # type: ignore[index]

    # the same as a store into which the deleted documents were never ingested
    fresh, _ = _build(f"sqlite:///{tmp_path / 'fresh.db'}", [k for k in keys if k not in ("root", "lonely")])
    assert _state(engine) == _state(fresh.engine)
    # searching still works and finds the promoted copy (no longer hidden as a duplicate)
    assert {h.id for h in store.search("humanitarian")} == {ids["copy1"], ids["other"]}
    store.close()
    fresh.close()


def test_deleting_a_copy_keeps_its_root(store_url: str) -> None:
    store, ids = _build(store_url, ["root", "copy1"])
    before = store.generation()
    with store.engine.begin() as conn:
        result = delete_document(conn, ids["copy1"], user_name=None)
    assert store.generation() > before  # cached charts are recomputed
    assert result is not None and result.new_root is None
    check_no_orphans(store.engine, ids["copy1"])
    assert store.document(ids["root"]) is not None and len(store.document(ids["root"]).events) == 1  # type: ignore[union-attr]
    store.close()


def test_cli_delete(tmp_path: Path, monkeypatch: Any) -> None:
    import importlib

    from typer.testing import CliRunner

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store, ids = _build(url, ["root", "other"])
    store.close()
    cli = importlib.import_module("horizonscan.cli.app")
    monkeypatch.setattr(cli.state, "db", cli.state.db)
    monkeypatch.setenv("HORIZONSCAN_DB", url)
    runner = CliRunner()
    no = runner.invoke(cli.app, ["--db", url, "delete", ids["root"]], input="n\n")
    assert no.exit_code == 1 and "root" in no.output  # asks first, shows the title; nothing deleted
    missing = runner.invoke(cli.app, ["--db", url, "delete", "f" * 16, "--yes"])
    assert missing.exit_code == 2 and "E306" in missing.output
    ok = runner.invoke(cli.app, ["--db", url, "delete", ids["root"][:10], ids["other"], "--yes"])
    assert ok.exit_code == 0, ok.output
    store = open_store(url)
    assert store.document(ids["other"]) is None
    check_no_orphans(store.engine, ids["root"])
    log = [r for r in store.engine.connect().execute(sa.select(audit_log.c.action, audit_log.c.user_name, audit_log.c.detail))]
    assert [r.action for r in log] == ["delete", "delete"] and all(r.user_name.startswith("cli:") for r in log)
    store.close()
