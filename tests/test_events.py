"""Event coder: dictionaries, sentence selection and coding of hand-checked sentences.

Mentions, places and dates are built by hand (``events_helpers``) so these tests
exercise the coder alone; spaCy runs for real (the dependency parse is the method).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from events_helpers import brief, code
from horizonscan.analysis import event_lexicon
from horizonscan.analysis.events import lexicon_for
from horizonscan.errors import HorizonscanError
from horizonscan.packs import load_pack

EVENTS_DIR = Path(load_pack("china_abroad").path) / "events"


# --------------------------------------------------------------------------- dictionaries


def type_files() -> list[Path]:
    return sorted(p for p in EVENTS_DIR.glob("*.yaml") if p.stem.isupper())


def test_every_type_file_matches_the_schema() -> None:
    import yaml

    files = type_files()
    assert {p.stem for p in files} >= {"AID", "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "REQUEST", "DEMAND",
                                       "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                                       "COERCE", "ASSAULT", "FIGHT", "RETREAT", "CONCEDE"}
    for p in files:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert event_lexicon.check_type_file(p.stem, data) == [], p.name
        assert data.get("verbs") or data.get("nouns"), p.name


def test_schema_check_reports_problems() -> None:
    bad = {"type": "AID", "verbs": [{"verb": "give", "objekt": ["aid"]}, {"noun": "x"}], "nouns": [{"noun": "aid", "cameo": 73}]}
    problems = event_lexicon.check_type_file("AID", bad)
    assert any("objekt" in p for p in problems)
    assert any("needs a 'verb'" in p for p in problems)
    assert any("cameo" in p for p in problems)
    assert event_lexicon.check_type_file("AID", {"type": "AGREE"})  # type must equal the file name


def test_lexicon_loads_and_folds_extended_types() -> None:
    lx = lexicon_for(load_pack("china_abroad"))
    assert lx.verbs["demand"][0].type == "REQUEST" and lx.verbs["demand"][0].raw_type == "DEMAND"
    assert lx.verbs["shell"][0].type == "ASSAULT" and lx.verbs["shell"][0].raw_type == "FIGHT"
    assert "sent" in lx.verb_forms and "send" in lx.verb_forms["sent"]


def test_yaml_booleans_are_refused(tmp_path: Path) -> None:
    (tmp_path / "REQUEST.yaml").write_text("type: REQUEST\nverbs:\n  - verb: call\n    prep: on\n", encoding="utf-8")
    with pytest.raises(HorizonscanError, match="E230"):
        event_lexicon.load_lexicon(tmp_path)


def test_user_pack_can_add_a_type_file(tmp_path: Path) -> None:
    (tmp_path / "AID.yaml").write_text("type: AID\nverbs:\n  - verb: gift\n", encoding="utf-8")
    lx = event_lexicon.load_lexicon(tmp_path)
    assert {"gift", "gifts", "gifted", "gifting"} <= lx.verbs["gift"][0].forms
    assert lx.selects({"china", "gifted", "kenya"})
    assert not lx.selects({"china", "visited", "kenya"})


@pytest.mark.parametrize(
    "lemma,forms",
    [("donate", {"donates", "donated", "donating"}), ("ban", {"banned", "banning"}), ("deploy", {"deploys", "deployed"}),
     ("rally", {"rallies", "rallied"}), ("push", {"pushes", "pushed"})],
)
def test_verb_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= event_lexicon.verb_forms(lemma)


# --------------------------------------------------------------------------- coding


def one(text: str):  # type: ignore[no-untyped-def]
    events = code(text)
    assert len(events) == 1, [brief(e) for e in events]
    return events[0]


def test_issue_example_chinese_ngos_in_nepal() -> None:
    e = one("Among the first international humanitarian actions of many Chinese NGOs was their "
            "engagement in Nepal following the devastating earthquake in 2015.")
    assert (e.type, e.mode) == ("AID", "humanitarian")
    assert (e.source.country, e.source.sector) == ("CHN", "NGO")
    assert e.target.actor_id == "NPL"
    assert e.date is not None and e.date.value == "2015"
    assert e.cameo == "073" and e.score > 0


def test_issue_example_relief_packages_passive_from_to() -> None:
    e = one("Following the bushfires, relief packages were sent from China to Australia.")
    assert brief(e) == ("AID", "CHN", "AUS") and e.mode == "humanitarian"


def test_issue_example_gold_medal() -> None:
    e = one("Xi Jinping then proceeded to give the Russian leader a gold medal.")
    assert brief(e) == ("SUPPORT", "person:xi-jinping", "RUS")


def test_issue_example_protest_against_company() -> None:
    e = one("Hundreds of residents blocked the road to the Chinese-run mine, demanding compensation.")
    assert e.type == "PROTEST" and e.source.sector == "CVL"
    assert (e.target.country, e.target.sector) == ("CHN", "BUS")


def test_apposition_and_place() -> None:
    e = one("Wang Yi, China's foreign minister, met his Kazakh counterpart in Astana on Monday.")
    assert brief(e) == ("CONSULT", "person:wang-yi", "KAZ")
    assert e.place is not None and e.place.text == "Astana"


def test_coordinated_subjects_of_symmetric_type() -> None:
    # A reciprocal act is coded once, the first-named party as source (issue #12, item 3).
    assert [brief(e) for e in code("China and Russia signed an agreement on energy cooperation.")] == [
        ("SUPPORT", "CHN", "RUS")]


def test_reported_speech_records_speaker() -> None:
    e = one("The ministry said Chinese troops had attacked Indian soldiers near the border.")
    assert brief(e) == ("ASSAULT", "CHN", "IND")
    assert e.speaker is not None and "ministry" in e.speaker.text


def test_passive_with_agent() -> None:
    assert brief(one("Indian soldiers were attacked by Chinese troops.")) == ("ASSAULT", "CHN", "IND")


def test_negation_and_refusal() -> None:
    assert one("China did not send aid to Afghanistan.").negated
    e = one("Kyrgyzstan refused to sign the deal with China.")
    assert e.negated and brief(e) == ("SUPPORT", "KGZ", "CHN")


def test_modality() -> None:
    assert one("China may send aid to Nepal.").hypothetical
    assert not one("China sent aid to Nepal.").hypothetical


def test_announced_intent_is_agree() -> None:
    """CAMEO 03x (express intent to cooperate, meet, aid...) maps to AGREE in the official table."""
    e = one("China plans to build a railway in Kyrgyzstan.")
    assert (e.type, e.cameo, e.hypothetical) == ("AGREE", "031", False)
    e = one("Wang Yi will visit Kazakhstan next week.")
    assert (brief(e), e.cameo) == (("AGREE", "person:wang-yi", "KAZ"), "036")
    e = one("China could send aid to Nepal.")
    assert e.type == "AID" and e.hypothetical


def test_request_absorbs_inner_event() -> None:
    e = one("Pakistan urged China to provide more aid to flood victims.")
    assert brief(e) == ("REQUEST", "PAK", "CHN")


def test_several_events_in_one_sentence() -> None:
    got = [brief(e) for e in code("Kazakhstan condemned the attack on Chinese workers and sent aid to Kyrgyzstan.")]
    assert ("AID", "KAZ", "KGZ") in got and len(got) == 2


def test_reverse_receive() -> None:
    assert brief(one("Sri Lanka received a loan of $1 billion from China.")) == ("AID", "CHN", "LKA")


def test_no_event_without_actors_or_trigger() -> None:
    assert code("The weather in Astana was cold.") == []
    assert code("Officials said the meeting went well.") == []
    assert code("") == []


def test_sorted_and_deterministic() -> None:
    text = ("Pakistan urged China to provide more aid. China sent aid to Nepal. "
            "Kyrgyz protesters accused the Chinese company of polluting the river.")
    first, second = code(text), code(text)
    assert first == second
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]
    keys = [(e.sentence_start, text.find(e.trigger.split()[0], e.sentence_start)) for e in first]
    assert keys == sorted(keys)
    for e in first:
        assert 0 <= e.sentence_start < e.sentence_end <= len(text)
        assert 0.0 < e.confidence <= 1.0 and e.cameo


def test_offsets_point_into_text() -> None:
    text = "Background.\n\nChina sent relief supplies to Nepal in 2015."
    e = one(text)
    assert text[e.sentence_start:e.sentence_end].startswith("China sent")
    assert text[e.source.start:e.source.end] == "China"
    assert text[e.target.start:e.target.end] == "Nepal"


def test_town_before_its_container_is_the_event_place() -> None:
    import horizonscan

    a = horizonscan.analyse("In September 2013, Chinese President Xi Jinping travelled to Bishkek, Kyrgyzstan, for the summit.",
                            published="2013-09-12")
    (e,) = a.events
    assert e.type == "CONSULT" and e.place is not None and e.place.text == "Bishkek"


@pytest.mark.parametrize("sentence", [
    "One possibility is for Chinese and Indian firms to offer scholarships to Afghan students.",
    "The plan is for China to build a road to Kabul.",
])
def test_infinitive_after_a_modal_noun_is_hypothetical(sentence: str) -> None:
    import horizonscan

    found = horizonscan.analyse(sentence, published="2020-01-01").events
    assert found and all(e.hypothetical for e in found)


def test_land_around_a_country_is_not_that_country() -> None:
    # The countries "on the fringe of" Russia are not Russia: with no other target, no visit is coded.
    events = code("The Chinese premier visited the five countries on the fringe of Russia in 2013.")
    assert all(brief(e)[2] != "RUS" for e in events), [brief(e) for e in events]
    # Named directly, the country stays the target.
    e = one("The Chinese premier visited Russia last spring.")
    assert brief(e)[2] == "RUS"


def test_the_other_party_to_a_signed_loan_is_its_target() -> None:
    e = one("The Export-Import Bank of China signed a $600 million loan with Zambia on 4 May 2018.")
    assert brief(e)[0] == "AID" and brief(e)[2] == "ZMB"


def test_receiving_goods_is_no_visit() -> None:
    assert not any(e.type == "CONSULT" for e in code("Myanmar's junta received two Chinese-made submarines in 2021."))
    e = one("The Kyrgyz president received a Chinese delegation in Bishkek.")
    assert e.type == "CONSULT" and brief(e)[2] == "CHN"


@pytest.mark.parametrize(
    "text",
    [
        "Chinese and Indian troops clashed in the Galwan Valley in June 2020.",
        "Kyrgyz and Tajik border guards clashed near the border on Thursday.",
    ],
)
def test_coordinated_sides_that_clashed_fought_each_other(text: str) -> None:
    pairs = [brief(e) for e in code(text)]
    # one clash, coded once with both sides, the first named as source
    assert pairs in ([("ASSAULT", "CHN", "IND")], [("ASSAULT", "KGZ", "TJK")])


def test_clashing_over_something_alone_is_no_fight() -> None:
    assert code("The Kyrgyz minister clashed over the efforts of Tajikistan to build a road.") == []
