"""``horizonscan reanalyse``: stale documents get exactly the analysis a fresh ingest gives
them, in one transaction each, with summaries, clusters and actors kept right; the rest of
the store stays as it was; failures keep the old analysis and the batch goes on. On SQLite
and (slow) PostgreSQL, plus the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from test_delete import _state, check_no_orphans

from horizonscan.analysis.pipeline import ANALYSER_VERSION
from horizonscan.ingest import reanalyse as run
from horizonscan.ingest.run import ingest
from horizonscan.settings import Settings
from horizonscan.store import Store, open_store, summary
from horizonscan.store import reanalyse as stored
from horizonscan.store.accounts import add_documents, audit, create_collection
from horizonscan.store.delete import ANALYSIS_TABLES
from horizonscan.store.schema import (
    actors,
    audit_log,
    collection_documents,
    document_inputs,
    documents,
    events,
    lsh_bands,
    mentions,
    minhashes,
    places,
    time_expressions,
)

# Short notes in our own words: actors, places, dates and events the analyser finds.
# a and b report the same aid delivery (one event cluster); d-copy nearly duplicates d.
LONG = (
    "Pakistan and China signed an agreement on a hydropower dam near Gilgit on 2 September 2019. The energy ministry in "
    "Islamabad said the loan would cover most of the cost and that Chinese engineers would arrive in the spring. Local "
    "councils asked for compensation for farmland that the reservoir would flood, and a group of residents wrote to the "
    "provincial government in the same week. The company building the dam promised to hire workers from the valley and "
    "to publish its environmental study before work began. Critics in Lahore questioned the interest rate and the length "
    "of the repayment period, while officials in Beijing described the project as a model for cooperation in the region."
)
NOTES = {
    "a.md": ("Aid lands in Bishkek", "2020-03-05",
             "China sent humanitarian aid to Kyrgyzstan on 3 March 2020. The shipment of medical supplies landed at the "
             "airport in Bishkek, and the Kyrgyz health ministry thanked Beijing. Officials said a second delivery would "
             "follow next month."),
    "b.md": ("Health ministry receives supplies", "2020-03-06",
             "Kyrgyzstan received humanitarian aid from China on 4 March 2020, according to the health ministry in Bishkek. "
             "Chinese diplomats met Kyrgyz officials in Osh the following week."),
    "c.md": ("Protest in Naryn", "2021-05-14",
             "Residents protested against a Chinese mining company in Naryn on 12 May 2021. Police in Kazakhstan detained "
             "two activists in Almaty last Tuesday, and the government of Kazakhstan criticised the protest."),
    "d.md": ("Dam agreement", "2019-09-10", LONG),
    "d2.md": ("Dam agreement (syndicated)", "2019-09-11", LONG.replace("spring", "summer")),
}
LATE = {"e.md": ("Rail freight through Khorgos", "2022-01-20",
                 "Kazakhstan and China agreed on 18 January 2022 to expand rail freight through Khorgos. The transport "
                 "ministers met in Astana and promised new customs posts.")}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]
NAMES = [*NOTES, *LATE]


def _write(folder: Path, notes: dict[str, tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, day, body) in notes.items():
        (folder / name).write_text(f"---\ntitle: {title}\ndate: {day}\n---\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("reanalyse")
    return _write(root / "notes", NOTES), _write(root / "late", LATE)


def build(url: str, corpus: tuple[Path, Path], analyse_late: bool) -> tuple[Store, dict[str, str]]:
    """Ingest the notes (c in collection ``team``), then ``e.md``: analysed or not."""
    store = open_store(url)
    settings = Settings(db_url=url)
    report = ingest([str(corpus[0])], store, settings)
    report.outcomes += ingest([str(corpus[1])], store, settings, analyse=analyse_late).outcomes
    ids = {Path(o.input).name: str(o.document_id) for o in report.outcomes}
    assert sorted(ids) == sorted(NAMES) and all(o.status in ("added", "near-duplicate") for o in report.outcomes)
    create_collection(store.engine, "team", "Team")
    add_documents(store.engine, "team", [ids["c.md"]])
    return store, ids


@pytest.fixture(scope="module")
def fresh(corpus: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, str]]]:
    """Every note ingested with the current analyser: what reanalysis must give back."""
    store, ids = build(f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'fresh.db'}", corpus, analyse_late=True)
    yield store, ids
    store.close()


def _url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(request.getfixturevalue("pg_store_url")) if backend == "postgresql" else f"sqlite:///{tmp_path / 'store.db'}"


def _value(v: Any) -> Any:
    return round(v, 6) if isinstance(v, float) else v


def analysis_rows(engine: sa.engine.Engine, doc_id: str, *, with_ids: bool = False) -> dict[str, list[Any]]:
    """A document's analysis rows, sorted; without surrogate ids and cluster names unless asked."""
    out = {}
    with engine.connect() as conn:
        for table in ANALYSIS_TABLES:
            cols = [c for c in table.columns if with_ids or c.name not in ("id", "cluster_id")]
            rows = conn.execute(sa.select(*cols).where(table.c.document_id == doc_id))
            out[table.name] = sorted((tuple(_value(v) for v in r) for r in rows), key=repr)
    return out


