"""NER evaluation: IOB2 reading, scoring, and (slow) the full UNER EWT run against floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from horizonscan.evaluation import floors, run
from horizonscan.evaluation.ner import read_gold, score

SAMPLE = """# newdoc id = d1
# sent_id = d1-1
# text = Maria flew to New York .
1\tMaria\tB-PER\t-\t-
2\tflew\tO\t-\t-
3\tto\tO\t-\t-
4\tNew\tB-LOC\t-\t-
5\tYork\tI-LOC\t-\t-
6\t.\tO\t-\t-

# sent_id = d1-2
# text = She joined Oxfam
1\tShe\tO\t-\t-
2\tjoined\tO\t-\t-
3\tOxfam\tB-ORG\t-\t-

# newdoc id = d2
# sent_id = d2-1
# text = Bishkek
1\tBishkek\tI-LOC\t-\t-
"""


def test_read_gold_rebuilds_text_and_spans(tmp_path: Path) -> None:
    path = tmp_path / "sample.iob2"
    path.write_text(SAMPLE, encoding="utf-8")
    docs = read_gold(path)
    assert len(docs) == 2
    first = docs[0]
    assert first.text == "Maria flew to New York .\n\nShe joined Oxfam"
    assert [(first.text[s:e], t) for s, e, t in first.spans] == [("Maria", "PER"), ("New York", "LOC"), ("Oxfam", "ORG")]
    # An I- tag without a B- opens an entity (lenient IOB2).
    assert [(docs[1].text[s:e], t) for s, e, t in docs[1].spans] == [("Bishkek", "LOC")]


def test_score_micro_and_per_type() -> None:
    gold = [{(0, 5, "PER"), (14, 22, "LOC"), (30, 35, "ORG")}]
    pred = [{(0, 5, "PER"), (14, 22, "ORG"), (40, 44, "LOC")}]
    s = score(gold, pred)
    assert s["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["f1_PER"] == 1.0
    assert s["f1_ORG"] == 0.0
    assert s["recall_LOC"] == 0.0


def test_floors_file_has_the_headline_metrics() -> None:
    fl = floors("ner")
    assert {"f1", "precision", "recall", "delta_f1", "f1_PER", "f1_ORG", "f1_LOC"} <= set(fl)
    assert fl["delta_f1"] >= 0.03  # the dictionary and rules must add at least 3 points


@pytest.mark.slow
@pytest.mark.shared
def test_uner_ewt_meets_floors(eval_dir: Path) -> None:
    scores = {s.metric: s for s in run("ner", eval_dir)}
    failing = {k: (round(s.value, 4), s.floor) for k, s in scores.items() if not s.ok}
    assert not failing, f"below floor: {failing}"
    assert scores["f1"].value > scores["baseline_f1"].value + 0.03
