"""China's official finance abroad: AidData's project descriptions (../shared/eval/aiddata-dev).

2,166 real descriptions of Chinese official finance projects (2000–2014) with the
database's own coding (recipient, year, flow, amount, currency): silver checks, not span
annotation (the set's README). Each record's ``title + ". " + description`` is analysed
without a publication date (the year must come from the text).

Metrics: ``event_share`` (records with an AID, COOPERATE or AGREE event from CHN to the
coded recipient; the issue's goal is 0.60), ``recipient_recall``, ``china_recall``,
``year_recall`` (a date starting with the coded year), ``amount_found`` (of records with a
coded amount and such an event, the share whose event carries money) and
``amount_agreement`` (of those, the share whose amount and currency agree with the
coded ones within 5 %: descriptions round, "$1.2 billion" for 1,234,000,000).
Records are analysed in a process pool (one worker per core, the model loaded once per
worker), so the whole set takes a few minutes; ``--limit`` keeps the first N records.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

SET_DIR = "aiddata-dev"
FILE = "gcof-v1-dev.jsonl"
TYPES = frozenset({"AID", "COOPERATE", "AGREE"})
TOLERANCE = 0.05  # relative difference of a stated amount and the coded one
# Seconds per record: generous, as a busy machine must not turn into missed events here.
TIMEOUT = 600.0


def read_records(eval_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    path = Path(eval_dir) / SET_DIR / FILE
    if not path.exists():
        raise FileNotFoundError(f"aiddata-dev not found at {path}")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line))
                if limit and len(out) >= limit:
                    break
    return out


def text_of(record: dict[str, Any]) -> str:
    return f"{record.get('title') or ''}. {record.get('description') or ''}".strip()


def _code(actor: Any) -> str | None:
    return (actor.country or actor.actor_id) if actor is not None else None


def transfer_events(analysis: Any, recipient: str) -> list[Any]:
    """Events from China to the recipient of a type that records a transfer or a deal."""
    return [
        e for e in analysis.events
        if e.type in TYPES and not e.negated and _code(e.source) == "CHN" and _code(e.target) == recipient
    ]


def amount_agrees(events: list[Any], amount: float, currency: str) -> bool:
    return any(
        e.amount is not None and e.currency == currency and abs(e.amount - amount) <= TOLERANCE * amount for e in events
    )


def score_record(r: dict[str, Any]) -> tuple[bool, bool, bool, bool, int]:
    """(recipient found, China found, year found, transfer event, amount state) of one record;
    amount state: 0 no coded amount or no event, 1 event without money, 2 money disagrees, 3 agrees."""
    from ..analysis.pipeline import analyse
    from ..errors import AnalysisError

    try:
        a = analyse(text_of(r), published=None, language="en", timeout=TIMEOUT)
    except AnalysisError:  # counted as found nothing: a record the analyser cannot finish scores nothing
        return False, False, False, False, 0
    recipient = r.get("recipient_iso3") or ""
    countries = {m.country for m in a.mentions} | {p.country for p in a.places} | {_code(e.target) for e in a.events}
    china = "CHN" in countries or any(m.actor_id == "CHN" for m in a.mentions)
    year = any(d.value.startswith(str(r.get("year") or "?")) for d in a.dates)
    hits = transfer_events(a, recipient)
    try:
        coded = float(r.get("amount") or "")
    except ValueError:
        coded = 0.0
    state = 0
    if hits and coded > 0 and r.get("currency"):
        state = 1 if not any(e.amount is not None for e in hits) else (3 if amount_agrees(hits, coded, r["currency"]) else 2)
    return recipient in countries, china, year, bool(hits), state


def workers() -> int:
    # Every core: the records are independent, and the model loads once per worker.
    return max(1, min(os.cpu_count() or 1, 8))


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    records = read_records(eval_dir, limit)
    n = len(records)
    if not n:
        return {}
    if workers() > 1 and n >= 50:
        with ProcessPoolExecutor(workers(), mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(score_record, records, chunksize=16))
    else:
        results = [score_record(r) for r in records]
    with_amount = sum(1 for *_, st in results if st)
    found = sum(1 for *_, st in results if st >= 2)
    out = {
        "records": float(n),
        "event_share": sum(r[3] for r in results) / n,
        "recipient_recall": sum(r[0] for r in results) / n,
        "china_recall": sum(r[1] for r in results) / n,
        "year_recall": sum(r[2] for r in results) / n,
    }
    if with_amount:
        out["amount_found"] = found / with_amount
    if found:
        out["amount_agreement"] = sum(1 for *_, st in results if st == 3) / found
    return out
