"""Events on real prose: the hand-coded corpus-events set (../shared/eval/corpus-events).

Two real documents of ../shared/corpus (an analyst's posts on the SCO and China in Central
Asia, an NGO network's case study) with 206 events coded by one annotator (its README
gives the conventions). The analyser runs here, in-process, on each text exactly as the
file decodes, with the publication date the set's scorer uses; the scoring is the set's
own ``score_corpus_events.py``, imported from ../shared at run time so both always agree
(nothing of it is copied here).

Metrics, pooled over both documents and then per document (``rusi.``, ``icva.``) and per
PLOVER type (``type.AID.``): ``recall_type`` (a gold event's sentence holds a predicted
event of its type), ``recall_full`` (and its source and target codes agree),
``precision_type`` (predicted events inside the coded regions whose type is one of the
sentence's gold types).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SET_DIR = "corpus-events"
SCORER = "score_corpus_events.py"
# Seconds per document: these are long texts, and accuracy is measured here, not speed.
TIMEOUT = 900.0


def load_scorer(eval_dir: Path) -> ModuleType:
    """The set's own scorer module, loaded from its file."""
    path = Path(eval_dir) / SET_DIR / SCORER
    if not path.exists():
        raise FileNotFoundError(f"corpus-events scorer not found at {path}")
    spec = importlib.util.spec_from_file_location("horizonscan_corpus_events_scorer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses and helpers look themselves up here
    spec.loader.exec_module(module)
    return module


def analyse_doc(scorer: ModuleType, eval_dir: Path, name: str) -> tuple[Any, list[dict[str, Any]]]:
    """(score counts, predicted events as JSON dicts) of one document of the set."""
    from ..analysis.pipeline import analyse

    d = scorer.DOCS[name]
    corpus = Path(eval_dir).parent / "corpus"
    text = scorer.read_text(corpus / d["text"], d["sha256"])
    regions = scorer.line_regions(text, d["regions"])
    gold = scorer.read_gold(Path(eval_dir) / SET_DIR / d["gold"], text, regions)
    analysis = analyse(text, published=d["published"], timeout=TIMEOUT)
    events = [e.to_dict() for e in analysis.events]
    return scorer.score(gold, scorer.normalise_events(events), regions), events


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    """Score the analyser on the set's documents (``limit``: the first N documents)."""
    scorer = load_scorer(eval_dir)
    names = list(scorer.DOCS)[: limit or None]
    results, out = [], {}
    per_doc: dict[str, dict[str, Any]] = {}
    for name in names:
        res, _ = analyse_doc(scorer, eval_dir, name)
        results.append(res)
        per_doc[name] = scorer.metrics(res)
    pooled = scorer.metrics(scorer.pool(results))
    keys = ("recall_type", "recall_full", "precision_type")
    for k in keys:
        if pooled[k] is not None:
            out[k] = pooled[k]
    out["predicted"] = pooled["pred_inside"]
    for name, m in per_doc.items():
        for k in keys:
            if m[k] is not None:
                out[f"{name}.{k}"] = m[k]
    for t, m in pooled["per_type"].items():
        for k in keys:
            if m.get(k) is not None:
                out[f"type.{t}.{k}"] = m[k]
    return out
