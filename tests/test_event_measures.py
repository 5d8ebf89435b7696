"""The event measurements of `horizonscan eval`: corpus-events (the set's own scorer, loaded
from ../shared at run time) and aiddata (China → recipient events and their amounts).
Skipped with a message when ../shared is missing (conftest's ``shared_dir``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from horizonscan.evaluation import SETS, aiddata, corpus_events, floors, run


def test_the_sets_are_known_to_eval() -> None:
    assert "corpus-events" in SETS and "aiddata" in SETS


def test_corpus_events_uses_the_sets_own_scorer(eval_dir: Path) -> None:
    scorer = corpus_events.load_scorer(eval_dir)
    assert {"rusi", "icva"} <= set(scorer.DOCS)
    # the scorer's own checks: the gold fed back scores 1.0, nothing scores 0
    d = scorer.DOCS["icva"]
    text = scorer.read_text(eval_dir.parent / "corpus" / d["text"], d["sha256"])
    regions = scorer.line_regions(text, d["regions"])
    gold = scorer.read_gold(eval_dir / corpus_events.SET_DIR / d["gold"], text, regions)
    perfect = scorer.metrics(scorer.score(gold, scorer.normalise_events(scorer.gold_as_pred(eval_dir / corpus_events.SET_DIR / d["gold"])), regions))
    assert perfect["recall_type"] == perfect["recall_full"] == 1.0
    assert scorer.metrics(scorer.score(gold, [], regions))["recall_type"] == 0.0


def test_aiddata_checks_on_a_few_records(eval_dir: Path) -> None:
    records = aiddata.read_records(eval_dir, limit=3)
    assert len(records) == 3 and records[0]["recipient_iso3"]
    m = aiddata.evaluate(eval_dir, limit=3)
    assert m["records"] == 3 and 0 <= m["event_share"] <= 1 and m["china_recall"] > 0


def test_amount_agreement_allows_rounding() -> None:
    from horizonscan.records import Event, EventActor

    e = Event("AID", None, EventActor("China", "CHN", "CHN"), EventActor("Angola", None, "AGO"), 0, 1,
              amount=1_200_000_000, currency="USD")
    assert aiddata.amount_agrees([e], 1_234_000_000, "USD")
    assert not aiddata.amount_agrees([e], 1_234_000_000, "CNY")
    assert not aiddata.amount_agrees([e], 2_000_000_000, "USD")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["corpus-events", "aiddata"])
def test_event_measures_hold_their_floors(eval_dir: Path, name: str) -> None:
    assert floors(name), f"no floors for {name}"
    low = [s for s in run(name, eval_dir) if not s.ok]
    assert not low, low
