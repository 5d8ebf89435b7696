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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ..errors import AnalysisError, HorizonscanError
from ..records import Analysis, Document
from ..settings import Settings
from ..store import Store
from .registry import choose
from .sources import HEAD, Item, expand, load

if TYPE_CHECKING:
    from ..workers import Pool


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
    pool: "Pool | None" = None,
) -> Report:
    """Ingest every input; ``on_item`` is called after each outcome (progress bars).
    New documents are put in ``collections`` (none: ``default``) as they are written.
    ``scope``: the collections the uploader may read (None: all); a stored document outside
    it is never reported, attached or linked as this upload's duplicate (docs/security.md).
    ``pool`` reads and analyses in worker processes (none: in this process)."""
    report = Report()
    for _, outcomes in ingest_items(((item.input, item) for item in expand(inputs)), store, settings,
                                    analyse=analyse, on_item=on_item, collections=collections, scope=scope,
                                    pool=pool):
        report.outcomes.extend(outcomes)
    return report


def ingest_items(
    items: Iterable[tuple[Any, Item]],
    store: Store,
    settings: Settings,
    *,
    analyse: bool = True,
    on_item: Callable[[Outcome], None] | None = None,
    collections: Sequence[str] = (),
    scope: frozenset[str] | None = None,
    pool: "Pool | None" = None,
    contain: Callable[[Exception], str] | None = None,
) -> Iterator[tuple[Any, list[Outcome]]]:
    """Ingest ``(key, item)`` pairs; yield ``(key, outcomes)`` per item, in order.

    Each input's bytes are loaded here (file reads and fetches are bounded by the size and
    fetch limits); the reader and the analyser run in ``pool``'s workers, under their hard
    limits. Every store write happens here, in input order, one transaction per document,
    so the store ends the same with any number of workers.

    ``contain``: an unexpected error while storing one item becomes that item's skipped
    outcome, with the reason ``contain(exc)`` gives, and the others go on (web uploads).
    """
    from ..workers import Pool

    pool = pool or Pool(1)
    pending: dict[Any, Any] = {}

    def tasks() -> Iterator[tuple[Any, ...]]:
        for n, (key, item) in enumerate(items):
            pending[n] = (key, item)
            stage = "fetch" if item.url else "read"
            if item.error:
                yield ("failed", _one_line(HorizonscanError(item.error)), stage)
                continue
            try:
                data, origin = load(item, settings)
            except HorizonscanError as exc:
                yield ("failed", _one_line(exc), stage)
                continue
            yield ("read", data, origin, analyse, settings)

    def new_ones(index: int, docs: list[Document]) -> list[bool]:
        """A document already stored is not analysed again (a rerun after a kill is quick)."""
        return [analyse and not store.resolve_id(doc.id, collections, scope)[1] for doc in docs]

    for done in pool.run(read_and_analyse, tasks(), new_ones):
        key, item = pending.pop(done.index)
        stage = "fetch" if item.url else "read"
        docs: list[Document] | None = done.answers[0] if done.answers else None
        outcomes: list[Outcome] = []
        try:
            if done.error is None and done.value[0] == "failed":
                reason, stage = done.value[1], done.value[2]
                docs = None
            else:
                reason = done.error
            if reason is not None:
                # An input whose worker hit a hard limit (or died) twice is refused like a bad file,
                # even if it was read: nothing of it is stored, its failure row says why, and a
                # later run tries it again. (The analyser's own time limit, E221, is gentler: it
                # fails only the analysis, and the document is kept.)
                store.record_failure(item.input, reason, stage if docs is None else "analyse")
                outcomes.append(Outcome(item.input, "skipped", reason=reason))
            else:
                assert docs is not None
                store.clear_failure(item.input)
                for doc, analysis in zip(docs, done.value[1]):
                    label = _label(item.input, doc, len(docs))
                    outcomes.append(_store_one(doc, label, store, settings, analyse, collections, analysis, scope))
        except Exception as exc:
            if contain is None:
                raise
            outcomes = [Outcome(item.input, "skipped", reason=contain(exc))]
        for outcome in outcomes:
            if on_item:
                on_item(outcome)
        yield key, outcomes


def read_and_analyse(task: tuple[Any, ...], ask: Callable[[Any], Any]) -> tuple[Any, ...]:
    """A worker's task: read one input's bytes into documents and analyse the new ones.

    The documents go to the parent through ``ask``, which answers which ones are new.
    The analysis of each document is an ``Analysis`` or, when it failed, its one-line reason.
    """
    if task[0] == "failed":
        return task
    _, data, origin, analyse, settings = task
    try:
        docs = choose(origin, data[:HEAD]).read(data, origin)
    except HorizonscanError as exc:
        return ("failed", _one_line(exc), "fetch" if origin.url else "read")
    todo = ask(docs)
    analyses: list[Analysis | str | None] = []
    for doc, new in zip(docs, todo):
        if not (analyse and new):
            analyses.append(None)
            continue
        try:
            analyses.append(analyse_document(doc, settings))
        except AnalysisError as exc:
            analyses.append(_one_line(exc))
    return ("read", analyses)


def _label(input: str, doc: Document, siblings: int) -> str:
    """How one document of an input is named in reports: feed entries by their link,
    e-mail attachments as ``message.eml#file.pdf``."""
    if doc.extra.get("attachment"):
        return f"{input}#{doc.extra['attachment']}"
    if siblings > 1 and doc.url:
        return doc.url
    return input


def _store_one(doc: Document, label: str, store: Store, settings: Settings, analyse: bool,
               collections: Sequence[str] = (), analysis: "Analysis | str | None" = None,
               scope: frozenset[str] | None = None) -> Outcome:
    """Write one document with its ``analysis`` (a string: why it has none)."""
    doc_id, exists = store.resolve_id(doc.id, collections, scope)
    if exists:  # a document the uploader may read: nothing to analyse (the write checks again)
        store.add_input(doc_id, label)
        return Outcome(label, "duplicate", doc_id, title=doc.title.value)
    if analyse and analysis is None:  # judged stored before its analysis, deleted since: analyse it here
        try:
            analysis = analyse_document(doc, settings)
        except AnalysisError as exc:
            analysis = _one_line(exc)
    if isinstance(analysis, str):
        # Keep the document (searchable) and say why it has no analysis.
        store.record_failure(label, analysis, "analyse")
        analysis = None
    result = store.write(doc, analysis, label, collections, scope)
    status = "near-duplicate" if result.near_duplicate_of else result.status
    return Outcome(label, status, result.document_id, title=doc.title.value, reason=result.near_duplicate_of)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:500] if text else type(exc).__name__
