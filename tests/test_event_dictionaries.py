"""Verb dictionaries generated from PETRARCH-2 (scripts/build_event_dictionaries.py) and their loading.

The parser is tested on small samples written here in PETRARCH's dictionary
syntax; the loader on a tmp pack; the shipped files on their schema and
credit; the coder on sentences whose verbs only the generated files know.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from events_helpers import brief, code
from horizonscan.analysis import event_lexicon
from horizonscan.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = Path(load_pack("china_abroad").path) / "events"


def _script():
    spec = importlib.util.spec_from_file_location("build_event_dictionaries", ROOT / "scripts" / "build_event_dictionaries.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


build = _script()

SAMPLE = """\
# a comment line
####### SYNONYM SETS #######

&GOODS
+RICE
+MEDICAL_KIT
+FLOUR_

####### VERB PATTERNS #######

---  BESTOW   [070]  ---
BESTOW
CONFER {CONFERS CONFERRED CONFERRING }
PROFFER  # a synonym that only inherits the block's code
WIDGETIZE [073]
+HAND_OVER {+HANDED_OVER +HANDING_OVER } [070]
- * &GOODS                                  [073]    # BESTOW
- * {SEED CAPITAL}                          [071]    # CONFER
- * (IN COURT)                              [173]    # BESTOW
- &MILITARY * TROOPS                        [154]    # BESTOW
- * (TO)                                    [042:043]    # CONFER
- * (BEFORE JUDGE)                          [:173]   # BESTOW
- * HONOURS                                 [---]    # BESTOW
- * WEAPONS                                 [072]    # NOTAVERB
- * REMARKS                                 [010]    # BESTOW

