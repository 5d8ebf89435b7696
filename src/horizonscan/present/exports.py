"""Event exports: CSV, JSON and a GDELT/PHOENIX-style tab-separated layout.

CSV and TSV cells pass through ``cells.spreadsheet_cell`` (no formula injection);
JSON is data for programs and is written as stored.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any, Iterable

from ..query.records import EventRecord
from .cells import spreadsheet_cell, spreadsheet_row

# Column order of the tab-separated export, modelled on PHOENIX/GDELT event rows:
# one event a line, date first, actors as text + code + country + sector, the
# CAMEO code (and its root), the PLOVER type/mode, score, place and provenance.
TSV_COLUMNS = (
    "event_id", "date", "year", "date_precision",
    "source_text", "source_code", "source_country", "source_sector",
    "target_text", "target_code", "target_country", "target_sector",
    "cameo", "cameo_root", "plover_type", "plover_mode", "score",
    "place", "lat", "lon", "place_country",
    "negated", "hypothetical", "confidence", "cluster_id", "document_id", "sentence",
    "date_reported", "amount", "currency", "amount_usd", "quantity", "unit", "sentence_start", "sentence_end",
)


def _num(value: float | None) -> str:
    # Whole amounts print without a decimal part or exponent: 500000000, not 5e+08.
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _tsv_row(e: EventRecord) -> dict[str, Any]:
    compact = (e.date_value or "").replace("-", "")
    return {
        "event_id": e.id,
        "date": compact if compact.isdigit() else "",
        "year": (e.date_value or "")[:4] if (e.date_value or "")[:4].isdigit() else "",
        "date_precision": e.date_precision or "",
        "source_text": e.source_text or "",
        "source_code": e.source_actor_id or e.source_country or "",
        "source_country": e.source_country or "",
        "source_sector": e.source_sector or "",
        "target_text": e.target_text or "",
        "target_code": e.target_actor_id or e.target_country or "",
        "target_country": e.target_country or "",
        "target_sector": e.target_sector or "",
        "cameo": e.cameo or "",
        "cameo_root": (e.cameo or "")[:2],
        "plover_type": e.type,
        "plover_mode": e.mode or "",
        "score": f"{e.score:g}",
        "place": e.place_text or "",
        "lat": "" if e.place_lat is None else f"{e.place_lat:.5f}",
        "lon": "" if e.place_lon is None else f"{e.place_lon:.5f}",
        "place_country": e.place_country or "",
        "negated": int(e.negated),
        "hypothetical": int(e.hypothetical),
        "confidence": f"{e.confidence:.2f}",
        "cluster_id": e.cluster_id or "",
        "document_id": e.document_id,
        "sentence": " ".join(e.sentence.split()),
        "date_reported": "" if e.date_reported is None else int(e.date_reported),
        "amount": _num(e.amount),
        "currency": e.currency or "",
        "amount_usd": _num(e.amount_usd),
        "quantity": _num(e.quantity),
        "unit": e.unit or "",
        "sentence_start": "" if e.sentence_start is None else e.sentence_start,
        "sentence_end": "" if e.sentence_end is None else e.sentence_end,
    }


def events_tsv(rows: Iterable[EventRecord]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=TSV_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
    w.writeheader()
    for e in rows:
        row = _tsv_row(e)
        row = {k: spreadsheet_cell(str(v).replace("\t", " ")) for k, v in row.items()}
        w.writerow(row)
    return out.getvalue()


def events_csv(rows: Iterable[EventRecord]) -> str:
    out = io.StringIO()
    rows = list(rows)
    fields = list(EventRecord.__dataclass_fields__)
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for e in rows:
        w.writerow(spreadsheet_row(asdict(e)))
    return out.getvalue()


def events_json(rows: Iterable[EventRecord]) -> str:
    return json.dumps([asdict(e) for e in rows], ensure_ascii=False)
