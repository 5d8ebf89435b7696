"""``horizonscan analyse``: the machine interface, one JSON object per input (docs/analyse-jsonl.md)."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, List, Optional

import typer

from .app import app

TEXT_READERS = ("text.v1",)


def analyse_input(name: str, data: bytes, published: Optional[str]) -> dict[str, Any]:
    """Analyse one input; never raises: problems become an ``error`` field."""
    from ..errors import HorizonscanError
    from ..ingest.dates import to_iso
    from ..ingest.decode import decode_text
    from ..ingest.readers.text import front_matter
    from ..ingest.normalise import content_id
    from ..ingest.registry import Origin, choose
    from ..analysis.pipeline import analyse
    from ..settings import get_settings

    out: dict[str, Any] = {"path": name, "id": None}
    try:
        settings = get_settings()
        if len(data) > settings.max_bytes:
            raise HorizonscanError(f"E108 input too large ({len(data):,} bytes; limit {settings.max_bytes:,})")
        origin = Origin(name, path=None if name == "-" else name, settings=settings)
        reader = choose(origin, data[:4096]) if name != "-" else None
        if reader is None or reader.name in TEXT_READERS:
            # Plain text is analysed exactly as read, so offsets index the file's characters;
            # a YAML front matter block is metadata, not prose: blanked (offsets kept), its date used.
            text = decode_text(data)
            meta, body = front_matter(text)
            text = re.sub(r"[^\n]", " ", text[:body]) + text[body:]
            published_found = published or to_iso(meta.get("date") or meta.get("published"))
        else:
            docs = reader.read(data, origin)
            text = docs[0].text
            published_found = published or docs[0].published.value
        if not text.strip():
            raise HorizonscanError("E101 no text found (empty document)")
        out["id"] = content_id(text)
        result = analyse(text, published=published_found)
        out.update(result.to_dict())
        out.pop("analyser", None)
        out["analyser"] = result.analyser
    except HorizonscanError as exc:
        out["error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except Exception as exc:  # a bug must not lose the other inputs' results
        out["error"] = f"E299 internal error: {type(exc).__name__}: {exc}"[:300]
    return out


@app.command()
def analyse(
    inputs: List[str] = typer.Argument(..., help="Files to analyse; '-' reads standard input."),
    published: Optional[str] = typer.Option(None, "--published", help="Document date YYYY-MM-DD that anchors relative dates."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one JSON object per input)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Processes that analyse (default: every usable core, HORIZONSCAN_WORKERS); 1 = in this process. The output is the same."),
) -> None:
    """Analyse files without storing them; print one JSON object per input, in input order.

    Every input gets a line, also duplicates and empty inputs; a line with an
    "error" field says why that input could not be analysed.

    Example: echo "China sent aid to Nepal in May 2015." | horizonscan analyse - --published 2015-06-01
    """
    if format != "jsonl":
        raise typer.BadParameter("only jsonl is supported", param_hint="--format")
    if published is not None:
        # the analyser's own date check, as a usage error before any input is read
        from ..analysis.pipeline import to_date
        from ..errors import AnalysisError

        try:
            to_date(published)
        except AnalysisError as exc:
            raise typer.BadParameter(str(exc), param_hint="--published") from exc
    from ..settings import get_settings
    from ..workers import Limits, Pool, warm_analyser

    settings = get_settings()
    stdin = sys.stdin.buffer.read() if "-" in inputs else b""
    failed = False
    with Pool(workers or settings.workers, Limits.from_settings(settings), warm=warm_analyser) as pool:
        for done in pool.run(analyse_task, ((name, stdin if name == "-" else None, published) for name in inputs)):
            line = done.value if done.error is None else {"path": inputs[done.index], "id": None, "error": done.error}
            failed = failed or "error" in line
            typer.echo(json.dumps(line, ensure_ascii=False))
    raise typer.Exit(1 if failed else 0)


def analyse_task(task: tuple[str, Optional[bytes], Optional[str]], ask: Any = None) -> dict[str, Any]:
    """A worker's task: read one file (or the given standard input) and analyse it."""
    name, data, published = task
    if data is None:
        try:
            with open(name, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return {"path": name, "id": None, "error": f"E110 cannot read file: {exc.strerror or exc}"}
    return analyse_input(name, data, published)