---  MUTTER   [---]  ---
MUTTER
- * (AGAINST)                               [:111]   # MUTTER
"""


def _curation(**over) -> "build.Curation":
    base = dict(drop_verbs={}, bare_only_with_objects={}, keep_inherited={}, recode={}, drop_objects={},
                drop_patterns={})
    base.update(over)
    return build.Curation(**base)


# --------------------------------------------------------------------------- parser


def test_parser_reads_sets_blocks_verbs_and_patterns() -> None:
    d = build.parse_dictionary(SAMPLE)
    assert d.synsets["GOODS"] == ("rice", "medical kit", "flour")
    assert [b.name for b in d.blocks] == ["bestow", "mutter"]
    bestow = d.blocks[0]
    assert bestow.code == "070" and d.blocks[1].code is None
    verbs = {v.words: v for v in bestow.verbs}
    assert verbs[("confer",)].forms == ("confers", "conferred", "conferring")
    assert verbs[("widgetize",)].code == "073"
    assert verbs[("hand", "over")].code == "070" and "handed" in verbs[("hand", "over")].forms
    pats = bestow.patterns
    assert pats[0].post == ("&GOODS",) and pats[0].code == "073" and pats[0].origin == "bestow"
    assert pats[1].post == ("{SEED CAPITAL}",)
    assert pats[2].post == ("(IN COURT)",)
    assert pats[3].pre == ("&MILITARY",)
    assert pats[4].code == "042:043" and pats[5].code == ":173"


def test_conversion_maps_codes_and_leaves_out_what_the_format_cannot_say() -> None:
    d = build.parse_dictionary(SAMPLE)
    entries, irregular, skipped = build.build_entries(d, _curation(), frozenset())
    got = {(t, e.verb, e.prep, e.objects, e.reverse, e.cameo) for t, es in entries.items() for e in es}
    assert ("AID", "bestow", None, (), False, "070") in got  # block head keeps the block's code
    assert ("AID", "widgetize", None, (), False, "073") in got  # own code
    assert ("AID", "hand", "over", (), False, "070") in got  # phrasal verb -> prep
    assert ("AID", "bestow", None, ("rice", "medical kit", "flour"), False, "073") in got  # set expanded
    assert ("AID", "confer", None, ("seed capital",), False, "071") in got  # phrase kept whole
    assert ("CONSULT", "confer", "to", (), False, "042") in got  # forward code of a pair
    assert ("ACCUSE", "mutter", "against", (), True, "111") in got  # "[:111]": the target acts
    verbs = {e.verb for es in entries.values() for e in es}
    assert "proffer" not in verbs  # a synonym that only inherits the block's code
    assert not any(e.cameo == "010" for es in entries.values() for e in es)  # CAMEO 01x: no PLOVER type
    assert not any(e.cameo == "154" for es in entries.values() for e in es)  # condition on the subject
    assert not any(e.cameo == "072" for es in entries.values() for e in es)  # pattern's verb not in block
    assert skipped.counts["prepositional phrase with its own noun"] == 2
    assert skipped.counts["null-code pattern"] == 1
    assert irregular["confer"] == {"confers", "conferred", "conferring"}
    # the AID mode comes from the table's context column, as in the hand-written files
    assert next(e for e in entries["AID"] if e.cameo == "073").mode == "humanitarian"


def test_curation_drops_bare_verbs_keeps_their_objects_and_recodes() -> None:
    d = build.parse_dictionary(SAMPLE)
    cur = _curation(bare_only_with_objects={"bestow": "ambiguous"}, keep_inherited={"proffer": "clear"},
                    recode={"widgetize": "071"}, drop_patterns={"confer to": "particle alone"},
                    drop_verbs={"mutter": "noise"})
    entries, _, skipped = build.build_entries(d, cur, frozenset({"hand"}))
    got = {(e.verb, e.prep, e.objects, e.cameo) for es in entries.values() for e in es}
    assert ("bestow", None, (), "070") not in got
    assert any(v == "bestow" and objs for v, _, objs, _ in got)  # object patterns stay
    assert ("proffer", None, (), "070") in got
    assert ("widgetize", None, (), "071") in got
    assert ("confer", "to", (), "042") not in got
    assert not any(v in ("mutter", "hand") for v, *_ in got)  # curated verb; grammar verb
    assert skipped.counts["grammar verb"] == 1


def test_codes_map_through_the_official_table_with_the_appeal_decision() -> None:
    assert build.plover_for("0233") == ("REQUEST", None)  # CAMEO 02x appeal -> REQUEST
    assert build.plover_for("012") is None  # 01x statements have no PLOVER type
    assert build.plover_for("1041") == ("DEMAND", None)  # the pack's DEMAND file (folds into REQUEST)
    assert build.plover_for("194") == ("FIGHT", "heavy-weapons")
    assert build.plover_for("163") == ("COERCE", "restrict")
    assert build.plover_for("0871") == ("RETREAT", "ceasefire")


def test_rendered_files_load_and_carry_the_credit(tmp_path: Path) -> None:
    d = build.parse_dictionary(SAMPLE)
    entries, irregular, _ = build.build_entries(d, _curation(), frozenset())
    files = build.render(entries, irregular, Path("CAMEO.2.0.txt"))
    for name, text in files.items():
        assert "GENERATED by scripts/build_event_dictionaries.py" in text
        assert "Open Event Data Alliance; MIT licence" in text and "National Science Foundation" in text
        assert build.SOURCE_COMMIT in text
        data = yaml.safe_load(text)
        if name != "_grammar.yaml":
            assert event_lexicon.check_type_file(name[:-5], data) == []
            assert all(isinstance(e.get("cameo"), str) for e in data["verbs"])


# --------------------------------------------------------------------------- loader


def test_hand_written_entries_win_over_generated_ones(tmp_path: Path) -> None:
    (tmp_path / "_grammar.yaml").write_text("irregular:\n  give: [gave]\n", encoding="utf-8")
    (tmp_path / "AID.yaml").write_text(
        "type: AID\nmodes:\n  economic: [loan]\nverbs:\n  - verb: give\n    object: [aid]\n", encoding="utf-8")
    gen = tmp_path / "petrarch"
    gen.mkdir()
    (gen / "_grammar.yaml").write_text("irregular:\n  bestow: [bestowen]\n  give: [given]\n", encoding="utf-8")
    (gen / "AID.yaml").write_text(
        "type: AID\nverbs:\n  - verb: give\n  - verb: bestow\n    cameo: '070'\n", encoding="utf-8")
    (gen / "THREATEN.yaml").write_text("type: THREATEN\nverbs:\n  - verb: menace\n", encoding="utf-8")
    lx = event_lexicon.load_lexicon(tmp_path)
    assert [p.objects for p in lx.verbs["give"]] == [("aid",)]  # the generated bare "give" is not loaded
    assert lx.verbs["bestow"][0].cameo == "070" and lx.verbs["bestow"][0].type == "AID"
    assert lx.verbs["bestow"][0].order > lx.verbs["give"][0].order
    assert lx.types["AID"].modes == (("economic", ("loan",)),)  # type settings from the hand-written file
    assert "THREATEN" in lx.types and "menace" in lx.verbs  # a type only the generated folder has
    assert {"bestowen"} <= lx.verb_forms.keys() and {"gave", "given"} <= lx.verb_forms.keys()


def test_a_malformed_generated_file_is_refused(tmp_path: Path) -> None:
    gen = tmp_path / "petrarch"
    gen.mkdir()
    (gen / "AID.yaml").write_text("type: AID\nverbs:\n  - verb: bestow\n    objekt: [aid]\n", encoding="utf-8")
    with pytest.raises(Exception, match="E231"):
        event_lexicon.load_lexicon(tmp_path)


def test_shipped_generated_files_match_the_schema_and_credit() -> None:
    files = sorted((EVENTS_DIR / "petrarch").glob("*.yaml"))
    assert len(files) >= 15 and (EVENTS_DIR / "petrarch" / "LICENSE.petrarch2").exists()
    hand = {e["verb"] for p in EVENTS_DIR.glob("*.yaml") if p.stem.isupper()
            for e in (yaml.safe_load(p.read_text(encoding="utf-8")).get("verbs") or [])}
    new = set()
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert "PETRARCH-2" in text and "MIT licence" in text
        if p.stem.isupper():
            data = yaml.safe_load(text)
            assert event_lexicon.check_type_file(p.stem, data) == []
            new |= {e["verb"] for e in data["verbs"]} - hand
    assert len(new) > 300  # verbs the hand-written files lack


@pytest.mark.skipif(not build.DEFAULT_SOURCE.exists(), reason="../shared data not present")
def test_shipped_files_are_what_the_script_builds() -> None:
    d = build.parse_dictionary(build.DEFAULT_SOURCE.read_text(encoding="utf-8", errors="replace"))
    entries, irregular, _ = build.build_entries(d, build.Curation.load(build.CURATION), build.reserved_verbs())
    for name, text in build.render(entries, irregular, build.DEFAULT_SOURCE).items():
        assert (EVENTS_DIR / "petrarch" / name).read_text(encoding="utf-8") == text, name


# --------------------------------------------------------------------------- coding


@pytest.mark.parametrize("sentence, expected, cameo", [
    ("China aided Nepal after the earthquake in 2015.", ("AID", "CHN", "NPL"), "070"),
    ("The Philippines reprimanded China over the incident near the shoal.", ("ACCUSE", "PHL", "CHN"), "111"),
    ("Pakistan implored China to restructure the loans.", ("REQUEST", "PAK", "CHN"), "020"),
    ("Myanmar incarcerated two Chinese nationals.", ("COERCE", "MMR", "CHN"), "170"),
    ("China underwrote Laos's railway.", ("COOPERATE", "CHN", "LAO"), "061"),
])
def test_sentences_coded_through_generated_verbs(sentence: str, expected: tuple, cameo: str) -> None:
    events = code(sentence)
    assert [brief(e) for e in events] == [expected]
    assert events[0].cameo == cameo
