"""The ASGI application uvicorn imports for ``horizonscan serve`` (database from HORIZONSCAN_DB)."""

from __future__ import annotations

import os

from .app import create_app

app = create_app(os.environ.get("HORIZONSCAN_DB", "sqlite:///horizonscan.db"))
