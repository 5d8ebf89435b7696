"""Drive a batch of inputs through read → analyse → store, recording every outcome.

The batch never stops on a bad input: each failure is stored with its one-line
reason (``horizonscan status``) and the next input goes on. Each document is
analysed before its transaction opens and committed with its analysis in one
transaction, so a kill at any moment leaves only whole documents; running the
same command again skips what is stored (by content hash) and finishes the job.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..errors import AnalysisError, HorizonscanError
from ..records import Analysis, Document
from ..settings import Settings
from ..store import Store
from .registry import choose
from .sources import HEAD, Item, expand, load


@dataclass
class Outcome:
    input: str
    status: str  # added, duplicate, near-duplicate, skipped
    document_id: str | None = None
    reason: str | None = None
    title: str | None = None


# The words of every upload summary (CLI, web page, API), one count per outcome: a
# duplicate is not "stored" and not "skipped", so neither word may swallow it.
SUMMARY = (("added", "added"), ("duplicates", "duplicate"), ("near_duplicates", "near-duplicate"), ("failed", "skipped"))


def summarise(statuses: Iterable[str]) -> dict[str, int]:
    """Counts of added documents, exact duplicates, near-duplicates and failed inputs."""
    counts = Counter(statuses)
    return {key: counts.get(status, 0) for key, status in SUMMARY}


def summary_text(summary: dict[str, int]) -> str:
    """``1 added · 2 duplicates · 0 near-duplicates · 0 failed``."""
    return " · ".join(f"{summary[key]} {key.replace('_', '-')}" for key, _ in SUMMARY)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> dict[str, int]:
        return summarise(o.status for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


def read_item(item: Item, settings: Settings) -> list[Document]:
    if item.error:
        raise HorizonscanError(item.error)
    data, origin = load(item, settings)
    reader = choose(origin, data[:HEAD])
    return reader.read(data, origin)


def analyse_document(doc: Document, settings: Settings) -> Analysis:
    """How every stored document is analysed: its text, anchored on its published date, in
    its language (ingest, uploads, batch workers and ``reanalyse`` all call this)."""
    from ..analysis.pipeline import analyse

    return analyse(doc.text, published=doc.published.value, language=doc.language.value, pack=settings.pack,
                   timeout=settings.analyse_timeout)


def ingest(
    inputs: list[str],
    store: Store,
    settings: Settings,
    *,
    analyse: bool = True,
    on_item: Callable[[Outcome], None] | None = None,
    collections: Sequence[str] = (),
    scope: frozenset[str] | None = None,
) -> Report:
    """Ingest every input; ``on_item`` is called after each outcome (progress bars).
    New documents are put in ``collections`` (none: ``default``) as they are written.
    ``scope``: the collections the uploader may read (None: all); a stored document outside
    it is never reported, attached or linked as this upload's duplicate (docs/security.md)."""
    report = Report()

    def done(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_item:
            on_item(outcome)

    for item in expand(inputs):
        try:
            docs = read_item(item, settings)
        except HorizonscanError as exc:
            reason = _one_line(exc)
            store.record_failure(item.input, reason, "fetch" if item.url else "read")
            done(Outcome(item.input, "skipped", reason=reason))
            continue
        store.clear_failure(item.input)
        for doc in docs:
            done(_store_one(doc, _label(item.input, doc, len(docs)), store, settings, analyse, collections, scope))
    return report


def _label(input: str, doc: Document, siblings: int) -> str:
    """How one document of an input is named in reports: feed entries by their link,
    e-mail attachments as ``message.eml#file.pdf``."""
    if doc.extra.get("attachment"):
        return f"{input}#{doc.extra['attachment']}"
    if siblings > 1 and doc.url:
        return doc.url
    return input


def _store_one(doc: Document, label: str, store: Store, settings: Settings, analyse: bool,
               collections: Sequence[str] = (), scope: frozenset[str] | None = None) -> Outcome:
    doc_id, exists = store.resolve_id(doc.id, collections, scope)
    if exists:  # a document the uploader may read: skip the analysis (the write checks again)
        store.add_input(doc_id, label)
        return Outcome(label, "duplicate", doc_id, title=doc.title.value)
    analysis = None
    if analyse:
        try:
            analysis = analyse_document(doc, settings)
        except AnalysisError as exc:
            # Keep the document (searchable) and say why it has no analysis.
            store.record_failure(label, _one_line(exc), "analyse")
    result = store.write(doc, analysis, label, collections, scope)
    status = "near-duplicate" if result.near_duplicate_of else result.status
    return Outcome(label, status, result.document_id, title=doc.title.value, reason=result.near_duplicate_of)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:500] if text else type(exc).__name__
