"""Run the analyser again on stored documents (``horizonscan reanalyse``; docs/reanalyse.md).

Each document is read back from the store, analysed exactly as ingest analyses it
(``run.analyse_document``: stored text, published date as anchor, stored language) before
any transaction opens, and its analysis replaced in one transaction of its own
(``store.reanalyse.replace_analysis``). A run killed at any moment leaves every document
either fully re-analysed or untouched; the next run picks up the documents still stale.
A document whose analysis fails keeps its old analysis and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..errors import AnalysisError
from ..settings import Settings
from ..store import Store
from ..store import reanalyse as stored
from .run import _one_line, analyse_document


@dataclass
class Outcome:
    document_id: str
    status: str  # reanalysed, failed, gone
    title: str | None = None
    previous: str | None = None  # analyser version before
    reason: str | None = None


@dataclass
class Report:
    analyser: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def select(store: Store, *, ids: Sequence[str] = (), everything: bool = False, limit: int | None = None) -> list[str]:
    """The documents a run would reanalyse (full ``ids``; else all or the stale ones), in ingest order."""
    from ..analysis.pipeline import ANALYSER_VERSION

    return stored.select(store.engine, ANALYSER_VERSION, ids=ids, everything=everything, limit=limit)


def reanalyse(store: Store, settings: Settings, doc_ids: Sequence[str],
              on_item: Callable[[Outcome], None] | None = None) -> Report:
    """Reanalyse ``doc_ids`` one by one; ``on_item`` is called after each (progress bars)."""
    from ..analysis.pipeline import ANALYSER_VERSION

    report = Report(ANALYSER_VERSION)
    for doc_id in doc_ids:
        outcome = _one(store, settings, doc_id)
        report.outcomes.append(outcome)
        if on_item:
            on_item(outcome)
    return report


def _one(store: Store, settings: Settings, doc_id: str) -> Outcome:
    doc = stored.stored_document(store.engine, doc_id)
    if doc is None:
        return Outcome(doc_id, "gone", reason="deleted while the run was going on")
    try:
        analysis = analyse_document(doc, settings)
    except AnalysisError as exc:
        return Outcome(doc_id, "failed", doc.title.value, reason=_one_line(exc))
    except Exception as exc:  # a bug on one text must not stop the batch (E299, as batch runs do)
        return Outcome(doc_id, "failed", doc.title.value, reason=f"E299 internal error while analysing: {type(exc).__name__}: {_one_line(exc)}")
    done = stored.replace_analysis(store.engine, doc_id, analysis)
    if done is None:
        return Outcome(doc_id, "gone", doc.title.value, reason="deleted while it was being analysed")
    return Outcome(doc_id, "reanalysed", doc.title.value, previous=done.previous)
