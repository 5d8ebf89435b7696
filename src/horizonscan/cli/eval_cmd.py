"""``horizonscan eval``: score the analysers on the development gold sets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from .app import app
from .common import console, fail


def default_eval_dir() -> Path:
    env = os.environ.get("HORIZONSCAN_SHARED")
    if env:
        return Path(env) / "eval"
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidate = base.parent / "shared" / "eval"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "eval"


@app.command("eval")
def eval_(
    sets: Optional[List[str]] = typer.Option(None, "--set", "-s", help="ner, places, dates, events, corpus-events, aiddata (repeatable; default all)."),
    eval_dir: Optional[Path] = typer.Option(None, "--eval-dir", help="Folder of gold sets (default ../shared/eval)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N items of each set (floors not checked)."),
) -> None:
    """Score analysers against gold sets and fail below the floors kept in the repo.

    Example: horizonscan eval --set dates --set places
    """
    from rich.table import Table

    from ..evaluation import SETS, run

    folder = eval_dir or default_eval_dir()
    if not folder.is_dir():
        fail(f"gold sets not found at {folder} (use --eval-dir or HORIZONSCAN_SHARED)", 2)
    chosen = sets or list(SETS)
    unknown = [s for s in chosen if s not in SETS]
    if unknown:
        raise typer.BadParameter(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}", param_hint="--set")
    table = Table(title=f"evaluation on {folder}")
    for col in ("set", "metric", "value", "floor", ""):
        table.add_column(col, justify="right" if col in ("value", "floor") else "left")
    ok = True
    for name in chosen:
        try:
            scores = run(name, folder, limit=limit)
        except (ImportError, FileNotFoundError) as exc:
            table.add_row(name, "-", "-", "-", f"[red]unavailable: {exc}[/]")
            ok = False
            continue
        for s in scores:
            ok = ok and s.ok
            mark = "" if s.floor is None else ("[green]ok[/]" if s.ok else "[red]BELOW FLOOR[/]")
            table.add_row(s.set, s.metric, f"{s.value:.4f}" if abs(s.value) < 1000 else f"{s.value:.1f}", "" if s.floor is None else f"{s.floor:.4f}", mark)
    console.print(table)
    raise typer.Exit(0 if ok else 1)
