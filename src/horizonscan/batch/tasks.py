"""What one Dask task does: read and analyse one input, or a small chunk of inputs.

A task costs Dask about 10 ms of CPU on top of the work (measured, see
docs/batch.md), so small inputs travel in chunks (``process_chunk``) and that
cost is paid once per chunk. Inside a chunk each input is caught on its own:
one input that raises does not fail the others; the runner retries it alone.

This module is imported by every worker, so it must stay importable without
dask (the process-pool benchmark calls the same functions) and keep no state
except per-process caches of loaded code and models.

Test hook (an environment variable read on the worker at call time, so set it
before the workers start): ``HORIZONSCAN_TEST_POISON`` is a comma-separated list
of ``substring=action``; an input whose path or URL contains the substring gets
the action before each analysis, on every attempt: ``raise`` (an exception),
``exit`` (the worker process dies), ``hang`` (never returns) or ``sleep:SECONDS``
(not poison: lets tests kill a worker while a task surely runs). A bare
``substring`` means ``raise``. ``HORIZONSCAN_TEST_POISON_LOG=<file>`` gets one
line per hooked attempt, so tests can count attempts.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import AnalysisError, HorizonscanError
from ..records import Analysis, Document
from ..settings import Settings
from ..ingest.sources import Item

AnalyseFn = Callable[[Document, Settings], Analysis]

# Exit status of a worker the watchdog ends because one document ran too long.
WATCHDOG_EXIT = 75


@dataclass(frozen=True)
class Analysed:
    """One document read from an input, and its analysis (or why it has none)."""

    label: str  # the input as recorded in the store (feed entries: their URL)
    document: Document
    analysis: Analysis | None
    error: str | None = None  # one-line AnalysisError: document kept, analysis missing


@dataclass(frozen=True)
class InputResult:
    """Everything one task learned about one input."""

    input: str
    fingerprint: str
    documents: tuple[Analysed, ...] = ()
    failed_stage: str | None = None  # read or fetch: the input could not be read (not retried)
    reason: str | None = None
    worker_pid: int = field(default_factory=os.getpid)


@dataclass(frozen=True)
class Raised:
    """An input whose reading or analysis raised inside a chunk; the runner retries it alone."""

    input: str
    fingerprint: str
    error: str  # "ExceptionType: first line of the message"
    worker_pid: int = field(default_factory=os.getpid)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:500] if text else type(exc).__name__


@functools.lru_cache(maxsize=8)
def resolve(path: str) -> AnalyseFn:
    """``package.module:function`` (or ``package.module.function``) → the function, once per process."""
    module, _, name = path.partition(":") if ":" in path else path.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    if not callable(fn):
        raise TypeError(f"{path} is not callable")
    return fn  # type: ignore[no-any-return]


WARM_TEXT = (
    "Beijing sent medical supplies to Kyrgyzstan on 3 March 2020, the Chinese embassy in Bishkek said.\n\n"
    "Residents protested against the mining project."
)


def warm_up(analyse_fn: str, settings: Settings) -> float:
    """Load the readers, the language detector and the analyser's models in this process; seconds taken."""
    from ..ingest.registry import Origin, choose

    t = time.perf_counter()
    data = WARM_TEXT.encode()
    origin = Origin("warm-up.txt", path="warm-up.txt", settings=settings)
    # Reading imports every reader module and loads the language detector, as real inputs will.
    for doc in choose(origin, data).read(data, origin):
        resolve(analyse_fn)(doc, settings)
    return time.perf_counter() - t


def process_input(item: Item, fingerprint: str, settings: Settings, analyse_fn: str) -> InputResult:
    """Read ``item`` and analyse each of its documents.

    A bad input (HorizonscanError while reading) is a normal result, not an
    exception: it is the same every time, so retrying it is pointless. Any other
    exception propagates, so Dask retries the task and then the runner
    quarantines the input.
    """
    from ..ingest.run import read_item

    try:
        docs = read_item(item, settings)
    except HorizonscanError as exc:
        return InputResult(item.input, fingerprint, failed_stage="fetch" if item.url else "read", reason=one_line(exc))
    analyse = resolve(analyse_fn)
    out = []
    for doc in docs:
        label = doc.url if len(docs) > 1 and doc.url else item.input
        try:
            with _deadline(settings.analyse_timeout, label):
                _test_hooks(item.input)
                analysis, error = analyse(doc, settings), None
        except AnalysisError as exc:
            analysis, error = None, one_line(exc)
        out.append(Analysed(label, doc, analysis, error))
    return InputResult(item.input, fingerprint, tuple(out))


