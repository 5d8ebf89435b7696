"""Shared fixtures. Tests never touch the internet; ../shared is optional."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
