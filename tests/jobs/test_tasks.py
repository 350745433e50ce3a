"""The quote job run by a real worker: progress stages, cache write, structured failures."""

from __future__ import annotations

import json
import subprocess

import httpx
from redis import Redis
from rq import Queue, Retry
from rq.job import Job

from bng_optimiser.jobs import cache
from tests.api.samples import quote_body
from tests.api.stack import BIN, JOB_TIMEOUT_SECONDS, REPO, Workers, wait_for_job


def test_job_reports_stages_and_fills_cache(
    client: httpx.Client, workers: Workers, redis: Redis
) -> None:
    workers.start(1)
    job_id = client.post("/jobs", json=quote_body("Stages Ltd")).json()["job_id"]
    done = wait_for_job(client, job_id, {"finished", "failed"})
    assert done["status"] == "finished"

    job = Job.fetch(job_id, connection=redis)
    # The last stage reported before the result is saved.
    assert job.meta["progress"] == {"stage": "saving", "percent": 90}
    value = job.return_value()
    assert value is not None
    stored = cache.get_cached(redis, value["cache_hash"])
    assert stored is not None
    assert json.loads(stored) == {"reference": done["reference"], "result": done["result"]}
    assert job_id == cache.job_id_for(value["cache_hash"])
    # The entry expires after Settings.cache_ttl_seconds, 12 h = 43,200 s.
    assert 43_000 < redis.ttl(cache.cache_key(value["cache_hash"])) <= 43_200


def test_invalid_request_fails_without_retry(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    # Sent straight to the queue, past the API's checks, as a stale client might.
    canonical = {
        "request": {
            "lpa_code": "E60000016",
            "nca_number": 61,
            "demand": [{"habitat": "Not a habitat", "units": 1.0}],
        },
        "client_name": None,
    }
    Queue(queue_name, connection=redis).enqueue(
        "bng_optimiser.jobs.tasks.run_quote", canonical, job_id="quote-invalid", retry=Retry(max=1)
    )
    workers.start(1)
    failed = wait_for_job(client, "quote-invalid", {"failed", "finished"})
    assert failed["status"] == "failed"
    error = failed["error"]
    assert isinstance(error, dict)
    assert error["code"] == "invalid_input"
    assert "Not a habitat" in error["message"]
    assert failed["retries_left"] == 0


def test_burst_worker_exits_when_queue_empty(
    client: httpx.Client, stack_env: dict[str, str], redis: Redis
) -> None:
    job_id = client.post("/jobs", json=quote_body("Burst Ltd")).json()["job_id"]
    finished = subprocess.run(
        [str(BIN / "bng-optimiser"), "worker", "--burst", "--name", "test-burst"],
        env=stack_env,
        cwd=REPO,
        capture_output=True,
        timeout=JOB_TIMEOUT_SECONDS,
    )
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    assert client.get(f"/jobs/{job_id}").json()["status"] == "finished"
