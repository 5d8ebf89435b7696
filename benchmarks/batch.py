"""Batch analysis throughput: Dask (2 workers × 1 thread) against a plain process pool (2 processes).

Both sides run the same task function (``horizonscan.batch.tasks.process_chunk``:
read a few files, detect their language, analyse them) on the same chunks of
generated English news-like texts, grouped as ``analyse-batch`` groups them
(``runner.plan_chunks``, ``--chunk`` inputs per task; ``--chunk 1`` gives one
input per task), with models loaded beforehand in every process (the warm-up is
timed separately). The chunks are processed in short blocks, alternating which
side goes first, so other programs on the machine slow both alike; CPU seconds
(workers plus this process) are counted too, as a measure that noise affects
less. The goal is a ratio Dask/pool ≥ 0.9 in documents/s.

``--end-to-end`` also times ``run_batch`` on the same cluster: analysis plus
Parquet partitions plus loading into a fresh SQLite store.

    python benchmarks/batch.py                      # 240 texts of ~300 words, 8 per task, 2 rounds
    python benchmarks/batch.py --docs 60 --rounds 1 --analyse-fn horizonscan.batch.testing:light_analyse
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ACTORS = [
    "China", "Beijing", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "the Chinese embassy",
    "the Kyrgyz government", "the Asian Development Bank", "the World Bank", "China Railway Group",
    "local residents", "farmers", "the health ministry", "the United Nations", "Red Crescent volunteers",
]
VERBS = [
    "signed an agreement with", "sent medical aid to", "protested against", "met officials from",
    "criticised", "promised a loan to", "delivered food to", "accused", "held talks with", "praised",
]
PLACES = ["Bishkek", "Almaty", "Osh", "Dushanbe", "Tashkent", "Astana", "Khorgos", "Naryn", "Zhanaozen"]
FILLER = (
    "the project would include a road a railway and a power line across the border region according to "
    "people familiar with the plans while critics said the terms of the loan remained unclear and "
    "the contract had not been published in full by the ministry or the company"
).split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def make_texts(folder: Path, n: int, words: int = 300, seed: int = 7) -> list[Path]:
    rnd = random.Random(seed)
    paths = []
    for i in range(n):
        paras: list[str] = []
        count = 0
        while count < words:
            a, b = rnd.sample(ACTORS, 2)
            date = f"{rnd.randint(1, 28)} {rnd.choice(MONTHS)} {rnd.randint(2015, 2023)}"
            lead = f"On {date}, {a} {rnd.choice(VERBS)} {b} in {rnd.choice(PLACES)}, officials said."
            tail = " ".join(rnd.choice(FILLER) for _ in range(rnd.randint(25, 45)))
            para = f"{lead} Item {i}-{len(paras)}: {tail.capitalize()}."
            paras.append(para)
            count += len(para.split())
        path = folder / f"news{i:04d}.txt"
        path.write_text(f"Regional report {i}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _ready(seconds: float) -> int:
    import os

    time.sleep(seconds)
    return os.getpid()


def _check(results: list[Any], n: int) -> None:
    flat = [r for chunk in results for r in chunk]
    assert len(flat) == n and all(getattr(r, "documents", None) for r in flat), flat


def run_pool(pool: ProcessPoolExecutor, chunks: list[Any], settings: Any, fn: str) -> float:
    """Seconds for the pool to process ``chunks`` (one task per chunk)."""
    from horizonscan.batch.tasks import process_chunk

    n = len(chunks)
    t = time.perf_counter()
    results = list(pool.map(process_chunk, chunks, [settings] * n, [fn] * n, chunksize=1))
    elapsed = time.perf_counter() - t
    _check(results, sum(map(len, chunks)))
    return elapsed


def run_dask(client: Any, chunks: list[Any], settings: Any, fn: str) -> float:
    """Seconds for the cluster to process ``chunks`` (same task function, one task per chunk)."""
    from horizonscan.batch.tasks import process_chunk

    n = len(chunks)
    t = time.perf_counter()
    futures = client.map(
        process_chunk, chunks, [settings] * n, [fn] * n, key=[f"bench-{uuid.uuid4().hex}" for _ in range(n)],
        pure=False,
    )
    results = client.gather(futures)
    elapsed = time.perf_counter() - t
    _check(results, sum(map(len, chunks)))
    return elapsed


def cpu_seconds(pids: list[int]) -> tuple[float, float]:
    """User + system CPU seconds used so far by these worker processes, and by this one
    (client and scheduler, or the pool's manager)."""
    import psutil

    def used(pid: int) -> float:
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system

    return sum(used(pid) for pid in pids), used(os.getpid())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=240)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--block", type=int, default=48, help="inputs per interleaved block (rounded to whole chunks)")
    ap.add_argument("--chunk", type=int, default=None, help="most inputs per task (default as analyse-batch)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--analyse-fn", default="horizonscan.ingest.run:analyse_document")
    ap.add_argument("--saturation", type=float, default=1.0, help="distributed.scheduler.worker-saturation")
    ap.add_argument("--end-to-end", action="store_true", help="also time run_batch (Parquet + SQLite loading)")
    args = ap.parse_args()

    from distributed import Client

    from horizonscan.batch.cluster import local_cluster
    from horizonscan.batch.plugin import WarmUp
    from horizonscan.batch.runner import DEFAULT_CHUNK, fingerprint, plan_chunks
    from horizonscan.batch.tasks import warm_status, warm_up_safely
    from horizonscan.ingest.sources import expand
    from horizonscan.settings import Settings

    settings = Settings()
    fn = args.analyse_fn
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "texts"
        folder.mkdir()
        make_texts(folder, args.docs, args.words)
        items = list(expand([str(folder)]))
        fps = [fingerprint(i) for i in items]
        total_words = sum(len(p.read_text().split()) for p in folder.iterdir())
        chunk = args.chunk or DEFAULT_CHUNK
        chunks = plan_chunks(list(zip(items, fps)), args.workers, chunk)
        print(
            f"{len(items)} texts, {total_words / len(items):.0f} words each on average; analyser {fn}; "
            f"{len(chunks)} tasks of up to {max(map(len, chunks))} inputs"
        )

        t = time.perf_counter()
        pool = ProcessPoolExecutor(
            args.workers, mp_context=get_context("spawn"), initializer=warm_up_safely, initargs=(fn, settings)
        )
        pids = set(pool.map(_ready, [2.0] * args.workers * 2))  # every process started and warmed
        pool_warm = time.perf_counter() - t
        t = time.perf_counter()
        cluster = local_cluster(args.workers, retries=2, saturation=args.saturation)
        client = Client(cluster, set_as_default=False)
        client.register_plugin(WarmUp(fn, settings), name="bench-warm-up")
        warm = client.run(warm_status, fn)
        assert all(isinstance(v, float) for v in warm.values()), warm
        dask_warm = time.perf_counter() - t
        print(f"warm-up: pool {pool_warm:.1f} s ({len(pids)} processes), Dask {dask_warm:.1f} s (cluster start + models)")

        # Other programs on the machine come and go: compare in short interleaved
        # blocks, alternating which side goes first, and also count CPU seconds.
        pool_pids = sorted(pids)
        dask_pids = sorted(client.run(os.getpid).values())
        block = max(1, round(args.block / max(map(len, chunks))))  # in chunks
        wall = {"pool": 0.0, "dask": 0.0}
        cpu = {"pool": 0.0, "dask": 0.0}
        here = {"pool": 0.0, "dask": 0.0}  # of which in this process
        docs = 0
        for r in range(args.rounds):
            for b, start in enumerate(range(0, len(chunks), block)):
                part = chunks[start:start + block]
                order = ("pool", "dask") if (b + r) % 2 == 0 else ("dask", "pool")
                for side in order:
                    w0, h0 = cpu_seconds(pool_pids if side == "pool" else dask_pids)
                    if side == "pool":
                        wall[side] += run_pool(pool, part, settings, fn)
                    else:
                        wall[side] += run_dask(client, part, settings, fn)
                    w1, h1 = cpu_seconds(pool_pids if side == "pool" else dask_pids)
                    cpu[side] += (w1 - w0) + (h1 - h0)
                    here[side] += h1 - h0
                docs += sum(map(len, part))
            print(f"after round {r + 1}: pool {docs / wall['pool']:.2f} docs/s, Dask {docs / wall['dask']:.2f} docs/s")
        pool_rate, dask_rate = docs / wall["pool"], docs / wall["dask"]
        print(f"process pool ({args.workers} processes): {pool_rate:.2f} docs/s, {docs / cpu['pool']:.2f} docs per CPU-second")
        print(f"Dask ({args.workers} workers x 1 thread): {dask_rate:.2f} docs/s, {docs / cpu['dask']:.2f} docs per CPU-second")
        print(
            f"CPU ms per document: pool {1000 * cpu['pool'] / docs:.0f} (here {1000 * here['pool'] / docs:.0f}), "
            f"Dask {1000 * cpu['dask'] / docs:.0f} (here, client and scheduler {1000 * here['dask'] / docs:.0f})"
        )
        print(f"ratio Dask / pool: {dask_rate / pool_rate:.3f} docs/s (goal >= 0.9), {cpu['pool'] / cpu['dask']:.3f} per CPU-second")
        best_dask = dask_rate

        if args.end_to_end:
            from horizonscan.batch import run_batch
            from horizonscan.store import open_store

            db = f"sqlite:///{Path(tmp) / 'bench.db'}"
            store = open_store(db)
            report = run_batch(
                [str(folder)], store, Settings(db_url=db), scheduler=cluster.scheduler_address, out=Path(tmp) / "out",
                analyse_fn=fn, chunk=chunk,
            )
            store.close()
            rate = report.added / report.seconds
            print(
                f"end to end (analyse-batch: Dask + Parquet + SQLite): {rate:.2f} docs/s, "
                f"{report.partitions} partitions, {report.tasks} tasks; ratio to Dask analysis alone {rate / best_dask:.3f}"
            )
        client.close()
        cluster.close()
        pool.shutdown()


if __name__ == "__main__":
    main()
