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


@pytest.mark.parametrize("command", [["documents"], ["events"], ["timeline"], ["network"], ["actors"], ["places"], ["new-since"], ["groups"], ["db", "copy"]])
def test_help_has_example(command: list[str]) -> None:
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0 and "Example: horizonscan" in res.output


def test_timeline_formats(db: str, tmp_path: Path) -> None:
    args = ["timeline", "--type", "AID", "--source-country", "CHN", "--target-country", "central-asia", "--from", "2020", "--to", "2020"]
    rows = list(csv.DictReader(io.StringIO(hs(db, *args, "--format", "csv"))))
    # the empty April is a row with 0: the periods keep their true spacing
    assert rows == [{"period": "2020-03", "count": "1"}, {"period": "2020-04", "count": "0"}, {"period": "2020-05", "count": "1"}]
    data = json.loads(hs(db, *args, "--format", "json", "--by", "target_country"))
    assert [(p["period"], p["key"]) for p in data["points"] if p["count"]] == [("2020-03", "KAZ"), ("2020-05", "KGZ")]
    assert len(data["points"]) == 3 * 2
    out = hs(db, "timeline", "--granularity", "month", "--from", "2020", "--to", "2020")
    assert "2020-11" in out and "coarsely" in out
    pq = pytest.importorskip("pyarrow.parquet")
    hs(db, *args, "--format", "parquet", "-o", str(tmp_path / "t.parquet"))
    assert pq.read_table(tmp_path / "t.parquet").to_pylist() == [{"period": "2020-03", "count": 1}, {"period": "2020-04", "count": 0},
                                                                  {"period": "2020-05", "count": 1}]


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


def test_piped_tables_are_full_width(db: str) -> None:
    """Standard output is not a terminal under the runner, as in a pipe: no cell is folded
    at 80 columns, so every word and id stays whole on its line."""
    out = hs(db, "groups")
    lines = out.splitlines()
    assert max(len(line) for line in lines) > 120
    eu = next(line for line in lines if "european-union" in line)
    assert "AUT BEL BGR" in eu and "SWE" in eu  # all members on the group's one line
    events = hs(db, "events", "--include-negated")
    assert max(len(line) for line in events.splitlines()) > 80
    for e in json.loads(hs(db, "events", "--format", "json")):
        assert e["type"] in events


def test_documents_lists_filters_and_sorts(db: str) -> None:
    every = json.loads(hs(db, "documents", "--format", "json", "--sort", "oldest"))
    dates = [d["published"] for d in every if d["published"]]
    assert len(every) >= 5 and dates == sorted(dates)
    assert all(d["duplicate_of"] is None for d in every)  # copies hidden by default
    newest = json.loads(hs(db, "documents", "--format", "json"))
    assert [d["id"] for d in newest if d["published"]] == [d["id"] for d in reversed(every) if d["published"]]
    copies = json.loads(hs(db, "documents", "--format", "json", "--duplicates"))
    assert any(d["duplicate_of"] for d in copies) and len(copies) > len(every)
    in_2021 = json.loads(hs(db, "documents", "--format", "json", "--from", "2021", "--to", "2021"))
    assert in_2021 and all(d["published"].startswith("2021") for d in in_2021)
    tsv = hs(db, "documents", "--format", "tsv", "--limit", "2").splitlines()
    assert tsv[0].split("\t") == ["id", "published", "language", "title", "source", "duplicate_of"] and len(tsv) == 3
    rows = list(csv.DictReader(io.StringIO(hs(db, "documents", "--format", "csv", "--language", "en"))))
    assert rows and all(r["language"] == "en" for r in rows)
    table = hs(db, "documents")
    assert every[0]["id"] in table
    for args in (["documents", "--sort", "title"], ["documents", "--type", "AID"], ["documents", "--from", "soon"]):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 2, args


def test_events_of_one_document(db: str) -> None:
    everything = json.loads(hs(db, "events", "--format", "json", "--duplicates"))
    doc = everything[0]["document_id"]
    mine = json.loads(hs(db, "events", "--document", doc, "--format", "json"))
    assert mine and {e["document_id"] for e in mine} == {doc}
    assert len(mine) == sum(e["document_id"] == doc for e in everything)
    # a near-duplicate copy named by id shows its events although copies are hidden elsewhere
    copies = [d for d in json.loads(hs(db, "documents", "--format", "json", "--duplicates")) if d["duplicate_of"]]
    copy_events = [e for e in everything if e["document_id"] == copies[0]["id"]]
    assert len(json.loads(hs(db, "events", "-d", copies[0]["id"], "--format", "json"))) == len(copy_events)
    res = runner.invoke(app, ["--db", db, "events", "--document", "not-an-id"])
    assert res.exit_code == 2 and "document id" in res.output


def test_show_groups_mentions_and_hides_unresolved() -> None:
    from horizonscan.cli.search_cmd import group_mentions, group_places

    def m(text: str, actor: str | None, country: str | None = None, label: str = "ORG") -> dict[str, object]:
        return {"text": text, "label": label, "actor_id": actor, "country": country, "kind": "state" if actor else None,
                "name": "China" if actor == "CHN" else None}

    mentions = [m("China", "CHN", "CHN"), m("Beijing", "CHN", "CHN"), m("China", "CHN", "CHN"), m("Chinese", None, "CHN"),
                m("Covid-19", None, None, "PERSON"), m("screenshot_12.png", None, None)]
    shown, hidden = group_mentions(mentions)
    assert hidden == 2
    # one China row: the actor (a bare country mention joins its state), four mentions, forms most frequent first
    assert [(g["key"], g["count"], g["forms"], g["name"]) for g in shown] == [("CHN", 4, "China, Beijing, Chinese", "China")]
    every, none_hidden = group_mentions(mentions, include_unresolved=True)
    assert none_hidden == 0 and "? Covid-19 (PERSON)" in [g["key"] for g in every] and sum(g["count"] for g in every) == 6
    places = [{"text": "Bishkek", "name": "Bishkek", "country": "KGZ", "lat": 42.87, "lon": 74.59, "geonames_id": 1528675, "feature": "city"},
              {"text": "BISHKEK", "name": "Bishkek", "country": "KGZ", "lat": 42.87, "lon": 74.59, "geonames_id": 1528675, "feature": "city"},
              {"text": "Nowhereville", "name": None, "country": None, "lat": None, "lon": None, "geonames_id": None, "feature": None}]
    shown_places, hidden_places = group_places(places)
    assert [(g["name"], g["count"]) for g in shown_places] == [("Bishkek", 2)] and hidden_places == 1
    assert [g["name"] for g in group_places(places, include_unresolved=True)[0]] == ["Bishkek", "? Nowhereville"]


def test_show_prints_groups(db: str) -> None:
    doc = json.loads(hs(db, "documents", "--format", "json", "--actor", "CHN"))[0]["id"]
    out = hs(db, "show", doc)
    assert "mentions" in out and "as written" in out
    assert "CHN" in out
