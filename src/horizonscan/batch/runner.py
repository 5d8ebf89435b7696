"""Run a batch: expand inputs, analyse them on Dask, commit Parquet partitions, load the store.

The client process is the only writer: workers return plain records, the
client appends them to a buffer, commits the buffer as one Parquet partition
(atomic rename), notes it in the manifest and hands it to a loader thread that
writes it into the store while the cluster keeps analysing. Every step is
idempotent, so re-running the same command after a crash at any point
finishes the job without losing or duplicating a document.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..errors import HorizonscanError, StoreError
from ..ingest.sources import Item, expand, is_url
from ..settings import Settings
from . import codec, partitions
from .tasks import InputResult, Raised, one_line

if TYPE_CHECKING:
    from distributed import Client

    from ..store import Store

DEFAULT_ANALYSE_FN = "horizonscan.ingest.run:analyse_document"
DEFAULT_CHUNK = 8  # at most this many inputs per task
CHUNK_BYTES = 256 * 1024  # and at most about this many bytes of input (one bigger input goes alone)
UNKNOWN_BYTES = 64 * 1024  # what a URL (size unknown before fetching) counts for
ProgressFn = Callable[[int, int, str], None]


class BatchError(HorizonscanError):
    """The batch could not run (run folder busy, analyser failed to load on a worker)."""


@dataclass
class BatchReport:
    run_id: str
    folder: Path
    inputs: int = 0  # distinct inputs after expansion
    resumed: int = 0  # already done in a committed partition of this run
    in_store: int = 0  # already in the store (by input), not analysed again
    submitted: int = 0  # inputs sent to the cluster in this run
    tasks: int = 0  # Dask tasks sent: chunks, and inputs retried alone
    added: int = 0
    near_duplicates: int = 0
    duplicates: int = 0
    analysis_failed: int = 0  # stored without analysis (AnalysisError)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (input, stage, reason): not read
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)
    partitions: int = 0  # partitions committed in this run
    loaded: int = 0  # partitions loaded into the store in this run
    warm_up: dict[str, float] = field(default_factory=dict)  # worker -> seconds
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.quarantined


@dataclass
class _Loaded:
    added: int = 0
    near_duplicates: int = 0
    duplicates: int = 0
    analysis_failed: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)


def default_out(db_url: str) -> Path:
    """``.horizonscan-batch`` beside a SQLite file, else in the current folder."""
    url = db_url
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        return Path.cwd() / ".horizonscan-batch"
    if url in ("", ":memory:"):
        return Path.cwd() / ".horizonscan-batch"
    return Path(url).resolve().parent / ".horizonscan-batch"


def run_id_for(inputs: list[str], analyse_fn: str, pack: str) -> str:
    """Same inputs (in any order, from any folder), analyser and pack → same run folder."""
    canonical = sorted(i if is_url(i) else os.path.abspath(i) for i in inputs)
    blob = json.dumps({"inputs": canonical, "analyse_fn": analyse_fn, "pack": pack}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def fingerprint(item: Item) -> str:
    """Size and mtime of a file: a changed file is analysed again on resume."""
    if item.path is None or item.error:
        return ""
    try:
        st = item.path.stat()
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def run_batch(
    inputs: list[str],
    store: "Store",
    settings: Settings,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    out: Path | str | None = None,
    retries: int = 2,
    analyse_fn: str = DEFAULT_ANALYSE_FN,
    partition_size: int = 100,
    flush_seconds: float = 30.0,
    chunk: int = DEFAULT_CHUNK,
    chunk_bytes: int = CHUNK_BYTES,
    on_progress: ProgressFn | None = None,
) -> BatchReport:
    """Analyse ``inputs`` on Dask and load the results into ``store``; see docs/batch.md.

    ``analyse_fn`` is a dotted path (``module:function``) to a function
    ``(Document, Settings) -> Analysis`` importable on every worker. Each task
    takes up to ``chunk`` inputs and about ``chunk_bytes`` bytes of them
    (``chunk=1``: one input per task).
    """
    started = time.perf_counter()
    _require()
    items = list({item.input: item for item in expand(inputs)}.values())
    run_id = run_id_for(inputs, analyse_fn, settings.pack)
    folder = Path(out) if out is not None else default_out(settings.db_url)
    folder = folder / run_id
    folder.mkdir(parents=True, exist_ok=True)
    report = BatchReport(run_id, folder, inputs=len(items))
    with _exclusive(folder):
        partitions.remove_temporaries(folder)
        meta = {"inputs": inputs, "analyse_fn": analyse_fn, "pack": settings.pack, "started": time.time()}
        manifest = partitions.Manifest(folder, meta)
        run = _Run(store, folder, manifest, report, partition_size, flush_seconds)
        try:
            # Partitions committed by an earlier, interrupted run but never loaded.
            for name in manifest.unloaded():
                run.load_later(name)
            done = manifest.done()
            todo: list[tuple[Item, str]] = []
            progress = 0
            for item in items:
                fp = fingerprint(item)
                if (item.input, fp) in done:
                    report.resumed += 1
                elif item.error:
                    run.add(InputResult(item.input, fp, failed_stage="read", reason=item.error))
                elif _in_store(store, item.input):
                    report.in_store += 1
                else:
                    todo.append((item, fp))
                    continue
                progress += 1
            if on_progress:
                on_progress(progress, len(items), "")
            if todo:
                from .cluster import connect

                with connect(scheduler, workers, retries) as client:
                    chunks = plan_chunks(todo, sum(client.nthreads().values()) or 1, chunk, chunk_bytes)
                    _analyse_on(client, chunks, settings, analyse_fn, retries, run, progress, len(items), on_progress)
            run.finish()
        finally:
            run.close()
    report.seconds = time.perf_counter() - started
    return report


def _require() -> None:
    """Fail with one clear line when the optional batch dependencies are missing."""
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ModuleNotFoundError as exc:
        raise BatchError(f"E515 analyse-batch needs dask[distributed] and pyarrow ({exc.name} is missing)") from exc


def _in_store(store: "Store", input: str) -> bool:
    """Inputs already stored (by ``ingest`` or an earlier batch) are not analysed again."""
    return store.has_input(input)


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One run per run folder at a time (an advisory lock, released if the process dies)."""
    import fcntl

    with open(folder / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BatchError(f"E514 another analyse-batch is using {folder}") from exc
        yield


def input_bytes(item: Item, fp: str) -> int:
    """Size of a file input from its fingerprint (``size:mtime_ns``); URLs count as ``UNKNOWN_BYTES``."""
    size, _, _ = fp.partition(":")
    return int(size) if size.isdigit() else UNKNOWN_BYTES


def plan_chunks(
    todo: list[tuple[Item, str]], threads: int, chunk: int = DEFAULT_CHUNK, chunk_bytes: int = CHUNK_BYTES
) -> list[list[tuple[Item, str]]]:
    """Group inputs, in order, into tasks of at most ``chunk`` inputs and about ``chunk_bytes`` bytes.

    A short run gets smaller chunks, so that every thread has about four tasks
    and the workers finish together; an input bigger than ``chunk_bytes`` goes alone.
    """
    per_task = max(1, min(chunk, math.ceil(len(todo) / (4 * max(1, threads)))))
    chunks: list[list[tuple[Item, str]]] = []
    current: list[tuple[Item, str]] = []
    size = 0
    for item, fp in todo:
        n = input_bytes(item, fp)
        if current and (len(current) >= per_task or size + n > chunk_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append((item, fp))
        size += n
    if current:
        chunks.append(current)
    return chunks


def _register_warm_up(client: "Client", plugin: Any, name: str, attempts: int = 3) -> None:
    """Register the warm-up plugin, again if a worker went away during the broadcast.

    Workers come and go (a nanny restarting a killed worker, a cluster scaling); the
    scheduler then fails the whole registration although the plugin is idempotent and
    new workers get it when they join. Give up (E512) only when it keeps failing.
    """
    from distributed.comm.core import CommClosedError

    for attempt in range(attempts):
        try:
            client.register_plugin(plugin, name=name)
            return
        except (CommClosedError, OSError) as exc:
            if attempt == attempts - 1:
                raise BatchError(f"E512 the analyser could not be set up on the workers: {one_line(exc)}") from exc
            time.sleep(1.0 + attempt)


def _analyse_on(
    client: "Client",
    chunks: list[list[tuple[Item, str]]],
    settings: Settings,
    analyse_fn: str,
    retries: int,
    run: "_Run",
    progress: int,
    total: int,
    on_progress: ProgressFn | None,
) -> None:
    """Run ``chunks`` on the cluster, retrying and quarantining inputs one by one when needed.

    A chunk of one input is a ``process_input`` task with ``retries`` Dask
    retries, then quarantined, exactly as if there were no chunks. A bigger
    chunk is a ``process_chunk`` task: an input that raised in it is retried
    alone (``retries - 1`` more Dask retries, so ``retries + 1`` attempts in
    all); a chunk that failed as a whole (its worker died ``allowed-failures + 1``
    times) is split into single inputs, each with all its retries, so only the
    input that kills workers is quarantined.
    """
    from collections import deque

    from distributed import as_completed

    from .plugin import WarmUp
    from .tasks import process_chunk, process_input, warm_status

    _register_warm_up(client, WarmUp(analyse_fn, settings), f"horizonscan-warm-up:{analyse_fn}")
    for worker, status in client.run(warm_status, analyse_fn).items():
        if not isinstance(status, float):
            raise BatchError(f"E512 the analyser {analyse_fn} did not load on worker {worker}: {status}")
        run.report.warm_up[worker] = status
    threads = sum(client.nthreads().values()) or 1
    # Enough tasks in flight to keep every thread busy while the client writes
    # partitions, few enough that finished results do not pile up in memory.
    window = max(16, 8 * threads)
    nonce = uuid.uuid4().hex[:8]  # keys never collide with an earlier run on the same scheduler
    seq = itertools.count()
    # Work still to send: (inputs, Dask retries); single inputs retried after a failure go first.
    units: deque[tuple[list[tuple[Item, str]], int]] = deque((c, retries) for c in chunks)
    owner: dict[str, tuple[list[tuple[Item, str]], int]] = {}
    queue = as_completed(loop=client.loop)
    run.report.submitted += sum(len(c) for c in chunks)

    def submit_next() -> None:
        entries, tries = units.popleft()
        if len(entries) == 1:
            item, fp = entries[0]
            fut = client.submit(
                process_input, item, fp, settings, analyse_fn,
                key=f"horizonscan-input-{nonce}-{next(seq)}", retries=tries, pure=False,
            )
        else:  # exceptions are caught per input inside, so retrying the chunk would only redo the good ones
            fut = client.submit(
                process_chunk, entries, settings, analyse_fn,
                key=f"horizonscan-chunk-{nonce}-{next(seq)}", retries=0, pure=False,
            )
        owner[fut.key] = (entries, tries)
        queue.add(fut)
        run.report.tasks += 1

    def settled(input: str) -> None:
        nonlocal progress
        progress += 1
        if on_progress:
            on_progress(progress, total, input)

    while units and len(owner) < window:
        submit_next()
    for fut in queue:
        if fut.status in ("lost", "pending"):
            # Its result was still on a worker that died before we fetched it;
            # the scheduler computes it again (results are written only once we hold them).
            queue.add(fut)
            continue
        entries, tries = owner.pop(fut.key)
        if fut.status == "finished":
            result = fut.result()
            by_input = {item.input: (item, fp) for item, fp in entries}
            for r in [result] if len(entries) == 1 else result:
                if isinstance(r, Raised):
                    if retries == 0:
                        run.quarantine(r.input, r.fingerprint, quarantined_after(retries, r.error))
                    else:  # one attempt done; Dask makes the others on any worker
                        units.appendleft(([by_input[r.input]], retries - 1))
                        continue
                else:
                    run.add(r)
                settled(r.input)
        elif fut.status == "error" and len(entries) == 1:
            item, fp = entries[0]
            run.quarantine(item.input, fp, quarantine_reason(fut.exception(), retries))
            settled(item.input)
        elif fut.status == "error":  # the chunk failed as a whole: find the culprit with one input per task
            units.extendleft(reversed([([entry], retries) for entry in entries]))
        else:  # cancelled: the scheduler lost it; stop, a re-run resumes here
            raise BatchError(f"E516 the cluster lost the task for {entries[0][0].input} ({fut.status})")
        fut.release()
        while units and len(owner) < window:
            submit_next()


def quarantined_after(retries: int, error: str) -> str:
    return f"E251 quarantined after {retries + 1} attempts: {error}"[:500]


def quarantine_reason(exc: BaseException | None, retries: int) -> str:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return "E250 quarantined: a worker died each time it analysed this input (crash, memory or time limit)"
    what = f"{type(exc).__name__}: {one_line(exc)}" if exc is not None else "unknown error"
    return quarantined_after(retries, what)


class _Run:
    """Buffer of results → committed partitions → store, with a loader thread."""

    def __init__(
        self, store: "Store", folder: Path, manifest: partitions.Manifest, report: BatchReport, size: int, seconds: float
    ) -> None:
        self.store = store
        self.folder = folder
        self.manifest = manifest
        self.report = report
        self.size = max(1, size)
        self.seconds = seconds
        self.rows: list[dict[str, Any]] = []
        self.done: list[tuple[str, str]] = []
        self.last_flush = time.monotonic()
        self.seq = partitions.next_seq(folder)
        self.lock = threading.Lock()  # the manifest is appended from both threads
        self.loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="horizonscan-load")
        self.loads: list[Future[_Loaded]] = []

    def add(self, result: InputResult) -> None:
        self.rows.extend(partitions.rows_for(result))
        # A URL that could not be fetched may work next time: not marked done.
        if result.failed_stage != "fetch":
            self.done.append((result.input, result.fingerprint))
        self._maybe_flush()

    def quarantine(self, input: str, fp: str, reason: str) -> None:
        self.rows.extend(partitions.quarantine_rows(input, fp, reason))
        self.done.append((input, fp))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        docs = sum(1 for r in self.rows if r["kind"] == "document")
        if docs >= self.size or len(self.rows) >= 4 * self.size or time.monotonic() - self.last_flush >= self.seconds:
            self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.rows:
            return
        path = partitions.write_partition(self.folder, self.rows, self.seq)
        self.seq += 1
        with self.lock:
            self.manifest.add(path.name, self.done)
        self.rows, self.done = [], []
        self.report.partitions += 1
        self.load_later(path.name)

    def load_later(self, name: str) -> None:
        self._check_loads()
        self.loads.append(self.loader.submit(self._load, name))

    def _check_loads(self) -> None:
        # Surface a loader failure (database down) promptly instead of at the end.
        for fut in self.loads:
            if fut.done() and fut.exception() is not None:
                fut.result()

    def _load(self, name: str) -> _Loaded:
        counts = load_partition(self.store, self.folder / name)
        with self.lock:
            self.manifest.mark_loaded(name)
        return counts

    def close(self) -> None:
        # On an error, the partition being loaded finishes; the rest load on the next run.
        self.loader.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> None:
        self.flush()
        self.loader.shutdown(wait=True)
        for fut in self.loads:
            counts = fut.result()
            r = self.report
            r.loaded += 1
            r.added += counts.added
            r.near_duplicates += counts.near_duplicates
            r.duplicates += counts.duplicates
            r.analysis_failed += counts.analysis_failed
            r.failed.extend(counts.failed)
            r.quarantined.extend(counts.quarantined)


def load_partition(store: "Store", path: Path) -> _Loaded:
    """Write one partition into the store; loading it twice changes nothing but failure counts."""
    counts = _Loaded()
    cleared: set[str] = set()
    for row in partitions.read_rows(path):
        kind, input = row["kind"], row["input"]
        if kind == "failed":
            store.record_failure(input, row["reason"], row["stage"])
            if row["stage"] == "analyse":
                counts.quarantined.append((input, row["reason"]))
            else:
                counts.failed.append((input, row["stage"], row["reason"]))
            continue
        if input not in cleared:  # a successful read clears an earlier failure of this input
            store.clear_failure(input)
            cleared.add(input)
        if kind != "document":
            continue
        doc = codec.load_document(row["document"])
        try:
            result = store.write(doc, codec.load_analysis(row["analysis"]), row["label"])
        except StoreError as exc:
            store.record_failure(row["label"], one_line(exc), "store")
            counts.failed.append((row["label"], "store", one_line(exc)))
            continue
        if row["reason"]:
            store.record_failure(row["label"], row["reason"], "analyse")
            counts.analysis_failed += 1
        if result.status == "duplicate":
            counts.duplicates += 1
        elif result.near_duplicate_of:
            counts.near_duplicates += 1
        else:
            counts.added += 1
    return counts
