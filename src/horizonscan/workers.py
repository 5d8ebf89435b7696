"""Analysis on every core, in worker processes with hard limits (docs/workers.md).

``Pool.run(fn, args)`` calls ``fn(arg, ask)`` for every argument and yields the
results **in argument order**, whatever order the workers finish in, so output and
store writes are the same with one worker or many. The parent keeps every store
write; workers only read and analyse (the analysis is a pure function, DESIGN §2).

A worker is a process forked from a clean fork server that loaded spaCy, the language
detector and the topic pack once (``horizonscan.warm``; safe from threaded parents such as
the web server); it serves tasks until it is stopped. Pools of other functions start
their workers with ``spawn``. Each task runs under three hard limits that the
parent enforces from outside, so they hold whatever the task does (a C loop that
never returns to the interpreter, a thread, a decompression bomb):

- **time**: a task still running after ``Limits.seconds`` has its worker killed;
- **memory**: the worker's resident memory is read every ``WATCH_S``; above
  ``Limits.memory_mb`` it is killed. Inside the worker, ``RLIMIT_AS`` is set to its
  address space after loading plus the same amount, so even an allocation faster
  than the watchdog fails with ``MemoryError`` there;
- **output**: a pickled message larger than ``Limits.output_mb`` is not sent; the
  task fails instead.

A task whose worker hit a limit (or died) is tried once more on a fresh worker
(``retries``): a busy machine can make an ordinary text miss a time limit once; a
second failure is final and the task's result is a ``Done`` with the reason.

``workers=1`` without ``isolate`` runs every task in this process, as before pools
existed (no limits but the analyser's own time limit): it is what the library
functions default to, and what ``--workers 1`` selects.

``ask`` lets a task put a question to the parent in the middle of its work (ingest
sends the documents it read and asks which ones are new, so a stored document is not
analysed again).
"""

from __future__ import annotations

import collections
import os
import pickle
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

WATCH_S = 0.2  # how often the parent reads its workers' resident memory
START_S = 180.0  # loading the models on a busy machine; a worker not ready by then is killed

Ask = Callable[[Any], Any]


@dataclass(frozen=True)
class Limits:
    seconds: float = 150.0
    memory_mb: int = 1536
    output_mb: int = 256

    @classmethod
    def from_settings(cls, settings: Any) -> "Limits":
        return cls(settings.worker_timeout, settings.worker_memory_mb, settings.worker_output_mb)


@dataclass
class Done:
    """One task's outcome: ``value`` when it ran to the end, else ``error`` ("E22x ...")."""

    index: int
    value: Any = None
    error: str | None = None
    answers: list[Any] = field(default_factory=list)  # what the task sent with ``ask`` (last try)


# ------------------------------------------------------------------ the worker process
def _vm_size() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cap_address_space(memory_mb: int) -> None:
    """Let the address space grow by at most ``memory_mb`` beyond what the loaded models use."""
    try:
        import resource
    except ImportError:  # not on POSIX: the parent's watchdog still holds
        return
    size = _vm_size()
    if size is None:
        return
    cap = size + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _send(conn: Any, message: Any, output_mb: int) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > output_mb * 1024 * 1024:
        data = pickle.dumps(("limit", f"E224 the worker's output exceeded the limit of {output_mb} MB "
                                      "(HORIZONSCAN_WORKER_OUTPUT_MB)"))
    conn.send_bytes(data)


def _die_with_parent() -> None:
    """Have the kernel kill this worker when its parent dies (Linux): the parent enforces the
    limits, so a worker must not go on reading a bomb after a ``kill -9`` of the server. (A
    fork-server worker's parent is the fork server, which exits when the server does.)"""
    try:
        import ctypes
        import signal

        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the request
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _worker_main(conn: Any, warm: Callable[[], None] | None, memory_mb: int, output_mb: int) -> None:
    """Serve tasks until told to stop (or the parent goes away)."""
    _die_with_parent()
    if warm is not None:
        try:
            warm()
        except Exception as exc:  # reported with the first task; the parent shows why
            conn.send_bytes(pickle.dumps(("broken", f"{type(exc).__name__}: {exc}"[:300])))
            return
    _cap_address_space(memory_mb)
    conn.send_bytes(pickle.dumps(("ready", None)))
    while True:
        try:
            message = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        _, fn, arg = message

        def ask(question: Any) -> Any:
            _send(conn, ("ask", question), output_mb)
            reply = pickle.loads(conn.recv_bytes())
            if reply[0] == "abort":  # the question itself was over the output limit
                raise SystemExit(0)
            return reply[1]

        try:
            result: Any = ("ok", fn(arg, ask))
        except MemoryError:
            # the address-space cap: report it and exit, as a half-failed allocation may leave
            # a library in a bad state; the parent starts a fresh worker
            result = ("limit", f"E223 the worker exceeded the memory limit of {memory_mb} MB "
                               "(HORIZONSCAN_WORKER_MEMORY_MB)")
            _send(conn, result, output_mb)
            return
        except Exception as exc:
            result = ("error", f"E299 internal error: {type(exc).__name__}: {exc}"[:300])
        _send(conn, result, output_mb)


