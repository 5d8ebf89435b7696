"""Issue #12, item 3: institutions resolve to their own country; no self-loops; reciprocal acts once.

Sentences are written for these tests; the corpus checks read real documents in ../shared/corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import horizonscan
from horizonscan.analysis.actor_dictionary import load_dictionary
from horizonscan.analysis.actors import classify_agent, same_party
from horizonscan.packs import load_pack
from horizonscan.records import EventActor


def mentions(text: str) -> dict[str, tuple]:
    a = horizonscan.analyse(text, language="en")
    return {m.text: (m.actor_id, m.country, m.kind, m.sector) for m in a.mentions}


def events(text: str) -> list[tuple]:
    a = horizonscan.analyse(text, language="en")
    code = lambda x: None if x is None else (x.actor_id or x.country)  # noqa: E731
    return [(e.type, code(e.source), code(e.target)) for e in a.events]


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        # a famous namesake (the UN Security Council) does not take a country's own council
        ("The Kyrgyz Security Council discussed the border on Monday.", "Kyrgyz Security Council",
         (None, "KGZ", "government", "GOV")),
        ("Kyrgyzstan's Security Council met in Bishkek.", "Kyrgyzstan's Security Council",
         (None, "KGZ", "government", "GOV")),
        ("The Security Council of Kyrgyzstan met in Bishkek.", "Security Council of Kyrgyzstan",
         (None, "KGZ", "government", "GOV")),
        # a national actor of another country, qualified by a nationality, is another body
        ("The Pakistani Taliban attacked a checkpoint.", "Pakistani Taliban", (None, "PAK", "group", "REB")),
    ],
)
def test_a_nationality_before_an_institution_makes_that_countrys_body(text, span, expected) -> None:
    assert mentions(text)[span] == expected


def test_an_unknown_organisation_does_not_take_a_famous_namesake() -> None:
    found = mentions("The Kenyan People's Liberation Army marched on Nairobi.")
    assert found["Kenyan People's Liberation Army"][:2] == (None, "KEN")  # not mil:pla (CHN)
    # an institute named after a bank is not the bank; a company's own suffix keeps the company
    found = mentions("The Asian Development Bank Institute wrote to Huawei Technologies Corporation.")
    assert found["Asian Development Bank Institute"][0] is None
    assert found["Asian Development Bank Institute"][3] == "EDU"
    assert found["Huawei Technologies Corporation"][0] == "company:huawei"


def test_the_namesake_keeps_its_own_name() -> None:
    found = mentions("The Security Council met in New York. The UN Security Council voted.")
    assert found["Security Council"][0] == "igo:unsc"
    assert found["UN Security Council"][0] == "igo:unsc"


def test_people_and_acronyms_keep_their_actor_after_a_nationality() -> None:
    found = mentions("Russian President Vladimir Putin met the Kazakh CNPC managers.")
    assert found["Vladimir Putin"][0] == "person:vladimir-putin"
    assert any(v[0] == "company:cnpc" for v in found.values())


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Afghan forces", ("AFG", "MIL")),
        ("Chinese state-owned enterprises", ("CHN", "BUS")),
        ("Kazakh Foreign Ministry", ("KAZ", "GOV")),
        ("the Kenyan National Security Council", ("KEN", "GOV")),  # agent noun from the open dictionaries
        ("Tajik state media", ("TJK", "MED")),
    ],
)
def test_country_plus_agent_noun(words, expected) -> None:
    assert classify_agent(words) == expected


def test_open_dictionaries_are_loaded() -> None:
    d = load_dictionary(load_pack("china_abroad"))
    assert d.agents[("security", "council")] == "GOV"  # NGEC / PETRARCH-2 agents
    assert ("kazakhstani",) in d.index  # countrynames adjective (also hand-kept)
    assert any(a.actor.id and a.actor.id.startswith("group:") for a in d.index.get(("abu", "sayyaf", "group"), ()))


def test_a_state_and_its_own_voice_are_one_party() -> None:
    erdogan = EventActor("Erdoğan", "person:recep-tayyip-erdogan", "TUR", "GOV", 0, 7)
    president = EventActor("Turkish President", None, "TUR", "GOV", 12, 29)
    turkey = EventActor("Turkey", "TUR", "TUR", None, 40, 46)
    protesters = EventActor("Turkish protesters", None, "TUR", "CVL", 50, 68)
    greece = EventActor("Greece", "GRC", "GRC", None, 70, 76)
    assert same_party(erdogan, president) and same_party(turkey, president)
    assert not same_party(protesters, turkey)  # a country's civilians against its government: two parties
    assert not same_party(turkey, greece)


def test_no_self_loop_in_events() -> None:
    assert events("Erdoğan met the Turkish President in Ankara.") == []
    assert events("Kyrgyz protesters rallied against Kyrgyzstan's government.")[0][:1] == ("PROTEST",)


def test_reciprocal_act_coded_once_first_named_as_source() -> None:
    assert events("Kazakhstan and China signed an agreement on water sharing.") == [("SUPPORT", "KAZ", "CHN")]


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["rusi-sco-central-asia-2013-2018.txt", "icva-south-south-china-case-study.txt"])
def test_real_documents_have_no_self_loops_or_mirrored_pairs(corpus_dir: Path, name: str) -> None:
    text = (corpus_dir / name).read_text(encoding="utf-8")
    a = horizonscan.analyse(text, published="2020-01-01", language="en")
    seen = set()
    for e in a.events:
        if e.source is not None and e.target is not None:
            assert not same_party(e.source, e.target), e
            key = (e.sentence_start, e.type)
            pair = (e.source.actor_id or e.source.country, e.target.actor_id or e.target.country)
            assert (key, pair[::-1]) not in seen or pair[0] == pair[1], e  # one reciprocal act, one event
            seen.add((key, pair))
    # no national institution in these texts resolves to a famous namesake of another country
    for m in a.mentions:
        if m.actor_id == "igo:unsc":
            assert not text[max(0, m.start - 10) : m.start].rstrip().endswith(("Kyrgyz", "Kazakh", "Afghan", "Chinese"))


def test_petrarch_scoring_takes_one_reciprocal_event_for_both_directions() -> None:
    from horizonscan.evaluation.events import GoldEvent, Record, score
    from horizonscan.records import Event

    gold = Record("R1", None, "Arnor and Gondor agreed.", [GoldEvent("ARN", "GON", "030", "AGREE"),
                                                           GoldEvent("GON", "ARN", "030", "AGREE")])
    one = [Event("AGREE", None, EventActor("Arnor", "ARN"), EventActor("Gondor", "GON"), 0, 24)]
    plain = score([(gold, one)])
    both = score([(gold, one)], reciprocal=frozenset({"AGREE"}))
    assert plain["triple_accuracy"] == 0.5 and both["triple_accuracy"] == 1.0
    assert both["triple_precision"] == 1.0 and both["predicted_events"] == 1.0


@pytest.mark.shared
def test_generated_dictionaries_match_their_build_script(shared_dir: Path, tmp_path: Path) -> None:
    """The *_open.yaml files are what scripts/build_actor_dictionaries.py makes of the open data."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(repo / "scripts" / "build_actor_dictionaries.py"), "--no-countrynames",
                    "--event-dictionaries", str(shared_dir / "data" / "event-dictionaries"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    pack = repo / "src" / "horizonscan" / "packs" / "china_abroad" / "actors"
    for name in ("agents_open.yaml", "igos_open.yaml", "armed_groups_open.yaml"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (pack / name).read_text(encoding="utf-8"), name
