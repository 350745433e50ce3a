"""Benchmark the job API: cache-hit latency, cold quote latency and worker throughput.

Runs against a stack on this machine started with `make up` (same environment variables),
and scales its workers with `deploy/stack.sh workers N`. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=... REDIS_URL=... API_PORT=8100 make up
    API_PORT=8100 .venv/bin/python bench/api_bench.py --api http://127.0.0.1:8100

Results are printed as a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parents[1]

# A medium contract: 2.5 + 1.5 + 1.5 + 0.5 = 6.0 units in total (medium is 2.5 to under 15),
# over three area habitats and one hedgerow type.
MEDIUM_DEMAND = [
    {"habitat": "Grassland - Other neutral grassland", "units": 2.5},
    {"habitat": "Grassland - Modified grassland", "units": 1.5},
    {"habitat": "Heathland and shrub - Mixed scrub", "units": 1.5},
    {"habitat": "Native hedgerow", "units": 0.5},
]
POLL_SECONDS = 0.01
SEQUENTIAL_HITS = 300


def medium_request(tag: str) -> dict[str, object]:
    """Return the medium request; a distinct `tag` gives a distinct cache key, so a cold quote."""
    return {
        "lpa_code": "E60000016",
        "nca_number": 61,
        "demand": MEDIUM_DEMAND,
        "client_name": f"Benchmark {tag}",
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def wait_finished(client: httpx.AsyncClient, job_id: str) -> dict[str, object]:
    while True:
        body = (await client.get(f"/jobs/{job_id}")).json()
        if body["status"] in ("finished", "failed", "canceled"):
            if body["status"] != "finished":
                raise RuntimeError(f"job {job_id} ended {body['status']}: {body.get('error')}")
            return body
        await asyncio.sleep(POLL_SECONDS)


async def cold_quote(client: httpx.AsyncClient, tag: str) -> float:
    """Return seconds from POST to the finished result for a request never seen before."""
    started = time.perf_counter()
    response = await client.post("/jobs", json=medium_request(tag))
    if response.status_code != 202:
        raise RuntimeError(f"expected 202 for a cold request, got {response.status_code}")
    await wait_finished(client, response.json()["job_id"])
    return time.perf_counter() - started


async def bench_cache_hits(api: str, clients: int, requests: int) -> dict[str, float]:
    """Latency of cache hits with `clients` concurrent connections, in milliseconds."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=api, timeout=30, limits=limits) as client:
        body = medium_request(f"hits {uuid.uuid4().hex[:8]}")
        first = await client.post("/jobs", json=body)
        if first.status_code == 202:
            await wait_finished(client, first.json()["job_id"])
        gate = asyncio.Semaphore(clients)
        latencies: list[float] = []

        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.post("/jobs", json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"expected a cache hit (200), got {response.status_code}")

        wall = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        wall = time.perf_counter() - wall
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "requests_per_second": requests / wall,
    }


async def bench_sequential_hits(api: str, requests: int) -> float:
    """Median latency of cache hits from one client, one request at a time, in milliseconds."""
    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        body = medium_request(f"sequential {uuid.uuid4().hex[:8]}")
        first = await client.post("/jobs", json=body)
        if first.status_code == 202:
            await wait_finished(client, first.json()["job_id"])
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            await client.post("/jobs", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies)


async def bench_cold(api: str, runs: int) -> dict[str, float]:
    """End-to-end latency of cold quotes one at a time, in milliseconds."""
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        await cold_quote(client, f"warm-up {uuid.uuid4().hex[:8]}")
        seconds = [await cold_quote(client, f"cold {uuid.uuid4().hex}") for _ in range(runs)]
    millis = [s * 1000 for s in seconds]
    return {"p50_ms": statistics.median(millis), "max_ms": max(millis)}


async def bench_throughput(api: str, jobs: int) -> float:
    """Quotes finished per second when `jobs` distinct cold requests arrive at once."""
    async with httpx.AsyncClient(base_url=api, timeout=120) as client:
        tags = [f"throughput {uuid.uuid4().hex}" for _ in range(jobs)]
        started = time.perf_counter()
        await asyncio.gather(*(cold_quote(client, tag) for tag in tags))
        return jobs / (time.perf_counter() - started)


def scale_workers(count: int) -> None:
    subprocess.run([str(REPO / "deploy" / "stack.sh"), "workers", str(count)], check=True, cwd=REPO)
    # New workers import the package and preload reference data on their first job.
    time.sleep(3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="API base URL (loopback)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients for hits")
    parser.add_argument("--hits", type=int, default=2000, help="cache-hit requests in total")
    parser.add_argument("--cold-runs", type=int, default=20, help="sequential cold quotes")
    parser.add_argument("--jobs", type=int, default=40, help="cold quotes per throughput run")
    args = parser.parse_args()
    if urlparse(args.api).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--api must point at 127.0.0.1: benchmark only servers you started")

    sequential = asyncio.run(bench_sequential_hits(args.api, SEQUENTIAL_HITS))
    hits = asyncio.run(bench_cache_hits(args.api, args.clients, args.hits))
    scale_workers(1)
    cold = asyncio.run(bench_cold(args.api, args.cold_runs))
    throughput = {}
    for count in (1, 2):
        scale_workers(count)
        throughput[count] = asyncio.run(bench_throughput(args.api, args.jobs))
    scale_workers(2)

    rows = [
        (f"cache hit p50, 1 client, {SEQUENTIAL_HITS} requests", f"{sequential:.1f} ms"),
        (
            f"cache hit p50, {args.clients} clients, {args.hits} requests",
            f"{hits['p50_ms']:.1f} ms",
        ),
        ("cache hit p99", f"{hits['p99_ms']:.1f} ms"),
        ("cache hit max", f"{hits['max_ms']:.1f} ms"),
        ("cache hits per second", f"{hits['requests_per_second']:.0f}"),
        (f"cold medium quote p50, {args.cold_runs} runs, 1 worker", f"{cold['p50_ms']:.0f} ms"),
        ("cold medium quote max", f"{cold['max_ms']:.0f} ms"),
    ]
    for count, rate in throughput.items():
        rows.append((f"throughput, {count} worker(s), {args.jobs} cold quotes", f"{rate:.1f}/s"))
    sys.stdout.write("| measure | value |\n|---|---|\n")
    for measure, value in rows:
        sys.stdout.write(f"| {measure} | {value} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
