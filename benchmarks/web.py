"""Web workspace under load: 16 concurrent clients for 30 s against ``horizonscan serve``.

Builds (or reuses) a synthetic store with the query benchmark's generator
(benchmarks/query.py: Zipf-like actors, five years of dates, GeoNames places), adds
a reader with access to the ``default`` collection, starts ``horizonscan serve`` on a
free 127.0.0.1 port and drives it with concurrent keep-alive clients that cycle through
the pages and API reads a user makes. Reports p50/p95/p99 per page and the error rate.

    python benchmarks/web.py                                   # 100k documents, 1M events, 16 clients, 30 s
    python benchmarks/web.py --docs 10000 --events 100000 --seconds 10
    python benchmarks/web.py --keep /tmp/web-bench.db          # reuse a built store

Goal (issue 7): p95 ≤ 300 ms per page, no errors. The requests run as a reader, so every
read carries the collection scope (the costlier path; admins read unscoped).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark-password"


def _query_bench() -> Any:
    spec = importlib.util.spec_from_file_location("query_bench", ROOT / "benchmarks" / "query.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(path: Path, docs: int, events: int) -> str:
    from horizonscan.accounts import AccountError, Accounts
    from horizonscan.store import open_store

    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"building {docs:,} documents / {events:,} events …", flush=True)
        print(f"built in {_query_bench().build(url, docs, events):.0f} s", flush=True)
    store = open_store(url)
    accounts = Accounts(store.engine)
    try:
        accounts.add_user("bench", PASSWORD, "reader")
    except AccountError:
        pass  # reused store
    accounts.grant("default", "bench", "read")
    token = accounts.new_token("bench", "benchmark")
    store.close()
    return token


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pages(base: str, token: str) -> list[tuple[str, str]]:
    """(name, path) of the pages and reads to cycle through, with real ids from the store."""
    h = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=h, timeout=60) as c:
        ev = c.get("/api/v1/events", params={"limit": 1, "sort": "-date"}).json()["items"][0]
        actor = c.get("/api/v1/actors", params={"top": 1}).json()["items"][0]["id"]
    year = (ev["date_start"] or "2021")[:4]
    return [
        ("dashboard", "/"),
        ("search page", "/search?q=china+aid"),
        ("search api", "/api/v1/search?q=agreement"),
        ("events page", f"/events?type=AID&date_from={year}"),
        ("events api", "/api/v1/events?source_country=CHN&limit=50"),
        ("timeline api", "/api/v1/timeline?granularity=month&source_country=CHN"),
        ("map api", "/api/v1/places?top=500&type=PROTEST"),
        ("network api", f"/api/v1/network?top=100&date_from={year}"),
        ("document", f"/documents/{ev['document_id']}"),
        ("actor page", f"/actors/{actor}"),
    ]


async def client(base: str, token: str, plan: list[tuple[str, str]], offset: int, until: float,
                 results: dict[str, list[float]], errors: dict[str, int]) -> None:
    async with httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=60) as c:
        i = offset
        while time.perf_counter() < until:
            name, path = plan[i % len(plan)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = await c.get(path)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            results.setdefault(name, []).append(time.perf_counter() - t0)
            if not ok:
                errors[name] = errors.get(name, 0) + 1


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server and its worker processes."""
    import psutil

    procs = [psutil.Process(pid)]
    procs += procs[0].children(recursive=True)
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                    help="uvicorn worker processes (default: one per core, at most 4, as docs/web.md recommends)")
    ap.add_argument("--keep", type=Path, help="SQLite store to build into (reused when it exists)")
    args = ap.parse_args()

    path = args.keep or Path(tempfile.mkdtemp(prefix="hs-web-bench-")) / "web.db"
    token = prepare(path, args.docs, args.events)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HORIZONSCAN_DB": f"sqlite:///{path}"}
    server = subprocess.Popen([sys.executable, "-m", "horizonscan", "serve", "--port", str(port), "--workers", str(args.workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("server did not start: " + (server.stderr.read().decode()[-2000:] if server.stderr else ""))
            time.sleep(0.2)
        plan = pages(base, token)
        results: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        until = time.perf_counter() + args.seconds

        async def run() -> None:
            await asyncio.gather(*(client(base, token, plan, i, until, results, errors) for i in range(args.clients)))

        cpu0, client0, load0 = _server_cpu(server.pid), time.process_time(), os.getloadavg()[0]
        t0 = time.perf_counter()
        asyncio.run(run())
        elapsed = time.perf_counter() - t0
        server_cpu, client_cpu = _server_cpu(server.pid) - cpu0, time.process_time() - client0
    finally:
        server.terminate()
        server.wait(10)

    total = sum(len(v) for v in results.values())
    failed = sum(errors.values())
    print(f"\n{args.clients} clients, {args.workers} worker(s), {elapsed:.0f} s, {total} requests ({total / elapsed:.1f}/s), "
          f"errors {failed} ({100 * failed / max(1, total):.2f} %); store {path}")
    print(f"CPU per request: server {1000 * server_cpu / max(1, total):.1f} ms, load generator {1000 * client_cpu / max(1, total):.1f} ms; "
          f"load average {load0:.1f} before the run, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)")
    print("| page | requests | p50 ms | p95 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|")
    for name, _ in plan:
        v = results.get(name, [])
        if v:
            print(f"| {name} | {len(v)} | {statistics.median(v) * 1000:.0f} | {pct(v, 95):.0f} | {pct(v, 99):.0f} | {errors.get(name, 0)} |")


if __name__ == "__main__":
    main()
