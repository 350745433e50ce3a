"""Benchmark the job API: cache-hit latency, cold quote latency and worker throughput.

Runs against a stack on this machine started with `make up` (same environment variables),
and scales its workers with `deploy/stack.sh workers N`. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=... REDIS_URL=... API_PORT=8100 RUN_DIR=run make up
    API_PORT=8100 RUN_DIR=run .venv/bin/python bench/api_bench.py --api http://127.0.0.1:8100 \
        --run-dir run

Cache hits are sent by a minimal HTTP/1.1 keep-alive client on asyncio streams. httpx costs
more CPU per request than the API's cache hit itself, and on a small machine the client and
the server share the cores, so with httpx the benchmark would mostly measure its own client.
With `--run-dir` (the RUN_DIR of `make up`), the API's and the worker's CPU time per request
is read from /proc for their process groups.

Results are printed as a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parents[1]
Measured = TypeVar("Measured")

# A medium contract: 2.5 + 1.5 + 1.5 + 0.5 = 6.0 units in total (medium is 2.5 to under 15),
# over three area habitats and one hedgerow type.
MEDIUM_DEMAND = [
    {"habitat": "Grassland - Other neutral grassland", "units": 2.5},
    {"habitat": "Grassland - Modified grassland", "units": 1.5},
    {"habitat": "Heathland and shrub - Mixed scrub", "units": 1.5},
    {"habitat": "Native hedgerow", "units": 0.5},
]
POLL_SECONDS = 0.01
# Seconds a long-polling client asks GET /jobs/{id}?wait= to wait; far above any medium quote.
WAIT_SECONDS = 30
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


async def wait_finished(
    client: httpx.AsyncClient, job_id: str, long_poll: bool
) -> dict[str, object]:
    """Poll GET /jobs/{id} every POLL_SECONDS, or ask it to wait (`long_poll`), until it ends."""
    params = {"wait": WAIT_SECONDS} if long_poll else {}
    while True:
        body = (await client.get(f"/jobs/{job_id}", params=params)).json()
        if body["status"] in ("finished", "failed", "canceled"):
            if body["status"] != "finished":
                raise RuntimeError(f"job {job_id} ended {body['status']}: {body.get('error')}")
            return body
        if not long_poll:
            await asyncio.sleep(POLL_SECONDS)


async def cold_quote(client: httpx.AsyncClient, tag: str, long_poll: bool) -> float:
    """Return seconds from POST to the finished result for a request never seen before."""
    started = time.perf_counter()
    response = await client.post("/jobs", json=medium_request(tag))
    if response.status_code != 202:
        raise RuntimeError(f"expected 202 for a cold request, got {response.status_code}")
    await wait_finished(client, response.json()["job_id"], long_poll)
    return time.perf_counter() - started


class HitClient:
    """One keep-alive HTTP/1.1 connection that sends the same POST /jobs body again and again."""

    def __init__(self, api: str, body: dict[str, object]) -> None:
        url = urlparse(api)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        payload = json.dumps(body).encode()
        self.request = (
            f"POST /jobs HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload

    async def __aenter__(self) -> HitClient:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()
        await self.writer.wait_closed()

    async def post(self) -> tuple[int, bytes]:
        """Send the request and return the status code and body of the response."""
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "transfer-encoding":
                raise RuntimeError("chunked responses are not expected from POST /jobs")
        return status, await self.reader.readexactly(length)


async def warm_cache(api: str, body: dict[str, object]) -> None:
    """Quote `body` once so that every later identical request is a cache hit."""
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        first = await client.post("/jobs", json=body)
        if first.status_code == 202:
            await wait_finished(client, first.json()["job_id"], long_poll=True)


async def bench_cache_hits(
    api: str, body: dict[str, object], clients: int, requests: int
) -> dict[str, float]:
    """Latency of cache hits on `body` from `clients` connections in a closed loop, in ms."""
    latencies: list[float] = []

    async def one_client(count: int) -> None:
        async with HitClient(api, body) as client:
            for _ in range(count):
                started = time.perf_counter()
                status, _ = await client.post()
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise RuntimeError(f"expected a cache hit (200), got {status}")

    share, extra = divmod(requests, clients)
    wall = time.perf_counter()
    await asyncio.gather(*(one_client(share + (i < extra)) for i in range(clients)))
    wall = time.perf_counter() - wall
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "requests_per_second": requests / wall,
    }


async def bench_cold(api: str, runs: int, long_poll: bool) -> dict[str, float]:
    """End-to-end latency of cold quotes one at a time, in milliseconds."""
    async with httpx.AsyncClient(base_url=api, timeout=60) as client:
        await cold_quote(client, f"warm-up {uuid.uuid4().hex[:8]}", long_poll)
        seconds = [
            await cold_quote(client, f"cold {uuid.uuid4().hex}", long_poll) for _ in range(runs)
        ]
    millis = [s * 1000 for s in seconds]
    return {"p50_ms": statistics.median(millis), "max_ms": max(millis)}


async def bench_throughput(api: str, jobs: int) -> float:
    """Quotes finished per second when `jobs` distinct cold requests arrive at once."""
    async with httpx.AsyncClient(base_url=api, timeout=120) as client:
        tags = [f"throughput {uuid.uuid4().hex}" for _ in range(jobs)]
        started = time.perf_counter()
        await asyncio.gather(*(cold_quote(client, tag, long_poll=True) for tag in tags))
        return jobs / (time.perf_counter() - started)


class GroupCpu:
    """CPU seconds (user + system) used so far by the process groups named in pid files."""

    def __init__(self, run_dir: Path | None, names: tuple[str, ...]) -> None:
        self.groups = []
        for name in names:
            pid_file = run_dir / f"{name}.pid" if run_dir else None
            if pid_file is not None and pid_file.exists():
                self.groups.append(int(pid_file.read_text().strip()))

    def seconds(self) -> float | None:
        if not self.groups:
            return None
        ticks = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the command name: state, ppid, pgrp, ..., utime (12th), stime (13th).
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) in self.groups:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


def measure_cpu(
    cpu: GroupCpu, count: int, run: Coroutine[Any, Any, Measured]
) -> tuple[Measured, float | None]:
    """Run the coroutine `run`; return its result and the groups' CPU milliseconds per item."""
    before = cpu.seconds()
    result = asyncio.run(run)
    after = cpu.seconds()
    per_item = None if before is None or after is None else (after - before) * 1000 / count
    return result, per_item


