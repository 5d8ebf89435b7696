"""Settings, read once from the environment (``HORIZONSCAN_*``) with safe defaults.

Kept as a frozen dataclass so the same object can be passed to worker processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=lambda: os.environ.get("HORIZONSCAN_DB", "sqlite:///horizonscan.db"))
    # Inputs larger than this are refused before reading (files and downloads alike).
    max_bytes: int = field(default_factory=lambda: _int("HORIZONSCAN_MAX_BYTES", 100 * 1024 * 1024))
    # Extracted text longer than this is refused (a 5 MB single line is fine, 100 MB of text is not).
    max_chars: int = field(default_factory=lambda: _int("HORIZONSCAN_MAX_CHARS", 20_000_000))
    fetch_timeout: float = field(default_factory=lambda: _float("HORIZONSCAN_FETCH_TIMEOUT", 20.0))
    max_redirects: int = field(default_factory=lambda: _int("HORIZONSCAN_MAX_REDIRECTS", 5))
    # Whether URLs may point at loopback/private addresses. On for the CLI (a user's own
    # intranet); the web server turns it off unless HORIZONSCAN_FETCH_PRIVATE=1 is set.
    fetch_private: bool = field(default_factory=lambda: os.environ.get("HORIZONSCAN_FETCH_PRIVATE", "1") == "1")
    # Wall-clock limit for analysing one document, in seconds.
    analyse_timeout: float = field(default_factory=lambda: _float("HORIZONSCAN_ANALYSE_TIMEOUT", 120.0))
    # Analysis worker processes (docs/workers.md). `analyse`, `ingest` and the web upload worker
    # use this many (`--workers` overrides it; 1 = in this process); the default is every core
    # this process may use. Each worker is held to hard limits: a task (reading and analysing one
    # input) is killed after `worker_timeout` seconds (above the analyser's own limit, which keeps
    # the document), above `worker_memory_mb` of resident memory, or when its result pickles to
    # more than `worker_output_mb`.
    workers: int = field(default_factory=lambda: max(1, _int("HORIZONSCAN_WORKERS", _usable_cores())))
    worker_timeout: float = field(default_factory=lambda: _float("HORIZONSCAN_WORKER_TIMEOUT", 150.0))
    worker_memory_mb: int = field(default_factory=lambda: _int("HORIZONSCAN_WORKER_MEMORY_MB", 1536))
    worker_output_mb: int = field(default_factory=lambda: _int("HORIZONSCAN_WORKER_OUTPUT_MB", 256))
    pack: str = field(default_factory=lambda: os.environ.get("HORIZONSCAN_PACK", "china_abroad"))
    user_agent: str = "horizonscan/0.1 (+self-hosted research workbench)"


def get_settings() -> Settings:
    return Settings()
