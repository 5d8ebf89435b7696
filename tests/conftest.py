"""Shared fixtures. Tests never touch the internet; ../shared is optional."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]

# Commands analyse in this process unless a test asks for workers: the suite runs on a shared
# 2-core machine, many tests patch the analyser in-process, and tests/test_workers.py,
# test_kill.py and test_web_kill.py run real worker pools. (The web upload worker always uses
# worker processes, whatever this says.)
os.environ.setdefault("HORIZONSCAN_WORKERS", "1")


def shared_path() -> Path:
    return Path(os.environ.get("HORIZONSCAN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (dev gold sets and corpus); tests using it skip where it is absent."""
    path = shared_path()
    if not (path / "eval").is_dir():
        pytest.skip(f"../shared not found at {path} (set HORIZONSCAN_SHARED); dev gold sets and corpus unavailable")
    return path


@pytest.fixture(scope="session")
def eval_dir(shared_dir: Path) -> Path:
    return shared_dir / "eval"


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a private PostgreSQL server started for this test session."""
    from pgserver import find_bin, postgres_server

    if find_bin("initdb") is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing in CI (make test should install them)")
        pytest.skip("PostgreSQL server binaries not installed (run make test)")
    with postgres_server() as url:
        yield url


@contextlib.contextmanager
def _pg_database(pg_url: str) -> Iterator[str]:
    import uuid

    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def pg_store_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    with _pg_database(pg_url) as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty database shared by one test module."""
    with _pg_database(pg_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both backends: a temporary SQLite file and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_store_url"))

sys.path.insert(0, str(Path(__file__).parent))  # tests/ helpers (pgserver)
