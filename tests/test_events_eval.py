"""Event coder on petrarch2-unittest (floors in evaluation/floors/events.json) and on the full analyser."""

from __future__ import annotations

from pathlib import Path

import pytest

from horizonscan.evaluation import events as ev
from horizonscan.evaluation import floors


def test_reads_petrarch_dictionaries(eval_dir: Path) -> None:
    base = eval_dir / ev.SET_DIR
    entries = ev.read_actors(base / ev.ACTORS, None) + ev.read_agents(base / ev.AGENTS)
    ms = ev.mentions_from_dictionary("Gondor and Minas Tirith met the Arnorian Ministry of Silly Walks.", entries)
    assert [(m.text, m.actor_id or m.sector) for m in ms] == [
        ("Gondor", "GON"), ("Minas Tirith", "GON"), ("Ministry of Silly Walks", "GOV")]
    records = ev.read_records(base / ev.RECORDS)
    assert len(records) > 250 and any(r.events for r in records)


def test_dictionary_mentions() -> None:
    entries = [ev.DictEntry(("GONDOR",), "GON"), ev.DictEntry(("MINAS", "TIRITH"), "GON"), ev.DictEntry(("GOVERNMENT",), "GOV", agent=True)]
    ms = ev.mentions_from_dictionary("The Gondor government left Minas Tirith.", entries)
    assert [(m.text, m.actor_id, m.sector) for m in ms] == [("Gondor", "GON", None), ("government", None, "GOV"), ("Minas Tirith", "GON", None)]


@pytest.mark.slow
def test_petrarch_floors(eval_dir: Path) -> None:
    metrics = ev.evaluate(eval_dir)
    print("petrarch2-unittest:", {k: v for k, v in metrics.items() if "." not in k})
    for name, floor in floors("events").items():
        assert metrics[name] + 1e-9 >= floor, (name, metrics[name], floor)


@pytest.mark.slow
def test_full_analyser_codes_issue_examples() -> None:
    from horizonscan.analysis.pipeline import analyse

    text = ("Among the first international humanitarian actions of many Chinese NGOs was their engagement in Nepal "
            "following the devastating earthquake in 2015.\n\n"
            "After the bushfires, relief packages were sent from China to Australia.")
    events = analyse(text, published="2020-06-01", language="en").events
    got = [(e.type, e.source.country if e.source else None, e.target.country if e.target else None) for e in events]
    assert ("AID", "CHN", "NPL") in got and ("AID", "CHN", "AUS") in got
