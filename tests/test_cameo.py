"""PLOVER <-> CAMEO mapping, scores, and the shipped cameo.yaml kept in sync with the official table."""

from __future__ import annotations

from pathlib import Path

import pytest

from horizonscan.analysis import cameo

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


def test_shipped_file_in_sync_with_official_table(eval_dir: Path) -> None:
    table = eval_dir / "plover-mapping" / "CAMEO2PLOVER-2021.txt"
    assert cameo.CAMEO_FILE.read_text(encoding="utf-8") == cameo.build_cameo_yaml(table), (
        "regenerate events/cameo.yaml with horizonscan.analysis.cameo.build_cameo_yaml"
    )


def test_shipped_file_credits_source_and_licence() -> None:
    head = cameo.CAMEO_FILE.read_text(encoding="utf-8")[:800]
    assert "CC BY-SA 4.0" in head and "openeventdata/PLOVER" in head


def test_parse_table_skips_group_headings() -> None:
    rows = cameo.parse_cameo_table("03: AGREE\n0311: AGREE,  ,   economic # note\n~~~~~\n")
    assert [(r.code, r.type, r.mode, r.context) for r in rows] == [("0311", "AGREE", "", "economic")]


@pytest.mark.parametrize(
    "code,expected",
    [("073", ("AID", "humanitarian")), ("071", ("AID", "economic")), ("0841", ("RETREAT", "release")),
     ("1823", ("ASSAULT", None)), ("173", ("COERCE", "arrest")), ("1411", ("PROTEST", "demo")),
     ("1711", ("COERCE", "seize")), ("1712", ("ASSAULT", "seize")), ("0234", ("REQUEST", None)),
     ("20", ("ASSAULT", "massacre"))],
)
def test_cameo_to_plover(code: str, expected: tuple[str, str | None]) -> None:
    assert cameo.cameo_to_plover(code) == expected


@pytest.mark.parametrize("code", ["903", "010", "", "99"])
def test_unmappable_codes(code: str) -> None:
    assert cameo.cameo_to_plover(code) is None


def test_plover_to_cameo_round_trips_type() -> None:
    for ptype in PLOVER_TYPES:
        code = cameo.plover_to_cameo(ptype)
        assert code, ptype
        assert cameo.cameo_to_plover(code)[0] == ptype  # type: ignore[index]


def test_modes_refine_codes() -> None:
    assert cameo.plover_to_cameo("AID", "humanitarian") == "073"
    assert cameo.plover_to_cameo("AID", "military") == "072"
    assert cameo.plover_to_cameo("AID", "economic") == "071"
    assert cameo.cameo_for("DEMAND", None) == "100"
    assert cameo.cameo_for("FIGHT", None) == "190"
    assert cameo.cameo_for("REQUEST", None) == "020"
    assert cameo.cameo_for("ACCUSE", None) == "112"


def test_scores_cover_types_and_order() -> None:
    for ptype in PLOVER_TYPES:
        assert -10 <= cameo.score(ptype) <= 10
    assert cameo.score("AID") > cameo.score("CONSULT") > 0 > cameo.score("ACCUSE") > cameo.score("ASSAULT")
    assert cameo.score("NOT-A-TYPE") == 0.0
