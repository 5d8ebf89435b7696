"""The batch runner on a real Dask LocalCluster (127.0.0.1, 2 workers × 1 thread).

One cluster serves the module, reached through its address as with
``--scheduler``. Its workers inherit the test hook set below (see
``horizonscan.batch.tasks``): inputs named ``SLOWDOC*`` sleep, ``RAISEDOC*``
raise, ``CRASHDOC*`` kill their worker, ``HANGDOC*`` never return.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest

from horizonscan.batch import run_batch
from horizonscan.batch.cluster import local_cluster
from horizonscan.batch.partitions import committed, read_rows
from horizonscan.settings import Settings
from horizonscan.store import open_store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

LIGHT = "horizonscan.batch.testing:light_analyse"
RETRIES = 1
# Upper case, so they never match the lower-case temporary folder names of pytest.
HOOKS = "SLOWDOC=sleep:0.4,RAISEDOC=raise,CRASHDOC=exit,HANGDOC=hang"


@pytest.fixture(scope="module")
def attempts_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "attempts.log"


@pytest.fixture(scope="module")
def cluster(attempts_log: Path) -> Iterator[Any]:
    from distributed import Client

    saved = {k: os.environ.get(k) for k in ("HORIZONSCAN_TEST_POISON", "HORIZONSCAN_TEST_POISON_LOG")}
    os.environ["HORIZONSCAN_TEST_POISON"] = HOOKS
    os.environ["HORIZONSCAN_TEST_POISON_LOG"] = str(attempts_log)
    try:
        with local_cluster(2, RETRIES) as lc, Client(lc, set_as_default=False) as client:
            yield client
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / f"{name}.txt").write_text(
            f"{name} from Bishkek\n\nDelegation {i} from Beijing met officials in Osh about road {i * 13}; "
            f"residents asked about compensation number {i * 7}, wells {i * 11} and water {i * 3}.\n",
            encoding="utf-8",
        )
    return folder


def _attempts(log: Path, substring: str) -> int:
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if substring in line)


def _rows_per_input(run_folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in committed(run_folder):
        for row in read_rows(part):
            counts[row["input"]] = counts.get(row["input"], 0) + 1
    return counts


def test_batch_stores_everything_and_resumes(cluster: Any, tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "in", [f"doc{i:02d}" for i in range(10)])
    (folder / "empty.txt").write_bytes(b"")
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    kwargs: dict[str, Any] = dict(
        scheduler=cluster.scheduler.address, out=tmp_path / "out", retries=RETRIES, analyse_fn=LIGHT, partition_size=3
    )
    report = run_batch([str(folder)], store, Settings(db_url=db), **kwargs)
    assert report.added == 10 and report.submitted == 11 and report.partitions >= 4
    assert [(Path(i).name, s) for i, s, _ in report.failed] == [("empty.txt", "read")]
    assert _rows_per_input(report.folder) == {str(p): 1 for p in sorted(folder.iterdir())}
    st = store.status()
    assert st["documents"] == 10 and st["inputs"] == 10 and st["unanalysed"] == 0

    # Same command again: nothing is analysed or stored twice.
    again = run_batch([str(folder)], store, Settings(db_url=db), **kwargs)
    assert again.run_id == report.run_id and again.resumed == 11 and again.submitted == 0

    # A crash after some partitions were committed but before they were loaded,
    # and a file changed since: the unloaded partitions load, the changed file is redone.
    (report.folder / "manifest.jsonl").unlink()
    store.close()
    (tmp_path / "hs.db").unlink()
    store = open_store(db)
    (folder / "doc03.txt").write_text("doc03 from Bishkek, rewritten\n\nA new delegation came.\n", encoding="utf-8")
    third = run_batch([str(folder)], store, Settings(db_url=db), **kwargs)
    assert third.submitted == 1 and third.resumed == 10
    st = store.status()
    assert st["documents"] == 11  # the ten first texts and the rewritten one
    store.close()


def _settle(client: Any) -> None:
    """Clean-up after tests that kill workers: let the nannies bring them back.

    Under heavy load a nanny that saw its worker die several times may close instead
    of restarting it; the module's cluster then goes on with one worker, which the
    remaining tests accept.
    """
    try:
        client.wait_for_workers(2, timeout=90)
    except Exception:  # distributed raises its own TimeoutError subclasses
        client.wait_for_workers(1, timeout=120)


def test_worker_killed_mid_task_loses_and_duplicates_nothing(cluster: Any, tmp_path: Path) -> None:
    names = [f"SLOWDOC{i:02d}" for i in range(16)]
    folder = _corpus(tmp_path / "in", names)
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    killed: list[int] = []

    def kill_one(done: int, total: int, name: str) -> None:
        if killed or done < 3:
            return
        busy = [w for w, keys in cluster.processing().items() if keys]
        assert busy, "no task running when the worker was to be killed"
        pid = cluster.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    report = run_batch(
        [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler.address, out=tmp_path / "out",
        retries=RETRIES, analyse_fn=LIGHT, partition_size=4, on_progress=kill_one,
    )
    assert killed, "the test never killed a worker"
    assert report.ok and report.added == 16 and report.tasks == 8  # chunks of two (16 inputs, 2 threads)
    assert _rows_per_input(report.folder) == {str(folder / f"{n}.txt"): 1 for n in names}
    st = store.status()
    assert st["documents"] == 16 and st["inputs"] == 16 and st["failed"] == []
    store.close()
    _settle(cluster)  # the nanny restarted it


def test_poison_that_raises_is_quarantined_after_retries(cluster: Any, tmp_path: Path, attempts_log: Path) -> None:
    folder = _corpus(tmp_path / "in", ["RAISEDOC", "doc01", "doc02", "doc03"])
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    report = run_batch(
        [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler.address, out=tmp_path / "out",
        retries=RETRIES, analyse_fn=LIGHT,
    )
    assert _attempts(attempts_log, "RAISEDOC") == RETRIES + 1
    assert [Path(i).name for i, _ in report.quarantined] == ["RAISEDOC.txt"]
    assert report.added == 3
    st = store.status()
    assert st["documents"] == 3
    assert [(Path(f["input"]).name, f["stage"], f["reason"][:4]) for f in st["failed"]] == [("RAISEDOC.txt", "analyse", "E251")]
    assert "RuntimeError" in st["failed"][0]["reason"]
    # Quarantined inputs are settled: the same command does not try them again.
    again = run_batch(
        [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler.address, out=tmp_path / "out",
        retries=RETRIES, analyse_fn=LIGHT,
    )
    assert again.submitted == 0 and _attempts(attempts_log, "RAISEDOC") == RETRIES + 1
    store.close()


def test_poison_that_crashes_or_hangs_its_worker_is_quarantined(cluster: Any, tmp_path: Path, attempts_log: Path) -> None:
    folder = _corpus(tmp_path / "in", ["CRASHDOC", "HANGDOC", "doc01", "doc02"])
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    report = run_batch(
        [str(folder)], store, Settings(db_url=db, analyse_timeout=3.0), scheduler=cluster.scheduler.address,
        out=tmp_path / "out", retries=RETRIES, analyse_fn=LIGHT,
    )
    assert sorted(Path(i).name for i, _ in report.quarantined) == ["CRASHDOC.txt", "HANGDOC.txt"]
    assert all(why.startswith("E250") for _, why in report.quarantined)
    assert _attempts(attempts_log, "CRASHDOC") == RETRIES + 1
    assert _attempts(attempts_log, "HANGDOC") == RETRIES + 1
    assert report.added == 2 and store.status()["documents"] == 2
    store.close()
    _settle(cluster)


@pytest.mark.parametrize(
    ("hook", "code", "attempts", "tasks"),
    [
        # Raised: once in its chunk, then RETRIES more times alone (RETRIES + 1 attempts, as without
        # chunks); tasks: the 8 chunks and the input alone.
        ("RAISEDOC", "E251", RETRIES + 1, 8 + 1),
        # Crashed: its chunk is given up after RETRIES + 1 worker deaths, then the input alone as
        # often; tasks: the 8 chunks and the crashed chunk split into 3 single tasks.
        ("CRASHDOC", "E250", 2 * (RETRIES + 1), 8 + 3),
    ],
)
def test_poison_inside_a_chunk_is_retried_alone_and_quarantined(
    cluster: Any, tmp_path: Path, attempts_log: Path, hook: str, code: str, attempts: int, tasks: int
) -> None:
    """24 inputs in chunks of 3; the poison input is the middle one of the chunk doc12..doc14."""
    names = [f"doc{i:02d}" for i in range(24)]
    names[13] += f"-{hook}"
    folder = _corpus(tmp_path / "in", names)
    before = _attempts(attempts_log, hook)
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    report = run_batch(
        [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler.address, out=tmp_path / "out",
        retries=RETRIES, analyse_fn=LIGHT, chunk=3,
    )
    assert [(Path(i).stem, why[:4]) for i, why in report.quarantined] == [(names[13], code)]
    assert _attempts(attempts_log, hook) - before == attempts
    assert report.submitted == 24 and report.tasks == tasks
    assert report.added == 23
    assert _rows_per_input(report.folder) == {str(folder / f"{n}.txt"): 1 for n in names}
    st = store.status()
    assert st["documents"] == 23 and st["inputs"] == 23
    assert [(Path(f["input"]).stem, f["stage"]) for f in st["failed"]] == [(names[13], "analyse")]
    store.close()
    _settle(cluster)


@pytest.fixture()
def fresh_cluster() -> Iterator[Any]:
    """A cluster of its own: the module's has had workers killed by the tests above."""
    from distributed import Client

    with local_cluster(1, RETRIES) as lc, Client(lc, set_as_default=False) as client:
        yield client


