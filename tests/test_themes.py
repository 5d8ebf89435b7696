"""Theme tagger: lexicon syntax, firing rule, evidence, offsets, shipped pack, corpus shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from horizonscan.analysis.nlp import paragraph_spans
from horizonscan.analysis.themes import build_lexicon, load_lexicon, tag_themes
from horizonscan.errors import HorizonscanError
from horizonscan.packs import Pack, load_pack

HUMAN_SECURITY = {"economic", "food", "health", "environmental", "personal", "community", "political"}
STEEP = {"social", "technological", "economic", "environmental", "political"}


def make_pack(tmp_path: Path, data: object, name: str = "toy") -> Pack:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "themes.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return Pack(name=name, path=folder)


def tags(text: str, pack: Pack) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(t.scheme, t.label): t.evidence for t in tag_themes(text, paragraph_spans(text), pack)}


TOY = {
    "rule": {"fire_at": 2, "full_at": 4},
    "schemes": {
        "hs": {
            "health": ["hospital", "doctor", {"pandemic": 2}, "vaccin*", "AI", "=aid"],
            "economic": ["loan", "economy", "human", "human rights", "import", "ban", "islam", "food security"],
        },
        "steep": {"economic": {"extends": ["hs/economic"], "cues": ["COVID-19"]}},
    },
}


@pytest.fixture()
def toy(tmp_path: Path) -> Pack:
    return make_pack(tmp_path, TOY)


def test_strong_cue_fires_alone_and_weak_cue_does_not(toy: Pack) -> None:
    assert ("hs", "health") in tags("The pandemic spread.", toy)
    assert tags("A hospital opened.", toy) == {}
    assert tags("A hospital opened and doctors came.", toy)[("hs", "health")] == ("hospital", "doctors")


def test_repeating_one_cue_does_not_add_weight(toy: Pack) -> None:
    assert tags("hospital, hospitals, Hospital, hospital", toy) == {}


def test_evidence_in_order_of_first_appearance_and_deduplicated(toy: Pack) -> None:
    text = "Vaccines arrived. More vaccines came; the pandemic eased. VACCINATION went on."
    assert tags(text, toy)[("hs", "health")] == ("Vaccines", "pandemic", "VACCINATION")


def test_inflections_of_base_forms(toy: Pack) -> None:
    text = "Loans, imported goods, economies and banned exports."
    assert tags(text, toy)[("hs", "economic")] == ("Loans", "imported", "economies", "banned")


def test_word_boundaries_block_partial_words(toy: Pack) -> None:
    # "important", "Islamabad", "loaned-out" style look-alikes must not count, "aids" is not "=aid"
    assert tags("An important talk in Islamabad about aids and humanity.", toy) == {}


def test_acronyms_are_case_sensitive(toy: Pack) -> None:
    assert tags("AI and a hospital", toy)[("hs", "health")] == ("AI", "hospital")
    assert tags("ai and a hospital", toy) == {}
    assert tags("Ai and a hospital", toy) == {}


def test_longest_cue_wins_and_phrases_span_whitespace_and_hyphens(toy: Pack) -> None:
    found = tags("Human\n rights and food-security", toy)
    assert found[("hs", "economic")] == ("Human rights", "food-security")  # whitespace collapsed in evidence
    found = tags("covid 19 and COVID19 and loans", toy)
    assert found[("steep", "economic")] == ("covid 19", "COVID19", "loans")


def test_extends_reuses_cues_and_schemes_are_separate(toy: Pack) -> None:
    found = tags("loans and economies", toy)
    assert set(found) == {("hs", "economic"), ("steep", "economic")}


def test_spans_scores_and_order(toy: Pack) -> None:
    text = "Intro line.\n\nThe pandemic hit; doctors and hospitals struggled; loans and economies too.\n\nEnd."
    themes = tag_themes(text, paragraph_spans(text), toy)
    assert [(t.scheme, t.label) for t in themes] == [("hs", "health"), ("hs", "economic"), ("steep", "economic")]
    para = text.index("The pandemic"), text.index("\n\nEnd")
    assert all((t.start, t.end) == para for t in themes)
    assert themes[0].score == 1.0  # 2 + 1 + 1 >= full_at 4
    assert themes[1].score == 0.5  # 1 + 1 out of 4
    for t in themes:
        low = text[t.start : t.end].lower()
        assert all(e.lower() in " ".join(low.split()) for e in t.evidence)


def test_cues_outside_given_paragraphs_are_ignored(toy: Pack) -> None:
    text = "pandemic here. pandemic there."
    assert tag_themes(text, [(0, 14)], toy)[0].end == 14
    assert tag_themes(text, [], toy) == []
    assert tag_themes("", [], toy) == []


def test_same_input_same_output(toy: Pack) -> None:
    text = "Loans and the pandemic.\n\nDoctors, hospitals and debt.\n\nimports, economy"
    first = tag_themes(text, paragraph_spans(text), toy)
    assert first == tag_themes(text, paragraph_spans(text), toy)
    assert [t.to_dict() for t in first] == [t.to_dict() for t in tag_themes(text, paragraph_spans(text), toy)]


def test_pack_without_lexicon_gives_no_themes(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert tag_themes("pandemic", [(0, 8)], Pack("empty", tmp_path / "empty")) == []


@pytest.mark.parametrize(
    "data",
    [
        {"nothing": 1},
        {"schemes": {"a": {"b": "not a list"}}},
        {"schemes": {"a": {"b": [{"x": -1}]}}},
        {"schemes": {"a": {"b": [{"x": 1, "y": 2}]}}},
        {"schemes": {"a": {"b": {"extends": ["a/c"]}}}},
        {"schemes": {"a": {"b": {"extends": ["a/c"]}, "c": {"extends": ["a/b"]}}}},
        {"rule": {"fire_at": 0}, "schemes": {"a": {"b": ["x"]}}},
    ],
)
def test_invalid_lexicon_is_a_clear_error(data: object) -> None:
    with pytest.raises(HorizonscanError, match="E235"):
        build_lexicon(data)


# ---------------------------------------------------------------- shipped pack


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack("china_abroad")


def test_shipped_lexicon_covers_both_schemes(pack: Pack) -> None:
    lexicon = load_lexicon(pack)
    assert lexicon is not None
    assert {lab for s, lab in lexicon.order if s == "human-security"} == HUMAN_SECURITY
    assert {lab for s, lab in lexicon.order if s == "steep"} == STEEP


@pytest.mark.parametrize(
    ("text", "scheme", "label"),
    [
        ("Clinics ran out of vaccines as the epidemic reached the border towns.", "human-security", "health"),
        ("After the drought the harvest failed and families faced hunger.", "human-security", "food"),
        ("Floods and a cyclone destroyed villages along the river delta.", "human-security", "environmental"),
        ("Activists reported torture and arbitrary detention of workers.", "human-security", "personal"),
        ("Uyghur families and other ethnic minorities faced curbs on religious practice.", "human-security", "community"),
        ("Observers criticised the election as censorship and repression grew.", "human-security", "political"),
        ("The state bank extended new loans, raising the country's debt burden.", "human-security", "economic"),
        ("The operator is building 5G networks and surveillance technology for the capital.", "steep", "technological"),
        ("Scholarships let students attend universities abroad; civil society groups ran the scheme.", "steep", "social"),
        ("Investment and trade along the economic corridor grew quickly.", "steep", "economic"),
        ("Bilateral security cooperation and a new alliance were announced.", "steep", "political"),
        ("Pollution from the plant and deforestation upstream alarmed residents.", "steep", "environmental"),
    ],
)
def test_shipped_lexicon_tags_typical_paragraphs(pack: Pack, text: str, scheme: str, label: str) -> None:
    assert (scheme, label) in tags(text, pack)


def test_shipped_lexicon_leaves_neutral_text_alone(pack: Pack) -> None:
    assert tags("The meeting took place on Tuesday and lasted two hours.", pack) == {}
    assert tags("习近平在北京会见了来访的总统。", pack) == {}


@pytest.mark.timeout(60)
def test_huge_single_line_is_tagged_in_linear_time(pack: Pack) -> None:
    line = "Loans, debt and the pandemic strained hospitals; " * 100_000  # about 5 MB, one line
    themes = tag_themes(line, paragraph_spans(line), pack)
    assert themes and all(0 < t.score <= 1 for t in themes)


# ---------------------------------------------------------------- corpus


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rusi-sco-central-asia-2013-2018.txt", {("steep", "political"), ("steep", "economic")}),
        ("oxfam-novib-influencing-networks-2020.txt", {("steep", "social")}),
    ],
)
def test_corpus_documents(corpus_dir: Path, pack: Pack, name: str, expected: set[tuple[str, str]]) -> None:
    text = (corpus_dir / name).read_text(encoding="utf-8")
    paragraphs = paragraph_spans(text)
    themes = tag_themes(text, paragraphs, pack)
    assert expected <= {(t.scheme, t.label) for t in themes}
    assert set((t.start, t.end) for t in themes) <= set(paragraphs)
    for t in themes:
        assert t.scheme in {"human-security", "steep"}
        assert t.label in (HUMAN_SECURITY if t.scheme == "human-security" else STEEP)
        assert 0 < t.score <= 1 and t.evidence
        flat = " ".join(text[t.start : t.end].split()).lower()
        assert all(e.lower() in flat for e in t.evidence)
    # Tagging is selective: most paragraphs of these texts carry at most a few labels.
    assert len(themes) < 4 * len(paragraphs)


@pytest.mark.parametrize(
    ("cue", "text", "expected"),
    [  # the cue-syntax table of docs/themes-and-citations.md
        ("loan", "loan loans loaned Loans loanword", ["loan", "loans", "loaned", "Loans"]),
        ("economy", "economy economies economic", ["economy", "economies"]),
        ("vaccine", "vaccine vaccines vaccination", ["vaccine", "vaccines"]),
        ("ban", "ban bans banned banning bank", ["ban", "bans", "banned", "banning"]),
        ("deforest*", "deforestation deforested forest", ["deforestation", "deforested"]),
        ("=aid", "aid aids aided", ["aid"]),
        ("food security", "food security Food-Security food\nsecurities foodsecurity", ["food security", "Food-Security", "food\nsecurities"]),
        ("COVID-19", "COVID-19 covid 19 Covid19", ["COVID-19", "covid 19", "Covid19"]),
        ("AI", "AI AIs ai Ai", ["AI", "AIs"]),
    ],
)
def test_cue_syntax_documented(cue: str, text: str, expected: list[str]) -> None:
    lexicon = build_lexicon({"schemes": {"s": {"l": [cue]}}})
    assert [m.group() for m in lexicon.pattern.finditer(text)] == expected
