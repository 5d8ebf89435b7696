"""End to end through the CLI: folders, globs, URLs, feeds, bad inputs, idempotence, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import ARTICLE_HTML, RSS, respond, serve
from horizonscan.cli import app

runner = CliRunner()

NOTE = """---
title: Relief flight lands in Bishkek
date: 2020-03-30
place: Bishkek, Kyrgyzstan
source: own test note
---
China sent a relief flight with medical supplies to Kyrgyzstan on 30 March 2020. The Kyrgyz health ministry
received testing kits and protective equipment at the airport in Bishkek, and officials thanked the donors.
"""


def hs(db: Path, *args: str) -> "object":
    return runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "note.md").write_text(NOTE, encoding="utf-8")
    (root / "sub" / "plain.txt").write_text(
        "Mes Aynak copper project\n\nThe Mes Aynak copper project in Logar province remains unfinished, years after "
        "a Chinese consortium won the concession. Archaeologists have excavated a Buddhist city on the site.\n",
        encoding="utf-8",
    )
    (root / "sub" / "page.html").write_text(
        ARTICLE_HTML.format(title="Medical aid arrives in Dushanbe", body="A cargo plane carrying medical aid from China landed in Dushanbe on Monday, the foreign ministry said."),
        encoding="utf-8",
    )
    (root / "cp1252.txt").write_bytes("Caf\xe9 owners in S\xe3o Paulo met the trade d\xe9l\xe9gation from Beijing to discuss soybean exports and port fees.".encode("cp1252"))
    (root / "empty.txt").write_bytes(b"")
    (root / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (root / ".hidden" / "secret.txt").write_text("should never be read", encoding="utf-8")
    return root


def test_ingest_folder_reports_and_continues(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "hs.db"
    result = hs(db, "ingest", "--no-analyse", str(folder))
    assert result.exit_code == 1, result.output  # some inputs failed, the rest stored
    st = json.loads(hs(db, "status", "--format", "json").output)
    assert st["documents"] == 4
    failed = {Path(f["input"]).name: f["reason"] for f in st["failed"]}
    assert set(failed) == {"empty.txt", "junk.txt"}
    assert all(r[:1] == "E" and "\n" not in r for r in failed.values())
    # re-ingesting everything adds nothing
    again = hs(db, "ingest", "--no-analyse", str(folder))
    assert again.exit_code == 1
    st2 = json.loads(hs(db, "status", "--format", "json").output)
    assert st2["documents"] == 4 and st2["inputs"] == 4
    assert {Path(f["input"]).name: f["attempts"] for f in st2["failed"]} == {"empty.txt": 2, "junk.txt": 2}


def test_metadata_search_and_show(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "hs.db"
    hs(db, "ingest", "--no-analyse", str(folder))
    out = hs(db, "search", "Mes Aynak", "--format", "json").output
    hits = json.loads(out)
    assert len(hits) == 1 and hits[0]["title"] == "Mes Aynak copper project"
    hits = json.loads(hs(db, "search", "relief flight", "--format", "json").output)
    assert hits[0]["title"] == "Relief flight lands in Bishkek" and hits[0]["published"] == "2020-03-30"
    assert json.loads(hs(db, "search", "relief", "--from", "2021", "--format", "json").output) == []
    hits = json.loads(hs(db, "search", "São Paulo", "--format", "json").output)
    assert len(hits) == 1  # cp1252 decoded correctly
    html = json.loads(hs(db, "search", "Dushanbe", "--format", "json").output)[0]
    assert html["title"] == "Medical aid arrives in Dushanbe"
    shown = json.loads(hs(db, "show", html["id"], "--format", "json").output)
    assert shown["reader"] == "html.v1" and "Copyright notice" not in shown["text"]
    assert shown["published"].startswith("2020-03-30")
    table = hs(db, "search", "Mes Aynak").output
    assert "Mes Aynak copper project" in table
    assert hs(db, "show", "ffffffffffff").exit_code == 1


def test_glob_and_same_content_elsewhere(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "hs.db"
    copy = tmp_path / "copy.md"
    copy.write_text(NOTE, encoding="utf-8")
    assert hs(db, "ingest", "--no-analyse", str(folder / "**" / "*.md")).exit_code == 0
    res = hs(db, "ingest", "--no-analyse", str(copy))
    assert res.exit_code == 0 and "duplicate" in res.output
    st = json.loads(hs(db, "status", "--format", "json").output)
    assert st["documents"] == 1 and st["inputs"] == 2
    assert hs(db, "ingest", "--no-analyse", str(tmp_path / "*.nothing")).exit_code == 1


def test_urls_feeds_and_http_errors(tmp_path: Path) -> None:
    db = tmp_path / "hs.db"
    routes = {
        "/article": respond(200, ARTICLE_HTML.format(title="Vaccine shipment reaches Tashkent", body="Uzbekistan received a vaccine shipment from China on Tuesday.").encode()),
        "/missing": respond(404, b"gone"),
        "/broken": respond(500, b"oops"),
        "/loop": respond(302, b"", headers={"Location": "/loop"}),
        "/notfeed.xml": respond(200, b"<?xml version='1.0'?><catalog><book>Not a feed</book></catalog>", "application/xml"),
    }
    with serve(routes) as base:
        routes["/feed.xml"] = respond(200, RSS.format(base=base).encode(), "application/rss+xml")
        res = hs(db, "ingest", "--no-analyse", f"{base}/article", f"{base}/feed.xml", f"{base}/missing", f"{base}/broken", f"{base}/loop", f"{base}/notfeed.xml")
    assert res.exit_code == 1
    st = json.loads(hs(db, "status", "--format", "json").output)
    assert st["documents"] == 3  # the article and two feed entries
    failed = {f["input"].rsplit("/", 1)[1]: f["reason"] for f in st["failed"]}
    assert set(failed) == {"missing", "broken", "loop", "notfeed.xml"}
    assert "404" in failed["missing"] and "500" in failed["broken"] and "redirect" in failed["loop"]
    hits = json.loads(hs(db, "search", "compensation", "--format", "json").output)
    assert hits[0]["title"] == "Protest at the mine" and hits[0]["published"].startswith("2020-03-31")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "hs.db"
    assert runner.invoke(app, ["--db", str(db), "ingest"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "search", "x", "--from", "last year"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "status", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["--db", "nosuchdriver://x", "status"]).exit_code == 2


@pytest.mark.parametrize("command", ["ingest", "status", "search", "show", "analyse", "eval", "events", "db"])
def test_every_command_has_help_with_example(command: str) -> None:
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output or command == "db"
