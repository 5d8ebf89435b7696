"""The shared filter options: one definition, validated into a Filter, usage errors exit 2."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from horizonscan.cli.filter_options import ALL, DOCUMENT, with_filter

runner = CliRunner()


def _app(*names: str) -> tuple[typer.Typer, list[Any]]:
    seen: list[Any] = []
    app = typer.Typer()

    @app.command()
    @with_filter(*names)
    def cmd(top: int = typer.Option(5, "--top"), filter: Any = None) -> None:
        seen.append((top, filter))

    @app.command()
    def other() -> None:  # a second command keeps typer from collapsing to a single one
        pass

    return app, seen


def test_options_become_a_validated_filter() -> None:
    app, seen = _app(*ALL)
    r = runner.invoke(app, ["cmd", "--top", "3", "--type", "aid,protest", "--place", "central-asia", "--from", "2020", "--duplicates"])
    assert r.exit_code == 0, r.output
    top, f = seen[0]
    assert top == 3
    assert f.types == ("AID", "PROTEST")
    assert "KGZ" in f.place_countries and f.include_duplicates


def test_no_options_give_an_empty_filter() -> None:
    from horizonscan.query import make_filter

    app, seen = _app(*ALL)
    assert runner.invoke(app, ["cmd"]).exit_code == 0
    assert seen[0][1] == make_filter()


def test_invalid_value_exits_2_with_the_reason() -> None:
    app, seen = _app(*ALL)
    r = runner.invoke(app, ["cmd", "--type", "NOT_A_TYPE"])
    assert r.exit_code == 2 and not seen
    assert "PLOVER" in r.output


def test_only_the_named_options_exist() -> None:
    app, _ = _app(*DOCUMENT)
    r = runner.invoke(app, ["cmd", "--type", "AID"])
    assert r.exit_code == 2  # --type is not an option of this command
    assert runner.invoke(app, ["cmd", "--language", "en"]).exit_code == 0


def test_unknown_option_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        with_filter("colour")
