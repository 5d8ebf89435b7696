"""Worker processes (``horizonscan.workers``): results in input order, hard limits on time, memory
and output, one retry, and the same output and store contents with one worker or two."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from horizonscan.workers import Limits, Pool


# --- tasks run by the workers (module level: a spawned worker imports them by name) ---------------
def slow_echo(arg: tuple[int, float], ask: Any) -> Any:
    index, pause = arg
    time.sleep(pause)
    return index * 10, ask(index)


def sleeps_forever(arg: Any, ask: Any) -> Any:
    if arg == "hang":
        time.sleep(600)
    return arg


def grows(arg: Any, ask: Any) -> Any:
    if arg == "grow":
        chunks = []
        for _ in range(400):  # 4 GB if nothing stopped it
            chunks.append(bytearray(10 * 2**20))
            time.sleep(0.01)
    return arg


def talks_too_much(arg: Any, ask: Any) -> Any:
    return b"x" * (3 * 2**20) if arg == "big" else arg


def dies_first_time(arg: str, ask: Any) -> Any:
    """Kills its own process unless ``arg`` (a marker file) exists; creates it first."""
    marker = Path(arg)
    if not marker.exists():
        marker.write_text("tried")
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


def always_dies(arg: Any, ask: Any) -> Any:
    if arg == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return arg


# --- the pool ----------------------------------------------------------------------------------
def test_results_come_in_input_order_with_answers() -> None:
    pauses = [0.6, 0.0, 0.3, 0.0, 0.1, 0.0]  # the first finishes last
    with Pool(2, isolate=True) as pool:
        done = list(pool.run(slow_echo, enumerate(pauses), on_ask=lambda i, q: f"answer {i}:{q}"))
    assert [d.index for d in done] == list(range(6))
    assert [d.value for d in done] == [(i * 10, f"answer {i}:{i}") for i in range(6)]
    assert all(d.error is None and d.answers == [d.index] for d in done)


def test_in_process_pool_gives_the_same_results() -> None:
    pauses = [0.05, 0.0, 0.02]
    here = list(Pool(1).run(slow_echo, enumerate(pauses), on_ask=lambda i, q: q + 1))
    with Pool(2, isolate=True) as pool:
        there = list(pool.run(slow_echo, enumerate(pauses), on_ask=lambda i, q: q + 1))
    assert [d.value for d in here] == [d.value for d in there] == [(0, 1), (10, 2), (20, 3)]


def test_a_task_over_the_time_limit_is_killed_retried_once_and_the_queue_moves_on() -> None:
    start = time.monotonic()
    with Pool(1, Limits(seconds=1.5), isolate=True) as pool:
        done = list(pool.run(sleeps_forever, ["a", "hang", "b"]))
    assert done[0].value == "a" and done[2].value == "b"
    assert done[1].value is None and done[1].error is not None
    assert done[1].error.startswith("E222") and "tried 2 times" in done[1].error
    assert time.monotonic() - start < 60


def test_a_task_over_the_memory_limit_is_killed() -> None:
    with Pool(1, Limits(seconds=60, memory_mb=300), isolate=True) as pool:
        done = list(pool.run(grows, ["grow", "after"]))
        peak = pool.peak_rss_mb
    assert done[0].error is not None and done[0].error.startswith("E223"), done[0].error
    assert done[1].value == "after"
    assert peak < 300 + 200  # killed near the cap, not at 4 GB


def test_an_output_over_the_limit_is_refused() -> None:
    with Pool(1, Limits(output_mb=1), isolate=True) as pool:
        done = list(pool.run(talks_too_much, ["big", "small"]))
    assert done[0].error is not None and done[0].error.startswith("E224")
    assert done[1].value == "small"


def test_a_worker_killed_mid_task_restarts_once_then_fails(tmp_path: Path) -> None:
    with Pool(1, isolate=True) as pool:
        # killed the first time only: the retry on a fresh worker finishes the task
        (once,) = list(pool.run(dies_first_time, [str(tmp_path / "marker")]))
        assert once.value == "survived" and once.error is None
        # killed every time: tried twice, then failed with its reason; the next task still runs
        done = list(pool.run(always_dies, ["die", "fine"]))
    assert done[0].error is not None and done[0].error.startswith("E225") and "signal 9" in done[0].error
    assert "tried 2 times" in done[0].error
    assert done[1].value == "fine"


def test_usable_cores_is_the_default_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.settings import Settings

    monkeypatch.delenv("HORIZONSCAN_WORKERS", raising=False)
    assert Settings().workers == len(os.sched_getaffinity(0))
    monkeypatch.setenv("HORIZONSCAN_WORKERS", "3")
    assert Settings().workers == 3


# --- the commands, with real analysers ---------------------------------------------------------
TEXTS = [
    "Kazakhstan and China signed a pipeline agreement in Astana on 3 March 2019.\n\n"
    "Protesters in Bishkek accused the Chinese company of polluting the river.",
    "China sent medical supplies to Kyrgyzstan in April 2020. The ambassador met the health minister.",
    "The Shanghai Cooperation Organisation held its summit in Tashkent in 2016.",
    "Tajikistan asked China for a loan to build a road near Dushanbe in 2018. " * 3,
    "Uzbekistan and China opened a railway tunnel in 2016, officials said in Tashkent.",
]


def _corpus(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, text in enumerate(TEXTS):
        path = folder / f"note{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_analyse_jsonl_is_byte_identical_with_two_workers(tmp_path: Path) -> None:
    from horizonscan.cli import app

    paths = [str(p) for p in _corpus(tmp_path / "in")] + [str(tmp_path / "missing.txt")]
    runner = CliRunner()
    one = runner.invoke(app, ["analyse", "--workers", "1", "--published", "2020-05-01", *paths])
    two = runner.invoke(app, ["analyse", "--workers", "2", "--published", "2020-05-01", *paths])
    assert one.exit_code == two.exit_code == 1  # the missing file
    assert one.stdout == two.stdout
    lines = [json.loads(x) for x in two.stdout.splitlines()]
    assert [Path(x["path"]).name for x in lines] == [f"note{i}.txt" for i in range(len(TEXTS))] + ["missing.txt"]
    assert sum(len(x.get("events", [])) for x in lines) > 0


def _dump(db: Path) -> dict[str, list[Any]]:
    con = sqlite3.connect(db)
    try:
        return {
            "documents": con.execute("SELECT id, title, analyser, duplicate_of FROM documents ORDER BY id").fetchall(),
            "mentions": con.execute("SELECT * FROM mentions ORDER BY document_id, start, end").fetchall(),
            "events": con.execute("SELECT * FROM events ORDER BY id").fetchall(),
            "inputs": con.execute("SELECT document_id, input FROM document_inputs ORDER BY id").fetchall(),
            "failures": con.execute("SELECT input, reason, stage FROM failures ORDER BY input").fetchall(),
        }
    finally:
        con.close()


def test_ingest_stores_the_same_with_two_workers(tmp_path: Path) -> None:
    from horizonscan.cli import app

    folder = tmp_path / "in"
    _corpus(folder)
    (folder / "copy.txt").write_text(TEXTS[1], encoding="utf-8")  # a duplicate, found in input order
    (folder / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    for n in ("1", "2"):
        res = runner.invoke(app, ["--db", str(tmp_path / f"w{n}.db"), "ingest", "--quiet", "--workers", n, str(folder)])
        assert res.exit_code == 1, res.output  # the empty file
    one, two = _dump(tmp_path / "w1.db"), _dump(tmp_path / "w2.db")
    assert one == two
    assert len(one["documents"]) == len(TEXTS) and one["events"]
    assert [f[1][:4] for f in one["failures"]] == ["E101"]


def test_ingest_refuses_an_input_whose_worker_hits_the_hard_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document whose analysis outlasts the hard limit (the analyser's own gentler limit set
    higher) is skipped with E222 after two tries; the other inputs are stored."""
    from horizonscan.ingest.run import ingest
    from horizonscan.settings import Settings
    from horizonscan.store import open_store
    from horizonscan.workers import warm_analyser

    folder = tmp_path / "in"
    _corpus(folder)
    long = " ".join(f"China and Kazakhstan discussed item {i} of the pipeline agreement in Astana on 3 March 2019."
                    for i in range(3000))
    (folder / "zz-long.txt").write_text(long, encoding="utf-8")
    monkeypatch.setenv("HORIZONSCAN_ANALYSE_TIMEOUT", "600")
    monkeypatch.setenv("HORIZONSCAN_WORKER_TIMEOUT", "6")
    settings = Settings()
    store = open_store(f"sqlite:///{tmp_path / 'hard.db'}")
    with Pool(2, Limits.from_settings(settings), warm=warm_analyser) as pool:
        report = ingest([str(folder)], store, settings, pool=pool)
    by_name = {Path(o.input).name: o for o in report.outcomes}
    assert by_name["zz-long.txt"].status == "skipped"
    assert by_name["zz-long.txt"].reason.startswith("E222") and "tried 2 times" in by_name["zz-long.txt"].reason
    assert sum(o.status == "added" for o in report.outcomes) == len(TEXTS)
    st = store.status()
    assert st["documents"] == len(TEXTS)
    assert [(Path(f["input"]).name, f["stage"], f["reason"][:4]) for f in st["failed"]] == [("zz-long.txt", "analyse", "E222")]
    store.close()