def scale_workers(count: int) -> None:
    subprocess.run([str(REPO / "deploy" / "stack.sh"), "workers", str(count)], check=True, cwd=REPO)
    # New workers import the package and preload reference data on their first job.
    time.sleep(3)


def machine() -> str:
    """Return the core count, CPU model and current load average, for the results' heading."""
    model = platform.processor() or "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            line.split(":", 1)[1].strip() for line in lscpu.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), load average {load}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="API base URL (loopback)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients for hits")
    parser.add_argument("--hits", type=int, default=5000, help="cache-hit requests in total")
    parser.add_argument("--cold-runs", type=int, default=20, help="sequential cold quotes")
    parser.add_argument("--jobs", type=int, default=40, help="cold quotes per throughput run")
    parser.add_argument(
        "--run-dir", type=Path, help="RUN_DIR of `make up`, to read the API's and worker's CPU time"
    )
    args = parser.parse_args()
    if urlparse(args.api).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--api must point at 127.0.0.1: benchmark only servers you started")

    api_cpu = GroupCpu(args.run_dir, ("api",))
    stack_cpu = GroupCpu(args.run_dir, ("api", "worker-1"))
    sys.stderr.write(f"start: {machine()}\n")
    # Quoted before any measurement, so the API has loaded reference data and both bodies hit.
    body = medium_request(f"hits {uuid.uuid4().hex[:8]}")
    asyncio.run(warm_cache(args.api, body))
    sequential, sequential_cpu = measure_cpu(
        api_cpu, SEQUENTIAL_HITS, bench_cache_hits(args.api, body, 1, SEQUENTIAL_HITS)
    )
    hits, hits_cpu = measure_cpu(
        api_cpu, args.hits, bench_cache_hits(args.api, body, args.clients, args.hits)
    )
    sys.stderr.write(f"after cache hits: {machine()}\n")
    scale_workers(1)
    cold_polled = asyncio.run(bench_cold(args.api, args.cold_runs, long_poll=False))
    # One warm-up quote plus the measured runs.
    cold_waited, cold_cpu = measure_cpu(
        stack_cpu, args.cold_runs + 1, bench_cold(args.api, args.cold_runs, long_poll=True)
    )
    sys.stderr.write(f"after cold quotes: {machine()}\n")
    throughput = {}
    for count in (1, 2):
        scale_workers(count)
        throughput[count] = asyncio.run(bench_throughput(args.api, args.jobs))
    scale_workers(2)
    sys.stderr.write(f"end: {machine()}\n")

    rows = [
        (f"cache hit p50, 1 client, {SEQUENTIAL_HITS} requests", f"{sequential['p50_ms']:.2f} ms"),
        (
            f"cache hit p50, {args.clients} clients, {args.hits:,} requests",
            f"{hits['p50_ms']:.1f} ms",
        ),
        (f"cache hit p99, {args.clients} clients", f"{hits['p99_ms']:.1f} ms"),
        (f"cache hit max, {args.clients} clients", f"{hits['max_ms']:.1f} ms"),
        (f"cache hits per second, {args.clients} clients", f"{hits['requests_per_second']:,.0f}"),
    ]
    for label, cpu in (("1 client", sequential_cpu), (f"{args.clients} clients", hits_cpu)):
        if cpu is not None:
            rows.append((f"API CPU per cache hit, {label}", f"{cpu:.2f} ms"))
    rows += [
        (
            f"cold medium quote p50, {args.cold_runs} runs, 1 worker, polled every "
            f"{POLL_SECONDS * 1000:.0f} ms",
            f"{cold_polled['p50_ms']:.0f} ms",
        ),
        ("cold medium quote max, polled", f"{cold_polled['max_ms']:.0f} ms"),
        (
            f"cold medium quote p50, {args.cold_runs} runs, 1 worker, GET ?wait={WAIT_SECONDS}",
            f"{cold_waited['p50_ms']:.0f} ms",
        ),
        ("cold medium quote max, GET ?wait", f"{cold_waited['max_ms']:.0f} ms"),
    ]
    if cold_cpu is not None:
        rows.append(("API + worker CPU per cold quote, GET ?wait", f"{cold_cpu:.0f} ms"))
    for count, rate in throughput.items():
        rows.append(
            (f"throughput, {count} worker(s), {args.jobs} cold quotes at once", f"{rate:.1f}/s")
        )
    sys.stdout.write("| measure | value |\n|---|---|\n")
    for measure, value in rows:
        sys.stdout.write(f"| {measure} | {value} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
