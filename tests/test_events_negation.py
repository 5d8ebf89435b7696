"""Issue #12, item 4: negation, modality and blocking (cue words in events/_grammar.yaml).

Sentences are written for these tests; the last check reads the hand-coded real documents of
../shared/eval/corpus-events.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import horizonscan


def coded(text: str) -> list[tuple]:
    a = horizonscan.analyse(text, language="en")
    code = lambda x: None if x is None else (x.actor_id or x.country)  # noqa: E731
    return [(e.type, code(e.source), code(e.target), e.negated, e.hypothetical) for e in a.events]


def test_blocked_sanctions_are_no_sanctions() -> None:
    # "blocked" keeps the sanctions from happening: negated, never a plain China SANCTION Sudan
    got = coded("China has repeatedly blocked tough sanctions on Sudan at the United Nations.")
    assert all(not (t == "SANCTION" and not neg) for t, *_, neg, _h in got)
    assert ("SANCTION", "CHN", "SDN", True, False) in got


@pytest.mark.parametrize(
    "text",
    [
        "China vetoed sanctions against Myanmar.",
        "Russia opposed sanctions on Iran.",
        "Moscow prevented sanctions against Belarus.",
    ],
)
def test_other_blocking_verbs(text: str) -> None:
    sanctions = [e for e in coded(text) if e[0] == "SANCTION"]
    assert all(e[3] for e in sanctions)


def test_a_determiner_no_on_the_object_negates() -> None:
    assert coded("China gave no aid to Nepal.") == [("AID", "CHN", "NPL", True, False)]
    assert coded("China gave aid to Nepal.") == [("AID", "CHN", "NPL", False, False)]
    got = coded("The president has given no formal order to help Ukraine.")
    assert all(e[3] for e in got)


@pytest.mark.parametrize(
    "text",
    [
        "Russia refused to send aid to Kyrgyzstan.",
        "Pakistan failed to repay its loans to China.",
        "China denied that Chinese troops had attacked Indian soldiers.",
        "Kazakhstan refrained from imposing sanctions on Russia.",
    ],
)
def test_refusal_failure_denial(text: str) -> None:
    got = coded(text)
    assert all(e[3] for e in got), got


@pytest.mark.parametrize(
    "text",
    [
        "If China sends aid to Nepal, India will protest.",
        "Unless Russia sends aid to Kyrgyzstan, the crisis will deepen.",
        "China could impose sanctions on Lithuania.",
        "Russia would provide aid to Kazakhstan.",
        "The United States should impose sanctions on Iran.",
        "Kazakhstan appears to have sent aid to Kyrgyzstan.",
    ],
)
def test_conditions_modals_and_hedges_are_hypothetical(text: str) -> None:
    got = coded(text)
    assert got and all(e[4] for e in got if e[0] in ("AID", "SANCTION")), got


def test_plain_statements_are_neither() -> None:
    for text in ("China sent aid to Nepal.", "The United States imposed sanctions on Iran."):
        assert all(not e[3] and not e[4] for e in coded(text))


def test_announced_plans_stay_agreements() -> None:
    # "plans to" is an intention: coded AGREE (CAMEO 03x), as the corpus conventions say
    assert coded("China plans to send aid to Nepal.")[0][:3] == ("AGREE", "CHN", "NPL")


@pytest.mark.shared
@pytest.mark.slow
def test_flags_agree_with_the_hand_coded_real_documents(eval_dir: Path, corpus_dir: Path) -> None:
    """Where a real sentence is coded plain by the annotator, no event of ours there is negated,
    and where the annotator flagged the only event of a sentence, we code no plain event of its type."""
    docs = [("rusi-sco-central-asia-2013-2018.txt", "rusi-sco-events.jsonl"),
            ("icva-south-south-china-case-study.txt", "icva-events.jsonl")]
    wrong = 0
    total = 0
    for text_name, gold_name in docs:
        text = (corpus_dir / text_name).read_text(encoding="utf-8")
        gold = [json.loads(line) for line in (eval_dir / "corpus-events" / gold_name).read_text(encoding="utf-8").splitlines() if line.strip()]
        a = horizonscan.analyse(text, published="2020-01-01", language="en")
        for e in a.events:
            here = [g for g in gold if g["start"] < e.sentence_end and e.sentence_start < g["start"] + len(g["sentence"])]
            same = [g for g in here if g["type"] == e.type]
            if not same:
                continue
            total += 1
            if all(g["negated"] != e.negated for g in same):
                wrong += 1
    assert total > 0
    assert wrong == 0


def test_a_denied_denial_is_an_act() -> None:
    # double negation: the signing happened
    got = coded("Kazakhstan did not refuse to sign the agreement with China.")
    assert got and not any(e[3] for e in got)
    assert all(e[3] for e in coded("Russia did not plan to send aid to Kyrgyzstan."))
