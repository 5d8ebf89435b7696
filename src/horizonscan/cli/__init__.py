"""The ``horizonscan`` command line (Typer + Rich).

Command modules import their heavy dependencies inside the command body, so
``horizonscan --help`` stays instant.
"""

from __future__ import annotations

from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
