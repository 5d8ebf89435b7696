"""CLI: timeline, network, actors, places, new-since, groups and db copy, in every output format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from horizonscan.cli.app import app

from test_query import fill_store

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "hs.db"
    fill_store(f"sqlite:///{path}")
    return str(path)


def hs(db: str, *args: str) -> str:
    res = runner.invoke(app, ["--db", db, *args])
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("command", [["timeline"], ["network"], ["actors"], ["places"], ["new-since"], ["groups"], ["db", "copy"]])
def test_help_has_example(command: list[str]) -> None:
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0 and "Example: horizonscan" in res.output


def test_timeline_formats(db: str, tmp_path: Path) -> None:
    args = ["timeline", "--type", "AID", "--source-country", "CHN", "--target-country", "central-asia", "--from", "2020", "--to", "2020"]
    rows = list(csv.DictReader(io.StringIO(hs(db, *args, "--format", "csv"))))
    assert rows == [{"period": "2020-03", "count": "1"}, {"period": "2020-05", "count": "1"}]
    data = json.loads(hs(db, *args, "--format", "json", "--by", "target_country"))
    assert [(p["period"], p["key"]) for p in data["points"]] == [("2020-03", "KAZ"), ("2020-05", "KGZ")]
    out = hs(db, "timeline", "--granularity", "month", "--from", "2020", "--to", "2020")
    assert "2020-11" in out and "coarsely" in out
    pq = pytest.importorskip("pyarrow.parquet")
    hs(db, *args, "--format", "parquet", "-o", str(tmp_path / "t.parquet"))
    assert pq.read_table(tmp_path / "t.parquet").to_pylist() == [{"period": "2020-03", "count": 1}, {"period": "2020-05", "count": 1}]


def test_network_graphml_and_csv(db: str, tmp_path: Path) -> None:
    hs(db, "network", "--source-country", "CHN", "--format", "graphml", "-o", str(tmp_path / "n.graphml"))
    root = ET.parse(tmp_path / "n.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("edgedefault") == "directed"
    edges = {(e.get("source"), e.get("target")) for e in graph.findall("g:edge", ns)}
    assert ("CHN", "KAZ") in edges and ("CHN", "NPL") in edges
    labels = {n.get("id"): n.find("g:data[@key='n_label']", ns).text for n in graph.findall("g:node", ns)}  # type: ignore[union-attr]
    assert labels["KAZ"] == "Kazakhstan"
    rows = list(csv.DictReader(io.StringIO(hs(db, "network", "--kind", "co-occurrence", "--format", "csv", "--top", "1"))))
    assert rows[0]["source"] == "CHN" and int(rows[0]["weight"]) >= 3


def test_actors_places_new_since(db: str, tmp_path: Path) -> None:
    actors = json.loads(hs(db, "actors", "--basis", "events", "--kind", "company", "--format", "json"))
    assert actors == [{"id": "company:cnpc", "name": "CNPC", "kind": "company", "country": "CHN", "count": 1, "as_source": 0, "as_target": 1}]
    hs(db, "places", "--type", "PROTEST", "--format", "geojson", "-o", str(tmp_path / "p.geojson"))
    geo = json.loads((tmp_path / "p.geojson").read_text())
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [57.17, 50.28]}
    assert "Aktobe" in hs(db, "places", "--region", "central-asia")
    new = json.loads(hs(db, "new-since", "2021-06-01", "--until", "2021-06-30", "--min-count", "1", "--kinds", "event_type", "--format", "json"))
    assert {"ACCUSE", "REJECT"} <= {i["key"] for i in new["items"]}
    assert "central-asia" in hs(db, "groups")


def test_bad_input_exits_2(db: str) -> None:
    for args in (["timeline", "--from", "last year"], ["timeline", "--granularity", "hour"], ["network", "--top", "100000"],
                 ["actors", "--type", "AID"], ["places", "--country", "atlantis"], ["new-since", "soon"],
                 ["timeline", "--format", "xml"], ["timeline", "--format", "parquet"]):
        res = runner.invoke(app, ["--db", db, *args])
        assert res.exit_code == 2, (args, res.output)


def test_db_copy_command(db: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    out = hs(db, "db", "copy", "--from", db, "--to", str(target))
    assert "documents 10" in out and "events 14" in out
    res = runner.invoke(app, ["db", "copy", "--from", db, "--to", str(target)])
    assert res.exit_code == 2 and "E304" in res.output
    again = hs(db, "db", "copy", "--from", db, "--to", str(target), "--append")
    assert "copied in" in again and "nothing" in again and "documents 10" in again
