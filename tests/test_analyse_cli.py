"""``horizonscan analyse --format jsonl`` and ``horizonscan.analyse``: the machine interface."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import horizonscan
from horizonscan.cli import app

runner = CliRunner()

TEXT = (
    "In May 2015, China sent relief supplies to Nepal after the earthquake.\r\n\r\n"
    "Xi Jinping met Vladimir Putin in Moscow last week, and the Shanghai Cooperation Organisation welcomed the talks.\n"
)


def lines(output: str) -> list[dict]:
    return [json.loads(x) for x in output.splitlines() if x.strip()]


def test_one_line_per_input_in_order_with_errors(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_bytes(TEXT.encode("utf-8"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["analyse", str(a), str(empty), str(a), str(tmp_path / "missing.txt"), "--published", "2020-03-30"])
    out = lines(res.stdout)
    assert [Path(o["path"]).name for o in out] == ["a.txt", "empty.txt", "a.txt", "missing.txt"]
    assert res.exit_code == 1
    assert "error" not in out[0] and out[0] == out[2]  # the duplicate input gets the same line
    assert out[1]["error"].startswith("E101") and out[3]["error"].startswith("E110")
    first = out[0]
    for key in ("id", "language", "mentions", "places", "dates", "themes", "citations", "events"):
        assert key in first
    # offsets index the text exactly as read (CRLF kept)
    for kind in ("mentions", "places", "dates"):
        for m in first[kind]:
            assert TEXT[m["start"]:m["end"]] == m["text"]
    assert {m.get("actor_id") for m in first["mentions"]} >= {"CHN", "NPL", "person:xi-jinping", "igo:sco"}
    assert any(d["value"] == "2015-05" for d in first["dates"])
    assert any(p["country"] == "NPL" for p in first["places"])


def test_stdin_and_byte_identical_repeat() -> None:
    one = runner.invoke(app, ["analyse", "-", "--published", "2020-03-30"], input=TEXT)
    two = runner.invoke(app, ["analyse", "-", "--published", "2020-03-30"], input=TEXT)
    assert one.exit_code == 0 and one.stdout == two.stdout
    (line,) = lines(one.stdout)
    assert line["path"] == "-" and line["language"] == "en"


def test_bad_published_is_a_usage_error() -> None:
    res = runner.invoke(app, ["analyse", "-", "--published", "yesterday"], input="x")
    assert res.exit_code == 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "中国政府向尼泊尔提供了人道主义援助。习近平会见了普京。",
        "Китай направил гуманитарную помощь в Непал. Си Цзиньпин встретился с Путиным в Москве.",
        "Control\x00chars\x07 and\x1b[31m escapes &amp; HTML entities &lt;b&gt; in Bishkek on 3 March 2020.",
        ("word " * 40_000) + "Astana",
    ],
)
def test_bad_input_gives_result_or_clear_error(text: str) -> None:
    res = runner.invoke(app, ["analyse", "-"], input=text)
    (line,) = lines(res.stdout)
    if not text.strip():
        assert line["error"].startswith("E101")
    else:
        assert "error" not in line, line.get("error")
        assert isinstance(line["mentions"], list)


def test_non_english_marked_and_dictionary_actors_found() -> None:
    res = horizonscan.analyse("Си Цзиньпин встретился с Путиным в Москве. Китай направил помощь в Непал.")
    assert res.language == "ru"
    assert any(m.country == "CHN" for m in res.mentions)


def test_python_api_same_as_cli() -> None:
    api = horizonscan.analyse(TEXT, published="2020-03-30").to_dict()
    (cli,) = lines(runner.invoke(app, ["analyse", "-", "--published", "2020-03-30"], input=TEXT).stdout)
    for key in ("mentions", "places", "dates", "events", "themes", "citations"):
        assert api[key] == cli[key]


def test_time_limit_gives_error_not_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.analysis import pipeline
    from horizonscan.errors import AnalysisError

    def slow(*args: object, **kwargs: object) -> list:
        import time

        time.sleep(5)
        return []

    monkeypatch.setattr(pipeline.themes, "tag_themes", slow)
    with pytest.raises(AnalysisError, match="E221"):
        pipeline.analyse("China sent aid to Nepal.", timeout=0.5)


def test_time_limit_holds_when_the_alarm_is_swallowed() -> None:
    """The alarm's exception can fire inside a finaliser, where Python only prints it: the
    limit is checked again when the analysis ends."""
    import time

    from horizonscan.analysis.pipeline import time_limit
    from horizonscan.errors import AnalysisError

    with pytest.raises(AnalysisError, match="E221"):
        with time_limit(0.05):
            try:
                time.sleep(0.2)
            except AnalysisError:
                time.sleep(0.05)  # swallowed, as in a garbage-collection callback; work goes on


def test_same_output_in_any_order() -> None:
    """No hidden state: analysing B before A does not change A's result (STYLE mistake 1)."""
    from horizonscan.analysis.pipeline import analyse

    a = TEXT
    b = "Kyrgyz protesters rallied in Bishkek on 5 October 2020 against the Chinese-run mine. The SCO met in Astana."
    first = [analyse(t, published="2020-10-06").to_dict() for t in (a, b)]
    second = [analyse(t, published="2020-10-06").to_dict() for t in (b, a)]
    assert first == second[::-1]


def test_markdown_front_matter_is_metadata_not_prose(tmp_path: Path) -> None:
    """Front matter is blanked (offsets still index the file) and its date anchors the text;
    the id is the one ingest gives the same file."""
    from horizonscan.ingest.registry import Origin
    from horizonscan.ingest.readers.text import read

    raw = ("---\ntitle: Kazakhstan talks in Astana\ndate: 2019-04-02\n---\n"
           "China sent medical aid to Kyrgyzstan last week.\n")
    note = tmp_path / "note.md"
    note.write_text(raw, encoding="utf-8")
    (line,) = lines(runner.invoke(app, ["analyse", str(note)]).stdout)
    for kind in ("mentions", "places", "dates"):
        for m in line[kind]:
            assert raw[m["start"]:m["end"]] == m["text"] and m["start"] >= raw.index("China")
    assert "KAZ" not in {m.get("actor_id") for m in line["mentions"]}  # the title is not analysed
    assert [d["value"] for d in line["dates"]] == ["2019-W13"]  # "last week" before 2019-04-02
    assert line["id"] == read(raw.encode(), Origin(str(note), path=str(note)))[0].id
