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
    pack: str = field(default_factory=lambda: os.environ.get("HORIZONSCAN_PACK", "china_abroad"))
    user_agent: str = "horizonscan/0.1 (+self-hosted research workbench)"


def get_settings() -> Settings:
    return Settings()