def test_real_analyser_on_the_cluster(fresh_cluster: Any, tmp_path: Path) -> None:
    """Uses the real analyser (spaCy, packs): passes once every analyse stage is in place."""
    cluster = fresh_cluster
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "aid.txt").write_text(
        "China sends medical aid to Kyrgyzstan\n\nOn 3 March 2020 China sent 10,000 test kits to Kyrgyzstan, "
        "the Chinese embassy in Bishkek said.\n",
        encoding="utf-8",
    )
    (folder / "protest.txt").write_text(
        "Protest in Kazakhstan\n\nResidents of Zhanaozen protested against a Chinese factory on 2 September 2019.\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'hs.db'}"
    store = open_store(db)
    report = run_batch(
        [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler.address, out=tmp_path / "out",
        retries=RETRIES,
    )
    assert report.ok and report.added == 2
    st = store.status()
    assert st["documents"] == 2 and st["unanalysed"] == 0 and st["events"] >= 1
    store.close()


def test_cli_runs_a_local_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from horizonscan.cli.app import app

    folder = _corpus(tmp_path / "in", ["doc01", "doc02", "doc03"])
    db = tmp_path / "hs.db"
    monkeypatch.setenv("HORIZONSCAN_DB", str(db))  # --db sets it; restored after the test
    args = ["--db", str(db), "analyse-batch", str(folder), str(tmp_path / "nope.txt"), "--workers", "1",
            "--analyse-fn", LIGHT]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # nope.txt does not exist
    assert "E107" in result.output and "nope.txt" in result.output
    runs = list((tmp_path / ".horizonscan-batch").iterdir())
    assert len(runs) == 1 and committed(runs[0])
    status = CliRunner().invoke(app, ["--db", str(db), "status", "--format", "json"])
    assert '"documents": 3' in status.output


def test_cli_reports_an_unreachable_scheduler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from typer.testing import CliRunner

    from horizonscan.cli.app import app

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = _corpus(tmp_path / "in", ["doc01"])
    monkeypatch.setenv("HORIZONSCAN_DB", str(tmp_path / "hs.db"))
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "hs.db"), "analyse-batch", str(folder), "--scheduler", f"tcp://127.0.0.1:{port}", "-q"]
    )
    assert result.exit_code == 2 and "E510" in result.output