# ------------------------------------------------------------------ the parent side
class _Worker:
    def __init__(self, ctx: Any, warm: Callable[[], None] | None, limits: Limits) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, warm, limits.memory_mb, limits.output_mb),
                                   name="horizonscan-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.task: tuple[int, Any, int] | None = None  # (index, arg, tries)
        self.deadline = 0.0
        self.answers: list[Any] = []

    def rss_mb(self) -> float | None:
        try:
            with open(f"/proc/{self.process.pid}/statm", encoding="ascii") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """Up to ``workers`` processes, started when there is work for them."""

    def __init__(self, workers: int, limits: Limits | None = None, *, isolate: bool = False,
                 warm: Callable[[], None] | None = None, retries: int = 1) -> None:
        self.size = max(1, workers)
        self.limits = limits or Limits()
        self.in_process = self.size == 1 and not isolate
        self.warm = warm
        self.retries = retries
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()  # one run at a time (a web process shares its pool)
        self.last_used = time.monotonic()
        self.peak_rss_mb = 0.0  # the largest resident memory a worker was seen with

    # -------------------------------------------------------------- public
    def run(self, fn: Callable[[Any, Ask], Any], args: Iterable[Any],
            on_ask: Callable[[int, Any], Any] | None = None) -> Iterator[Done]:
        """Yield a ``Done`` per argument, in order. ``fn`` must be importable by name (spawn).
        ``on_ask(index, question)`` answers a task's ``ask``."""
        with self._lock:
            try:
                if self.in_process:
                    yield from self._run_here(fn, args, on_ask)
                else:
                    yield from self._run_pooled(fn, args, on_ask)
            finally:
                self.last_used = time.monotonic()

    def prestart(self) -> None:
        """Start one worker now (a server at start-up), so the first task does not wait for the
        models to load; it waits, unassigned, for the first run."""
        if not self.in_process and not self._workers:
            with self._lock:
                self._workers.append(_Worker(self._context(), self._child_warm, self.limits))

    def close(self) -> None:
        """Stop the workers (they are started again by the next run)."""
        for w in self._workers:
            if w.task is None and w.ready:
                try:
                    w.conn.send_bytes(pickle.dumps(("stop",)))
                    w.process.join(2)
                except OSError:
                    pass
            w.kill()
        self._workers = []

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -------------------------------------------------------------- one process
    @staticmethod
    def _run_here(fn: Callable[[Any, Ask], Any], args: Iterable[Any],
                  on_ask: Callable[[int, Any], Any] | None) -> Iterator[Done]:
        for index, arg in enumerate(args):
            answers: list[Any] = []

            def ask(question: Any, index: int = index, answers: list[Any] = answers) -> Any:
                answers[:] = [question]
                return on_ask(index, question) if on_ask else None

            yield Done(index, fn(arg, ask), answers=answers)

    # -------------------------------------------------------------- many processes
    def _run_pooled(self, fn: Callable[[Any, Ask], Any], args: Iterable[Any],
                    on_ask: Callable[[int, Any], Any] | None) -> Iterator[Done]:
        import multiprocessing
        from multiprocessing.connection import wait

        ctx = self._context()
        source = enumerate(args)
        todo: collections.deque[tuple[int, Any, int]] = collections.deque()  # retries, ahead of new work
        finished: dict[int, Done] = {}
        next_out = 0
        exhausted = False

        def next_item() -> tuple[int, Any, int] | None:
            nonlocal exhausted
            if todo:
                return todo.popleft()
            running = sum(w.task is not None for w in self._workers)
            # at most two tasks per worker ahead of the next result due: a slow task early on
            # does not make the finished ones after it pile up
            if exhausted or len(finished) + running >= 2 * self.size:
                return None
            try:
                index, arg = next(source)
            except StopIteration:
                exhausted = True
                return None
            return (index, arg, 0)

        try:
            while True:
                for w in self._workers:  # a worker still loading gets its task when it is ready
                    if w.task is None:
                        item = next_item()
                        if item is None:
                            break
                        self._assign(w, fn, item)
                while len(self._workers) < self.size:  # workers start only when there is work for them
                    item = next_item()
                    if item is None:
                        break
                    w = _Worker(ctx, self._child_warm, self.limits)
                    self._workers.append(w)
                    self._assign(w, fn, item)
                while next_out in finished:
                    yield finished.pop(next_out)
                    next_out += 1
                busy = [w for w in self._workers if w.task is not None]
                if not busy:
                    if exhausted and not todo and not finished:
                        return
                    continue
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=WATCH_S)
                now = time.monotonic()
                for w in busy:
                    failure: str | None = None
                    if w.conn in ready:
                        try:
                            kind, payload = pickle.loads(w.conn.recv_bytes())
                        except (EOFError, OSError):
                            kind, payload = "died", None
                        if kind == "ready":
                            w.ready = True
                            if w.task is not None:
                                self._send_task(w, fn)
                            continue
                        if kind == "broken":
                            raise RuntimeError(f"E210 the analysis worker could not start: {payload}")
                        if kind == "ask":
                            assert w.task is not None
                            w.answers = [payload]
                            answer = on_ask(w.task[0], payload) if on_ask else None
                            w.conn.send_bytes(pickle.dumps(("answer", answer), protocol=pickle.HIGHEST_PROTOCOL))
                            continue
                        if kind in ("ok", "error"):
                            assert w.task is not None
                            index = w.task[0]
                            finished[index] = Done(index, payload if kind == "ok" else None,
                                                   payload if kind == "error" else None, answers=w.answers)
                            w.task, w.answers = None, []
                            continue
                        failure = payload if kind == "limit" else self._death(w)
                    elif w.process.sentinel in ready or not w.process.is_alive():
                        failure = self._death(w)
                    elif not w.ready:
                        if now - w.started > START_S:
                            raise RuntimeError(f"E210 the analysis worker did not start within {START_S:g} s")
                        continue
                    elif now > w.deadline:
                        failure = (f"E222 the worker exceeded the time limit of {self.limits.seconds:g} s "
                                   "(HORIZONSCAN_WORKER_TIMEOUT)")
                    else:
                        rss = w.rss_mb()
                        if rss is not None:
                            self.peak_rss_mb = max(self.peak_rss_mb, rss)
                            if rss > self.limits.memory_mb:
                                failure = (f"E223 the worker exceeded the memory limit of {self.limits.memory_mb} MB "
                                           "(HORIZONSCAN_WORKER_MEMORY_MB)")
                    if failure is None:
                        continue
                    task, answers = w.task, w.answers
                    w.kill()
                    self._workers.remove(w)
                    if task is None:
                        continue
                    if not w.ready:
                        raise RuntimeError(f"E210 the analysis worker stopped while starting: {failure}")
                    index, arg, tries = task
                    if tries < self.retries:
                        todo.appendleft((index, arg, tries + 1))
                    else:
                        suffix = f" (tried {tries + 1} times)" if tries else ""
                        finished[index] = Done(index, error=failure + suffix, answers=answers)
        finally:
            # an abandoned run (an exception, or the caller stopped reading) leaves no task behind
            for w in list(self._workers):
                if w.task is not None:
                    w.kill()
                    self._workers.remove(w)

    def _context(self) -> Any:
        """Workers of an analyser pool fork from a server process that loaded the models once
        (``forkserver`` with ``horizonscan.warm`` preloaded): a new worker is ready at once and
        shares the models' memory pages until it writes them. The server is started clean by
        multiprocessing, so a threaded parent (the web server) never forks itself."""
        import multiprocessing

        if self.warm is warm_analyser and "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["horizonscan.warm"])
            self._child_warm = None
            return ctx
        self._child_warm = self.warm
        return multiprocessing.get_context("spawn")

    def _assign(self, w: _Worker, fn: Callable[[Any, Ask], Any], item: tuple[int, Any, int]) -> None:
        w.task, w.answers = item, []
        if w.ready:
            self._send_task(w, fn)

    def _send_task(self, w: _Worker, fn: Callable[[Any, Ask], Any]) -> None:
        assert w.task is not None
        w.deadline = time.monotonic() + self.limits.seconds
        w.conn.send_bytes(pickle.dumps(("task", fn, w.task[1]), protocol=pickle.HIGHEST_PROTOCOL))

    @staticmethod
    def _death(w: _Worker) -> str:
        w.process.join(1)
        code = w.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"E225 the worker process died while working on this input ({how})"


# ------------------------------------------------------------------ warming up
def warm_analyser() -> None:
    """Load what every analysis needs (spaCy, language detector, readers, topic pack)."""
    from .analysis.pipeline import analyse
    from .ingest.language import detect_language

    detect_language("China and Kazakhstan signed an agreement in Astana.")
    analyse("China and Kazakhstan signed an agreement in Astana on 3 May 2019.", published="2019-05-04", language="en")