def process_chunk(entries: list[tuple[Item, str]], settings: Settings, analyse_fn: str) -> list[InputResult | Raised]:
    """``process_input`` for each ``(item, fingerprint)``, one result per entry, in order.

    An exception from one input becomes a ``Raised`` entry instead of failing the
    chunk, so the other inputs' results are kept. Only a crash of the whole
    worker (or a BaseException such as SystemExit) loses the chunk; the runner
    then retries its inputs one per task, so only a poison input is quarantined.
    """
    out: list[InputResult | Raised] = []
    for item, fp in entries:
        try:
            out.append(process_input(item, fp, settings, analyse_fn))
        except Exception as exc:
            out.append(Raised(item.input, fp, f"{type(exc).__name__}: {one_line(exc)}"))
    return out


def _test_hooks(name: str) -> None:
    spec = os.environ.get("HORIZONSCAN_TEST_POISON")
    if not spec:
        return
    for part in spec.split(","):
        substring, _, action = part.partition("=")
        if substring and substring in name:
            break
    else:
        return
    log = os.environ.get("HORIZONSCAN_TEST_POISON_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {name}\n")
    if action.startswith("sleep:"):
        time.sleep(float(action[6:]))
        return
    if action == "exit":
        os._exit(13)  # a crash: the worker process dies without cleanup
    if action == "hang":
        time.sleep(3600)
    raise RuntimeError(f"test poison document {name}")


# ------------------------------------------------------------------ time limit
# The pipeline's own time limit uses SIGALRM, which only works in a main thread;
# Dask runs tasks in worker threads. There the watchdog below turns a document
# that runs too long into a worker crash, which Dask reschedules and, after the
# allowed failures, reports as KilledWorker: the runner quarantines the input.

_deadlines: dict[int, tuple[float, str]] = {}
_lock = threading.Lock()
_watchdog: threading.Thread | None = None
_POLL_SECONDS = 0.5


def _watch() -> None:
    while True:
        time.sleep(_POLL_SECONDS)
        now = time.monotonic()
        with _lock:
            late = [label for until, label in _deadlines.values() if now > until]
        if late:
            sys.stderr.write(f"horizonscan: analysis of {late[0]} exceeded its time limit; ending this worker\n")
            sys.stderr.flush()
            os._exit(WATCHDOG_EXIT)


class _deadline:
    """Context manager arming the watchdog for the current thread (no-op in the main thread)."""

    def __init__(self, seconds: float, label: str) -> None:
        self.seconds = seconds
        self.label = label
        self.armed = seconds > 0 and threading.current_thread() is not threading.main_thread()

    def __enter__(self) -> None:
        global _watchdog
        if not self.armed:
            return
        with _lock:
            if _watchdog is None or not _watchdog.is_alive():
                _watchdog = threading.Thread(target=_watch, name="horizonscan-watchdog", daemon=True)
                _watchdog.start()
            _deadlines[threading.get_ident()] = (time.monotonic() + self.seconds, self.label)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            with _lock:
                _deadlines.pop(threading.get_ident(), None)


# ------------------------------------------------------------------ memory allocator
# The Dask nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536
# (distributed.nanny.pre-spawn-environ) so freed memory goes back to the OS.
# Setting it also freezes glibc's mmap threshold at 128 KiB: the analyser's
# larger temporary arrays are then mapped and unmapped for every document,
# about 2,800 page faults and 6-8 ms of extra CPU per 300-word text, some 15%
# of the analysis (measured, docs/batch.md). relax_malloc_trim puts the limits
# back where glibc's own adjustment would take them.

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, glibc malloc.h
MMAP_THRESHOLD = 32 << 20  # glibc's ceiling for its dynamic mmap threshold on 64-bit
TRIM_THRESHOLD = 64 << 20  # twice that, as glibc's dynamic adjustment sets it


def relax_malloc_trim() -> bool:
    """Undo a small ``MALLOC_TRIM_THRESHOLD_`` in this process (glibc only); True when changed."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):  # not glibc (musl): nothing to undo
        return False


# Per process: how warming up went, keyed by analyser (seconds, or the error).
_warm: dict[str, float | str] = {}


def warm_up_safely(analyse_fn: str, settings: Settings) -> None:
    """Warm up, remembering a failure instead of raising (read back with ``warm_status``)."""
    try:
        _warm[analyse_fn] = warm_up(analyse_fn, settings)
    except Exception as exc:  # reported to the client as a clear error, see runner
        _warm[analyse_fn] = f"{type(exc).__name__}: {one_line(exc)}"


def warm_status(analyse_fn: str) -> float | str | None:
    return _warm.get(analyse_fn)
