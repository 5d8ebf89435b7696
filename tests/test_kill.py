"""``kill -9`` at random moments of a real ingest loses nothing committed and leaves no half document."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

N_FILES = 60


def _corpus(root: Path) -> None:
    rnd = random.Random(7)
    words = ("loan aid project road mine port pipeline summit ministry protest agreement railway "
             "dam grant school clinic border trade bank council delegation village water").split()
    for i in range(N_FILES):
        body = " ".join(rnd.choice(words) for _ in range(400))
        (root / f"doc{i:03d}.txt").write_text(
            f"Report {i}\n\nChina and Kazakhstan discussed item {i} in Astana on {1 + i % 28} March 2019. {body}.\n",
            encoding="utf-8",
        )


def _ingest_cmd(db: Path, folder: Path) -> list[str]:
    # two worker processes read and analyse while the parent writes: a kill of the parent loses nothing committed
    return [sys.executable, "-m", "horizonscan", "--db", str(db), "ingest", "--quiet", "--workers", "2", str(folder)]


def test_kill_nine_many_times_then_finish(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _corpus(folder)
    db = tmp_path / "kill.db"
    rnd = random.Random(11)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    kills = 0
    for _ in range(8):
        proc = subprocess.Popen(_ingest_cmd(db, folder), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.5, 6.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if db.exists():
            _check_consistent(db)
    assert kills >= 3, "the ingest finished too fast to be killed; raise N_FILES"
    done = subprocess.run(_ingest_cmd(db, folder), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    counts = _check_consistent(db)
    assert counts == N_FILES
    # and once more: nothing added
    subprocess.run(_ingest_cmd(db, folder), env=env, check=True, capture_output=True)
    assert _check_consistent(db) == N_FILES
    st = json.loads(subprocess.run([sys.executable, "-m", "horizonscan", "--db", str(db), "status", "--format", "json"], capture_output=True, text=True, env=env).stdout)
    assert st["documents"] == N_FILES and st["failed"] == []


def _check_consistent(db: Path) -> int:
    """Every stored document is whole: FTS row, signature, input and analysis all present."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = {r[0] for r in con.execute("SELECT id FROM documents")}
        try:
            fts = {r[0] for r in con.execute("SELECT document_id FROM documents_fts")}
        except sqlite3.OperationalError:  # killed before the first migration committed
            return 0
        sigs = {r[0] for r in con.execute("SELECT document_id FROM minhashes")}
        inputs = {r[0] for r in con.execute("SELECT DISTINCT document_id FROM document_inputs")}
        analysed = {r[0] for r in con.execute("SELECT id FROM documents WHERE analyser IS NOT NULL")}
        assert fts == docs and sigs == docs and inputs == docs and analysed == docs
        return len(docs)
    finally:
        con.close()