def stored_rows(engine: sa.engine.Engine) -> dict[str, Any]:
    """What reanalysis must never touch: document rows (but ``analyser``), inputs,
    collections, signatures, band keys, the audit log, the full-text rows."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in (documents, document_inputs, collection_documents, minhashes, lsh_bands, audit_log):
            cols = [c for c in table.columns if c.name != "analyser"]
            out[table.name] = sorted((tuple(_value(v) for v in r) for r in conn.execute(sa.select(*cols))), key=repr)
        if engine.dialect.name == "sqlite":
            out["fts"] = sorted(conn.execute(sa.text("SELECT document_id, title, text FROM documents_fts")).all())
    return out


def summary_matches_rebuild(store: Store) -> None:
    """The summary kept document by document equals a recount from scratch."""
    kept = _state(store.engine)["summaries"]
    with store.engine.begin() as conn:
        summary.rebuild(conn)
    assert _state(store.engine)["summaries"] == kept


def tamper(store: Store, doc_id: str, change: Callable[[sa.Connection], None]) -> None:
    """Give a document an older analysis: ``change`` its rows (summary kept right around it)."""
    with store.engine.begin() as conn:
        summary.remove_document(conn, doc_id)
        change(conn)
        conn.execute(documents.update().where(documents.c.id == doc_id).values(analyser="analyse.v1"))
        summary.add_document(conn, doc_id)


def _older_a(doc_id: str) -> Callable[[sa.Connection], None]:
    def change(conn: sa.Connection) -> None:  # fewer places and dates; other triggers and confidences
        for table in (places, time_expressions):
            conn.execute(table.delete().where(table.c.document_id == doc_id))
        conn.execute(events.update().where(events.c.document_id == doc_id).values(trigger="v1", confidence=0.1, coder="analyse.v1"))
        conn.execute(mentions.update().where(mentions.c.document_id == doc_id).values(confidence=0.2))
    return change


def _older_c(doc_id: str) -> Callable[[sa.Connection], None]:
    def change(conn: sa.Connection) -> None:  # one event less, and an actor only the old analysis knew
        first = conn.execute(sa.select(sa.func.min(events.c.id)).where(events.c.document_id == doc_id)).scalar()
        conn.execute(events.delete().where(events.c.id == first))
        conn.execute(actors.insert().values(id="person:old-reading", kind="person", name="Old Reading"))
        conn.execute(mentions.insert().values(document_id=doc_id, start=0, end=9, text="Residents", label="PER",
                                              actor_id="person:old-reading", name="Old Reading", confidence=0.5))
        conn.execute(places.update().where(places.c.document_id == doc_id).values(country="UZB"))
    return change


def _older_copy(doc_id: str) -> Callable[[sa.Connection], None]:
    def change(conn: sa.Connection) -> None:  # no mentions at all
        conn.execute(mentions.delete().where(mentions.c.document_id == doc_id))
    return change


@pytest.mark.parametrize("backend", BACKENDS)
def test_stale_documents_get_a_fresh_analysis_and_nothing_else_changes(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, corpus: tuple[Path, Path],
        fresh: tuple[Store, dict[str, str]]) -> None:
    store, ids = build(_url(backend, request, tmp_path), corpus, analyse_late=False)
    engine = store.engine
    ref, ref_ids = fresh
    assert ids == ref_ids  # same texts, same content ids
    with engine.connect() as conn:
        dup = dict(conn.execute(sa.select(documents.c.id, documents.c.duplicate_of)).all())
    assert dup[ids["d2.md"]] == ids["d.md"]  # the copy really is one
    shared = [c for c in _state(engine)["clusters"] if len({d for d, _ in c}) > 1]
    groups = {tuple(sorted({d for d, _ in c})) for c in shared}  # a and b report one event, and so do d and its copy
    assert groups == {tuple(sorted([ids["a.md"], ids["b.md"]])), tuple(sorted([ids["d.md"], ids["d2.md"]]))}

    # a, c and the copy carry an older analysis; e was stored without one (after a time-out)
    tamper(store, ids["a.md"], _older_a(ids["a.md"]))
    tamper(store, ids["c.md"], _older_c(ids["c.md"]))
    tamper(store, ids["d2.md"], _older_copy(ids["d2.md"]))
    with engine.connect() as conn:
        late_input = conn.execute(sa.select(document_inputs.c.input).where(document_inputs.c.document_id == ids["e.md"])).scalar_one()
    store.record_failure(late_input, "E221 analysis exceeded the time limit of 120 s", "analyse")
    store.record_failure("elsewhere.txt", "E107 no such file", "read")
    audit(engine, "login", "someone")
    stale = [ids[n] for n in ("a.md", "c.md", "d2.md", "e.md")]
    st = store.status()
    assert st["stale"] == 4 and st["unanalysed"] == 1 and st["analyser"] == ANALYSER_VERSION
    assert run.select(store) == stale  # in ingest order
    assert analysis_rows(engine, ids["a.md"]) != analysis_rows(ref.engine, ids["a.md"])  # the older analysis differs
    untouched = {n: analysis_rows(engine, ids[n], with_ids=True) for n in ("b.md", "d.md")}
    kept = stored_rows(engine)
    generation = store.generation()

    report = run.reanalyse(store, Settings(db_url=str(engine.url)), run.select(store))
    assert [(o.document_id, o.status) for o in report.outcomes] == [(d, "reanalysed") for d in stale]
    assert [o.previous for o in report.outcomes] == ["analyse.v1", "analyse.v1", "analyse.v1", None]

    # every document now has exactly the analysis of a fresh ingest; the rest of the store is as it was
    assert store.status()["stale"] == 0 and store.generation() > generation
    for name in NAMES:
        assert analysis_rows(engine, ids[name]) == analysis_rows(ref.engine, ids[name]), name
    for name, rows in untouched.items():  # the very same rows (ids too); only a cluster name may follow its first event
        now = analysis_rows(engine, ids[name], with_ids=True)
        cluster = [c.name for c in events.columns].index("cluster_id")
        assert {k: v for k, v in now.items() if k != "events"} == {k: v for k, v in rows.items() if k != "events"}
        assert [r[:cluster] + r[cluster + 1:] for r in now["events"]] == [r[:cluster] + r[cluster + 1:] for r in rows["events"]]
    assert stored_rows(engine) == kept
    mine, theirs = _state(engine), _state(ref.engine)  # clusters, actors, row counts, summary tables
    assert mine == theirs
    assert "person:old-reading" not in mine["actors"]
    check_no_orphans(engine, "-")  # every cluster named after its first event, every actor used, FTS rows intact
    summary_matches_rebuild(store)
    assert [f["input"] for f in store.status()["failed"]] == ["elsewhere.txt"]  # the time-out note went, the other stays

    # a second run has nothing to do and changes nothing
    generation, before = store.generation(), (stored_rows(engine), _state(engine))
    assert run.select(store) == []
    assert run.reanalyse(store, Settings(db_url=str(engine.url)), run.select(store)).outcomes == []
    assert (stored_rows(engine), _state(engine)) == before and store.generation() == generation
    store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failing_document_keeps_its_old_analysis_and_the_others_go_on(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, corpus: tuple[Path, Path],
        fresh: tuple[Store, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.analysis import pipeline

    store, ids = build(_url(backend, request, tmp_path), corpus, analyse_late=True)
    engine = store.engine
    tamper(store, ids["c.md"], _older_c(ids["c.md"]))
    tamper(store, ids["a.md"], _older_a(ids["a.md"]))
    old_c = analysis_rows(engine, ids["c.md"], with_ids=True)
    real = pipeline.analyse

    def broken(text: str, *args: Any, **kwargs: Any) -> Any:
        if "Naryn" in text:
            raise ValueError("simulated analyser bug")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", broken)
    todo = run.select(store)
    assert todo == [ids["a.md"], ids["c.md"]]
    report = run.reanalyse(store, Settings(db_url=str(engine.url)), [*todo, "0" * 16])
    assert [(o.document_id, o.status) for o in report.outcomes] == [(ids["a.md"], "reanalysed"), (ids["c.md"], "failed"),
                                                                     ("0" * 16, "gone")]
    failed = report.failed[0]
    assert failed.reason is not None and failed.reason.startswith("E299") and "simulated analyser bug" in failed.reason
    assert failed.title == "Protest in Naryn"
    # c is untouched (still stale, same rows); a is current; the store is consistent
    assert analysis_rows(engine, ids["c.md"], with_ids=True) == old_c
    assert run.select(store) == [ids["c.md"]] and store.status()["stale"] == 1
    assert analysis_rows(engine, ids["a.md"]) == analysis_rows(fresh[0].engine, ids["a.md"])
    check_no_orphans(engine, "-")
    summary_matches_rebuild(store)
    # explicit ids (prefixes too) and the whole store are selectable; unknown ids are reported
    assert stored.resolve(engine, [ids["b.md"][:8], "nosuchdoc", ids["b.md"]]) == ([ids["b.md"]], ["nosuchdoc"])
    assert run.select(store, ids=[ids["d.md"], ids["b.md"]]) == [ids["b.md"], ids["d.md"]]
    assert len(run.select(store, everything=True)) == len(NAMES) and len(run.select(store, everything=True, limit=2)) == 2
    store.close()


def test_cli_exit_codes_progress_and_status(tmp_path: Path, corpus: tuple[Path, Path]) -> None:
    from horizonscan.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store, ids = build(url, corpus, analyse_late=False)
    tamper(store, ids["a.md"], _older_a(ids["a.md"]))
    store.close()
    runner = CliRunner()

    def hs(*args: str) -> Any:
        return runner.invoke(app, ["--db", url, *args], catch_exceptions=False)

    assert "Example" in hs("reanalyse", "--help").output
    st = hs("status")
    assert st.exit_code == 0 and "stale" in st.output and "horizonscan reanalyse" in st.output
    assert json.loads(hs("status", "--format", "json").output)["stale"] == 2
    # usage errors change nothing
    missing = hs("reanalyse", ids["a.md"], "f" * 16)
    assert missing.exit_code == 2 and "E307" in missing.output and "ffffffffffffffff" in missing.output
    assert hs("reanalyse", "--all", ids["a.md"]).exit_code == 2
    assert hs("reanalyse", "--limit", "0").exit_code == 2
    assert json.loads(hs("status", "--format", "json").output)["stale"] == 2
    # a time limit nothing can meet: both fail, keep their analysis, exit 1
    slow = hs("reanalyse", "--timeout", "0.001")
    assert slow.exit_code == 1 and "E221" in slow.output and "failed" in slow.output
    assert json.loads(hs("status", "--format", "json").output)["stale"] == 2
    # one at a time, then the rest; then nothing to do
    one = hs("reanalyse", "--limit", "1")
    assert one.exit_code == 0 and "reanalysed" in one.output
    assert json.loads(hs("status", "--format", "json").output)["stale"] == 1
    rest = hs("reanalyse")
    assert rest.exit_code == 0, rest.output
    again = hs("reanalyse")
    assert again.exit_code == 0 and "nothing to reanalyse" in again.output
    assert json.loads(hs("status", "--format", "json").output)["stale"] == 0
    assert "horizonscan reanalyse" not in hs("status").output
    # explicit ids reanalyse current documents too; quiet prints nothing
    quiet = hs("reanalyse", ids["b.md"][:10], "--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""
    store = open_store(url)
    with store.engine.connect() as conn:
        runs = conn.execute(sa.select(audit_log.c.target, audit_log.c.detail).where(audit_log.c.action == "reanalyse")
                            .order_by(audit_log.c.id)).all()
    assert [r.detail["reanalysed"] for r in runs] == [0, 1, 1, 1] and all(r.target == ANALYSER_VERSION for r in runs)
    assert runs[0].detail["failed"] == [ids["a.md"], ids["e.md"]] and runs[-1].detail["selection"] == "ids"
    store.close()
