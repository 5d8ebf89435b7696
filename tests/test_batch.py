"""Batch runner pieces that need no cluster: codec, partitions, manifest, loading, tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horizonscan.batch import codec, partitions
from horizonscan.batch.runner import UNKNOWN_BYTES, default_out, fingerprint, load_partition, plan_chunks, run_id_for
from horizonscan.batch.tasks import InputResult, Raised, process_chunk, process_input, resolve
from horizonscan.ingest.sources import Item, expand
from horizonscan.records import (
    Analysis,
    Citation,
    DateMention,
    Document,
    Event,
    EventActor,
    EventDate,
    EventPlace,
    Found,
    Mention,
    PlaceMention,
    Sentence,
    Theme,
)
from horizonscan.settings import Settings
from horizonscan.store import open_store

LIGHT = "horizonscan.batch.testing:light_analyse"


def _analysis() -> Analysis:
    china = EventActor("China", "CHN", "CHN", "GOV", 0, 5)
    return Analysis(
        language="en",
        sentences=(Sentence(0, 40),),
        mentions=(Mention(0, 5, "China", "GPE", "CHN", "CHN", "state", "GOV", "China", 0.9),),
        places=(PlaceMention(20, 30, "Kyrgyzstan", "Kyrgyzstan", 41.5, 75.0, "KGZ", 1527747, "country", 0.8),),
        dates=(DateMention(31, 39, "in 2020", "2020", "year", mod="APPROX", anchored=True),),
        themes=(Theme("human-security", "health", 0, 40, ("masks", "clinic"), 0.7),),
        citations=(Citation("1", 41, 60, "Xinhua, 2 March 2020", outlet="Xinhua", date="2020-03-02", cited_start=0, cited_end=40),),
        events=(
            Event(
                "AID", "humanitarian", china, EventActor("Kyrgyzstan", "KGZ"), 0, 40, trigger="sent",
                place=EventPlace("Bishkek", 42.87, 74.59, "KGZ", 1528675), date=EventDate("2020", "year", "in 2020"),
                speaker=None, confidence=0.75, cameo="073", score=7.4,
            ),
        ),
        analyser="analyse.v1",
    )


def _document(text: str = "China sent masks to Kyrgyzstan in 2020.") -> Document:
    return Document(
        id="0123456789abcdef", text=text, title=Found("Masks", "html:title"), published=Found("2020-03-05", "html:meta"),
        language=Found("en", "lingua"), path="/tmp/a.txt", source="/tmp", reader="text.v1", extra={"k": ["v", 1]},
    )


def test_codec_round_trips_every_record_kind() -> None:
    a, d = _analysis(), _document()
    assert codec.load_analysis(codec.dumps(a)) == a
    assert codec.load_document(codec.dumps(d)) == d
    assert codec.load_analysis(None) is None


def test_codec_ignores_unknown_keys() -> None:
    data = json.loads(codec.dumps(_document()))
    data["added_later"] = 1
    assert codec.load_document(json.dumps(data)) == _document()


def test_run_id_is_stable_and_order_free(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a = run_id_for(["x", "https://e.org/f.xml"], LIGHT, "china_abroad")
    assert a == run_id_for(["https://e.org/f.xml", str(tmp_path / "x")], LIGHT, "china_abroad")
    assert a != run_id_for(["x"], LIGHT, "china_abroad")
    assert a != run_id_for(["x", "https://e.org/f.xml"], "m:f", "china_abroad")


def test_default_out_is_beside_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_out(f"sqlite:///{tmp_path}/sub/hs.db") == tmp_path / "sub" / ".horizonscan-batch"
    assert default_out("hs.db") == tmp_path / ".horizonscan-batch"
    assert default_out("postgresql+psycopg://u@h/db") == tmp_path / ".horizonscan-batch"


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:02d}.txt").write_text(
            f"Note {i} from Bishkek\n\nDelegation {i} from Beijing met officials in Osh about road {i * 13}; "
            f"residents asked about compensation number {i * 7} and water {i * 3}.\n",
            encoding="utf-8",
        )
    return folder


def _results(folder: Path) -> list[InputResult]:
    return [process_input(item, fingerprint(item), Settings(), LIGHT) for item in expand([str(folder)])]


def test_process_input_reads_and_analyses(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    _corpus(tmp_path / "in", 2)
    results = {Path(r.input).name: r for r in _results(tmp_path / "in")}
    assert results["empty.txt"].failed_stage == "read" and results["empty.txt"].reason.startswith("E101")
    ok = results["doc01.txt"]
    assert ok.failed_stage is None and len(ok.documents) == 1
    assert ok.documents[0].analysis is not None and ok.documents[0].analysis.analyser == "light.v1"
    assert ":" in ok.fingerprint


def test_poison_hook_raises_and_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _corpus(tmp_path / "in", 2)
    log = tmp_path / "attempts.log"
    monkeypatch.setenv("HORIZONSCAN_TEST_POISON", "nothing=exit,doc01=raise")
    monkeypatch.setenv("HORIZONSCAN_TEST_POISON_LOG", str(log))
    with pytest.raises(RuntimeError, match="poison"):
        _results(tmp_path / "in")
    assert len(log.read_text().splitlines()) == 1


def test_a_chunk_keeps_the_other_inputs_when_one_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _corpus(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    monkeypatch.setenv("HORIZONSCAN_TEST_POISON", "doc01=raise")
    entries = [(item, fingerprint(item)) for item in expand([str(tmp_path / "in")])]
    out = process_chunk(entries, Settings(), LIGHT)
    assert [Path(r.input).name for r in out] == ["doc00.txt", "doc01.txt", "doc02.txt", "empty.txt"]
    raised = out[1]
    assert isinstance(raised, Raised) and raised.error.startswith("RuntimeError: test poison document")
    assert raised.fingerprint == entries[1][1]
    assert all(isinstance(r, InputResult) for i, r in enumerate(out) if i != 1)
    assert out[0].documents and out[2].documents and out[3].failed_stage == "read"


def _todo(sizes: list[int | None]) -> list[tuple[Item, str]]:
    """Fake inputs: a file of each size, or a URL for None."""
    return [
        (Item(f"https://e.org/{i}"), "") if n is None else (Item(f"/d/{i}.txt", path=Path(f"/d/{i}.txt")), f"{n}:1")
        for i, n in enumerate(sizes)
    ]


def test_plan_chunks_by_count_bytes_and_threads() -> None:
    def shape(todo: list[tuple[Item, str]], threads: int, **kw: int) -> list[int]:
        chunks = plan_chunks(todo, threads, **kw)
        assert [e for c in chunks for e in c] == todo  # every input once, in order
        return [len(c) for c in chunks]

    many = _todo([2000] * 100)
    assert shape(many, 2, chunk=8) == [8] * 12 + [4]
    assert shape(many, 2, chunk=1) == [1] * 100
    # A short run: about four tasks per thread, so the workers finish together.
    assert shape(_todo([2000] * 20), 2, chunk=8) == [3] * 6 + [2]
    assert shape(_todo([2000] * 5), 2, chunk=8) == [1] * 5
    # Bytes: a big input goes alone; URLs count as UNKNOWN_BYTES.
    assert shape(_todo([100, 100, 9000, 100] + [100] * 28), 1, chunk=8, chunk_bytes=5000) == [2, 1, 8, 8, 8, 5]
    assert shape(_todo([None] * 64), 1, chunk=8, chunk_bytes=2 * UNKNOWN_BYTES) == [2] * 32


def test_resolve_accepts_both_spellings() -> None:
    assert resolve(LIGHT) is resolve("horizonscan.batch.testing.light_analyse")
    with pytest.raises((ImportError, AttributeError)):
        resolve("horizonscan.batch.testing:nope")


def test_partition_is_committed_atomically_and_indexed(tmp_path: Path) -> None:
    _corpus(tmp_path / "in", 3)
    rows = [row for r in _results(tmp_path / "in") for row in partitions.rows_for(r)]
    run = tmp_path / "run"
    run.mkdir()
    (run / ".tmp-part-00000-deadbeef.parquet").write_bytes(b"half written")
    assert partitions.remove_temporaries(run) == 1
    path = partitions.write_partition(run, rows, partitions.next_seq(run))
    assert [p.name for p in run.iterdir()] == [path.name]  # no temporary left
    assert partitions.next_seq(run) == 1
    back = list(partitions.read_rows(path))
    assert [r["input"] for r in back] == [r["input"] for r in rows]
    assert codec.load_document(back[0]["document"]).text.startswith("Note 0")
    # A crash between the rename and the manifest append: the partition is indexed again.
    m = partitions.Manifest(run, {"inputs": []})
    assert len(m.done()) == 3 and m.unloaded() == [path.name]
    m.mark_loaded(path.name)
    with open(run / "manifest.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"partition": "torn')  # a crash mid-append
    m2 = partitions.Manifest(run, {"inputs": []})
    assert m2.unloaded() == [] and m2.done() == m.done()
    m2.mark_loaded(path.name)
    assert partitions.Manifest(run, {}).unloaded() == []  # still parses after the torn line


def test_fetch_failures_are_not_done(tmp_path: Path) -> None:
    rows = partitions.rows_for(InputResult("https://127.0.0.1:9/x", "", failed_stage="fetch", reason="E120 timeout"))
    rows += partitions.quarantine_rows("poison.txt", "1:2", "E251 quarantined")
    path = partitions.write_partition(tmp_path, rows, 0)
    assert partitions.done_inputs(path) == {("poison.txt", "1:2")}


def test_loading_a_partition_twice_stores_each_document_once(tmp_path: Path, store_url: str) -> None:
    _corpus(tmp_path / "in", 4)
    results = _results(tmp_path / "in")
    rows = [row for r in results for row in partitions.rows_for(r)]
    rows += partitions.quarantine_rows("poison.txt", "", "E251 quarantined after 3 attempts: RuntimeError: boom")
    path = partitions.write_partition(tmp_path, rows, 0)
    store = open_store(store_url)
    try:
        first = load_partition(store, path)
        second = load_partition(store, path)
        st = store.status()
    finally:
        store.close()
    assert first.added == 4 and second.added == 0 and second.duplicates == 4
    assert st["documents"] == 4 and st["inputs"] == 4
    assert [(f["input"], f["stage"]) for f in st["failed"]] == [("poison.txt", "analyse")]
    assert st["failed"][0]["reason"].startswith("E251")


def test_relax_malloc_trim_only_acts_under_the_nanny_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess
    import sys

    from horizonscan.batch.tasks import relax_malloc_trim

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    assert relax_malloc_trim() is False  # a plain process keeps glibc's own adjustment
    # In a fresh process started as the Dask nanny starts workers (glibc reads the variable at start).
    code = "from horizonscan.batch.tasks import relax_malloc_trim; print(relax_malloc_trim())"
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("True" if sys.platform.startswith("linux") else "False")


def test_warm_up_registration_survives_a_worker_leaving() -> None:
    """A worker that goes away during the plugin broadcast fails the scheduler's call; it is retried."""
    pytest.importorskip("distributed")
    from distributed.comm.core import CommClosedError

    from horizonscan.batch import runner

    class Flaky:
        calls = 0

        def register_plugin(self, plugin: object, name: str) -> None:
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise CommClosedError("in <TCP (closed)>: Stream is closed")

    runner._register_warm_up(Flaky(), object(), "warm", attempts=2)  # type: ignore[arg-type]
    assert Flaky.calls == 2

    class Dead:
        def register_plugin(self, plugin: object, name: str) -> None:
            raise CommClosedError("gone")

    with pytest.raises(runner.BatchError, match="E512"):
        runner._register_warm_up(Dead(), object(), "warm", attempts=2)  # type: ignore[arg-type]
